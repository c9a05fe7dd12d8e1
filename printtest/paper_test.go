package printtest

import (
	"context"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/buyin/playbook/printsheet"
	"github.com/buyin/playbook/site"
)

// printLinkRE finds a list of questions and the link above it that prints them
// (layouts/_partials/question-list.html).
var printLinkRE = regexp.MustCompile(`(?s)<p class="print-link[^"]*"><a href="([^"]*)">([^<]*)</a></p>\s*<ol class="question-list">(.*?)</ol>`)

// listItemRE finds the questions of a list: each item's id is the question's.
var listItemRE = regexp.MustCompile(`<li id="([^"]+)">`)

// printWordsRE is what a print link must say: "this question" for one, "these N
// questions" for more.
var printWordsRE = regexp.MustCompile(`^Print (?:this question as a cut-out card|these (\d+) questions as cut-out cards)$`)

// within runs browser actions with a deadline, so that an element that never comes
// fails the test at once rather than at the end of the browser's time.
func within(t *testing.T, ctx context.Context, actions ...chromedp.Action) error {
	t.Helper()
	// Start the browser on the test's own context first: a browser started under
	// the deadline would end with it.
	if err := chromedp.Run(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return chromedp.Run(ctx, actions...)
}

// TestPrintLinksNameTheirQuestions checks every "Print ... as cut-out cards" link
// on every page: it prints exactly the questions listed under it, in their order
// (a basket address), or the card sheet whose cards are exactly those questions,
// and says how many in good English.
func TestPrintLinksNameTheirQuestions(t *testing.T) {
	var pages, links int
	err := filepath.WalkDir(public, func(file string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(file) != ".html" {
			return err
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(public, file)
		found := printLinkRE.FindAllSubmatch(b, -1)
		if len(found) > 0 {
			pages++
		}
		for _, m := range found {
			links++
			href, words := html.UnescapeString(string(m[1])), html.UnescapeString(string(m[2]))
			var listed []string
			for _, li := range listItemRE.FindAllSubmatch(m[3], -1) {
				listed = append(listed, string(li[1]))
			}
			want := strings.Join(listed, ",")
			var printed []string
			if u, err := url.Parse(href); err == nil && u.Path == "/basket/" {
				printed = strings.Split(u.Query().Get("ids"), ",")
			} else if strings.HasPrefix(href, "/cards/") {
				sheet, err := os.ReadFile(filepath.Join(public, filepath.FromSlash(href), "index.html"))
				if err != nil {
					t.Errorf("%s: the print link %s leads nowhere: %v", rel, href, err)
					continue
				}
				if printed, err = printsheet.IDs(sheet); err != nil {
					t.Errorf("%s: reading the sheet %s: %v", rel, href, err)
					continue
				}
			} else {
				t.Errorf("%s: the print link %s is neither a basket nor a card sheet", rel, href)
				continue
			}
			if got := strings.Join(printed, ","); got != want {
				t.Errorf("%s: %q prints %d questions (%s), want the %d listed (%s)", rel, words, len(printed), href, len(listed), want)
			}
			m := printWordsRE.FindStringSubmatch(words)
			switch {
			case m == nil:
				t.Errorf("%s: the print link says %q, want %q or %q", rel, words, "Print this question as a cut-out card", "Print these N questions as cut-out cards")
			case len(listed) == 1 && m[1] != "":
				t.Errorf("%s: the print link for one question says %q", rel, words)
			case len(listed) > 1 && m[1] != strconv.Itoa(len(listed)):
				t.Errorf("%s: the print link says %q for %d questions", rel, words, len(listed))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if links < 100 {
		t.Errorf("found %d print links on %d pages, want the situations' and techniques' (100 or more)", links, pages)
	}
	t.Logf("%d print links on %d pages", links, pages)
}

// TestSituationPrintLinksOnPaper follows, in the browser, the print link under "Ask
// these first" on a situation page and one under a single question, and prints
// what it leads to: exactly the questions named, on one sheet.
func TestSituationPrintLinksOnPaper(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	byID := map[string]question{}
	var all []question
	for _, qs := range questions(t) {
		for _, q := range qs {
			byID[q.ID] = q
			all = append(all, q)
		}
	}
	var upset struct {
		AskFirst []string `toml:"ask_first"`
	}
	frontMatter(t, filepath.Join(root, "content", "situations", "customer-upset.md"), &upset)
	var first []question
	for _, id := range upset.AskFirst {
		first = append(first, byID[id])
	}
	// A list of one question on the same page.
	var single question
	b, err := os.ReadFile(filepath.Join(public, "situations", "customer-upset", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range printLinkRE.FindAllSubmatch(b, -1) {
		if ids := listItemRE.FindAllSubmatch(m[3], -1); len(ids) == 1 {
			single = byID[string(ids[0][1])]
		}
	}
	for _, tc := range []struct {
		name, link string
		want       []question
	}{
		{"ask first", `.ask-first .print-link a`, first},
		{"one question", `.print-link a[href$="ids=` + single.ID + `"]`, []question{single}},
	} {
		if len(tc.want) == 0 || tc.want[0].ID == "" {
			t.Errorf("%s: no such list on /situations/customer-upset/", tc.name)
			continue
		}
		var href string
		err := within(t, ctx,
			chromedp.Navigate(srv.URL+"/situations/customer-upset/"),
			chromedp.Click(tc.link, chromedp.ByQuery),
			chromedp.WaitVisible(`.cut-card`, chromedp.ByQuery),
			chromedp.Location(&href),
		)
		if err != nil {
			t.Fatalf("%s: following the print link: %v", tc.name, err)
		}
		for _, p := range papers {
			t.Run(tc.name+"/"+p.name, func(t *testing.T) {
				doc := printPage(t, ctx, href, p)
				if doc.pages != 1 {
					t.Errorf("%d cards print on %d sheets, want 1", len(tc.want), doc.pages)
				}
				checkQuestions(t, href, doc.text(t, 0, 0), tc.want, all)
				if tc.name == "ask first" {
					doc.keep(t, "situation-ask-first-"+p.name, 1)
				}
			})
		}
	}
}

// TestAddressOnPaper checks that paper leads back to the live page: with no
// site_address set, the full address the page was loaded from, host and all,
// at the foot of a checklist, of a technique, of a basket list, and on each card.
func TestAddressOnPaper(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	ack := questions(t)["acknowledge"]
	for _, tc := range []struct {
		name, path string
		want       []string
	}{
		{"checklist", "/checklists/dial-in-meeting-sheet/", []string{srv.URL + "/checklists/dial-in-meeting-sheet/"}},
		{"technique", "/techniques/acknowledge/", []string{srv.URL + "/techniques/acknowledge/"}},
		{"cards", "/cards/techniques/acknowledge/", []string{srv.URL + "/questions/" + ack[0].ID + "/", srv.URL + "/questions/" + ack[5].ID + "/"}},
		{"basket list", "/basket/?ids=" + ack[0].ID + "," + ack[1].ID + "&as=list", []string{srv.URL + "/basket/?ids=" + ack[0].ID + "," + ack[1].ID + "&as=list"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := printPage(t, ctx, srv.URL+tc.path, a4)
			got := squash(doc.text(t, 0, 0))
			for _, s := range tc.want {
				if !strings.Contains(got, squash(s)) {
					t.Errorf("the full address %s is not on the paper", s)
				}
			}
		})
	}
}

// TestSiteAddress builds a copy of the site with site_address set in its
// config.toml and checks that paper carries that address, not the one the page
// was loaded from, even without JavaScript.
func TestSiteAddress(t *testing.T) {
	const addr = "https://playbook.intranet.example"
	src := filepath.Join(t.TempDir(), "src")
	for _, d := range []string{"archetypes", "assets", "content", "data", "layouts", "static"} {
		if err := os.CopyFS(filepath.Join(src, d), os.DirFS(filepath.Join(root, d))); err != nil {
			t.Fatal(err)
		}
	}
	config, err := os.ReadFile(filepath.Join(root, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	set := regexp.MustCompile(`(?m)^(\s*site_address\s*=\s*)"[^"]*"`)
	if !set.Match(config) {
		t.Fatal(`config.toml has no site_address = "..." line under [params]`)
	}
	config = set.ReplaceAll(config, []byte(`${1}"`+addr+`/"`))
	if err := os.WriteFile(filepath.Join(src, "config.toml"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "public")
	if err := site.Build(context.Background(), src, dir); err != nil {
		t.Fatal(err)
	}
	ack := questions(t)["acknowledge"]
	for _, tc := range []struct{ file, want string }{
		{"checklists/dial-in-meeting-sheet/index.html", `data-address>` + addr + `/checklists/dial-in-meeting-sheet/<`},
		{"techniques/acknowledge/index.html", `data-address>` + addr + `/techniques/acknowledge/<`},
		{"booklet/index.html", `data-address>` + addr + `/checklists/dial-in-meeting-sheet/<`},
		{"cards/techniques/acknowledge/index.html", `data-address>` + addr + `/questions/` + ack[0].ID + `/<`},
		{"cards/all/index.html", `data-site-address="` + addr + `/"`},
	} {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(tc.file)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), tc.want) {
			t.Errorf("%s lacks %s", tc.file, tc.want)
		}
	}
	// On paper, served from another address.
	ctx := browser(t)
	srv := serveDir(t, dir)
	doc := printPage(t, ctx, srv.URL+"/checklists/dial-in-meeting-sheet/", a4)
	got := squash(doc.text(t, 0, 0))
	if want := squash(addr + "/checklists/dial-in-meeting-sheet/"); !strings.Contains(got, want) {
		t.Errorf("the checklist's paper lacks %s", addr+"/checklists/dial-in-meeting-sheet/")
	}
	if strings.Contains(got, squash(srv.URL)) {
		t.Errorf("the checklist's paper names %s, the address it was loaded from, with site_address set", srv.URL)
	}
	doc = printPage(t, ctx, srv.URL+"/basket/?ids="+ack[0].ID+"&as=list", a4)
	if want := squash(addr + "/basket/?ids=" + ack[0].ID + "&as=list"); !strings.Contains(squash(doc.text(t, 0, 0)), want) {
		t.Errorf("the basket list's paper lacks %s", addr+"/basket/?ids="+ack[0].ID+"&as=list")
	}
}

// TestTechniqueOnPaper prints every technique (method card) page: no navigation
// (the lists of checklists and situations, the Dial-In steps), every question of
// the technique whole on one sheet, and the page's full address and a date at the
// foot of the last sheet.
func TestTechniqueOnPaper(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	byTechnique := questions(t)
	cardRE := regexp.MustCompile(`<li class="card"><a href="[^"]*">([^<]*)</a><p>([^<]*)</p>`)
	for _, technique := range sortedKeys(byTechnique) {
		path := "/techniques/" + technique + "/"
		b, err := os.ReadFile(filepath.Join(public, "techniques", technique, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		// The navigation cards (title and summary): checklists and situations filed
		// under it. Their titles alone may be named in the text.
		var nav []string
		for _, m := range cardRE.FindAllSubmatch(b, -1) {
			nav = append(nav, html.UnescapeString(string(m[1])+string(m[2])))
		}
		if len(nav) == 0 {
			t.Fatalf("%s: found no navigation cards in the page; has page-list.html changed?", path)
		}
		for _, p := range papers {
			if p != a4 && technique != "acknowledge" {
				continue
			}
			t.Run(technique+"/"+p.name, func(t *testing.T) {
				doc := printPage(t, ctx, srv.URL+path, p)
				all := squash(doc.text(t, 0, 0))
				for _, title := range nav {
					if strings.Contains(all, squash(title)) {
						t.Errorf("the navigation card %q is on the paper", title)
					}
				}
				for _, s := range []string{"Dial-In model: step", "Draws on:"} {
					if strings.Contains(all, squash(s)) {
						t.Errorf("%q is on the paper", s)
					}
				}
				sheets := make([]string, doc.pages+1)
				for n := 1; n <= doc.pages; n++ {
					sheets[n] = squash(doc.text(t, n, n))
				}
				for _, q := range byTechnique[technique] {
					whole := squash(q.Text + q.Why)
					var on []int
					for n := 1; n <= doc.pages; n++ {
						if strings.Contains(sheets[n], whole) {
							on = append(on, n)
						}
					}
					if len(on) != 1 {
						t.Errorf("question %s (with why) is whole on sheets %v, want one (split across a page break, or missing)", q.ID, on)
					}
				}
				last := doc.text(t, doc.pages, doc.pages)
				if !strings.Contains(squash(last), squash(srv.URL+path)) {
					t.Errorf("the full address %s is not at the foot", srv.URL+path)
				}
				if !dateRE.MatchString(last) {
					t.Errorf("no date (YYYY-MM-DD) at the foot")
				}
				if technique == "acknowledge" {
					t.Logf("%s prints on %d %s sheets", path, doc.pages, p.name)
					doc.keep(t, "technique-"+p.name, doc.pages)
				}
			})
		}
	}
}

// TestCardLabels checks that a printed card calls the "why" what the question's
// page calls it.
func TestCardLabels(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	q := questions(t)["acknowledge"][0]
	b, err := os.ReadFile(filepath.Join(public, "questions", q.ID, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<dt>([^<]+)</dt><dd>` + regexp.QuoteMeta(html.EscapeString(q.Why))).FindSubmatch(b)
	if m == nil {
		t.Fatalf("the page of %s does not label its why", q.ID)
	}
	label := html.UnescapeString(string(m[1]))
	for _, p := range papers {
		t.Run(p.name, func(t *testing.T) {
			doc := printPage(t, ctx, srv.URL+"/cards/techniques/acknowledge/", p)
			got := squash(doc.text(t, 1, 1))
			if want := squash(label + ": " + q.Why); !strings.Contains(got, want) {
				t.Errorf("the card of %s does not say %q before its why, as its page does", q.ID, label+":")
			}
			if strings.Contains(got, squash("When to use it:")) {
				t.Errorf("a card labels the why %q, its page %q", "When to use it:", label)
			}
		})
	}
}

// TestChecklistTicksKept ticks boxes on a checklist, reloads, and prints: the
// ticks are kept, printed ticked, shared with the booklet, and cleared by "Clear
// the ticks". Without JavaScript that button is not shown.
func TestChecklistTicksKept(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	const slug = "dial-in-meeting-sheet"
	var c checklist
	for _, x := range checklists(t) {
		if x.Slug == slug {
			c = x
		}
	}
	path := srv.URL + "/checklists/" + slug + "/"
	ticked := []string{c.Groups[0].Items[0], c.Groups[1].Items[1]}
	var checked []string
	var kept bool
	err := within(t, ctx,
		chromedp.ActionFunc(watchCSP),
		chromedp.Navigate(path),
		chromedp.Evaluate(`localStorage.clear()`, nil),
		chromedp.Reload(),
		chromedp.Click(`#item-1-1`, chromedp.ByQuery),
		chromedp.Click(`label[for="item-2-2"]`, chromedp.ByQuery),
		chromedp.Reload(),
		chromedp.WaitReady(`.checklist .ticks`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('.ticks input:checked')).map(function (b) { return b.id; })`, &checked),
		chromedp.Evaluate(`(function () { var b = document.querySelector('[data-ticks-clear]'); return !!b && b.offsetWidth > 0; })()`, &kept),
	)
	if err != nil {
		t.Fatalf("ticking %s: %v", path, err)
	}
	if got, want := strings.Join(checked, ","), "item-1-1,item-2-2"; got != want {
		t.Errorf("after a reload, ticked boxes = %q, want %q", got, want)
	}
	if !kept {
		t.Errorf("the way to clear the ticks is not shown")
	}
	keep(t, ctx, "screen-checklist-ticked")

	printed := func(t *testing.T, url string, want []string) {
		t.Helper()
		for _, p := range papers {
			doc := printPage(t, ctx, url, p)
			text := doc.text(t, 0, 0)
			if got := strings.Count(text, "✓"); got != len(want) {
				t.Errorf("%s on %s: %d ticks on the paper, want %d", url, p.name, got, len(want))
			}
			got := squash(text)
			for _, item := range want {
				if !strings.Contains(got, "✓"+squash(item)) {
					t.Errorf("%s on %s: %q is not ticked on the paper", url, p.name, item)
				}
			}
			if len(want) > 0 && url == path {
				doc.keep(t, "checklist-ticked-"+p.name, 1)
			}
		}
	}
	printed(t, path, ticked)

	// The booklet shows the same ticks.
	var inBooklet []string
	err = within(t, ctx,
		chromedp.Navigate(srv.URL+"/booklet/"),
		chromedp.WaitReady(`.checklist .ticks`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('.ticks input:checked')).map(function (b) { return b.id; })`, &inBooklet),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(inBooklet, ","), slug+"-item-1-1,"+slug+"-item-2-2"; got != want {
		t.Errorf("the booklet ticks %q, want %q", got, want)
	}

	// Clear them: unticked now and after a reload, and on paper.
	err = within(t, ctx,
		chromedp.Navigate(path),
		chromedp.WaitVisible(`[data-ticks-clear]`, chromedp.ByQuery),
		chromedp.Click(`[data-ticks-clear]`, chromedp.ByQuery),
		chromedp.Reload(),
		chromedp.WaitReady(`.checklist .ticks`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('.ticks input:checked')).map(function (b) { return b.id; })`, &checked),
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(checked) != 0 {
		t.Errorf("after Clear the ticks and a reload, ticked boxes = %q, want none", checked)
	}
	printed(t, path, nil)

	var violations string
	if err := within(t, ctx, chromedp.Evaluate(`localStorage.getItem("csp-violations") || ""`, &violations)); err != nil {
		t.Fatal(err)
	}
	if violations != "" && violations != "[]" {
		t.Errorf("the Content-Security-Policy blocked: %s", violations)
	}

	// Without JavaScript, no button that would do nothing.
	var shown int
	err = within(t, ctx,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(path),
		chromedp.WaitReady(`.checklist`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('.checklist button')).filter(function (b) { return b.offsetWidth > 0; }).length`, &shown),
	)
	if err != nil {
		t.Fatal(err)
	}
	if shown != 0 {
		t.Errorf("without JavaScript, %d button(s) show in the checklist, which would do nothing", shown)
	}
}
