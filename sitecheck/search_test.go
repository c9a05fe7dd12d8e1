package sitecheck_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// evalAsync evaluates JavaScript that returns a promise and decodes what it
// resolves to into out.
func evalAsync(t *testing.T, ctx context.Context, js string, out any) {
	t.Helper()
	var raw json.RawMessage
	err := chromedp.Run(ctx, chromedp.Evaluate(js, &raw, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("evaluating %s: decoding %s: %v", js, raw, err)
	}
}

const firstHitTop = `document.querySelector(".hits .hit").getBoundingClientRect().top`

// On a phone in a meeting, the first result is on screen without scrolling, whether
// the server rendered it or it came as the query was typed.
func TestResultsAboveTheFold(t *testing.T) {
	base := serve(t)
	for _, v := range []viewport{phone, desktop} {
		t.Run(v.name, func(t *testing.T) {
			ctx := browser(t, v)
			var top float64
			open(t, ctx, base+"/search/?q=customer+upset")
			eval(t, ctx, firstHitTop, &top)
			if top >= float64(v.height) {
				t.Errorf("server-rendered: first result at y=%.0f, below the fold (%d)", top, v.height)
			}
			open(t, ctx, base+"/search/")
			do(t, ctx, chromedp.SendKeys("#page-search", "partner not delivering", chromedp.ByQuery))
			until(t, ctx, "results as you type", `!!document.querySelector(".hits .hit")`)
			eval(t, ctx, firstHitTop, &top)
			if top >= float64(v.height) {
				t.Errorf("typed: first result at y=%.0f, below the fold (%d)", top, v.height)
			}
		})
	}
}

// The script keeps the results the server rendered: nothing is removed and
// nothing moves when it starts.
func TestServerResultsKept(t *testing.T) {
	base := serve(t)
	ctx := browser(t, phone)
	do(t, ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(`window.__removed = 0;
			new MutationObserver(ms => ms.forEach(m => m.removedNodes.forEach(n => {
				if (n.nodeType === 1 && (n.matches(".hits, .hit") || n.querySelector(".hit"))) window.__removed++;
			}))).observe(document, {subtree: true, childList: true});`).Do(ctx)
		return err
	}))
	open(t, ctx, base+"/search/?q=customer+upset")
	var shift float64
	evalAsync(t, ctx, `new Promise(done => {
		let sum = 0;
		new PerformanceObserver(l => l.getEntries().forEach(e => { if (!e.hadRecentInput) sum += e.value; }))
			.observe({type: "layout-shift", buffered: true});
		setTimeout(() => done(sum), 1000);
	})`, &shift)
	var removed int
	eval(t, ctx, `window.__removed`, &removed)
	if removed != 0 {
		t.Errorf("the script removed the server's results (%d removals)", removed)
	}
	if shift > 0.01 {
		t.Errorf("cumulative layout shift %.3f after loading results, want none", shift)
	}
}

// Next and Previous page through the results without loading the page, and the
// address follows, so Back works.
func TestPaging(t *testing.T) {
	base := serve(t)
	ctx := browser(t, desktop)
	open(t, ctx, base+"/search/?q=customer")
	var first, second string
	eval(t, ctx, `document.querySelector(".hits .hit a").textContent`, &first)
	do(t, ctx, chromedp.Click(`.pager a[rel="next"]`, chromedp.ByQuery))
	until(t, ctx, "the second page", `document.querySelector(".hits").getAttribute("start") === "11" && location.search.includes("from=10")`)
	eval(t, ctx, `document.querySelector(".hits .hit a").textContent`, &second)
	if second == first {
		t.Errorf("the second page starts with the first page's first hit, %q", first)
	}
	var loads int
	eval(t, ctx, `performance.getEntriesByType("navigation").length`, &loads)
	if loads != 1 {
		t.Errorf("paging loaded the page again")
	}
	do(t, ctx, chromedp.Click(`.pager a[rel="prev"]`, chromedp.ByQuery))
	until(t, ctx, "the first page again", `document.querySelector(".hits").getAttribute("start") === "1" && !location.search.includes("from=")`)
	do(t, ctx, chromedp.NavigateBack())
	until(t, ctx, "Back to the second page", `document.querySelector(".hits").getAttribute("start") === "11"`)
}

