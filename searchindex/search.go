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

	cp := ix.compile(p)
	match := ix.matchQuery(p)
	req := bleve.NewSearchRequestOptions(ix.filtered(match, q.Filters, ""), q.Size, q.From, false)
	req.Query = &rankedQuery{child: req.Query, ix: ix, plan: cp}
	// Bleve scores too (its collector keeps the first hits it meets when told
	// not to score), but the ranked query replaces that score with ours.
	if q.Facets {
		for _, f := range facetFields {
			req.AddFacet(f, bleve.NewFacetRequest(f, 100))
		}
	}
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
	hl := ix.newHighlighter(p)
	for _, dm := range res.Hits {
		i, ok := ix.byInternal[dm.IndexInternalID.Value()]
		if !ok {
			return nil, fmt.Errorf("searching: hit %s is not among the index's documents", dm.ID)
		}
		out.Hits = append(out.Hits, hl.hit(&ix.docs[i], dm.Score))
	}
	out.Matched = "none"
	if len(out.Hits) > 0 && q.From == 0 {
		_, m := ix.score(cp, &ix.docs[ix.byInternal[res.Hits[0].IndexInternalID.Value()]])
		out.Matched = matchedName(m, len(p.concepts))
	} else if res.Total > 0 {
		out.Matched = "any"
	}
	if q.Facets {
		out.Facets = make(map[string]map[string]int, len(facetFields))
		for _, f := range facetFields {
			out.Facets[f] = facetCounts(res.Facets[f])
		}
		// Counts for a filtered field ignore its own filter, so the page can
		// show what choosing another value would give.
		for _, field := range facetFields {
			if len(q.Filters[field]) == 0 {
				continue
			}
			freq := bleve.NewSearchRequestOptions(ix.filtered(match, q.Filters, field), 0, 0, false)
			freq.Score = bleve.ScoreNone
			freq.AddFacet(field, bleve.NewFacetRequest(field, 100))
			r, err := ix.do(ctx, freq)
			if err != nil {
				return nil, err
			}
			out.Facets[field] = facetCounts(r.Facets[field])
		}
	}
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
			if _, ok := ix.termIDs[a.term]; !ok {
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

// filtered adds the filters, except the one on field except, to match.
func (ix *Index) filtered(match query.Query, filters map[string][]string, except string) query.Query {
	qs := []query.Query{match}
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
	if len(qs) == 1 {
		return match
	}
	return query.NewConjunctionQuery(qs)
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
