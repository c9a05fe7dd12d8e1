package searchindex_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/buyin/playbook/searchindex"
)

var testDocs = []searchindex.Document{
	{ID: "/questions/what-am-i-missing/", Type: "question", Title: "What am I missing?", URL: "/questions/what-am-i-missing/",
		Body: "Shows the idea is a draft and invites people to find the gaps.", Situations: []searchindex.Situation{{Title: "They keep objecting"}},
		Stage: []string{"inviting-criticism"}, Audience: []string{"peers"}, Technique: []string{"invite-the-lions"}},
	{ID: "/questions/make-this-right/", Type: "question", Title: "What can we do to make this right?", URL: "/questions/make-this-right/",
		Body: "An upset client who names the remedy accepts it.", Situations: []searchindex.Situation{{Title: "The customer is upset", Phrases: []string{"angry client"}}},
		Stage: []string{"co-creating"}, Audience: []string{"customers"}, Technique: []string{"ask-what-would-work"}},
	{ID: "/questions/still-turning-up/", Type: "question", Title: "Are they still turning up to meetings?", URL: "/questions/still-turning-up/",
		Body: "Attendance is the first signal that a partner's commitment slips.", Situations: []searchindex.Situation{{Title: "My partner isn't delivering"}},
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
	{"succession", "handover", "take over"},
}

func mustOpen(tb testing.TB, docs []searchindex.Document) (*searchindex.Index, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "index")
	if err := searchindex.Build(context.Background(), path, docs, searchindex.BuildOptions{Synonyms: testSynonyms}); err != nil {
		tb.Fatalf("Build: %v", err)
	}
	ix, err := searchindex.Open(path, searchindex.Options{})
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
	// The page stands for its pitfalls section (one hit per page).
	for _, want := range []string{"/techniques/meet-resistance/", "/questions/what-am-i-missing/"} {
		if !strings.Contains(got, want) {
			t.Errorf("Search(pushback) = %v, want it to include %s", got, want)
		}
	}
	// A typo in a synonym still finds the group.
	if r, _ := ix.Search(context.Background(), searchindex.Query{Text: "pushbak ", Size: 10}); r.Total == 0 {
		t.Errorf("Search(pushbak) found nothing")
	}
}

func TestCoordination(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	// No document has both words: the documents with one of them still come.
	r, _ := ix.Search(context.Background(), searchindex.Query{Text: "attendance zebra ", Size: 10})
	if got, want := r.Matched, "any"; got != want || r.Total == 0 {
		t.Errorf("matched=%q total=%d, want %q with hits", got, r.Total, want)
	}
	// Documents with every word rank above documents with some.
	r, _ = ix.Search(context.Background(), searchindex.Query{Text: "partner commitment meetings ", Size: 10})
	if len(r.Hits) == 0 || r.Hits[0].ID != "/questions/still-turning-up/" || r.Matched != "all" {
		t.Errorf("hits %v matched %q, want the document with all three words first", ids(r), r.Matched)
	}
}

// TestSynonymGroupCountsOnce checks that a word with many synonyms does not
// outweigh the other words, and that the word itself beats its synonyms.
func TestSynonymGroupCountsOnce(t *testing.T) {
	docs := []searchindex.Document{
		{ID: "a", Type: "page", URL: "/a/", Title: "Resistance, objection, objecting, pushback", Body: "Every word of the group."},
		{ID: "b", Type: "page", URL: "/b/", Title: "Resistance from the finance team", Body: "One word of the group and finance."},
		{ID: "c", Type: "page", URL: "/c/", Title: "Objection", Body: "A synonym only."},
		{ID: "d", Type: "page", URL: "/d/", Title: "Resistance", Body: "The word itself."},
	}
	ix, _ := mustOpen(t, docs)
	r, err := ix.Search(context.Background(), searchindex.Query{Text: "finance resistance ", Size: 4})
	if err != nil || len(r.Hits) == 0 || r.Hits[0].ID != "b" {
		t.Fatalf("hits %v (%v): want b, which has both words, first", ids(r), err)
	}
	r, _ = ix.Search(context.Background(), searchindex.Query{Text: "resistance ", Size: 4})
	if pos := slices.Index(ids(r), "d"); pos < 0 || pos > slices.Index(ids(r), "c") {
		t.Errorf("hits %v: the word itself (d) must rank above a synonym only (c)", ids(r))
	}
}

