package sitecheck_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The situations people type in a meeting, whose best match is a situation page.
var meetingQueries = []string{"customer is upset", "partner not delivering", "they say yes but nothing happens"}

// On a phone, when a situation is the best match, search answers with it: its
// three questions to ask first written out, each with its page and meeting
// mode, and one of them wholly on the first screen. The other results are
// compact: a one-line label and at most two lines of snippet. The same whether
// the server rendered the page or the script fetched the results as typed.
func TestAnswerFirst(t *testing.T) {
	base := serve(t)
	ctx := browser(t, phone)
	check := func(how, q string) {
		t.Helper()
		var got struct {
			Questions, Meeting, Pages int
			OnScreen                  bool
			Tall                      []string
		}
		eval(t, ctx, `(() => {
			const a = document.querySelector(".hits .answer");
			if (!a) return {questions: 0, meeting: 0, pages: 0, onScreen: false, tall: []};
			const qs = [...a.querySelectorAll(".answer-questions > li")];
			const lh = el => parseFloat(getComputedStyle(el).lineHeight) || 20;
			const tall = [];
			document.querySelectorAll(".hits > li:not(.answer)").forEach(li => {
				const m = li.querySelector(".hit-meta"), s = li.querySelector(".snippet");
				if (m && m.getBoundingClientRect().height > lh(m) * 1.5) tall.push("label: " + m.textContent);
				if (s && s.getBoundingClientRect().height > lh(s) * 2.5) tall.push("snippet: " + s.textContent.slice(0, 60));
			});
			return {
				questions: qs.length,
				pages: qs.filter(li => /^\/questions\/[^/]+\/$/.test((li.querySelector("a[href]") || {}).getAttribute("href"))).length,
				meeting: qs.filter(li => !!li.querySelector("[data-meeting-hit]")).length,
				onScreen: qs.some(li => { const r = li.querySelector("a").getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }),
				tall,
			};
		})()`, &got)
		if got.Questions != 3 || got.Pages != 3 || got.Meeting != 3 {
			t.Errorf("%s %q: the answer has %d questions, %d linking their page, %d meeting mode; want 3 of each", how, q, got.Questions, got.Pages, got.Meeting)
		}
		if !got.OnScreen {
			t.Errorf("%s %q: no question to ask is wholly on the first phone screen", how, q)
		}
		for _, s := range got.Tall {
			t.Errorf("%s %q: a result is not compact: %s", how, q, s)
		}
	}
	for _, q := range meetingQueries {
		open(t, ctx, base+"/search/?q="+url.QueryEscape(q))
		check("server-rendered", q)
		open(t, ctx, base+"/search/")
		do(t, ctx, chromedp.SendKeys("#page-search", q, chromedp.ByQuery))
		until(t, ctx, "results as you type", `!!document.querySelector(".result-count") && document.querySelector("[data-search-results]").textContent.includes(`+jsString(strings.Fields(q)[0])+`)`)
		check("typed", q)
	}

	// The API gives a situation hit its questions to ask first.
	res, err := http.Get(base + "/api/search?q=customer+upset")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var api struct {
		Hits []struct {
			Type     string
			AskFirst []struct{ ID, Text, URL string } `json:"ask_first"`
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&api); err != nil {
		t.Fatal(err)
	}
	if len(api.Hits) == 0 || api.Hits[0].Type != "situation" || len(api.Hits[0].AskFirst) != 3 {
		t.Fatalf("API: first hit %+v, want a situation with 3 ask_first questions", api.Hits)
	}
	for _, q := range api.Hits[0].AskFirst {
		if q.ID == "" || q.Text == "" || q.URL != "/questions/"+q.ID+"/" {
			t.Errorf("API: ask_first question %+v, want id, text and its url", q)
		}
	}
}

// Meeting mode follows the situation: on its page it starts with the three to
// ask first, then the others in page order; on a question page reached from
// it, Next is the situation's next question; from the search answer, the same.
func TestSituationMeeting(t *testing.T) {
	base := serve(t)
	ctx := browser(t, desktop)
	open(t, ctx, base+"/situations/customer-upset/")
	var want []string
	eval(t, ctx, `[...document.querySelectorAll(".situation .question-list > li > a:first-child")].map(a => a.textContent.trim())`, &want)
	if len(want) < 4 {
		t.Fatalf("the situation lists %d questions", len(want))
	}
	var has bool
	eval(t, ctx, `!!document.querySelector("[data-meeting-open]")`, &has)
	if !has {
		t.Fatal("the situation page has no meeting mode")
	}
	do(t, ctx, chromedp.Click("[data-meeting-open]", chromedp.ByQuery))
	until(t, ctx, "meeting mode", `!!document.querySelector("dialog.meeting[open]")`)
	text := `document.querySelector("[data-meeting-text]").textContent`
	for i, w := range want {
		var got, pos string
		eval(t, ctx, text, &got)
		eval(t, ctx, `document.querySelector("[data-meeting-pos]").textContent`, &pos)
		if got != w {
			t.Fatalf("meeting mode question %d is %q, want %q (the page's order)", i+1, got, w)
		}
		if i < len(want)-1 {
			do(t, ctx, chromedp.Click("[data-meeting-next]", chromedp.ByQuery))
		}
	}
	do(t, ctx, chromedp.KeyEvent(kb.Escape))

	// The second question to ask first, then its page, then meeting mode: Next is the third.
	do(t, ctx, chromedp.Click(`.ask-first .question-list > li:nth-child(2) > a`, chromedp.ByQuery))
	do(t, ctx, chromedp.WaitReady("[data-question-card]", chromedp.ByQuery)) // polling now would meet the old page going
	until(t, ctx, "the question's page", `!!document.querySelector("[data-question-card]") && document.readyState === "complete"`)
	do(t, ctx, chromedp.Click("[data-meeting-open]", chromedp.ByQuery))
	until(t, ctx, "meeting mode on the question", `!!document.querySelector("dialog.meeting[open]") && `+text+` === `+jsString(want[1]))
	do(t, ctx, chromedp.Click("[data-meeting-next]", chromedp.ByQuery))
	until(t, ctx, "Next to the situation's third question", text+` === `+jsString(want[2]))

	// From the search answer.
	open(t, ctx, base+"/search/?q=customer+is+upset")
	do(t, ctx, chromedp.Click(`.answer .answer-questions > li:nth-child(1) [data-meeting-hit]`, chromedp.ByQuery))
	until(t, ctx, "meeting mode from the answer", `!!document.querySelector("dialog.meeting[open]") && `+text+` === `+jsString(want[0]))
	do(t, ctx, chromedp.Click("[data-meeting-next]", chromedp.ByQuery))
	until(t, ctx, "Next to the situation's second question", text+` === `+jsString(want[1]))
}

// longestQuestion is the id of the question with the longest text.
func longestQuestion(t *testing.T) string {
	t.Helper()
	var listing struct{ Questions []struct{ ID, Text string } }
	b, err := os.ReadFile(filepath.Join(site.public, "questions", "index.json"))
	if err == nil {
		err = json.Unmarshal(b, &listing)
	}
	if err != nil {
		t.Fatal(err)
	}
	best := listing.Questions[0]
	for _, q := range listing.Questions {
		if len(q.Text) > len(best.Text) {
			best = q
		}
	}
	return best.ID
}

// Meeting mode fits the whole of the longest question and its buttons on
// short and narrow screens.
func TestMeetingFits(t *testing.T) {
	base := serve(t)
	id := longestQuestion(t)
	for _, v := range []viewport{{"landscape phone", 844, 390}, {"small laptop", 1024, 600}, {"small phone", 320, 568}} {
		t.Run(v.name, func(t *testing.T) {
			ctx := browser(t, v)
			open(t, ctx, base+"/questions/"+id+"/#meeting")
			until(t, ctx, "meeting mode", `!!document.querySelector("dialog.meeting[open]")`)
			time.Sleep(200 * time.Millisecond) // fonts settle
			var out []string
			eval(t, ctx, `(() => {
				const out = [], H = innerHeight, W = innerWidth;
				const t = document.querySelector("[data-meeting-text]"), r = document.createRange();
				r.selectNodeContents(t);
				const b = r.getBoundingClientRect();
				if (b.top < 0 || b.bottom > H || b.left < 0 || b.right > W) out.push("text at " + [b.left, b.top, b.right, b.bottom].map(Math.round));
				if (t.scrollHeight > t.clientHeight + 1) out.push("text overflows its box");
				for (const s of ["[data-meeting-prev]", "[data-meeting-next]"]) {
					const e = document.querySelector(s).getBoundingClientRect();
					if (e.top < 0 || e.bottom > H || e.left < 0 || e.right > W) out.push(s + " at " + [e.left, e.top, e.right, e.bottom].map(Math.round));
				}
				return out;
			})()`, &out)
			for _, o := range out {
				t.Errorf("%dx%d: %s", v.width, v.height, o)
			}
		})
	}
}

// At 1280 px the header's search box is wide enough for a query and its
// placeholder, and the "/" hint sits inside the box, clear of the placeholder.
func TestHeaderSearchBox(t *testing.T) {
	base := serve(t)
	ctx := browser(t, desktop)
	for _, p := range []struct{ path, box string }{{"/techniques/invite-the-lions/", "#site-search"}, {"/", "#home-search"}} {
		open(t, ctx, base+p.path)
		var got struct {
			Width       float64
			Placeholder bool
			Hint        bool
		}
		eval(t, ctx, `(() => {
			const i = document.querySelector(`+jsString(p.box)+`), s = getComputedStyle(i), r = i.getBoundingClientRect();
			const c = document.createElement("canvas").getContext("2d");
			c.font = s.font;
			const textEnd = r.left + parseFloat(s.borderLeftWidth) + parseFloat(s.paddingLeft) + c.measureText(i.placeholder).width;
			const h = i.parentNode.querySelector(".search-hint").getBoundingClientRect();
			const inner = {left: r.left + parseFloat(s.borderLeftWidth), right: r.right - parseFloat(s.borderRightWidth), top: r.top + parseFloat(s.borderTopWidth), bottom: r.bottom - parseFloat(s.borderBottomWidth)};
			return {
				width: r.width,
				placeholder: textEnd <= Math.min(h.left, r.right - parseFloat(s.borderRightWidth)),
				hint: h.left >= inner.left && h.right <= inner.right && h.top >= inner.top && h.bottom <= inner.bottom,
			};
		})()`, &got)
		if got.Width < 280 {
			t.Errorf("%s: the search box is %.0f px wide at 1280, want 280 or more", p.path, got.Width)
		}
		if !got.Placeholder {
			t.Errorf("%s: the placeholder is cut or runs under the / hint", p.path)
		}
		if !got.Hint {
			t.Errorf("%s: the / hint is not inside the box (it overlaps its border)", p.path)
		}
	}
}

// On a phone the header is one row, with a menu that opens the navigation, and
// the content starts within about 80 px.
func TestPhoneHeader(t *testing.T) {
	base := serve(t)
	for _, v := range []viewport{phone, {"small phone", 320, 568}} {
		t.Run(v.name, func(t *testing.T) {
			ctx := browser(t, v)
			for _, path := range []string{"/techniques/invite-the-lions/", "/", "/search/?q=customer+upset", "/questions/ask-make-this-right/"} {
				open(t, ctx, base+path)
				var got struct {
					Height, Main float64
					Menu         bool
				}
				eval(t, ctx, `(() => {
					const h = document.querySelector(".site-header").getBoundingClientRect();
					const first = [...document.querySelector("main").children].find(e => e.getBoundingClientRect().height > 0);
					return {height: h.height, main: first.getBoundingClientRect().top, menu: !!document.querySelector(".site-header .menu-toggle")};
				})()`, &got)
				if got.Height > 64 || got.Main > 90 {
					t.Errorf("%s at %d px: header %.0f px tall, content starts at %.0f; want one row, content within about 80 px", path, v.width, got.Height, got.Main)
				}
				if !got.Menu {
					t.Errorf("%s at %d px: no menu in the header", path, v.width)
					continue
				}
				do(t, ctx, chromedp.Click(".site-header .menu-toggle", chromedp.ByQuery))
				until(t, ctx, "the menu to open", `[...document.querySelectorAll(".site-nav a")].filter(a => a.getBoundingClientRect().height > 0).length >= 5`)
			}
		})
	}
}

// Search snippets keep the page's structure: a heading and its text, and the
// items of a list, are set apart by a visible separator.
func TestSnippetStructure(t *testing.T) {
	base := serve(t)
	ctx := browser(t, desktop)
	open(t, ctx, base+"/search/?q=customer+upset")
	var got struct {
		Runs []string
		Seps int
	}
	eval(t, ctx, `(() => {
		const runs = [];
		let seps = 0;
		document.querySelectorAll(".hits .snippet").forEach(s => {
			seps += s.querySelectorAll(".sep").length;
			const t = s.textContent;
			for (const h of ["What you hear", "What is probably going on", "What to do first", "What to avoid", "Signs it is working", "Pitfalls"]) {
				const i = t.indexOf(h);
				if (i >= 0 && !/^\s*[·|—–:]/.test(t.slice(i + h.length))) runs.push(h + t.slice(i + h.length, i + h.length + 20));
			}
		});
		return {runs, seps};
	})()`, &got)
	for _, r := range got.Runs {
		t.Errorf("a heading runs into its text: %q", r)
	}
	if got.Seps == 0 {
		t.Errorf("no snippet for customer upset separates its parts")
	}
}

// A technique page has an "On this page" list near its top, with its questions
// one tap away.
func TestTechniqueContents(t *testing.T) {
	base := serve(t)
	ctx := browser(t, phone)
	open(t, ctx, base+"/techniques/invite-the-lions/")
	var got struct {
		Top       float64
		Questions bool
		Broken    []string
	}
	eval(t, ctx, `(() => {
		const n = document.querySelector("nav.toc");
		if (!n) return {top: 1e9, questions: false, broken: []};
		const links = [...n.querySelectorAll("a[href^='#']")];
		return {
			top: n.getBoundingClientRect().top,
			questions: links.some(a => a.getAttribute("href") === "#questions"),
			broken: links.filter(a => !document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)))).map(a => a.getAttribute("href")),
		};
	})()`, &got)
	if got.Top > float64(phone.height) {
		t.Errorf("no list of contents on the first phone screen (at y=%.0f)", got.Top)
	}
	if !got.Questions {
		t.Errorf("the list of contents does not link the questions (#questions)")
	}
	for _, b := range got.Broken {
		t.Errorf("the list of contents links %s, which is not on the page", b)
	}
}

// No dead ends: the search page's title names the query; no results gives
// advice and ways on; a query with no words is answered in plain words; without
// JavaScript no button that needs it shows; "Copied" is announced; the arrow
// keys and Escape move through the search page's own results.
func TestDeadEnds(t *testing.T) {
	base := serve(t)
	ctx := browser(t, desktop)

	open(t, ctx, base+"/search/?q=customer+upset")
	var title string
	eval(t, ctx, `document.title`, &title)
	if want := "customer upset – Search – The Buy-In Playbook"; title != want {
		t.Errorf("search page title %q, want %q", title, want)
	}
	typeQuery(t, ctx, "customer upset angry")
	until(t, ctx, "the title to follow the query", `document.title.startsWith("customer upset angry – Search")`)

	// Arrow keys and Escape on the results.
	do(t, ctx, chromedp.Focus("#page-search", chromedp.ByQuery), chromedp.KeyEvent(kb.ArrowDown))
	until(t, ctx, "ArrowDown to the first result", `document.activeElement === document.querySelector(".hits > li a")`)
	do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	until(t, ctx, "ArrowDown to the next result", `document.activeElement.matches(".hits a") && document.activeElement !== document.querySelector(".hits > li a")`)
	do(t, ctx, chromedp.KeyEvent(kb.ArrowUp))
	until(t, ctx, "ArrowUp back", `document.activeElement === document.querySelector(".hits > li a")`)
	do(t, ctx, chromedp.KeyEvent(kb.Escape))
	until(t, ctx, "Escape back to the box", `document.activeElement.id === "page-search" && document.activeElement.value.includes("angry")`)

	// No results.
	open(t, ctx, base+"/search/?q=qqqqzzzz+xxxxwww")
	var none struct {
		Text       string
		Situations int
	}
	eval(t, ctx, `({text: document.querySelector("[data-search-results]").textContent,
		situations: document.querySelectorAll("[data-search-results] a[href^='/situations/']").length})`, &none)
	if !strings.Contains(none.Text, "Try") || none.Situations < 5 {
		t.Errorf("no results: %d links to situations, text %q; want advice and the situations", none.Situations, strings.Join(strings.Fields(none.Text), " "))
	}

	// A query with no words.
	for _, q := range []string{"??", "+++"} {
		open(t, ctx, base+"/search/?q="+url.QueryEscape(q))
		var msg string
		eval(t, ctx, `document.querySelector("[data-search-results]").textContent.trim()`, &msg)
		for _, dev := range []string{"parameter", "?q=", "bad query", "q has"} {
			if strings.Contains(msg, dev) {
				t.Errorf("q=%s: the page says %q, developer text (%s)", q, msg, dev)
			}
		}
		if !strings.Contains(msg, "words") {
			t.Errorf("q=%s: the page says %q, want what to do in plain words", q, msg)
		}
	}

	// "Copied" is announced.
	open(t, ctx, base+"/questions/ask-make-this-right/")
	do(t, ctx, chromedp.Click("[data-copy]", chromedp.ByQuery))
	until(t, ctx, "Copied announced", `[...document.querySelectorAll("[aria-live], [role=status], [role=alert]")].some(e => e.textContent.includes("Copied"))`)

	// Without JavaScript.
	nojs := browser(t, desktop)
	do(t, nojs, emulation.SetScriptExecutionDisabled(true))
	for _, path := range []string{"/checklists/customer-weigh-in/", "/booklet/", "/cards/situations/customer-upset/", "/questions/ask-make-this-right/", "/situations/customer-upset/", "/techniques/invite-the-lions/"} {
		do(t, nojs, chromedp.Navigate(base+path), chromedp.WaitReady("body", chromedp.ByQuery))
		var shown []string
		eval(t, nojs, `[...document.querySelectorAll("button")].filter(b => b.getClientRects().length > 0 && !b.closest("form")).map(b => b.textContent.trim())`, &shown)
		for _, s := range shown {
			t.Errorf("%s without JavaScript shows the button %q, which does nothing", path, s)
		}
	}
}

// typeQuery puts q in the search page's box as if typed.
func typeQuery(t *testing.T, ctx context.Context, q string) {
	t.Helper()
	eval(t, ctx, `(() => { const i = document.querySelector("#page-search"); i.value = `+jsString(q)+`; i.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`, nil)
}

// contrast is JavaScript for the contrast ratio of an element's text on what
// is behind it.
const contrast = `(el => {
	const rgb = s => s.match(/[\d.]+/g).map(Number);
	const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
		.reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
	let bg = null;
	for (let e = el; e && !bg; e = e.parentElement) {
		const c = rgb(getComputedStyle(e).backgroundColor);
		if (c.length < 4 || c[3] > 0) bg = c;
	}
	bg = bg || [255, 255, 255];
	const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg);
	return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
})`

// In forced colours the active filter and the highlighted suggestion stand out
// from the others; in dark mode the basket's error is readable.
func TestForcedColours(t *testing.T) {
	base := serve(t)
	ctx := browser(t, desktop)
	do(t, ctx, emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "forced-colors", Value: "active"}}))
	// How an element looks: its border width, outline, text colour and the
	// colour behind it (its own, or its nearest ancestor's if it has none).
	look := `(e => {
		const s = getComputedStyle(e);
		let bg = "";
		for (let x = e; x && !bg; x = x.parentElement) { const c = getComputedStyle(x).backgroundColor; if (!/rgba\(.*, 0\)$/.test(c) && c !== "transparent") bg = c; }
		return [s.borderTopWidth, s.outlineStyle, s.outlineWidth, bg, s.color].join(" ");
	})`
	open(t, ctx, base+"/search/?q=customer+upset&type=question")
	var chips []string
	eval(t, ctx, `(() => { const on = document.querySelector(".facets a.chip[aria-current]"), off = document.querySelector(".facets a.chip:not([aria-current])");
		return [`+look+`(on), `+look+`(off)]; })()`, &chips)
	if chips[0] == chips[1] {
		t.Errorf("forced colours: the active filter looks like the others (%s)", chips[0])
	}
	open(t, ctx, base+"/techniques/invite-the-lions/")
	do(t, ctx, chromedp.SendKeys("#site-search", "customer upset", chromedp.ByQuery))
	until(t, ctx, "suggestions", `document.querySelectorAll("#site-search-hits [role=option]").length > 1`)
	do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	var opts []string
	eval(t, ctx, `(() => { const on = document.querySelector("#site-search-hits [aria-selected=true]"), off = document.querySelector("#site-search-hits [aria-selected=false]");
		return [`+look+`(on), `+look+`(off)]; })()`, &opts)
	if opts[0] == opts[1] {
		t.Errorf("forced colours: the highlighted suggestion looks like the others (%s)", opts[0])
	}

	dark := browser(t, desktop)
	do(t, dark, scheme("dark"))
	open(t, dark, base+"/basket/?ids=no-such-question")
	var ratio float64
	eval(t, dark, contrast+`(document.querySelector(".sheet-error, [role=alert]"))`, &ratio)
	if ratio < 4.5 {
		t.Errorf("dark mode: the basket's error has contrast %.2f:1, want 4.5:1 or more", ratio)
	}
}

