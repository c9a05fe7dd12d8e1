package searchindex

import (
	"errors"
	"math"
	"slices"
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
	cur     []int32 // the documents one concept touched
	n       int     // concepts
	top     []candidate
	// wanted and counts are per facet value: filtered for, and counted.
	wanted []bool
	counts []int32
}

// scoreAll scores every document for the plan. Release the result with
// ix.release when the search is done.
func (ix *Index) scoreAll(cp *compiledPlan) *scores {
	sc, _ := ix.scratch.Get().(*scores)
	if sc == nil || len(sc.sum) != len(ix.docs) {
		sc = &scores{sum: make([]float64, len(ix.docs)), matched: make([]uint8, len(ix.docs)), best: make([]float64, len(ix.docs))}
	}
	sc.n = len(cp.concepts)
	sc.touched = sc.touched[:0] // every document touched, to rank and to reset afterwards
	for _, alts := range cp.concepts {
		sc.cur = sc.cur[:0]
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
					sc.cur = append(sc.cur, p.doc)
				}
				sc.best[p.doc] = max(sc.best[p.doc], s)
			}
		}
		for _, doc := range sc.cur {
			if sc.matched[doc] == 0 {
				sc.touched = append(sc.touched, doc)
			}
			sc.sum[doc] += sc.best[doc]
			sc.matched[doc]++
			sc.best[doc] = 0
		}
	}
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

// candidate is a document that matched, with its final score.
type candidate struct {
	doc   int32
	score float64
}

// above reports whether a ranks above b: a higher score, or an equal one and
// an earlier document (Bleve's order, which the documents are kept in).
func above(a, b candidate) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

// rank returns, best first, the n best candidates scored in sc that pass the
// filters, and the number that pass. With facets, it also counts, for each
// facet field, the values of the candidates that pass every other field's
// filter. It is one pass over the candidates, which scoreAll has already
// found from the postings: no index is walked again. Facet values are
// compared and counted by number (facetIndex), not by name.
func (ix *Index) rank(sc *scores, n int, filters map[string][]string, facets map[string]map[string]int) ([]candidate, int) {
	fi := &ix.facetIndex
	var active int // a bit per facet field with a filter
	if len(filters) > 0 {
		sc.wanted = slices.Grow(sc.wanted[:0], len(fi.values))[:len(fi.values)]
		clear(sc.wanted)
		for f, field := range facetFields {
			if want := filters[field]; len(want) > 0 {
				active |= 1 << f
				for _, v := range want {
					if id, ok := fi.ids[f][v]; ok {
						sc.wanted[id] = true
					}
				}
			}
		}
	}
	if facets != nil {
		sc.counts = slices.Grow(sc.counts[:0], len(fi.values))[:len(fi.values)]
		clear(sc.counts)
	}
	top := sc.top[:0]
	total := 0
	for _, i := range sc.touched {
		dd := &ix.docs[i]
		failed := 0 // filters dd fails, as a bit per facet field
		if active != 0 {
			has := 0
			for _, id := range dd.facets {
				if sc.wanted[id] {
					has |= 1 << fi.field[id]
				}
			}
			failed = active &^ has
		}
		if facets != nil {
			for _, id := range dd.facets {
				// Counted when every other field's filter holds.
				if failed&^(1<<fi.field[id]) == 0 {
					sc.counts[id]++
				}
			}
		}
		if failed != 0 {
			continue
		}
		total++
		score, _ := ix.score(sc, int(i))
		c := candidate{i, score}
		// top is a heap of the n best so far, the worst of them first.
		switch {
		case len(top) < n:
			top = append(top, c)
			siftUp(top, len(top)-1)
		case n > 0 && above(c, top[0]):
			top[0] = c
			siftDown(top, 0)
		}
	}
	sc.top = top
	slices.SortFunc(top, func(a, b candidate) int {
		if above(a, b) {
			return -1
		}
		return 1
	})
	if facets != nil {
		for id, k := range sc.counts {
			if k > 0 {
				facets[facetFields[fi.field[id]]][fi.values[id]] = int(k)
			}
		}
	}
	return top, total
}

// facetIndex numbers every value of every facet field, so that filtering and
// counting a candidate compares small numbers.
type facetIndex struct {
	values []string
	field  []uint8             // the facet field of each value
	ids    []map[string]uint16 // per facet field, value -> number
}

// indexFacets numbers the facet values of the documents and lists each
// document's, in the order of facetFields.
func (t *tables) indexFacets() error {
	fi := &t.facetIndex
	fi.ids = make([]map[string]uint16, len(facetFields))
	for f := range fi.ids {
		fi.ids[f] = map[string]uint16{}
	}
	all := 0
	for i := range t.docs {
		for f := range facetFields {
			all += len(t.docs[i].facet(f))
		}
	}
	flat := make([]uint16, 0, all)
	for i := range t.docs {
		dd := &t.docs[i]
		start := len(flat)
		for f := range facetFields {
			for _, v := range dd.facet(f) {
				id, ok := fi.ids[f][v]
				if !ok {
					if len(fi.values) == 1<<16 {
						return errors.New("more than 65,536 facet values")
					}
					id = uint16(len(fi.values))
					fi.ids[f][v] = id
					fi.values = append(fi.values, v)
					fi.field = append(fi.field, uint8(f))
				}
				flat = append(flat, id)
			}
		}
		dd.facets = flat[start:len(flat):len(flat)]
	}
	return nil
}

// siftUp and siftDown keep h a heap whose first element ranks lowest.
func siftUp(h []candidate, i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !above(h[parent], h[i]) {
			return
		}
		h[parent], h[i] = h[i], h[parent]
		i = parent
	}
}

func siftDown(h []candidate, i int) {
	for {
		low := i
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < len(h) && above(h[low], h[c]) {
				low = c
			}
		}
		if low == i {
			return
		}
		h[low], h[i] = h[i], h[low]
		i = low
	}
}
