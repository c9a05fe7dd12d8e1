package sitecheck_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// No page breaks the server's Content-Security-Policy, before or after its
// script runs (suggestions, meeting mode, copying, filters, paging), and no
// page logs an error: a failed integrity check or a missing file would.
func TestCSP(t *testing.T) {
	base := serve(t)
	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	policy := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "style-src 'self'"} {
		if !strings.Contains(policy, want) {
			t.Fatalf("the server's Content-Security-Policy %q lacks %s", policy, want)
		}
	}

	ctx := browser(t, desktop)
	var mu sync.Mutex
	var logged []string
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.LevelError {
				logged = append(logged, e.Entry.Text+" "+e.Entry.URL)
			}
		case *runtime.EventExceptionThrown:
			logged = append(logged, e.ExceptionDetails.Error())
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError {
				logged = append(logged, "console.error")
			}
		}
	})
	do(t, ctx, cdplog.Enable(), chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(`window.__csp = [];
			document.addEventListener("securitypolicyviolation", e =>
				window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber));`).Do(ctx)
		return err
	}))
	check := func(state string, allow ...string) {
		t.Helper()
		var violations []string
		eval(t, ctx, `window.__csp`, &violations)
		for _, v := range violations {
			t.Errorf("%s: Content-Security-Policy violation: %s", state, v)
		}
		mu.Lock()
		defer mu.Unlock()
	next:
		for _, l := range logged {
			for _, a := range allow {
				if strings.Contains(l, a) {
					continue next
				}
			}
			t.Errorf("%s: logged %s", state, l)
		}
		logged = nil
	}
	for _, k := range kinds {
		open(t, ctx, base+k.path)
		var box string
		eval(t, ctx, `(document.querySelector("[data-search-input][role=combobox]") || {}).id || ""`, &box)
		if box != "" {
			do(t, ctx, chromedp.SendKeys("#"+box, "customer upset", chromedp.ByQuery))
			until(t, ctx, "suggestions", `!!document.querySelector("#`+box+`-hits [role=option]")`)
		}
		check(k.name+" "+k.path, "404 (Not Found)")
	}
	open(t, ctx, base+"/questions/ask-make-this-right/")
	do(t, ctx, chromedp.Click("[data-copy]", chromedp.ByQuery), chromedp.Click("#meeting", chromedp.ByQuery))
	until(t, ctx, "meeting mode", `!!document.querySelector("dialog.meeting[open]")`)
	do(t, ctx, chromedp.Click("[data-meeting-copy]", chromedp.ByQuery), chromedp.KeyEvent(kb.Escape))
	check("question page, copied and in meeting mode")
	searchStates(t, ctx, base, func(state string) { check(state) })
	open(t, ctx, base+"/search/?q=customer")
	do(t, ctx, chromedp.Click(`.pager a[rel="next"]`, chromedp.ByQuery))
	until(t, ctx, "the second page", `location.search.includes("from=10")`)
	check("search, second page")
}

// Nothing scrolls sideways on a 320 px screen; at 1280 px the header is one row;
// the page follows the reader's dark scheme.
func TestLayout(t *testing.T) {
	base := serve(t)
	ctx := browser(t, viewport{"narrow", 320, 640})
	for _, k := range kinds {
		open(t, ctx, base+k.path)
		var wide []string
		eval(t, ctx, `(() => {
			const w = document.documentElement.clientWidth;
			if (document.documentElement.scrollWidth <= w) return [];
			return [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w + 1)
				.slice(0, 5).map(e => e.tagName.toLowerCase() + "." + e.className + " right=" + Math.round(e.getBoundingClientRect().right));
		})()`, &wide)
		if len(wide) > 0 {
			t.Errorf("%s at 320 px scrolls sideways: %v", k.path, wide)
		}
	}

	do(t, ctx, size(desktop))
	for _, addr := range []string{"/techniques/invite-the-lions/", "/search/"} {
		open(t, ctx, base+addr)
		var rows int
		eval(t, ctx, `new Set([...document.querySelector(".site-header").children].map(c => {
			const r = c.getBoundingClientRect(); return Math.round((r.top + r.height / 2) / 20);
		})).size`, &rows)
		if rows != 1 {
			t.Errorf("%s at 1280 px: the header has %d rows, want 1", addr, rows)
		}
	}

	do(t, ctx, scheme("dark"))
	open(t, ctx, base+"/")
	var dark bool
	eval(t, ctx, `(() => {
		const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
		return r + g + b < 150;
	})()`, &dark)
	if !dark {
		t.Errorf("with prefers-color-scheme: dark the page is not dark")
	}
}

// With BUYIN_SHOTS=DIR, screenshots of the pages people use in a meeting (the
// search page with its answer, a situation, a technique, no results, meeting
// mode with the longest question, the home page) on phones, a landscape phone,
// laptops, light and dark, to look at.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("BUYIN_SHOTS")
	if dir == "" {
		t.Skip("BUYIN_SHOTS not set")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	base := serve(t)
	pages := []struct{ name, path string }{
		{"search", "/search/?q=customer+upset"},
		{"situation", "/situations/customer-upset/"},
		{"technique", "/techniques/invite-the-lions/"},
		{"none", "/search/?q=qqqqzzzz+xxxxwww"},
		{"meeting", "/questions/" + longestQuestion(t) + "/#meeting"},
		{"home", "/"},
		{"menu", "/techniques/invite-the-lions/"},
	}
	for _, v := range []viewport{phone, {"320x568", 320, 568}, {"844x390", 844, 390}, {"1024x600", 1024, 600}, desktop} {
		ctx := browser(t, v)
		for _, name := range []string{"light", "dark"} {
			do(t, ctx, scheme(name))
			for _, p := range pages {
				var png []byte
				open(t, ctx, base+p.path)
				switch p.name {
				case "meeting":
					until(t, ctx, "meeting mode", `!!document.querySelector("dialog.meeting[open]")`)
				case "menu":
					eval(t, ctx, `(document.querySelector(".menu") || {}).open = true`, nil)
				}
				do(t, ctx, chromedp.CaptureScreenshot(&png))
				file := fmt.Sprintf("%s-%dx%d-%s.png", p.name, v.width, v.height, name)
				if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