// A situation, technique or question page does not move as its script adds the
// basket buttons, even when the script arrives after the page is painted (a
// slow phone).
func TestNoShift(t *testing.T) {
	base := serve(t)
	ctx := browser(t, phone)
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			go func() {
				time.Sleep(700 * time.Millisecond)
				fetch.ContinueRequest(e.RequestID).Do(cdp.WithExecutor(ctx, chromedp.FromContext(ctx).Target))
			}()
		}
	})
	do(t, ctx, fetch.Enable().WithPatterns([]*fetch.RequestPattern{{URLPattern: "*/js/*"}}))
	do(t, ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(`window.__cls = 0;
			new PerformanceObserver(l => l.getEntries().forEach(e => { if (!e.hadRecentInput) window.__cls += e.value; }))
				.observe({type: "layout-shift", buffered: true});`).Do(ctx)
		return err
	}))
	for _, path := range []string{"/situations/customer-upset/", "/techniques/invite-the-lions/", "/questions/ask-make-this-right/"} {
		open(t, ctx, base+path)
		time.Sleep(500 * time.Millisecond)
		var cls float64
		eval(t, ctx, `window.__cls`, &cls)
		if cls > 0.001 {
			t.Errorf("%s: cumulative layout shift %.3f, want none", path, cls)
		}
	}
}

