package searchindex_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/buyin/playbook/searchindex"
)

var testDocs = []searchindex.Document{
	{ID: "/questions/what-am-i-missing/", Type: "question", Title: "What am I missing?", URL: "/questions/what-am-i-missing/",
		Body: "Shows the idea is a draft and invites people to find the gaps.", Situations: []string{"They keep objecting"},
		Stage: []string{"inviting-criticism"}, Audience: []string{"peers"}, Technique: []string{"invite-the-lions"}},
	{ID: "/questions/make-this-right/", Type: "question", Title: "What can we do to make this right?", URL: "/questions/make-this-right/",
		Body: "An upset client who names the remedy accepts it.", Situations: []string{"The customer is upset", "angry client"},
		Stage: []string{"co-creating"}, Audience: []string{"customers"}, Technique: []string{"ask-what-would-work"}},
	{ID: "/questions/still-turning-up/", Type: "question", Title: "Are they still turning up to meetings?", URL: "/questions/still-turning-up/",
		Body: "Attendance is the first signal that a partner's commitment slips.", Situations: []string{"My partner isn't delivering"},
		Stage: []string{"sustaining"}, Audience: []string{"partners"}, Technique: []string{"partner-accountability"}},
	{ID: "/techniques/meet-resistance/", Type: "technique", Title: "Meet resistance with open questions", URL: "/techniques/meet-resistance/",
		Body: "Most people reject ideas out of fear of the unknown.", Technique: []string{"meet-resistance"}},
	{ID: "/techniques/meet-resistance/#pitfalls", Type: "technique", Title: "Pitfalls", Page: "Meet resistance with open questions",
		URL: "/techniques/meet-resistance/#pitfalls", Body: "Arguing back <b>hard</b> & fast makes the objection stronger.", Technique: []string{"meet-resistance"}},
	{ID: "/checklists/before/", Type: "checklist", Title: "Before you present an idea", URL: "/checklists/before/",
		Body: "Write the problem first.\nName your own concerns.", Stage: []string{"preparing"}, Technique: []string{"hold-it-in-draft"}},
}

var testSynonyms = [][]string{
	{"pushback", "resistance", "objection", "objecting"},
	{"customer", "client"},
	{"boss", "manager", "leadership"},
	{"buy-in", "support", "commitment"},
}

func mustOpen(tb testing.TB, docs []searchindex.Document) (*searchindex.Index, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "index.bleve")
	if err := searchindex.Build(context.Background(), path, docs); err != nil {
		tb.Fatalf("Build: %v", err)
	}
	ix, err := searchindex.Open(path, searchindex.Options{Synonyms: testSynonyms})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix, path
}

func ids(r *searchindex.Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearchFindsAndRanks(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	tests := []struct {
		name, text string
		wantFirst  string
	}{
		{"exact word", "missing", "/questions/what-am-i-missing/"},
		{"stemmed", "meeting", "/questions/still-turning-up/"},
		{"typo", "custmer upset", "/questions/make-this-right/"},
		{"synonym", "client is upset", "/questions/make-this-right/"},
		{"synonym other way", "angry customer", "/questions/make-this-right/"},
		{"prefix of the word being typed", "turni", "/questions/still-turning-up/"},
		{"situation text outranks body", "partner delivering", "/questions/still-turning-up/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ix.Search(context.Background(), searchindex.Query{Text: tt.text, Size: 5})
			if err != nil {
				t.Fatalf("Search(%q): %v", tt.text, err)
			}
			if len(r.Hits) == 0 || r.Hits[0].ID != tt.wantFirst {
				t.Fatalf("Search(%q) = %v, want %s first", tt.text, ids(r), tt.wantFirst)
			}
		})
	}
}

