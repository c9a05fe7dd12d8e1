package searchindex

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// ErrBadQuery reports a query that cannot be answered as asked.
var ErrBadQuery = errors.New("bad query")

// ErrTimeout reports a search that ran past its deadline.
var ErrTimeout = errors.New("search took too long")

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

// Search answers q with one scored query: every document with any searched term
// is a candidate, ranked as rank.go describes. The search runs under the index's
// timeout, whatever the caller's context allows.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	if err := checkQuery(q); err != nil {
		return nil, err
	}
	p := ix.plan(q.Text)
	if len(p.concepts) == 0 {
		return nil, fmt.Errorf("%w: q has no words to search for; type a few words about the situation, as in ?q=customer+upset", ErrBadQuery)
	}
	ctx, cancel := ix.searchContext(ctx)
	defer cancel()

	sc := ix.scoreAll(ix.compile(p))
	defer ix.release(sc)
	rq := &rankedQuery{child: ix.matchQuery(p), ix: ix, scores: sc, filters: q.Filters}
	if q.Facets {
		rq.facets = make(map[string]map[string]int, len(facetFields))
		for _, f := range facetFields {
			rq.facets[f] = map[string]int{}
		}
	}
	// Bleve need not score: the ranked query sets every candidate's score. Told
	// not to score, Bleve's term and disjunction searchers skip frequencies and
	// norms. Its collector would then keep the first hits it meets when the
	// only sort is the score; sorting by the score twice keeps it sorting.
	// One hit per page: a section is shown only when neither its page nor
	// another of its sections ranks above it, or the sections of one good page
	// would crowd the other answers out. Bleve is asked for more hits than
	// shown, so that what remains after collapsing still fills the page.
	fetch := 3*(q.From+q.Size) + 10
	req := bleve.NewSearchRequestOptions(rq, fetch, 0, false)
	req.Score = bleve.ScoreNone
	req.Sort = search.SortOrder{&search.SortScore{Desc: true}, &search.SortScore{Desc: true}}
	res, err := ix.do(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &Result{
		Query:     q.Text,
		Total:     res.Total,
		Searched:  p.searched,
		Corrected: p.corrected,
		Ignored:   p.ignored,
		From:      q.From,
		Size:      q.Size,
		Hits:      make([]Hit, 0, len(res.Hits)),
	}
	type kept struct {
		i     int
		score float64
	}
	var hits []kept
	pages := map[string]bool{}
	for _, dm := range res.Hits {
		dd, i, ok := ix.docOf(dm.IndexInternalID.Value())
		if !ok {
			return nil, fmt.Errorf("searching: hit %s is not among the index's documents", dm.ID)
		}
		page, _, _ := strings.Cut(dd.doc.URL, "#")
		if pages[page] {
			continue
		}
		pages[page] = true
		hits = append(hits, kept{i, dm.Score})
	}
	if len(res.Hits) < fetch {
		out.Total = uint64(len(hits)) // every candidate was seen: the count is exact
	}
	hl := ix.newHighlighter(p)
	for _, h := range hits[min(q.From, len(hits)):min(q.From+q.Size, len(hits))] {
		out.Hits = append(out.Hits, hl.hit(&ix.docs[h.i], h.score))
	}
	out.Matched = "none"
	if len(hits) > 0 {
		_, m := ix.score(sc, hits[0].i)
		out.Matched = matchedName(m, len(p.concepts))
	}
	out.Facets = rq.facets
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

// matchQuery finds the documents that have any of the plan's terms.
func (ix *Index) matchQuery(p *plan) query.Query {
	var terms []query.Query
	seen := map[string]bool{}
	for _, c := range p.concepts {
		for _, a := range c.alts {
			if seen[a.term] {
				continue
			}
			seen[a.term] = true
			if _, ok := ix.termID(a.term); !ok {
				continue // no document has it
			}
			t := query.NewTermQuery(a.term)
			t.SetField(textField)
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return query.NewMatchNoneQuery()
	}
	return query.NewDisjunctionQuery(terms)
}

func (ix *Index) do(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("%w: %w", ErrTimeout, err)
		}
		return nil, fmt.Errorf("searching: %w", err)
	}
	return res, nil
}

// matchedName says how many of n concepts the best hit matched.
func matchedName(m, n int) string {
	switch {
	case m == 0:
		return "none"
	case m == n:
		return "all"
	case 3*m >= 2*n:
		return "most"
	default:
		return "any"
	}
}