// busyServer serves the build behind a handler that answers the search page's
// fragment requests with 503 and Retry-After for as long as busy says, and
// counts them.
func busyServer(t *testing.T, busy func(q string, n int64) bool) (string, *atomic.Int64) {
	t.Helper()
	real := serve(t)
	target, _ := url.Parse(real)
	var n atomic.Int64
	proxy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/search/" && r.URL.Query().Get("fragment") == "1" {
			if busy(r.URL.Query().Get("q"), n.Add(1)) {
				w.Header().Set("Retry-After", "1")
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte(`<p class="search-error" role="alert">the server is busy with other searches; try again in a second <a href="/">Browse the playbook</a> or <a href="">try again</a>.</p>`))
				return
			}
		}
		u := *r.URL
		u.Scheme, u.Host = target.Scheme, target.Host
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, u.String(), nil)
		req.Header = r.Header.Clone()
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		buf := make([]byte, 32<<10)
		for {
			k, err := res.Body.Read(buf)
			w.Write(buf[:k])
			if err != nil {
				break
			}
		}
	})
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// When search answers 503 (busy), the page keeps its results, waits as
// Retry-After says and asks once more; it says nothing unless that fails too,
// and it does not fall back to the offline search, which is for a server that
// cannot be reached.
func TestBusyRetry(t *testing.T) {
	watch := `window.__said = [];
		new MutationObserver(() => { const n = document.querySelector("[data-search-notice]"); if (n && n.textContent.trim()) window.__said.push(n.textContent.trim()); })
			.observe(document, {subtree: true, childList: true, characterData: true});`
	t.Run("once", func(t *testing.T) {
		base, n := busyServer(t, func(q string, n int64) bool { return strings.Contains(q, "angry") && n == 1 })
		ctx := browser(t, desktop)
		do(t, ctx, chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(watch).Do(ctx)
			return err
		}))
		open(t, ctx, base+"/search/?q=customer+upset")
		typeQuery(t, ctx, "customer upset angry")
		until(t, ctx, "results after the retry", `/angry/.test(document.querySelector(".result-count").textContent)`)
		var said []string
		eval(t, ctx, `window.__said`, &said)
		if len(said) > 0 {
			t.Errorf("a 503 that a retry cured was reported: %q", said)
		}
		if got := n.Load(); got != 2 {
			t.Errorf("%d fragment requests, want 2 (one refused, one retry)", got)
		}
	})
	t.Run("twice", func(t *testing.T) {
		base, n := busyServer(t, func(q string, n int64) bool { return strings.Contains(q, "angry") })
		ctx := browser(t, desktop)
		open(t, ctx, base+"/search/?q=customer+upset")
		var before string
		eval(t, ctx, `document.querySelector(".hits").textContent`, &before)
		typeQuery(t, ctx, "customer upset angry")
		until(t, ctx, "the failure to show", `!!document.querySelector(".search-notice .search-error")`)
		var got struct{ Notice, Hits string }
		eval(t, ctx, `({notice: document.querySelector(".search-notice").textContent, hits: document.querySelector(".hits").textContent})`, &got)
		if got.Hits != before {
			t.Errorf("a refused search changed the results shown")
		}
		if strings.Contains(got.Notice, "cannot be reached") || !strings.Contains(got.Notice, "busy") {
			t.Errorf("notice %q, want the server's busy message, not the offline fallback", got.Notice)
		}
		if got := n.Load(); got != 2 {
			t.Errorf("%d fragment requests, want 2 (one refused, one retry)", got)
		}
	})
}