// TestPhraseSynonymDoesNotLeak checks that a multi-word member matches only as
// a phrase: "take over" is succession, "take" alone is not.
func TestPhraseSynonymDoesNotLeak(t *testing.T) {
	docs := []searchindex.Document{
		{ID: "take", Type: "page", URL: "/take/", Title: "Take your time", Body: "Take a breath and take notes."},
		{ID: "over", Type: "page", URL: "/over/", Title: "Who will take over the account", Body: "Plan it."},
	}
	ix, _ := mustOpen(t, docs)
	r, err := ix.Search(context.Background(), searchindex.Query{Text: "succession ", Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(r); !slices.Equal(got, []string{"over"}) {
		t.Errorf("Search(succession) = %v, want only the page that says take over", got)
	}
	if r.Hits[0].TitleHTML != "Who will <mark>take over</mark> the account" {
		t.Errorf("title_html = %q, want the phrase marked", r.Hits[0].TitleHTML)
	}
}

// TestTiesOrderedByID checks that equal scores come out in id order, whatever
// the order the documents were indexed in.
func TestTiesOrderedByID(t *testing.T) {
	var docs []searchindex.Document
	for _, i := range []int{5, 2, 9, 1, 7, 3} {
		docs = append(docs, searchindex.Document{ID: fmt.Sprintf("/d%d/", i), Type: "page", URL: fmt.Sprintf("/d%d/", i), Title: "Same words", Body: "Same body."})
	}
	for _, order := range [][]searchindex.Document{docs, reversed(docs)} {
		ix, _ := mustOpen(t, order)
		r, err := ix.Search(context.Background(), searchindex.Query{Text: "same ", Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(r), []string{"/d1/", "/d2/", "/d3/", "/d5/", "/d7/", "/d9/"}; !slices.Equal(got, want) {
			t.Errorf("ties = %v, want %v", got, want)
		}
	}
}

func reversed(docs []searchindex.Document) []searchindex.Document {
	out := slices.Clone(docs)
	slices.Reverse(out)
	return out
}

// TestBoundedQuery checks the limits that bound a query's cost.
func TestBoundedQuery(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	var words []string
	for i := range 50 {
		words = append(words, fmt.Sprintf("zqxwords%02d", i))
	}
	r, err := ix.Search(context.Background(), searchindex.Query{Text: "missing " + strings.Join(words, " "), Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Searched) != 12 || len(r.Ignored) == 0 {
		t.Errorf("searched %d words, ignored %d; want 12 searched and the rest ignored", len(r.Searched), len(r.Ignored))
	}
	if len(r.Hits) == 0 || r.Hits[0].ID != "/questions/what-am-i-missing/" {
		t.Errorf("hits %v: the one real word must still find its page", ids(r))
	}
	// Only the first few unknown words are corrected.
	if len(r.Corrected) > 4 {
		t.Errorf("%d words corrected, want at most 4", len(r.Corrected))
	}
}

func TestNothingToSearchIsBadQuery(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	for _, text := range []string{"   ", "+++", "?!", "—", `\`, "\x00", "~^*"} {
		if _, err := ix.Search(context.Background(), searchindex.Query{Text: text, Size: 3}); !errors.Is(err, searchindex.ErrBadQuery) {
			t.Errorf("Search(%q): err = %v, want ErrBadQuery", text, err)
		}
	}
}

// TestOneHitPerPage checks that a page's sections do not crowd the results:
// the best of a page and its sections is shown, the others are not.
func TestOneHitPerPage(t *testing.T) {
	docs := []searchindex.Document{
		{ID: "/p/", Type: "page", URL: "/p/", Title: "Zebras", Body: "Zebras zebras. Stripes."},
		{ID: "/p/#a", Type: "page", URL: "/p/#a", Page: "Zebras", Title: "Zebra care", Body: "Zebras need care."},
		{ID: "/p/#b", Type: "page", URL: "/p/#b", Page: "Zebras", Title: "Zebra food", Body: "Zebras eat grass."},
		{ID: "/q/", Type: "question", URL: "/q/", Title: "Have you seen a zebra?", Body: "Ask it."},
	}
	ix, _ := mustOpen(t, docs)
	r, err := ix.Search(context.Background(), searchindex.Query{Text: "zebra ", Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]int{}
	for _, h := range r.Hits {
		p, _, _ := strings.Cut(h.URL, "#")
		pages[p]++
	}
	if pages["/p/"] != 1 || pages["/q/"] != 1 || r.Total != 2 {
		t.Errorf("hits %v (total %d): want one hit for /p/ and one for /q/", ids(r), r.Total)
	}
}

func TestViaNamesTheSituation(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	r, err := ix.Search(context.Background(), searchindex.Query{Text: "objecting ", Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range r.Hits {
		if h.ID == "/questions/what-am-i-missing/" && h.Via != "They keep objecting" {
			t.Errorf("via = %q, want the situation whose words matched", h.Via)
		}
	}
}

func TestFiltersAndFacets(t *testing.T) {
	ix, _ := mustOpen(t, testDocs)
	// Only stop words: they are then what is searched for.
	stop, err := ix.Search(context.Background(), searchindex.Query{Text: "am i ", Size: 10})
	if err != nil || len(stop.Hits) == 0 || stop.Hits[0].ID != "/questions/what-am-i-missing/" {
		t.Fatalf("stop words alone: hits=%v err=%v, want what-am-i-missing first", ids(stop), err)
	}
	r, err := ix.Search(context.Background(), searchindex.Query{Text: "idea", Size: 10, Facets: true,
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
	for _, text := range []string{`+missing -what`, `title:missing`, `"unclosed`, `miss*`, `(a OR b)`, `~2^3`, `/regex/`, `a:b:c`, "💥 missing", `<script>`} {
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

func TestBuildRefuses(t *testing.T) {
	_, path := mustOpen(t, testDocs)
	if err := searchindex.Build(context.Background(), path, testDocs, searchindex.BuildOptions{}); err == nil {
		t.Error("Build into an existing index succeeded, want an error")
	}
	dup := append(slices.Clone(testDocs), testDocs[0])
	if err := searchindex.Build(context.Background(), filepath.Join(t.TempDir(), "x"), dup, searchindex.BuildOptions{}); err == nil || !strings.Contains(err.Error(), "duplicate id") {
		t.Errorf("Build with a duplicate id: err = %v, want it named", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := searchindex.Build(ctx, filepath.Join(t.TempDir(), "y"), testDocs, searchindex.BuildOptions{}); err == nil {
		t.Error("Build with a cancelled context succeeded, want an error")
	}
	ix, err := searchindex.Open(path, searchindex.Options{})
	if err != nil {
		t.Fatalf("index no longer opens: %v", err)
	}
	defer ix.Close()
	if got, want := ix.DocCount(), len(testDocs); got != want {
		t.Errorf("DocCount=%d, want %d", got, want)
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := searchindex.Open(filepath.Join(t.TempDir(), "nope"), searchindex.Options{})
	if !errors.Is(err, searchindex.ErrNoIndex) {
		t.Fatalf("err=%v, want ErrNoIndex", err)
	}
}

// TestUpdateWritesOnlyChanged updates an index with one document changed, one
// added and one gone: only those three are written, and the result searches
// like a fresh build.
func TestUpdateWritesOnlyChanged(t *testing.T) {
	_, prev := mustOpen(t, testDocs)
	next := slices.Clone(testDocs[1:]) // the first is gone
	next[0].Body += " Zeppelins help."
	next = append(next, searchindex.Document{ID: "/new/", Type: "page", URL: "/new/", Title: "Airship", Body: "A new page."})
	path := filepath.Join(t.TempDir(), "updated")
	n, err := searchindex.Update(context.Background(), prev, path, next, searchindex.BuildOptions{Synonyms: testSynonyms})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("Update wrote or deleted %d documents, want 3", n)
	}
	ix, err := searchindex.Open(path, searchindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := ix.DocCount(); got != len(next) {
		t.Errorf("DocCount = %d, want %d", got, len(next))
	}
	for text, want := range map[string]string{"zeppelins ": next[0].ID, "airship ": "/new/"} {
		r, err := ix.Search(context.Background(), searchindex.Query{Text: text, Size: 3})
		if err != nil || len(r.Hits) == 0 || r.Hits[0].ID != want {
			t.Errorf("Search(%q) = %v (%v), want %s", text, ids(r), err, want)
		}
	}
	if r, _ := ix.Search(context.Background(), searchindex.Query{Text: "missing ", Size: 3}); r != nil && len(r.Hits) > 0 && r.Hits[0].ID == testDocs[0].ID {
		t.Error("the deleted document is still found")
	}
	// With other synonyms every document changes: a fresh build.
	other := filepath.Join(t.TempDir(), "other")
	if n, err := searchindex.Update(context.Background(), prev, other, next, searchindex.BuildOptions{}); err != nil || n != len(next) {
		t.Errorf("Update with other synonyms: %d, %v; want a fresh build of %d", n, err, len(next))
	}
}
