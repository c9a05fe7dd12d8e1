package searchindex

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// ErrBadQuery reports a query that cannot be answered as asked.
var ErrBadQuery = errors.New("bad query")

// ErrTimeout reports a search that ran past its deadline.
var ErrTimeout = errors.New("search took too long")

// storedFields are returned with every hit.
var storedFields = []string{"title", "url", "page", "body", "type", "stage", "audience", "technique"}

// concept is one thing the searcher asked for: a typed word, or a phrase from a
// synonym group together with the group's other phrases.
type concept struct {
	phrases [][]string // alternatives, each a list of words; the first is what was typed
	typing  bool       // the last word of the query, still being typed
}

// concepts turns typed text into concepts, dropping English stop words.
func (ix *Index) concepts(text string) []concept {
	words := ix.words(text)
	typing := text != "" && !strings.HasSuffix(text, " ")
	// A query made only of stop words ("what would you do if you were me") is
	// still a question someone wants: then the words count as typed.
	allStop := true
	for _, w := range words {
		if !ix.isStopWord(w) {
			allStop = false
			break
		}
	}
	var cs []concept
	for i := 0; i < len(words); {
		if group, n := ix.synonyms.match(words[i:]); n > 0 {
			phrases := [][]string{words[i : i+n]}
			for _, p := range group {
				if !equalPhrase(p, words[i:i+n]) {
					phrases = append(phrases, p)
				}
			}
			cs = append(cs, concept{phrases: phrases, typing: typing && i+n == len(words)})
			i += n
			continue
		}
		if !ix.isStopWord(words[i]) || allStop {
			cs = append(cs, concept{phrases: [][]string{{words[i]}}, typing: typing && i == len(words)-1})
		}
		i++
	}
	return cs
}

func equalPhrase(a, b []string) bool { return len(a) == len(b) && equalWords(a, b) }

// words splits text into lowercase words. Only letters, digits and apostrophes
// inside a word count; every other character, Bleve's query syntax included,
// separates words.
func (ix *Index) words(text string) []string {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	})
	ws := fields[:0]
	for _, f := range fields {
		if f = strings.Trim(f, "'’"); f != "" {
			ws = append(ws, strings.ReplaceAll(f, "’", "'"))
		}
	}
	return ws
}

// isStopWord reports whether English analysis drops the word entirely.
func (ix *Index) isStopWord(w string) bool { return len(ix.english.Analyze([]byte(w))) == 0 }

// fuzziness scales the typos forgiven with the length of the word: none for short
// words, where one edit makes another word, two for long ones.
func fuzziness(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n <= 3:
		return 0
	case n <= 7:
		return 1
	default:
		return 2
	}
}

// clause matches a concept in any text field.
func (c concept) clause() query.Query {
	var qs []query.Query
	for _, f := range textFields {
		for _, p := range c.phrases {
			if len(p) == 1 {
				m := query.NewMatchQuery(p[0])
				m.SetField(f.name)
				m.SetBoost(f.boost)
				qs = append(qs, m)
			} else {
				m := query.NewMatchPhraseQuery(phraseText(p))
				m.SetField(f.name)
				m.SetBoost(f.boost)
				qs = append(qs, m)
			}
		}
		typed := c.phrases[0]
		if len(typed) != 1 {
			continue
		}
		w := typed[0]
		// The word as typed, unstemmed: this is what matches stop words, which
		// English analysis drops from the query.
		exact := query.NewTermQuery(w)
		exact.SetField(f.name + exactSuffix)
		exact.SetBoost(f.boost * 0.8)
		qs = append(qs, exact)
		if fz := fuzziness(w); fz > 0 {
			q := query.NewFuzzyQuery(w)
			q.SetField(f.name + exactSuffix)
			q.SetFuzziness(fz)
			q.SetPrefix(1) // people rarely mistype the first letter; this keeps fuzzy matching cheap
			q.SetBoost(f.boost * 0.5)
			qs = append(qs, q)
		}
		if c.typing && utf8.RuneCountInString(w) >= 2 {
			q := query.NewPrefixQuery(w)
			q.SetField(f.name + exactSuffix)
			q.SetBoost(f.boost * 0.7)
			qs = append(qs, q)
		}
	}
	return query.NewDisjunctionQuery(qs)
}

// filterQuery requires one of the values of each filtered field.
func filterQuery(filters map[string][]string, except string) []query.Query {
	var qs []query.Query
	for _, field := range facetFields {
		values := filters[field]
		if field == except || len(values) == 0 {
			continue
		}
		var alts []query.Query
		for _, v := range values {
			t := query.NewTermQuery(v)
			t.SetField(field)
			alts = append(alts, t)
		}
		qs = append(qs, query.NewDisjunctionQuery(alts))
	}
	return qs
}

// checkQuery rejects filters on unknown fields and negative paging.
func checkQuery(q Query) error {
	for field := range q.Filters {
		if !slices.Contains(facetFields, field) {
			return fmt.Errorf("%w: cannot filter on %q; filters are %s", ErrBadQuery, field, strings.Join(facetFields, ", "))
		}
	}
	if q.Size < 0 || q.From < 0 {
		return fmt.Errorf("%w: size and from must not be negative", ErrBadQuery)
	}
	return nil
}

