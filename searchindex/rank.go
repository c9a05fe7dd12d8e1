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
			if id, ok := ix.termID(a.term); ok {
				sa := scoredAlt{id: id, weight: a.weight * ix.idf[id]}
				if a.word != "" {
					for _, w := range []string{a.word, a.word + "s", a.word + "es"} {
						if wid, ok := ix.termID(surfaceTerm(w)); ok {
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

// scores are one search's scores, worked out term by term before Bleve walks
// the candidates: each candidate then costs a look-up, whatever the number of
// words and alternatives.
type scores struct {
	sum     []float64
	matched []uint8
	best    []float64 // per concept, reset after each
	touched []int32
	n       int // concepts
}

// scoreAll scores every document for the plan. Release the result with
// ix.release when the search is done.
func (ix *Index) scoreAll(cp *compiledPlan) *scores {
	sc, _ := ix.scratch.Get().(*scores)
	if sc == nil || len(sc.sum) != len(ix.docs) {
		sc = &scores{sum: make([]float64, len(ix.docs)), matched: make([]uint8, len(ix.docs)), best: make([]float64, len(ix.docs))}
	}
	sc.n = len(cp.concepts)
	var all []int32 // every document touched, to reset afterwards
	for _, alts := range cp.concepts {
		sc.touched = sc.touched[:0]
		for _, a := range alts {
			for _, p := range ix.postingsOf(a.id) {
				d := &ix.docs[p.doc]
				tf := float64(p.text)
				s := tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*d.textLen/ix.avgText))
				if p.title > 0 {
					exact := stemOnlyTitle
					for _, w := range a.words {
						if d.hasTitleWord(w) {
							exact = 1
							break
						}
					}
					ttf := float64(p.title)
					s += exact * titleWeight * ttf * (bm25K1 + 1) / (ttf + bm25K1*(1-titleB+titleB*d.titleLen/ix.avgTitle))
				}
				if p.phrase {
					s += phraseWeight
				}
				s *= a.weight
				if sc.best[p.doc] == 0 {
					sc.touched = append(sc.touched, p.doc)
				}
				sc.best[p.doc] = max(sc.best[p.doc], s)
			}
		}
		for _, doc := range sc.touched {
			if sc.matched[doc] == 0 {
				all = append(all, doc)
			}
			sc.sum[doc] += sc.best[doc]
			sc.matched[doc]++
			sc.best[doc] = 0
		}
	}
	sc.touched = all
	return sc
}

// score is document i's final score and the number of concepts it matched.
func (ix *Index) score(sc *scores, i int) (float64, int) {
	m := int(sc.matched[i])
	if m == 0 {
		return 0, 0
	}
	share := float64(m) / float64(sc.n)
	return sc.sum[i]*math.Pow(share, coordPower) + ix.docs[i].tiebreak, m
}

// release clears the scores for the next search and returns them to the pool.
func (ix *Index) release(sc *scores) {
	for _, doc := range sc.touched {
		sc.sum[doc], sc.matched[doc] = 0, 0
	}
	sc.touched = sc.touched[:0]
	ix.scratch.Put(sc)
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
	scores  *scores
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
	dd, i, ok := s.q.ix.docOf(d.IndexInternalID.Value())
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
	d.Score, _ = s.q.ix.score(s.q.scores, i)
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
