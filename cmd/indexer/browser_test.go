package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browser starts Debian's headless Chromium for a test. Without Chromium the test
// is skipped, unless BUYIN_REQUIRE_BROWSER is set (as .ci/run does), when it fails.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("BUYIN_REQUIRE_BROWSER") != "" {
			t.Fatalf("chromium not found (apt-get install -y chromium): %v", err)
		}
		t.Skip("chromium not installed; .ci/run installs it")
	}
	// A fresh profile, removed by hand: Chromium's helpers may still be writing to it
	// when the test ends, which t.TempDir's strict cleanup reports as a failure.
	profile, err := os.MkdirTemp("", "chromium-profile-*")
	if err != nil {
		t.Fatal(err)
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
		chromedp.WindowSize(1200, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		os.RemoveAll(profile)
	})
	return ctx
}

func TestBrowserSearch(t *testing.T) {
	ctx := browser(t)
	srv := playbookSite.serve(t)

	var firstHit, url, meetingText, nextText string
	var questionHits, otherHits int
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/search/"),
		chromedp.WaitVisible("#page-search", chromedp.ByQuery),
		// A typo, typed key by key as a person would.
		chromedp.SendKeys("#page-search", "custmer upset", chromedp.ByQuery),
		chromedp.WaitVisible(`#page-hits .hit-question`, chromedp.ByQuery),
		chromedp.Text(`#page-hits .hit-question`, &firstHit, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("typing a query: %v", err)
	}
	// The typo is forgiven: the first question is about customers (the ranking
	// itself is TestRelevance's business).
	if lower := strings.ToLower(firstHit); !strings.Contains(lower, "customer") && !strings.Contains(lower, "upset") && !strings.Contains(lower, "make this right") {
		t.Errorf("first question for a typo'd 'customer upset' = %q, want one about an upset customer", firstHit)
	}

	err = chromedp.Run(ctx,
		// Filter to questions with the chip, and see the URL carry it.
		chromedp.Click(`button[data-filter="type:question"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`button[data-filter="type:question"][aria-pressed="true"]`, chromedp.ByQuery),
		chromedp.Location(&url),
		chromedp.Evaluate(`document.querySelectorAll('#page-hits .hit-question').length`, &questionHits),
		chromedp.Evaluate(`document.querySelectorAll('#page-hits .hit:not(.hit-question)').length`, &otherHits),
	)
	if err != nil {
		t.Fatalf("applying a filter: %v", err)
	}
	if !strings.Contains(url, "type=question") || !strings.Contains(url, "q=custmer+upset") {
		t.Errorf("URL %q does not carry the query and filter", url)
	}
	if questionHits == 0 || otherHits != 0 {
		t.Errorf("after type=question: %d question hits, %d others; want only questions", questionHits, otherHits)
	}

	err = chromedp.Run(ctx,
		// Meeting mode from the first result; next moves on; Escape closes.
		chromedp.Click(`#page-hits [data-meeting-hit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.meeting`, chromedp.ByQuery),
		chromedp.Text(`[data-meeting-text]`, &meetingText, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("opening meeting mode: %v", err)
	}
	if meetingText != strings.TrimSpace(firstHit) && !strings.Contains(firstHit, meetingText) {
		t.Errorf("meeting mode shows %q, want the first question %q", meetingText, firstHit)
	}
	if questionHits > 1 {
		err = chromedp.Run(ctx,
			chromedp.Click(`[data-meeting-next]`, chromedp.ByQuery),
			chromedp.Text(`[data-meeting-text]`, &nextText, chromedp.ByQuery),
		)
		if err != nil || nextText == meetingText {
			t.Errorf("next in meeting mode: text %q (was %q), err %v", nextText, meetingText, err)
		}
	}
	err = chromedp.Run(ctx,
		chromedp.KeyEvent(kb.Escape),
		chromedp.WaitNotVisible(`.meeting`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("closing meeting mode: %v", err)
	}
}

func TestBrowserKeyboard(t *testing.T) {
	ctx := browser(t)
	srv := playbookSite.serve(t)
	var active, location string
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#site-search", chromedp.ByQuery),
		// "/" focuses the search box from anywhere on the page.
		chromedp.KeyEvent("/"),
		chromedp.Evaluate(`document.activeElement.id`, &active),
	)
	if err != nil {
		t.Fatal(err)
	}
	if active != "home-search" && active != "site-search" {
		t.Fatalf("after '/', focus is on %q, want a search box", active)
	}
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#"+active, "golden question", chromedp.ByQuery),
		chromedp.WaitVisible("#"+active+"-hits .hit", chromedp.ByQuery),
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.WaitVisible("#"+active+`-hits .hit[aria-selected="true"]`, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitNotPresent("#"+active+"-hits", chromedp.ByQuery),
		chromedp.Location(&location),
	)
	if err != nil {
		t.Fatalf("keyboard navigation: %v", err)
	}
	if location == srv.URL+"/" {
		t.Errorf("Enter on a selected result did not navigate")
	}
}