// Search answers q. All typed words are required first; when no document has
// them all, any of them will do, and Result.Matched says which happened.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	if err := checkQuery(q); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, ix.timeout)
	defer cancel()

	cs := ix.concepts(q.Text)
	var clauses []query.Query
	for _, c := range cs {
		clauses = append(clauses, c.clause())
	}
	var (
		match   query.Query
		res     *bleve.SearchResult
		matched string
		err     error
	)
	switch {
	case strings.TrimSpace(q.Text) == "":
		match, matched = query.NewMatchAllQuery(), "all"
		res, err = ix.run(ctx, match, q)
	case len(cs) == 0:
		// Only stop words, or only separators: nothing to look for.
		match, matched = query.NewMatchNoneQuery(), "none"
		res, err = ix.run(ctx, match, q)
	default:
		// Require every word first. When that leaves fewer than a handful of hits
		// (people use other forms of the words than the pages do), require most of
		// them, then any; documents matching more words still score higher.
		for _, need := range relaxations(len(clauses)) {
			d := query.NewDisjunctionQuery(clauses)
			d.SetMin(float64(need))
			match = d
			if res, err = ix.run(ctx, match, q); err != nil {
				break
			}
			matched = matchedName(need, len(clauses))
			if res.Total >= enoughHits {
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}
	out := ix.result(q, res, matched)
	// Counts for a filtered field ignore its own filter, so the page can show what
	// choosing another value would give.
	for _, field := range facetFields {
		if len(q.Filters[field]) == 0 {
			continue
		}
		r, err := ix.runFacet(ctx, match, q, field)
		if err != nil {
			return nil, err
		}
		out.Facets[field] = facetCounts(r.Facets[field])
	}
	out.TookMS = float64(res.Took.Microseconds()) / 1000
	return out, nil
}

// enoughHits is the number of hits below which a search relaxes how many words
// a document must match.
const enoughHits = 3

// relaxations lists how many of n words a document must match, strictest first:
// all, then about two thirds, then one.
func relaxations(n int) []int {
	steps := []int{n}
	if most := n - n/3; most < n && most > 1 {
		steps = append(steps, most)
	}
	if n > 1 {
		steps = append(steps, 1)
	}
	return steps
}

func matchedName(need, n int) string {
	switch {
	case need == n:
		return "all"
	case need == 1:
		return "any"
	default:
		return "most"
	}
}

func (ix *Index) request(match query.Query, q Query, except string) *bleve.SearchRequest {
	qs := append([]query.Query{match}, filterQuery(q.Filters, except)...)
	var top query.Query = match
	if len(qs) > 1 {
		top = query.NewConjunctionQuery(qs)
	}
	return bleve.NewSearchRequestOptions(top, q.Size, q.From, false)
}

func (ix *Index) run(ctx context.Context, match query.Query, q Query) (*bleve.SearchResult, error) {
	req := ix.request(match, q, "")
	req.Fields = storedFields
	req.IncludeLocations = true
	for _, f := range facetFields {
		req.AddFacet(f, bleve.NewFacetRequest(f, 100))
	}
	return ix.do(ctx, req)
}

func (ix *Index) runFacet(ctx context.Context, match query.Query, q Query, field string) (*bleve.SearchResult, error) {
	req := ix.request(match, q, field)
	req.Size = 0
	req.AddFacet(field, bleve.NewFacetRequest(field, 100))
	return ix.do(ctx, req)
}

func (ix *Index) do(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("%w: %v", ErrTimeout, err)
		}
		return nil, fmt.Errorf("searching: %w", err)
	}
	return res, nil
}

func (ix *Index) result(q Query, res *bleve.SearchResult, matched string) *Result {
	out := &Result{
		Query:   q.Text,
		Total:   res.Total,
		Matched: matched,
		From:    q.From,
		Size:    q.Size,
		Hits:    make([]Hit, 0, len(res.Hits)),
		Facets:  make(map[string]map[string]int, len(facetFields)),
	}
	if res.Total == 0 {
		out.Matched = "none"
	}
	for _, f := range facetFields {
		out.Facets[f] = facetCounts(res.Facets[f])
	}
	for _, dm := range res.Hits {
		out.Hits = append(out.Hits, toHit(dm))
	}
	return out
}

func facetCounts(fr *search.FacetResult) map[string]int {
	counts := map[string]int{}
	if fr == nil || fr.Terms == nil {
		return counts
	}
	for _, t := range fr.Terms.Terms() {
		counts[t.Term] = t.Count
	}
	return counts
}

func toHit(dm *search.DocumentMatch) Hit {
	title := fieldString(dm.Fields["title"])
	body := fieldString(dm.Fields["body"])
	return Hit{
		ID:        dm.ID,
		Type:      fieldString(dm.Fields["type"]),
		Title:     title,
		URL:       fieldString(dm.Fields["url"]),
		Page:      fieldString(dm.Fields["page"]),
		Score:     dm.Score,
		TitleHTML: markAll(title, matchRanges(dm.Locations, "title")),
		Snippet:   snippet(body, matchRanges(dm.Locations, "body"), snippetLen),
		Stage:     fieldStrings(dm.Fields["stage"]),
		Audience:  fieldStrings(dm.Fields["audience"]),
		Technique: fieldStrings(dm.Fields["technique"]),
	}
}

func fieldString(v interface{}) string {
	switch x := v.(type) {
	case string:
		return x
	case []interface{}:
		if len(x) > 0 {
			s, _ := x[0].(string)
			return s
		}
	}
	return ""
}

func fieldStrings(v interface{}) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []interface{}:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		sort.Strings(out)
		return out
	}
	return nil
}
