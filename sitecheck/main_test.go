package sitecheck_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/buyin/playbook/builder"
	"github.com/buyin/playbook/internal/browsertest"
	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/server"
	"github.com/buyin/playbook/settings"
)

// site is the playbook, built once for all the tests.
var site struct {
	store    *buildstore.Store
	public   string // the built site's directory
	settings settings.Search
}

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sitecheck-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	root, err := filepath.Abs("..")
	if err == nil {
		site.settings, err = settings.Load(filepath.Join(root, "config.toml"))
	}
	if err == nil {
		site.store, err = buildstore.Open(filepath.Join(dir, "store"))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "sitecheck: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := builder.Build(ctx, builder.Config{Root: root, Store: site.store, Synonyms: site.settings.Synonyms, Keep: 1})
	if err != nil {
		fmt.Fprintf(os.Stderr, "sitecheck: building the playbook: %v\n", err)
		return 1
	}
	site.public = res.Build.Public()
	return m.Run()
}

// serve serves the build with the real server, headers and all, on a free port,
// and returns its base URL.
func serve(t *testing.T) string {
	t.Helper()
	s := site.settings
	srv, err := server.New(server.Config{
		Store:         site.store,
		Limits:        server.Limits{MaxQueryBytes: s.MaxQueryBytes, DefaultSize: s.DefaultSize, MaxSize: s.MaxSize},
		SearchTimeout: s.Timeout.Duration,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(5 * time.Second) })
	return "http://" + srv.Addr()
}

// need finds a program a test needs, or skips the test (fails it when
// BUYIN_REQUIRE_BROWSER is set) without it.
func need(t *testing.T, prog, install string) string {
	t.Helper()
	return browsertest.Need(t, prog, install)
}

// missing skips a test for want of a tool, or fails it when the tools are required.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	browsertest.Missing(t, format, args...)
}

// viewport is a window size, in CSS pixels.
type viewport struct {
	name          string
	width, height int64
}

var (
	phone   = viewport{"phone", 390, 844}
	desktop = viewport{"desktop", 1280, 800}
)

// browser starts Debian's headless Chromium for a test, its window the size of v.
func browser(t *testing.T, v viewport) context.Context {
	t.Helper()
	path := need(t, "chromium", "apt-get install -y chromium")
	ctx := browsertest.Start(t, path, int(v.width), int(v.height), 3*time.Minute)
	do(t, ctx, size(v))
	return ctx
}

// size emulates a window of v, as a phone or a desktop.
func size(v viewport) chromedp.Action {
	return chromedp.EmulateViewport(v.width, v.height, func(p *emulation.SetDeviceMetricsOverrideParams, s *emulation.SetTouchEmulationEnabledParams) {
		p.Mobile = v.width < 600
	})
}

// scheme emulates prefers-color-scheme: "light" or "dark".
func scheme(name string) chromedp.Action {
	return emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: name}})
}

// do runs browser actions, failing the test on error.
func do(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates JavaScript in the page and decodes its value into out.
func eval(t *testing.T, ctx context.Context, js string, out any) {
	t.Helper()
	var raw json.RawMessage
	if err := chromedp.Run(ctx, chromedp.Evaluate(js, &raw)); err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("evaluating %s: decoding %s: %v", js, raw, err)
		}
	}
}

// until waits until the JavaScript condition holds, failing the test after a while
// with what was being waited for.
func until(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Run(wctx, chromedp.Poll(cond, nil, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		var state string
		chromedp.Run(ctx, chromedp.Evaluate(`location.href + " | active: " + (document.activeElement && document.activeElement.outerHTML.slice(0, 120))`, &state))
		t.Fatalf("waiting for %s (%s): %v; page: %s", what, cond, err, state)
	}
}

// open loads a page of the site and waits until its script has run.
func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(url), chromedp.WaitReady("body", chromedp.ByQuery))
	until(t, ctx, "the page to load", `document.readyState === "complete"`)
}

// kinds are pages of every kind the site has, by path.
var kinds = []struct{ name, path string }{
	{"home", "/"},
	{"technique", "/techniques/invite-the-lions/"},
	{"situation", "/situations/customer-upset/"},
	{"question", "/questions/ask-make-this-right/"},
	{"checklist", "/checklists/customer-weigh-in/"},
	{"section list", "/checklists/"},
	{"taxonomy", "/techniques/"},
	{"term", "/stages/meeting-resistance/"},
	{"question bank", "/questions/"},
	{"page", "/foundations/why-buy-in-matters/"},
	{"dial-in", "/dial-in/"},
	{"sources", "/sources/"},
	{"cards", "/cards/"},
	{"basket", "/basket/"},
	{"not found", "/no/such/page/"},
	{"search", "/search/"},
	{"search results", "/search/?q=customer+upset"},
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// contains reports whether any of the strings contains sub.
func contains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