// Escape closes the suggestions and keeps what was typed; on the search page it
// wipes neither the query, the results nor the address.
func TestEscapeKeepsText(t *testing.T) {
	base := serve(t)
	ctx := browser(t, desktop)

	open(t, ctx, base+"/search/?q=customer+upset")
	do(t, ctx, chromedp.Focus("#page-search", chromedp.ByQuery), chromedp.KeyEvent(kb.Escape), chromedp.KeyEvent(kb.Escape))
	var state struct {
		Value string
		Hits  int
		URL   string
	}
	eval(t, ctx, `({value: document.querySelector("#page-search").value, hits: document.querySelectorAll(".hits .hit").length, url: location.search})`, &state)
	if state.Value != "customer upset" || state.Hits == 0 || !strings.Contains(state.URL, "q=customer") {
		t.Errorf("search page after Escape twice: value %q, %d hits, address %q; want all kept", state.Value, state.Hits, state.URL)
	}

	open(t, ctx, base+"/techniques/invite-the-lions/")
	do(t, ctx, chromedp.SendKeys("#site-search", "customer upset", chromedp.ByQuery))
	until(t, ctx, "suggestions", `document.querySelector("#site-search").getAttribute("aria-expanded") === "true" && !!document.querySelector("#site-search-hits [role=option]")`)
	do(t, ctx, chromedp.KeyEvent(kb.Escape))
	until(t, ctx, "suggestions closed", `document.querySelector("#site-search").getAttribute("aria-expanded") === "false" && document.querySelector(".live-results").hidden`)
	do(t, ctx, chromedp.KeyEvent(kb.Escape))
	var value string
	eval(t, ctx, `document.querySelector("#site-search").value`, &value)
	if value != "customer upset" {
		t.Errorf("header box after Escape: %q, want what was typed", value)
	}

	// Arrow down opens the list again; moving focus out of the form closes it.
	do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	until(t, ctx, "suggestions again", `document.querySelector("#site-search").getAttribute("aria-expanded") === "true"`)
	do(t, ctx, chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab))
	until(t, ctx, "suggestions closed when focus leaves the form", `!document.querySelector("form[role=search]").contains(document.activeElement) && document.querySelector(".live-results").hidden`)
}

// A filter clicked (or pressed) keeps the keyboard focus, on the same filter, in
// the results that replace the old ones.
func TestFilterKeepsFocus(t *testing.T) {
	base := serve(t)
	ctx := browser(t, desktop)
	open(t, ctx, base+"/search/?q=customer+upset")
	do(t, ctx,
		chromedp.Click(".facets > summary", chromedp.ByQuery),
		chromedp.Click(`.facets a.chip[href*="type=question"]`, chromedp.ByQuery),
	)
	until(t, ctx, "the filter to apply and keep focus", `location.search.includes("type=question") &&
		document.activeElement.matches(".facets[open] a.chip[aria-current]") &&
		!document.activeElement.getAttribute("href").includes("type=question")`)
	var onlyQuestions bool
	eval(t, ctx, `[...document.querySelectorAll(".hits > li")].every(li => li.classList.contains("hit-question"))`, &onlyQuestions)
	if !onlyQuestions {
		t.Errorf("filtered to questions, but other kinds are listed")
	}
	// Enter on the focused filter switches it off, and focus stays on it.
	do(t, ctx, chromedp.KeyEvent(kb.Enter))
	until(t, ctx, "the filter to switch off and keep focus", `!location.search.includes("type=question") &&
		document.activeElement.matches(".facets[open] a.chip:not([aria-current])") &&
		document.activeElement.getAttribute("href").includes("type=question")`)
}

