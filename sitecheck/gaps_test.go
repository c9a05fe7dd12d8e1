package sitecheck_test

import (
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/buyin/playbook/internal/gaps"
	"github.com/buyin/playbook/server"
)

// TestSettledSearchesReported types on the search page in a real browser with
// the gap report on: the prefixes fetched while typing are not counted; a
// query left alone for two seconds is, once, however it ends (Enter, a click
// on a result); Enter straight after typing counts; a page loaded with q is
// counted by the server and not again by the script.
func TestSettledSearchesReported(t *testing.T) {
	s := site.settings
	path := filepath.Join(t.TempDir(), "gaps.json")
	rec := gaps.Open(gaps.Options{Path: path, Interval: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv, err := server.New(server.Config{
		Store:         site.store,
		Limits:        server.Limits{MaxQueryBytes: s.MaxQueryBytes, DefaultSize: s.DefaultSize, MaxSize: s.MaxSize},
		SearchTimeout: s.Timeout.Duration,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		Gaps:          rec,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close(5 * time.Second)
	base := "http://" + srv.Addr()
	ctx := browser(t, desktop)

	open(t, ctx, base+"/search/")
	// Typed, then left alone: reported after two seconds; Enter afterwards
	// is the same search and is not reported again.
	do(t, ctx, chromedp.SendKeys("#page-search", "zebra invoices", chromedp.ByQuery))
	until(t, ctx, "results as you type", `/zebra invoices/.test((document.querySelector(".result-count") || {}).textContent)`)
	time.Sleep(2500 * time.Millisecond)
	do(t, ctx, chromedp.SendKeys("#page-search", kb.Enter, chromedp.ByQuery))
	// Typed and submitted at once: reported on Enter.
	eval(t, ctx, `document.querySelector("#page-search").value = ""`, nil)
	do(t, ctx, chromedp.SendKeys("#page-search", "quokka ledger"+kb.Enter, chromedp.ByQuery))
	until(t, ctx, "the submitted results", `/quokka ledger/.test((document.querySelector(".result-count") || {}).textContent)`)
	// Loaded with q: the server counts it; a click on a result is the same search.
	open(t, ctx, base+"/search/?q=walrus+tariff+meeting")
	do(t, ctx, chromedp.Click(".hits a", chromedp.ByQuery))
	var where string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if chromedp.Run(ctx, chromedp.Evaluate(`location.pathname`, &where)) == nil && where != "/search/" {
			break
		}
	}
	if where == "/search/" {
		t.Fatal("the click on a result did not leave the search page")
	}
	time.Sleep(300 * time.Millisecond) // the keepalive report, if the script wrongly sent one

	srv.Close(5 * time.Second)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	es, err := gaps.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatal("nothing was counted")
	}
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range es {
		got[e.Query] = e.Count
	}
	if want := map[string]int{"zebra invoices": 1, "quokka ledger": 1, "walrus tariff meeting": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("counted %v, want %v", got, want)
	}
}
