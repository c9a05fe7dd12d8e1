package searchindex

import (
	"strings"
	"unicode/utf8"
)

// A plan is what one search looks for: a concept per searched word (or synonym
// phrase), each with the index terms that count for it and how much. The plan
// is made from the typed text and the index's dictionary before Bleve is asked
// anything, so its cost is bounded by maxConcepts and the alternatives per
// concept, never by the size of synonym groups or the number of fields.
type plan struct {
	concepts  []concept
	searched  []string
	corrected map[string][]string
	ignored   []string
}

// concept is one thing the searcher asked for; a document matches it through the
// best of its alternatives.
type concept struct {
	typed string
	alts  []alt
}

// alt is an index term that stands for a concept, with its weight.
type alt struct {
	term   string
	weight float64
	// stem and group say what the term marks when hits are highlighted.
	stem  string
	group int // -1 when the term is not a synonym group
	// word is the word as written that the term stands for, if one.
	word string
}

// Weights of the ways a term can stand for a typed word: the word itself
// counts fully; a synonym, a completion of the word being typed and a typo's
// correction count less, so that the exact word ranks first.
const (
	weightExact      = 1.0
	weightSynonym    = 0.6
	weightCompletion = 0.7
	weightCorrection = 0.8
)

// Limits that bound a query's cost whatever its words.
const (
	// maxConcepts is the number of words (after stop words) a search looks
	// for; later words are listed in Result.Ignored.
	maxConcepts = 12
	// maxCorrected is the number of unknown words a search tries to correct:
	// a long query of typos would otherwise scan the dictionary for each.
	maxCorrected = 4
	// minCompletion is the shortest word completed while typed.
	minCompletion = 2
)

// plan turns typed text into concepts. Stop words are dropped unless the text
// has nothing else; a word the index lacks is replaced by its nearest known
// words; the last word, when still being typed, also stands for its
// completions; synonym phrases become one concept each.
func (ix *Index) plan(text string) *plan {
	p := &plan{corrected: map[string][]string{}}
	toks := ix.an.tokenize(text)
	typing := len(toks) > 0 && toks[len(toks)-1].end == len(strings.TrimRightFunc(text, isClosingRune))
	allStop := true
	for _, t := range toks {
		if !ix.an.isStop(t.word) {
			allStop = false
			break
		}
	}
	seen := map[string]bool{}
	corrections := 0
	for i := 0; i < len(toks); {
		last := i == len(toks)-1
		var c concept
		n := 1
		if ms := ix.an.synonyms.at(toks, i); len(ms) > 0 && longest(ms).n > 1 {
			m := longest(ms)
			n = m.n
			words := make([]string, n)
			for k := range words {
				words[k] = toks[i+k].word
			}
			c.typed = strings.Join(words, " ")
			c.alts = []alt{
				{term: phraseTerm(stemsOf(toks[i : i+n])), weight: weightExact, group: -1},
				{term: groupTerm(m.group), weight: weightSynonym, group: m.group},
			}
		} else {
			t := toks[i]
			if ix.an.isStop(t.word) && !allStop {
				i++
				continue
			}
			c = ix.wordConcept(p, toks, i, typing && last, &corrections)
		}
		i += n
		// A word that nothing in the index has, even corrected, stays a concept
		// with no terms: it matches nothing, and counts against every document
		// alike, so "matched" says that not all the words were found.
		key := conceptKey(c)
		if len(c.alts) == 0 {
			key = "?" + c.typed
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(p.concepts) == maxConcepts {
			p.ignored = append(p.ignored, c.typed)
			continue
		}
		p.concepts = append(p.concepts, c)
		p.searched = append(p.searched, c.typed)
	}
	if len(p.corrected) == 0 {
		p.corrected = nil
	}
	return p
}

// isClosingRune is punctuation that may follow a finished word without the
// word being finished, such as a question mark: "what would you do?" is typed.
func isClosingRune(r rune) bool { return r == '?' || r == '!' || r == '.' }

func longest(ms []synonymMatch) synonymMatch {
	best := ms[0]
	for _, m := range ms[1:] {
		if m.n > best.n {
			best = m
		}
	}
	return best
}

func conceptKey(c concept) string {
	var b strings.Builder
	for _, a := range c.alts {
		b.WriteString(a.term)
		b.WriteByte(' ')
	}
	return b.String()
}

// wordConcept is the concept for the single word toks[i].
func (ix *Index) wordConcept(p *plan, toks []token, i int, typing bool, corrections *int) concept {
	t := toks[i]
	c := concept{typed: t.word}
	add := func(word, stem string, weight float64) {
		for _, a := range c.alts {
			if a.term == stem {
				return
			}
		}
		c.alts = append(c.alts, alt{term: stem, weight: weight, stem: stem, group: -1, word: word})
		// A word's synonyms count through its group term, once for the group.
		for _, m := range ix.an.synonyms.at([]token{{word: word, stem: stem}}, 0) {
			if m.n == 1 {
				g := groupTerm(m.group)
				for _, a := range c.alts {
					if a.term == g {
						return
					}
				}
				c.alts = append(c.alts, alt{term: g, weight: weight * weightSynonym, group: m.group})
			}
		}
	}
	known := ix.dict.known(t.word, t.stem)
	if known {
		add(t.word, t.stem, weightExact)
	}
	if typing && utf8.RuneCountInString(t.word) >= minCompletion {
		for _, w := range ix.dict.completions(t.word) {
			add(w, ix.an.stem(w), weightCompletion)
		}
	}
	if !known && len(c.alts) == 0 && *corrections < maxCorrected {
		*corrections++
		fixes := ix.dict.corrections(t.word)
		if fixes == nil {
			fixes = []string{} // said as "no such word" rather than left out
		}
		p.corrected[t.word] = fixes
		for _, w := range fixes {
			add(w, ix.an.stem(w), weightCorrection)
		}
	}
	return c
}
