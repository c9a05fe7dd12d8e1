// Package browsertest starts Debian's headless Chromium for tests, the same way
// for every package that drives a browser (printtest, sitecheck).
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Need returns the path of a program the browser tests need. Without it the
// test is skipped, or fails when BUYIN_REQUIRE_BROWSER is set (as in CI), with
// install saying how to get it.
func Need(tb testing.TB, prog, install string) string {
	tb.Helper()
	path, err := exec.LookPath(prog)
	if err != nil {
		Missing(tb, "%s not found (%s): %v", prog, install, err)
	}
	return path
}

// Missing skips a test for want of a tool, or fails it when the tools are
// required (BUYIN_REQUIRE_BROWSER).
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("BUYIN_REQUIRE_BROWSER") != "" {
		tb.Fatalf(format, args...)
	}
	tb.Skipf(format, args...)
}

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
