// Package browsertest starts Debian's headless Chromium for tests, the same way
// for every package that drives a browser (printtest, sitecheck).
package browsertest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Start runs the Chromium at path for the test, with a window of width by
// height and a fresh profile, and returns a context for chromedp actions that
// ends with the test or after timeout. DOM events that chromedp does not model
// (a modal dialog's top layer) are not reported as the page's errors.
func Start(tb testing.TB, path string, width, height int, timeout time.Duration) context.Context {
	tb.Helper()
	// A fresh profile, removed by hand: Chromium's helpers may still be writing to it
	// when the test ends, which t.TempDir's strict cleanup reports as a failure.
	profile, err := os.MkdirTemp("", "chromium-profile-*")
	if err != nil {
		tb.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithErrorf(func(format string, args ...any) {
		if !strings.HasPrefix(format, "unhandled") {
			tb.Logf("chromedp: "+format, args...)
		}
	}))
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	tb.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		os.RemoveAll(profile)
	})
	return ctx
}