func TestSynonymsFromConfig(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	// Neither document says "pushback"; both say a word of its group.
	r, err := ix.Search(context.Background(), searchindex.Query{Text: "pushback ", Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(ids(r), " ")
	for _, want := range []string{"/techniques/meet-resistance/#pitfalls", "/questions/what-am-i-missing/"} {
		if !strings.Contains(got, want) {
			t.Errorf("Search(pushback) = %v, want it to include %s", got, want)
		}
	}
	// A typo in a synonym still finds the group.
	if r, _ := ix.Search(context.Background(), searchindex.Query{Text: "pushbak ", Size: 10}); r.Total == 0 {
		t.Errorf("Search(pushbak) found nothing")
	}
}

func TestMoreWordsPreferredThenFallBack(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	// No document has both words: the search falls back rather than returning nothing.
	r, _ := ix.Search(context.Background(), searchindex.Query{Text: "attendance zebra ", Size: 10})
	if got, want := r.Matched, "any"; got != want || r.Total == 0 {
		t.Errorf("matched=%q total=%d, want %q with hits", got, r.Total, want)
	}
	// Documents with every word rank above documents with some.
	r, _ = ix.Search(context.Background(), searchindex.Query{Text: "partner commitment meetings ", Size: 10})
	if len(r.Hits) == 0 || r.Hits[0].ID != "/questions/still-turning-up/" {
		t.Errorf("hits %v, want the document with all three words first", ids(r))
	}
}

func TestFiltersAndFacets(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	// Only stop words: they are then what is searched for.
	stop, err := ix.Search(context.Background(), searchindex.Query{Text: "am i ", Size: 10})
	if err != nil || len(stop.Hits) == 0 || stop.Hits[0].ID != "/questions/what-am-i-missing/" {
		t.Fatalf("stop words alone: hits=%v err=%v, want what-am-i-missing first", ids(stop), err)
	}
	r, err := ix.Search(context.Background(), searchindex.Query{Text: "idea", Size: 10,
		Filters: map[string][]string{"type": {"question"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range r.Hits {
		if h.Type != "question" {
			t.Errorf("hit %s has type %s despite type=question", h.ID, h.Type)
		}
	}
	// A field's facet ignores its own filter, so other types still show counts.
	if got := r.Facets["type"]["technique"]; got == 0 {
		t.Errorf("facets[type][technique]=%d, want >0 (facets: %v)", got, r.Facets)
	}
	if got, want := r.Facets["type"]["question"], int(r.Total); got != want {
		t.Errorf("facets[type][question]=%d, want %d", got, want)
	}
	if _, err := ix.Search(context.Background(), searchindex.Query{Text: "x", Filters: map[string][]string{"colour": {"red"}}}); !errors.Is(err, searchindex.ErrBadQuery) {
		t.Errorf("filter on unknown field: err=%v, want ErrBadQuery", err)
	}
}

func TestSnippetIsEscapedAndMarked(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	r, err := ix.Search(context.Background(), searchindex.Query{Text: "arguing", Size: 1})
	if err != nil || len(r.Hits) == 0 {
		t.Fatalf("Search: %v, %v", r, err)
	}
	s := r.Hits[0].Snippet
	for _, want := range []string{"<mark>Arguing</mark>", "&lt;b&gt;hard&lt;/b&gt; &amp; fast"} {
		if !strings.Contains(s, want) {
			t.Errorf("snippet %q lacks %q", s, want)
		}
	}
}

func TestQuerySyntaxIsText(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	for _, text := range []string{`+missing -what`, `title:missing`, `"unclosed`, `miss*`, `(a OR b)`, `~2^3`, `/regex/`, `\`, `a:b:c`, "\x00", "💥 missing", `<script>`} {
		r, err := ix.Search(context.Background(), searchindex.Query{Text: text, Size: 3})
		if err != nil {
			t.Errorf("Search(%q): %v", text, err)
			continue
		}
		if strings.Contains(text, "missing") && (len(r.Hits) == 0 || r.Hits[0].ID != "/questions/what-am-i-missing/") {
			t.Errorf("Search(%q) = %v, want the missing question first", text, ids(r))
		}
	}
}

func TestFailedBuildKeepsPreviousIndex(t *testing.T) {
	_, path := mustOpen(t, testDocs)
	bad := append([]searchindex.Document(nil), testDocs...)
	bad = append(bad, testDocs[0]) // duplicate id
	if err := searchindex.Build(context.Background(), path, bad); err == nil {
		t.Fatal("Build with a duplicate id succeeded, want an error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := searchindex.Build(ctx, path, testDocs); err == nil {
		t.Fatal("Build with a cancelled context succeeded, want an error")
	}
	ix, err := searchindex.Open(path, searchindex.Options{})
	if err != nil {
		t.Fatalf("previous index no longer opens: %v", err)
	}
	defer ix.Close()
	if n, _ := ix.DocCount(); n != uint64(len(testDocs)) {
		t.Errorf("DocCount=%d, want %d", n, len(testDocs))
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := searchindex.Open(filepath.Join(t.TempDir(), "nope"), searchindex.Options{})
	if !errors.Is(err, searchindex.ErrNoIndex) {
		t.Fatalf("err=%v, want ErrNoIndex", err)
	}
}

func TestHandler(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	h := searchindex.NewHandler(ix, searchindex.Limits{MaxQueryBytes: 64, DefaultSize: 2, MaxSize: 3})
	tests := []struct {
		name, query string
		code        int
		errHas      string
	}{
		{"ok", "q=missing", 200, ""},
		{"missing q", "", 400, "parameter q"},
		{"empty q", "q=", 400, "parameter q"},
		{"too long", "q=" + strings.Repeat("a", 65), 400, "limit is 64"},
		{"bad escape", "q=%zz", 400, "malformed"},
		{"invalid utf8", "q=%ff%fe", 400, "UTF-8"},
		{"bad size", "q=a&size=ten", 400, "size"},
		{"zero size", "q=a&size=0", 400, "size"},
		{"bad from", "q=a&from=-1", 400, "from"},
		{"huge from", "q=a&from=99999999999999999999", 400, "from"},
		{"empty filter", "q=a&stage=", 400, "stage"},
		{"syntax is text", "q=%2B%28title%3Amissing%29~2%5E3*%22%5C%2F", 200, ""},
		{"size capped", "q=what&size=1000", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/search?"+tt.query, nil))
			if rec.Code != tt.code {
				t.Fatalf("code=%d, want %d; body %s", rec.Code, tt.code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type=%q, want application/json", ct)
			}
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
			}
			if tt.errHas != "" && !strings.Contains(body["error"].(string), tt.errHas) {
				t.Errorf("error %q does not mention %q", body["error"], tt.errHas)
			}
			if tt.code == 200 {
				if _, ok := body["hits"].([]any); !ok {
					t.Errorf("no hits array in %s", rec.Body)
				}
				if n := len(body["hits"].([]any)); n > 3 {
					t.Errorf("%d hits, want at most max size 3", n)
				}
			}
		})
	}
}

func FuzzParseAndSearch(f *testing.F) {
	ix, _ := mustOpen(f, testDocs)
	h := searchindex.NewHandler(ix, searchindex.Limits{MaxQueryBytes: 512, DefaultSize: 5, MaxSize: 10})
	for _, s := range []string{"q=a", "q=%zz", "q=(a", "q=a&size=2&from=1&type=question", "q=\"~*^"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/api/search", nil)
		req.URL.RawQuery = raw
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("query %q: code %d: %s", raw, rec.Code, rec.Body)
		}
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("query %q: code %d", raw, rec.Code)
		}
	})
}