// Meeting mode shows one question; Tab stays inside it; Escape closes it wherever
// focus is and gives focus back; on a phone its bar is one row.
func TestMeetingMode(t *testing.T) {
	base := serve(t)
	ctx := browser(t, phone)
	open(t, ctx, base+"/search/?q=customer+upset&type=question")
	var first string
	eval(t, ctx, `document.querySelector(".hits > li.hit-question .hit-question").textContent.trim()`, &first)
	do(t, ctx, chromedp.Click(`.hits > li.hit-question [data-meeting-hit]`, chromedp.ByQuery))
	until(t, ctx, "meeting mode", `!!document.querySelector("dialog.meeting[open]")`)

	var shown struct{ Text, Meta string }
	eval(t, ctx, `({text: document.querySelector("[data-meeting-text]").textContent, meta: document.querySelector("[data-meeting-meta]").textContent})`, &shown)
	if shown.Text != first {
		t.Errorf("meeting mode shows %q, want the first question %q", shown.Text, first)
	}
	if shown.Meta == "" || regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`).MatchString(shown.Meta) {
		t.Errorf("meeting mode names the technique %q, want its title", shown.Meta)
	}
	var oneRow bool
	eval(t, ctx, `(() => {
		const bar = document.querySelector(".meeting-bar"), r = bar.getBoundingClientRect();
		const mids = [...bar.children].map(c => { const b = c.getBoundingClientRect(); return b.top + b.height / 2; });
		return Math.max(...mids) - Math.min(...mids) < 6 && r.height < 64 && bar.scrollWidth <= bar.clientWidth + 1;
	})()`, &oneRow)
	if !oneRow {
		t.Errorf("meeting mode's bar wraps on a phone")
	}

	inside := `document.querySelector("dialog.meeting").contains(document.activeElement)`
	for i := 0; i < 8; i++ {
		var in bool
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
		eval(t, ctx, inside, &in)
		if !in {
			t.Fatalf("after %d Tabs focus left meeting mode", i+1)
		}
	}
	for i := 0; i < 8; i++ {
		var in bool
		do(t, ctx, chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(input.ModifierShift)))
		eval(t, ctx, inside, &in)
		if !in {
			t.Fatalf("after %d Shift+Tabs focus left meeting mode", i+1)
		}
	}

	var next string
	do(t, ctx, chromedp.Click("[data-meeting-next]", chromedp.ByQuery))
	eval(t, ctx, `document.querySelector("[data-meeting-text]").textContent`, &next)
	if next == first {
		t.Errorf("Next did not move on from %q", first)
	}
	do(t, ctx, chromedp.KeyEvent(kb.ArrowLeft))
	until(t, ctx, "ArrowLeft back to the first question", `document.querySelector("[data-meeting-text]").textContent === `+jsString(first))

	// Escape with focus nowhere in particular.
	eval(t, ctx, `document.activeElement.blur(), true`, nil)
	do(t, ctx, chromedp.KeyEvent(kb.Escape))
	until(t, ctx, "meeting mode closed, focus back on its link", `!document.querySelector("dialog.meeting[open]") && document.activeElement.matches("[data-meeting-hit]")`)

	// A question's own page opens meeting mode at #meeting.
	open(t, ctx, base+"/questions/ask-make-this-right/#meeting")
	until(t, ctx, "meeting mode on the question's page", `!!document.querySelector("dialog.meeting[open]") &&
		document.querySelector("[data-meeting-text]").textContent === document.querySelector("[data-question-text]").textContent.trim()`)
	do(t, ctx, chromedp.KeyEvent(kb.Escape))
	until(t, ctx, "meeting mode closed", `!document.querySelector("dialog.meeting[open]")`)
}

// reply is how an intercepted request is answered: with a network error, or
// with an HTTP status and an empty body.
type reply struct {
	fail   network.ErrorReason
	status int64
}

// intercept answers the browser's requests whose URL matches one of the patterns
// with what answer returns for the URL; nil lets the request through.
func intercept(t *testing.T, ctx context.Context, answer func(url string) *reply, patterns ...string) {
	t.Helper()
	var ps []*fetch.RequestPattern
	for _, p := range patterns {
		ps = append(ps, &fetch.RequestPattern{URLPattern: p})
	}
	chromedp.ListenTarget(ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		go func() {
			exec := cdp.WithExecutor(ctx, chromedp.FromContext(ctx).Target)
			switch r := answer(e.Request.URL); {
			case r == nil:
				fetch.ContinueRequest(e.RequestID).Do(exec)
			case r.fail != "":
				fetch.FailRequest(e.RequestID, r.fail).Do(exec)
			default:
				fetch.FulfillRequest(e.RequestID, r.status).Do(exec)
			}
		}()
	})
	do(t, ctx, fetch.Enable().WithPatterns(ps))
}

// When the search service cannot be reached, the search box searches the site's
// own listings and says so.
func TestOffline(t *testing.T) {
	base := serve(t)
	ctx := browser(t, desktop)
	intercept(t, ctx, func(string) *reply { return &reply{fail: network.ErrorReasonInternetDisconnected} }, "*fragment=1*", "*/api/search*")

	var listing struct {
		Questions []struct{ ID, Text, URL string }
	}
	b, err := os.ReadFile(filepath.Join(site.public, "questions", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &listing); err != nil {
		t.Fatal(err)
	}
	q := listing.Questions[len(listing.Questions)/2]
	typed := strings.Join(strings.Fields(q.Text)[:min(6, len(strings.Fields(q.Text)))], " ")

	open(t, ctx, base+"/search/")
	do(t, ctx, chromedp.SendKeys("#page-search", typed, chromedp.ByQuery))
	until(t, ctx, "offline results for "+jsString(typed), `!!document.querySelector(".hits .hit") && !!document.querySelector(".search-notice .search-note")`)
	var state struct {
		Note string
		URLs []string
	}
	eval(t, ctx, `({note: document.querySelector(".search-notice").textContent, urls: [...document.querySelectorAll(".hits .hit a")].map(a => a.getAttribute("href"))})`, &state)
	if !contains(state.URLs, "/questions/"+q.ID+"/") {
		t.Errorf("offline search for %q: %v, want %s among them", typed, state.URLs, q.URL)
	}
	if !strings.Contains(state.Note, "cannot be reached") {
		t.Errorf("offline search does not say so: notice %q", state.Note)
	}

	// The header's box too.
	open(t, ctx, base+"/techniques/invite-the-lions/")
	do(t, ctx, chromedp.SendKeys("#site-search", typed, chromedp.ByQuery))
	until(t, ctx, "offline suggestions", `!!document.querySelector("#site-search-hits [role=option]:first-child[data-url*='/questions/`+q.ID+`/']") &&
		document.querySelector(".live-results").textContent.includes("cannot be reached")`)
}

// A failed search says so, with a way on, and keeps the results on screen; Try
// again searches again.
func TestSearchFailure(t *testing.T) {
	base := serve(t)
	ctx := browser(t, desktop)
	var failing atomic.Bool
	failing.Store(true)
	intercept(t, ctx, func(url string) *reply {
		switch {
		case !failing.Load():
			return nil
		case strings.Contains(url, "fragment=1"):
			return &reply{status: 503}
		default:
			return &reply{fail: network.ErrorReasonConnectionRefused} // no listings either
		}
	}, "*fragment=1*", "*/questions/index.json*", "*/pages/index.json*")

	open(t, ctx, base+"/search/?q=customer+upset")
	var before []string
	eval(t, ctx, `[...document.querySelectorAll(".hits .hit a")].map(a => a.href)`, &before)
	do(t, ctx, chromedp.SendKeys("#page-search", " angry", chromedp.ByQuery))
	until(t, ctx, "the failure to show", `!!document.querySelector(".search-notice .search-error")`)
	var after struct {
		Hits   []string
		Notice string
		Browse bool
		Retry  bool
	}
	eval(t, ctx, `({hits: [...document.querySelectorAll(".hits .hit a")].map(a => a.href),
		notice: document.querySelector(".search-notice").textContent,
		browse: !!document.querySelector(".search-notice a[href='/']"),
		retry: !!document.querySelector(".search-notice button")})`, &after)
	if strings.Join(after.Hits, " ") != strings.Join(before, " ") {
		t.Errorf("a failed search changed the results shown")
	}
	if !after.Browse || !after.Retry {
		t.Errorf("failure notice %q: browse link %v, try again %v; want both", after.Notice, after.Browse, after.Retry)
	}
	failing.Store(false)
	do(t, ctx, chromedp.Click(".search-notice button", chromedp.ByQuery))
	until(t, ctx, "Try again to search", `document.querySelector(".search-notice").textContent === "" && /angry/.test(document.querySelector(".result-count").textContent)`)
	var status string
	eval(t, ctx, `document.querySelector("[data-search-status]").textContent`, &status)
	if !regexp.MustCompile(`^\d+ results?$`).MatchString(status) {
		t.Errorf("status line %q, want just the count", status)
	}
}
