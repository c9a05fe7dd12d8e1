package printsheet_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/buyin/playbook/printsheet"
)

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestSelect(t *testing.T) {
	page := mustRead(t, "testdata/all.html")
	for _, tc := range []struct {
		name string
		ids  []string
		want []string
	}{
		{"one", []string{"beta"}, []string{"beta"}},
		{"given order", []string{"gamma-3", "alpha"}, []string{"gamma-3", "alpha"}},
		{"all", []string{"alpha", "beta", "gamma-3"}, []string{"alpha", "beta", "gamma-3"}},
		{"repeated id once", []string{"beta", "alpha", "beta"}, []string{"beta", "alpha"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := printsheet.Select(page, tc.ids)
			if err != nil {
				t.Fatal(err)
			}
			got, err := printsheet.IDs(out)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("cards = %q, want %q", got, tc.want)
			}
			s := string(out)
			// The page around the cards is kept, and a card is kept whole.
			for _, keep := range []string{"<title>All question cards", `<ol class="cut-cards">`, "</ol>", "data-cards-end", "</html>"} {
				if !strings.Contains(s, keep) {
					t.Errorf("selected page lacks %q", keep)
				}
			}
			if strings.Contains(s, "Alpha?") != contains(tc.want, "alpha") || strings.Contains(s, "nested item") != contains(tc.want, "alpha") {
				t.Errorf("card alpha kept = %v, want %v", strings.Contains(s, "nested item"), contains(tc.want, "alpha"))
			}
			if contains(tc.want, "gamma-3") && !strings.Contains(s, `var s = "</li>";</script></li>`) {
				t.Errorf("card gamma-3 was cut short:\n%s", s)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestSelectUnknown(t *testing.T) {
	page := mustRead(t, "testdata/all.html")
	_, err := printsheet.Select(page, []string{"alpha", "nope", "beta", "gone"})
	var unknown *printsheet.UnknownIDsError
	if !errors.As(err, &unknown) {
		t.Fatalf("err = %v, want *UnknownIDsError", err)
	}
	if got, want := unknown.IDs, []string{"nope", "gone"}; !reflect.DeepEqual(got, want) {
		t.Errorf("unknown ids = %q, want %q", got, want)
	}
	if msg := err.Error(); !strings.Contains(msg, `"nope"`) || !strings.Contains(msg, `"gone"`) {
		t.Errorf("error %q does not name the unknown ids", msg)
	}
}

func TestSelectBadPage(t *testing.T) {
	for _, tc := range []struct{ name, page, want string }{
		{"no markers", "<ol><li id=card-a>a</li></ol>", "lacks the markers"},
		{"no cards", "<span hidden data-cards-start></span><ol></ol><span hidden data-cards-end></span>", "no cards"},
		{"twice", "<span hidden data-cards-start></span><li id=card-a>a</li><li id=card-a>b</li><span hidden data-cards-end></span>", "two cards"},
		{"unclosed", "<span hidden data-cards-start></span><li id=card-a><p>a</p><span hidden data-cards-end></span>", "not closed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := printsheet.Select([]byte(tc.page), []string{"a"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	site := fstest.MapFS{
		printsheet.AllCardsFile: {Data: mustRead(t, "testdata/all.html")},
		printsheet.BasketFile:   {Data: []byte("<h1>Your basket</h1>")},
	}
	mux := http.NewServeMux()
	mux.Handle("/basket/", printsheet.NewHandler(site.ReadFile))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestHandler(t *testing.T) {
	srv := newServer(t)
	many := make([]string, printsheet.MaxIDs+1)
	for i := range many {
		many[i] = "q" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + "-" + string(rune('a'+i/26))
	}
	for _, tc := range []struct {
		name, query string
		code        int
		want        []string // in the body
		not         []string // not in the body
	}{
		{"no ids: the basket page", "", 200, []string{"<h1>Your basket</h1>"}, nil},
		{"empty ids: the basket page", "?ids=", 200, []string{"<h1>Your basket</h1>"}, nil},
		{"ids", "?ids=gamma-3,alpha", 200,
			[]string{"Gamma?", "Alpha?", "Basket: 2 question cards", "<title>Basket: 2 question cards · The Buy-In &amp; Playbook</title>", `href="?ids=gamma-3,alpha&amp;as=list"`, "/basket/?ids=gamma-3,alpha"},
			[]string{"Beta?", "3 cards."}},
		{"id repeated", "?id=beta&id=alpha", 200, []string{"Beta?", "Alpha?", "Basket: 2 question cards"}, []string{"Gamma?"}},
		{"both forms, spaces, repeats", "?ids=beta,+alpha,beta&id=beta", 200, []string{"Basket: 2 question cards"}, []string{"Gamma?"}},
		{"as list", "?ids=beta&as=list", 200, []string{`<article class="card-sheet as-list"`, "Basket: 1 question<", `href="?ids=beta"`, "/basket/?ids=beta&amp;as=list"}, []string{"Alpha?"}},
		{"unknown", "?ids=alpha,nope,gone", 400, []string{`no question has the ids &#34;nope&#34;, &#34;gone&#34;`, "Basket: not printed"}, []string{"Alpha?"}},
		{"bad id", "?ids=alpha,Not+An+Id", 400, []string{`&#34;Not An Id&#34; is not a question id`}, []string{"Alpha?"}},
		{"markup in id", "?ids=%3Cscript%3E", 400, []string{"&lt;script&gt;"}, []string{"<script>"}},
		{"too many", "?ids=" + strings.Join(many, ","), 400, []string{"61 questions is too many for one sheet: ask for at most 60"}, nil},
		{"bad layout", "?ids=alpha&as=poster", 400, []string{"as=&#34;poster&#34; is not a layout"}, nil},
		{"malformed query", "?ids=%zz", 400, []string{"malformed"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := http.Get(srv.URL + "/basket/" + tc.query)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if got, want := res.StatusCode, tc.code; got != want {
				t.Errorf("code = %d, want %d\n%s", got, want, body)
			}
			if got, want := res.Header.Get("Content-Type"), "text/html; charset=utf-8"; got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			for _, s := range tc.want {
				if !strings.Contains(string(body), s) {
					t.Errorf("body lacks %q\n%s", s, body)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(string(body), s) {
					t.Errorf("body has %q", s)
				}
			}
		})
	}
}

func TestHandlerMethod(t *testing.T) {
	srv := newServer(t)
	res, err := http.Post(srv.URL+"/basket/?ids=alpha", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, want := res.StatusCode, http.StatusMethodNotAllowed; got != want {
		t.Errorf("POST: code = %d, want %d", got, want)
	}
	if got, want := res.Header.Get("Allow"), "GET, HEAD"; got != want {
		t.Errorf("Allow = %q, want %q", got, want)
	}
}

func TestHandlerMissingBuild(t *testing.T) {
	h := printsheet.NewHandler(fstest.MapFS{}.ReadFile)
	for _, q := range []string{"", "?ids=alpha"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/basket/"+q, nil))
		if got, want := rec.Code, http.StatusInternalServerError; got != want {
			t.Errorf("GET /basket/%s with no build: code = %d, want %d", q, got, want)
		}
		if !strings.Contains(rec.Body.String(), "rebuild the site") {
			t.Errorf("GET /basket/%s with no build: body %q does not say to rebuild", q, rec.Body)
		}
	}
}

// TestHandlerAddress checks the address a basket sheet prints at its foot: the
// site_address setting that Hugo writes on the card sheet, then the sheet's path,
// or the path alone, marked for static/js/paper.js to complete, without it.
func TestHandlerAddress(t *testing.T) {
	page := mustRead(t, "testdata/all.html")
	for _, tc := range []struct {
		name, attr, query, want string
	}{
		{"unset", "", "?ids=beta", `<span class="print-foot-url" data-address>/basket/?ids=beta</span>`},
		{"empty", ` data-site-address=""`, "?ids=beta", `<span class="print-foot-url" data-address>/basket/?ids=beta</span>`},
		{"set", ` data-site-address="https://playbook.example.org/"`, "?ids=beta,alpha", `<span class="print-foot-url" data-address>https://playbook.example.org/basket/?ids=beta,alpha</span>`},
		{"set, as list", ` data-site-address="https://playbook.example.org"`, "?ids=beta&as=list", `<span class="print-foot-url" data-address>https://playbook.example.org/basket/?ids=beta&amp;as=list</span>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sheet := strings.Replace(string(page), "data-card-sheet>", "data-card-sheet"+tc.attr+">", 1)
			h := printsheet.NewHandler(fstest.MapFS{printsheet.AllCardsFile: {Data: []byte(sheet)}}.ReadFile)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/basket/"+tc.query, nil))
			if got, want := rec.Code, http.StatusOK; got != want {
				t.Fatalf("code = %d, want %d\n%s", got, want, rec.Body)
			}
			if !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("the foot is not %s:\n%s", tc.want, rec.Body)
			}
		})
	}
}
