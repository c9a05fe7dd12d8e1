package searchindex

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
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

// Search answers q: every document with any searched term is a candidate,
// ranked as rank.go describes. The search runs under the index's timeout,
// whatever the caller's context allows; its work is bounded by the plan's
// limits, so it is not interrupted, but a search that ends past the deadline
// (or after the caller gave up) is ErrTimeout.
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
	var facets map[string]map[string]int
	if q.Facets {
		facets = make(map[string]map[string]int, len(facetFields))
		for _, f := range facetFields {
			facets[f] = map[string]int{}
		}
	}
	// One hit per page: a section is shown only when neither its page nor
	// another of its sections ranks above it, or the sections of one good page
	// would crowd the other answers out. More candidates are taken than shown,
	// so that what remains after collapsing still fills the page.
	fetch := 3*(q.From+q.Size) + 10
	top, total := ix.rank(sc, fetch, q.Filters, facets)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	out := &Result{
		Query:     q.Text,
		Total:     uint64(total),
		Searched:  p.searched,
		Corrected: p.corrected,
		Ignored:   p.ignored,
		From:      q.From,
		Size:      q.Size,
		Hits:      make([]Hit, 0, min(q.Size, len(top))),
	}
	type kept struct {
		i     int
		score float64
	}
	var hits []kept
	pages := map[string]bool{}
	for _, c := range top {
		page, _, _ := strings.Cut(ix.docs[c.doc].doc.URL, "#")
		if pages[page] {
			continue
		}
		pages[page] = true
		hits = append(hits, kept{int(c.doc), c.score})
	}
	if total < fetch {
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
	out.Facets = facets
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
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
