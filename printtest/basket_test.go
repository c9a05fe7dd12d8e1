package printtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// watchCSP records, in every page the browser opens, what the Content-Security-
// Policy blocked, in localStorage so that it survives navigation.
func watchCSP(ctx context.Context) error {
	_, err := page.AddScriptToEvaluateOnNewDocument(`document.addEventListener("securitypolicyviolation", function (e) {
		var v = JSON.parse(localStorage.getItem("csp-violations") || "[]");
		v.push(e.violatedDirective + " at " + location.pathname + ": " + (e.sample || e.blockedURI));
		localStorage.setItem("csp-violations", JSON.stringify(v));
	});`).Do(ctx)
	return err
}

func TestBasketInBrowser(t *testing.T) {
	ctx := browser(t)
	srv := serve(t)
	byTechnique := questions(t)
	ack := byTechnique["acknowledge"]
	if len(ack) < 3 {
		t.Fatalf("acknowledge has %d questions, the test needs 3", len(ack))
	}
	other := byTechnique[sortedKeys(byTechnique)[len(byTechnique)-1]][0]

	var pressed []string
	var name, pill string
	err := chromedp.Run(ctx,
		chromedp.ActionFunc(watchCSP),
		chromedp.Navigate(srv.URL+"/techniques/acknowledge/"),
		chromedp.WaitVisible(`[data-basket-add]`, chromedp.ByQuery),
		chromedp.Evaluate(`localStorage.clear()`, nil),
		chromedp.Reload(),
		chromedp.WaitVisible(`[data-basket-add]`, chromedp.ByQuery),
		// By mouse, then by keyboard.
		chromedp.Click(`[data-basket-add="`+ack[0].ID+`"]`, chromedp.ByQuery),
		chromedp.Focus(`[data-basket-add="`+ack[2].ID+`"]`, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.Reload(),
		chromedp.WaitVisible(`.basket-pill`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-basket-add][aria-pressed="true"]')).map(function (b) { return b.getAttribute("data-basket-add"); })`, &pressed),
		chromedp.Evaluate(`document.querySelector('[data-basket-add]').textContent`, &name),
		chromedp.Text(`.basket-pill`, &pill, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("adding from a technique page: %v", err)
	}
	if got, want := strings.Join(pressed, ","), ack[0].ID+","+ack[2].ID; got != want {
		t.Errorf("after a reload, pressed buttons = %s, want %s (the basket should survive a reload)", got, want)
	}
	if want := "Add to basket: " + ack[0].Text; name != want {
		t.Errorf("the button's name is %q, want %q", name, want)
	}
	if want := "Basket: 2 questions"; pill != want {
		t.Errorf("basket link says %q, want %q", pill, want)
	}

	// A question's own page gets the button too.
	err = chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/questions/"+other.ID+"/"),
		chromedp.WaitVisible(`.card-actions [data-basket-add]`, chromedp.ByQuery),
		chromedp.Click(`.card-actions [data-basket-add]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.card-actions [data-basket-add][aria-pressed="true"]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("adding from a question page: %v", err)
	}

	// The basket page lists them, prints them, shares them; Remove takes one out.
	var items []string
	var cardsHref, listHref, share string
	err = chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/basket/"),
		chromedp.WaitVisible(`[data-basket-item]`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-basket-item]')).map(function (li) { return li.getAttribute("data-basket-item"); })`, &items),
		chromedp.AttributeValue(`[data-basket-print="cards"]`, "href", &cardsHref, nil, chromedp.ByQuery),
		chromedp.AttributeValue(`[data-basket-print="list"]`, "href", &listHref, nil, chromedp.ByQuery),
		chromedp.Value(`[data-basket-share]`, &share, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("the basket page: %v", err)
	}
	want := []string{ack[0].ID, ack[2].ID, other.ID}
	if got := strings.Join(items, ","); got != strings.Join(want, ",") {
		t.Errorf("basket page lists %s, want %s", got, strings.Join(want, ","))
	}
	if got, want := cardsHref, "/basket/?ids="+strings.Join(want, ","); got != want {
		t.Errorf("print-as-cards link = %q, want %q", got, want)
	}
	if got, want := listHref, cardsHref+"&as=list"; got != want {
		t.Errorf("print-as-list link = %q, want %q", got, want)
	}
	if want := srv.URL + cardsHref; share != want {
		t.Errorf("share address = %q, want %q", share, want)
	}
	keep(t, ctx, "screen-basket")

	var left []string
	var focused string
	err = chromedp.Run(ctx,
		chromedp.Focus(`[data-basket-remove="`+ack[2].ID+`"]`, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-basket-item]')).map(function (li) { return li.getAttribute("data-basket-item"); })`, &left),
		chromedp.Evaluate(`document.activeElement.getAttribute("data-basket-remove") || document.activeElement.tagName`, &focused),
	)
	if err != nil {
		t.Fatalf("removing from the basket: %v", err)
	}
	if got, want := strings.Join(left, ","), ack[0].ID+","+other.ID; got != want {
		t.Errorf("after Remove, the basket lists %s, want %s", got, want)
	}
	if focused != other.ID {
		t.Errorf("after Remove, focus is on %q, want the next Remove button (%s)", focused, other.ID)
	}

	// The print link is answered by the server with those cards.
	var cards []string
	err = chromedp.Run(ctx,
		chromedp.Click(`[data-basket-print="cards"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cut-card`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('.cut-card')).map(function (c) { return c.getAttribute("data-qid"); })`, &cards),
	)
	if err != nil {
		t.Fatalf("following the print link: %v", err)
	}
	if got, want := strings.Join(cards, ","), ack[0].ID+","+other.ID; got != want {
		t.Errorf("the printed basket has cards %s, want %s", got, want)
	}
	keep(t, ctx, "screen-basket-sheet")

	var violations string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`localStorage.getItem("csp-violations") || ""`, &violations)); err != nil {
		t.Fatal(err)
	}
	if violations != "" && violations != "[]" {
		t.Errorf("the Content-Security-Policy blocked: %s", violations)
	}
}

// TestScreens keeps screenshots of the printable pages as they look on screen.
func TestScreens(t *testing.T) {
	dir := outDir(t)
	if dir == "" {
		t.Skip("BUYIN_PRINT_OUT not set")
	}
	ctx := browser(t)
	srv := serve(t)
	for _, shot := range []struct{ name, path, part string }{
		{"screen-technique-questions", "/techniques/acknowledge/", "section.related:has(#questions)"},
		{"screen-situation-questions", "/situations/customer-upset/", "#questions"},
		{"screen-cards", "/cards/techniques/acknowledge/", ".card-sheet"},
		{"screen-cards-index", "/cards/", "main"},
		{"screen-checklist", "/checklists/dial-in-meeting-sheet/", "main"},
		{"screen-booklet", "/booklet/", ".booklet-contents"},
	} {
		var png []byte
		err := chromedp.Run(ctx,
			chromedp.Navigate(srv.URL+shot.path),
			chromedp.Screenshot(shot.part, &png, chromedp.ByQuery),
		)
		if err != nil {
			t.Fatalf("%s: %v", shot.path, err)
		}
		if err := os.WriteFile(filepath.Join(dir, shot.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// keep saves a screenshot of the whole page to BUYIN_PRINT_OUT.
func keep(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := outDir(t)
	if dir == "" {
		return
	}
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
