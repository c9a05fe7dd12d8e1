package printtest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// dateRE is how the foot of a printed page gives the date its content last changed.
var dateRE = regexp.MustCompile(`\b20\d\d-[01]\d-[0-3]\d\b`)

// chipRE finds the tag chips of a rendered page (layouts/_partials/terms.html).
var chipRE = regexp.MustCompile(`<a class="chip[^"]*" href="[^"]*">([^<]*)</a>`)

// offPaper is screen-only text that must not be printed: the main navigation, the
// search box, buttons and the credits line (the foot repeats the sources).
var offPaper = []string{"Dial-In model Situations Techniques Questions Checklists", "Foundations", "Guides",
	"Skip to content", "Search the playbook", "Print this checklist", "Print every checklist as a booklet",
	"Add to basket", "Draws on:"}

func TestChecklistsPrintOnOneSheet(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	for _, c := range checklists(t) {
		path := "/checklists/" + c.Slug + "/"
		html, err := os.ReadFile(filepath.Join(public, "checklists", c.Slug, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		var chips []string
		for _, m := range chipRE.FindAllStringSubmatch(string(html), -1) {
			chips = append(chips, m[1])
		}
		for _, p := range papers {
			t.Run(c.Slug+"/"+p.name, func(t *testing.T) {
				doc := printPage(t, ctx, srv.URL+path, p)
				if doc.pages != 1 {
					t.Errorf("%s prints on %d %s sheets, want 1: shorten the checklist (at most ~16 items)", path, doc.pages, p.name)
				}
				text := doc.text(t, 0, 0)
				got := squash(text)
				if !strings.Contains(got, squash(c.Title)) {
					t.Errorf("the title %q is not on the paper", c.Title)
				}
				for _, g := range c.Groups {
					if !strings.Contains(got, squash(g.Title)) {
						t.Errorf("the group heading %q is not on the paper", g.Title)
					}
					for _, item := range g.Items {
						if !strings.Contains(got, squash(item)) {
							t.Errorf("the item %q is not on the paper", item)
						}
					}
				}
				if !strings.Contains(got, squash(srv.URL+path)) {
					t.Errorf("the page's full address %s is not on the paper", srv.URL+path)
				}
				if !dateRE.MatchString(text) {
					t.Errorf("no date (YYYY-MM-DD) on the paper")
				}
				if !strings.Contains(got, "Sources:") {
					t.Errorf("no sources on the paper")
				}
				for _, s := range offPaper {
					if strings.Contains(got, squash(s)) {
						t.Errorf("%q is on the paper", s)
					}
				}
				if len(chips) > 1 && strings.Contains(got, squash(strings.Join(chips, ""))) {
					t.Errorf("the tag chips (%s) are on the paper", strings.Join(chips, ", "))
				}
				if c.Slug == "dial-in-meeting-sheet" {
					doc.keep(t, "checklist-"+p.name, 1)
				}
			})
		}
	}
}

func TestBookletPrintsOneChecklistPerSheet(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	all := checklists(t)
	for _, p := range papers {
		t.Run(p.name, func(t *testing.T) {
			doc := printPage(t, ctx, srv.URL+"/booklet/", p)
			if got, want := doc.pages, len(all)+1; got != want {
				t.Errorf("the booklet prints on %d sheets, want %d (contents and %d checklists)", got, want, len(all))
			}
			contents := squash(doc.text(t, 1, 1))
			for _, c := range all {
				var on []int
				for n := 2; n <= doc.pages; n++ {
					got := squash(doc.text(t, n, n))
					if strings.Contains(got, squash(c.Title)) && strings.Contains(got, squash(c.Groups[0].Items[0])) && strings.Contains(got, squash("/checklists/"+c.Slug+"/")) {
						on = append(on, n)
					}
				}
				if len(on) != 1 {
					t.Errorf("checklist %s is on sheets %v, want exactly one", c.Slug, on)
					continue
				}
				if entry := squash(fmt.Sprintf("%s sheet %d", c.Title, on[0])); !strings.Contains(contents, entry) {
					t.Errorf("the contents lack %q", entry)
				}
			}
			// Each sheet is numbered as the contents number it, at its foot.
			sheetRE := regexp.MustCompile(`\bSheet (\d+)\b`)
			for n := 1; n <= doc.pages; n++ {
				var nums []string
				for _, m := range sheetRE.FindAllStringSubmatch(doc.text(t, n, n), -1) {
					nums = append(nums, m[1])
				}
				if got, want := strings.Join(nums, ","), strconv.Itoa(n); got != want {
					t.Errorf("sheet %d is numbered %q, want %q", n, got, want)
				}
			}
			doc.keep(t, "booklet-contents-"+p.name, 1)
			doc.keep(t, "booklet-sheet2-"+p.name, 2)
		})
	}
}

func TestTechniqueCardSheets(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	byTechnique := questions(t)
	var all []question
	for _, k := range sortedKeys(byTechnique) {
		all = append(all, byTechnique[k]...)
	}
	for _, technique := range sortedKeys(byTechnique) {
		want := byTechnique[technique]
		for _, p := range papers {
			t.Run(technique+"/"+p.name, func(t *testing.T) {
				doc := printPage(t, ctx, srv.URL+"/cards/techniques/"+technique+"/", p)
				if got, want := doc.pages, (len(want)+5)/6; got != want {
					t.Errorf("%d cards print on %d sheets, want %d (six to a sheet)", len(byTechnique[technique]), got, want)
				}
				text := doc.text(t, 0, 0)
				checkQuestions(t, technique, text, want, all)
				if strings.Contains(text, "Print the cards") || strings.Contains(text, "Cut along") {
					t.Errorf("the sheet's screen intro is on the paper")
				}
				if technique == "acknowledge" {
					doc.keep(t, "cards-technique-"+p.name, 1)
				}
			})
		}
	}
}

func TestSituationCardSheets(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	bySituation := map[string][]question{}
	var all []question
	byTechnique := questions(t)
	for _, k := range sortedKeys(byTechnique) {
		for _, q := range byTechnique[k] {
			all = append(all, q)
			for _, s := range q.Situations {
				bySituation[s] = append(bySituation[s], q)
			}
		}
	}
	for _, situation := range sortedKeys(bySituation) {
		t.Run(situation, func(t *testing.T) {
			want := bySituation[situation]
			doc := printPage(t, ctx, srv.URL+"/cards/situations/"+situation+"/", a4)
			if got, want := doc.pages, (len(want)+5)/6; got != want {
				t.Errorf("%d cards print on %d sheets, want %d (six to a sheet)", len(bySituation[situation]), got, want)
			}
			checkQuestions(t, situation, doc.text(t, 0, 0), want, all)
			if situation == "customer-upset" {
				doc.keep(t, "cards-situation-A4", 1)
			}
		})
	}
}

// TestCardsFit checks, on the page of every card laid out for paper, that no card's
// text runs past its cut lines (cards clip what overflows) and that the question is
// large enough to read at arm's length.
func TestCardsFit(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	var report struct {
		Cards    int
		Overflow []string
		Small    []string
		Sizes    []float64
		Tightest string
		Room     float64
	}
	err := chromedp.Run(ctx,
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Navigate(srv.URL+"/cards/all/"),
		chromedp.Evaluate(`(function () {
			var out = { Cards: 0, Overflow: [], Small: [], Sizes: [], Tightest: "", Room: 1e9 };
			document.querySelectorAll(".cut-card").forEach(function (c) {
				out.Cards++;
				var box = c.getBoundingClientRect();
				var last = c.lastElementChild.getBoundingClientRect();
				var pad = parseFloat(getComputedStyle(c).paddingBottom);
				var over = last.bottom - (box.bottom - pad);
				if (over > 0.5) out.Overflow.push(c.id + " (" + Math.ceil(over) + "px)");
				// The foot sits at the bottom (margin-top: auto): the room left is the gap above it.
				var foot = c.lastElementChild, prev = foot.previousElementSibling;
				var room = -over + foot.getBoundingClientRect().top - prev.getBoundingClientRect().bottom - parseFloat(getComputedStyle(prev).marginBottom);
				if (room < out.Room) { out.Room = room; out.Tightest = c.id; }
				var q = c.querySelector(".cut-card-question");
				var px = parseFloat(getComputedStyle(q).fontSize);
				if (px < 16 * 96 / 72 - 0.01) out.Small.push(c.id);
				if (out.Sizes.length === 0) out.Sizes.push(box.width, box.height);
			});
			return out;
		})()`, &report),
	)
	if err != nil {
		t.Fatal(err)
	}
	if report.Cards == 0 {
		t.Fatal("no cards on /cards/all/")
	}
	if len(report.Overflow) > 0 {
		t.Errorf("%d cards run past their cut lines on paper: %s", len(report.Overflow), strings.Join(report.Overflow, ", "))
	}
	if len(report.Small) > 0 {
		t.Errorf("questions set smaller than 16pt: %s", strings.Join(report.Small, ", "))
	}
	t.Logf("%d cards, each %.0f × %.0f CSS px on paper; the fullest, %s, has %.0f px to spare", report.Cards, report.Sizes[0], report.Sizes[1], report.Tightest, report.Room)
}

func TestBasketAddressPrintsItsQuestions(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	byTechnique := questions(t)
	var all, five []question
	for i, technique := range sortedKeys(byTechnique) {
		all = append(all, byTechnique[technique]...)
		if i%3 == 0 && len(five) < 5 {
			qs := byTechnique[technique]
			five = append(five, qs[len(qs)/2])
		}
	}
	var ids []string
	for _, q := range five {
		ids = append(ids, q.ID)
	}
	url := srv.URL + "/basket/?ids=" + strings.Join(ids, ",")
	for _, p := range papers {
		t.Run("cards/"+p.name, func(t *testing.T) {
			doc := printPage(t, ctx, url, p)
			if doc.pages != 1 {
				t.Errorf("five cards print on %d sheets, want 1", doc.pages)
			}
			checkQuestions(t, "basket", doc.text(t, 0, 0), five, all)
			doc.keep(t, "basket-cards-"+p.name, 1)
		})
		t.Run("list/"+p.name, func(t *testing.T) {
			doc := printPage(t, ctx, url+"&as=list", p)
			if doc.pages != 1 {
				t.Errorf("a list of five prints on %d sheets, want 1", doc.pages)
			}
			text := doc.text(t, 0, 0)
			checkQuestions(t, "basket list", text, five, all)
			got := squash(text)
			for _, s := range []string{"Basket: 5 questions", "/basket/?ids=" + strings.Join(ids, ",") + "&as=list"} {
				if !strings.Contains(got, squash(s)) {
					t.Errorf("%q is not on the paper", s)
				}
			}
			doc.keep(t, "basket-list-"+p.name, 1)
		})
	}
}
