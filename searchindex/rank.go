package searchindex

import (
	"context"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// The ranking, in one place. A document's score for a concept is the best of the
// concept's alternatives (a synonym group counts once, and the exact word beats
// its synonyms by its weight), each scored with BM25 on the document's whole
// text, plus more for the term in its title and in its own phrases (the words
// people type for a situation). Concept scores add up, and the sum is
// multiplied by the share of concepts matched (coordination): matching more of
// the words counts for much, but a document that matches most words strongly
// can still beat one that matches every word in passing.
//
// Length normalisation is mild (bm25B): pages are long and questions short, and
// a whole page that has the words is as good an answer as a question that has
// them.
var (
	bm25K1 = 1.2
	bm25B  = 0.4
	// titleWeight and phraseWeight are how much a term adds when it is in the
	// title or the document's own phrases, over its score in the text.
	titleWeight  = 2.0
	titleB       = 0.5
	phraseWeight = 1.0
	coordPower   = 1.0
	// stemOnlyTitle scales a title match that is only a match of stems
	// ("meet" for "meeting"), so the word as typed comes first.
	stemOnlyTitle = 0.6
)

// compiledPlan is a plan with its terms numbered, ready to score documents.
type compiledPlan struct {
	concepts [][]scoredAlt
}

type scoredAlt struct {
	id     uint32
	weight float64 // alt weight times the term's idf
	// words are the term ids of the word as written and its plural, those of
	// them that some title has.
	words []uint32
}

func (ix *Index) compile(p *plan) *compiledPlan {
	cp := &compiledPlan{concepts: make([][]scoredAlt, len(p.concepts))}
	for i, c := range p.concepts {
		for _, a := range c.alts {
			if id, ok := ix.termIDs[a.term]; ok {
				sa := scoredAlt{id: id, weight: a.weight * ix.idf[id]}
				if a.word != "" {
					for _, w := range []string{a.word, a.word + "s", a.word + "es"} {
						if wid, ok := ix.termIDs[surfaceTerm(w)]; ok {
							sa.words = append(sa.words, wid)
						}
					}
				}
				cp.concepts[i] = append(cp.concepts[i], sa)
			}
		}
	}
	return cp
}

// score returns d's score for the plan and the number of concepts it matched.
func (ix *Index) score(cp *compiledPlan, d *docData) (float64, int) {
	sum, matched := 0.0, 0
	textNorm := bm25K1 * (1 - bm25B + bm25B*d.textLen/ix.avgText)
	titleNorm := bm25K1 * (1 - titleB + titleB*d.titleLen/ix.avgTitle)
	for _, alts := range cp.concepts {
		best := 0.0
		for _, a := range alts {
			tf := d.text.tf(a.id)
			if tf == 0 {
				continue
			}
			s := tf * (bm25K1 + 1) / (tf + textNorm)
			if ttf := d.title.tf(a.id); ttf > 0 {
				exact := stemOnlyTitle
				for _, w := range a.words {
					if d.titleWords.tf(w) > 0 {
						exact = 1
						break
					}
				}
				s += exact * titleWeight * ttf * (bm25K1 + 1) / (ttf + titleNorm)
			}
			if d.phrases.tf(a.id) > 0 {
				s += phraseWeight
			}
			best = max(best, a.weight*s)
		}
		if best > 0 {
			sum += best
			matched++
		}
	}
	if matched == 0 {
		return 0, 0
	}
	share := float64(matched) / float64(len(cp.concepts))
	return sum*math.Pow(share, coordPower) + d.tiebreak, matched
}

// rankedQuery is a Bleve query that finds what its child finds and scores it
// with the index's own ranking. It also applies the filters and counts the
// facets, from the facet values kept in memory: one pass over the candidates
// gives both the hits and every facet count, where Bleve would decode doc
// values once per facet and search again for each filtered field. Unlike
// Bleve's custom-score query it never loads a candidate's external id.
type rankedQuery struct {
	child   query.Query
	ix      *Index
	plan    *compiledPlan
	filters map[string][]string
	// facets, when not nil, receives the counts: field -> value -> documents.
	// A field's counts ignore that field's own filter.
	facets map[string]map[string]int
}

func (q *rankedQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	s, err := q.child.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return &rankedSearcher{Searcher: s, q: q}, nil
}

// rankedSearcher scores each match of the wrapped searcher and drops those the
// filters exclude.
type rankedSearcher struct {
	search.Searcher
	q *rankedQuery
}

// keep scores d and says whether it passes the filters, counting facets.
func (s *rankedSearcher) keep(d *search.DocumentMatch) bool {
	dd, ok := s.q.ix.docOf(d.IndexInternalID.Value())
	if !ok {
		return false
	}
	failed := 0 // filters d fails, as a bit per facet field
	for f, field := range facetFields {
		if want := s.q.filters[field]; len(want) > 0 && !anyIn(dd.facet(f), want) {
			failed |= 1 << f
		}
	}
	if s.q.facets != nil {
		for f, field := range facetFields {
			// Counted when every other field's filter holds.
			if failed&^(1<<f) != 0 {
				continue
			}
			counts := s.q.facets[field]
			for _, v := range dd.facet(f) {
				counts[v]++
			}
		}
	}
	if failed != 0 {
		return false
	}
	d.Score, _ = s.q.ix.score(s.q.plan, dd)
	return true
}

func anyIn(values, want []string) bool {
	for _, v := range values {
		for _, w := range want {
			if v == w {
				return true
			}
		}
	}
	return false
}

func (s *rankedSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		d, err := s.Searcher.Next(ctx)
		if err != nil || d == nil {
			return d, err
		}
		if s.keep(d) {
			return d, nil
		}
		ctx.DocumentMatchPool.Put(d)
	}
}

func (s *rankedSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if err != nil || d == nil || s.keep(d) {
		return d, err
	}
	ctx.DocumentMatchPool.Put(d)
	return s.Next(ctx)
}
