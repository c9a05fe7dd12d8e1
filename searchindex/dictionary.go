package searchindex

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// dictionary is the index's vocabulary: every word of every document with the
// number of documents that contain it. It is written into the index at build
// time and read back when the index is opened. A search uses it to tell a typo
// from a word (only words the dictionary lacks are corrected) and to complete the
// word being typed, so that neither needs a fuzzy or prefix scan of the index.
type dictionary struct {
	df    map[string]int    // word -> documents containing it
	stem  map[string]string // word -> stem
	stems map[string]bool   // stems of all words
	// sorted lists the words in order, for prefix completion.
	sorted []string
	// short maps every prefix of up to shortPrefix letters to its completions,
	// worked out once: such prefixes begin hundreds of words, and the word
	// being typed is often that short.
	short map[string][]string
}

// shortPrefix is the longest prefix whose completions are worked out at open.
const shortPrefix = 3

// dictEntry is one word as stored in the index.
type dictEntry struct {
	Word string `json:"w"`
	Stem string `json:"s"`
	DF   int    `json:"n"`
}

// dictionaryBuilder counts words as documents are analysed.
type dictionaryBuilder struct {
	df   map[string]int
	stem map[string]string
}

func newDictionaryBuilder() *dictionaryBuilder {
	return &dictionaryBuilder{df: map[string]int{}, stem: map[string]string{}}
}

// add counts the distinct words of one document.
func (b *dictionaryBuilder) add(docToks []token) {
	seen := make(map[string]bool, len(docToks))
	for _, t := range docToks {
		if seen[t.word] {
			continue
		}
		seen[t.word] = true
		b.df[t.word]++
		b.stem[t.word] = t.stem
	}
}

// addKnown records words that are valid without any document using them (the
// members of synonym groups), so that a typo of one is corrected to it.
func (b *dictionaryBuilder) addKnown(words []string, a *analyzer) {
	for _, w := range words {
		if _, ok := b.df[w]; !ok {
			b.df[w] = 0
			b.stem[w] = a.stem(w)
		}
	}
}

func (b *dictionaryBuilder) marshal() ([]byte, error) {
	entries := make([]dictEntry, 0, len(b.df))
	for w, n := range b.df {
		entries = append(entries, dictEntry{w, b.stem[w], n})
	}
	slices.SortFunc(entries, func(x, y dictEntry) int { return strings.Compare(x.Word, y.Word) })
	return json.Marshal(entries)
}

func loadDictionary(b []byte) (*dictionary, error) {
	var entries []dictEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, fmt.Errorf("reading the index's dictionary: %w", err)
	}
	d := &dictionary{
		df:     make(map[string]int, len(entries)),
		stem:   make(map[string]string, len(entries)),
		stems:  make(map[string]bool, len(entries)),
		sorted: make([]string, 0, len(entries)),
	}
	for _, e := range entries {
		d.df[e.Word] = e.DF
		d.stem[e.Word] = e.Stem
		if e.DF > 0 {
			d.stems[e.Stem] = true
		}
		d.sorted = append(d.sorted, e.Word)
	}
	slices.Sort(d.sorted)
	d.short = map[string][]string{}
	for _, w := range d.sorted {
		for n := minCompletion; n <= shortPrefix && n < len(w); n++ {
			if _, done := d.short[w[:n]]; !done && utf8.ValidString(w[:n]) {
				d.short[w[:n]] = d.scan(w[:n])
			}
		}
	}
	return d, nil
}

// known reports whether a word, or another form of it, is in the index.
func (d *dictionary) known(word, stem string) bool {
	_, ok := d.df[word]
	return ok || d.stems[stem]
}

// maxCompletions bounds the words a prefix stands for, so that typing one
// letter of a common prefix costs no more than a few words.
const maxCompletions = 4

// completions returns the most frequent words that start with prefix and are
// longer than it.
func (d *dictionary) completions(prefix string) []string {
	if c, ok := d.short[prefix]; ok {
		return c
	}
	if len(prefix) <= shortPrefix {
		return nil // no word begins so
	}
	return d.scan(prefix)
}

func (d *dictionary) scan(prefix string) []string {
	i, _ := slices.BinarySearch(d.sorted, prefix)
	var found []string
	for ; i < len(d.sorted) && strings.HasPrefix(d.sorted[i], prefix); i++ {
		if w := d.sorted[i]; w != prefix && d.df[w] > 0 {
			found = append(found, w)
		}
	}
	slices.SortStableFunc(found, func(x, y string) int { return cmp.Compare(d.df[y], d.df[x]) })
	return found[:min(len(found), maxCompletions)]
}

// maxCorrections bounds the words a typo stands for.
const maxCorrections = 2

// corrections returns the words nearest to word within the typos its length
// allows, most frequent first. Like most spell checkers it trusts the first
// letter, which also keeps the scan short.
func (d *dictionary) corrections(word string) []string {
	fz := fuzziness(word)
	if fz == 0 {
		return nil
	}
	first, _ := utf8.DecodeRuneInString(word)
	lo, _ := slices.BinarySearch(d.sorted, string(first))
	n := utf8.RuneCountInString(word)
	type cand struct {
		w    string
		dist int
	}
	var best []cand
	for i := lo; i < len(d.sorted); i++ {
		w := d.sorted[i]
		if r, _ := utf8.DecodeRuneInString(w); r != first {
			break
		}
		m := utf8.RuneCountInString(w)
		if m < n-fz || m > n+fz {
			continue
		}
		if dist := editDistance(word, w, fz); dist <= fz {
			best = append(best, cand{w, dist})
		}
	}
	slices.SortStableFunc(best, func(x, y cand) int {
		if x.dist != y.dist {
			return cmp.Compare(x.dist, y.dist)
		}
		return cmp.Compare(d.df[y.w], d.df[x.w])
	})
	var out []string
	for _, c := range best {
		if len(out) == maxCorrections || c.dist > best[0].dist {
			break
		}
		out = append(out, c.w)
	}
	return out
}

// fuzziness is the number of typos forgiven in a word: none up to three letters,
// where one edit makes another word, one up to six, two for longer words.
func fuzziness(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n <= 3:
		return 0
	case n <= 6:
		return 1
	default:
		return 2
	}
}

// editDistance is the optimal-string-alignment distance between a and b (edits
// are insertions, deletions, substitutions and swaps of adjacent letters),
// or limit+1 as soon as it must exceed limit.
func editDistance(a, b string, limit int) int {
	if len(a) <= 32 && len(b) <= 32 && isASCII(a) && isASCII(b) {
		var ra, rb [32]rune
		for i := range len(a) {
			ra[i] = rune(a[i])
		}
		for i := range len(b) {
			rb[i] = rune(b[i])
		}
		return distance(ra[:len(a)], rb[:len(b)], limit)
	}
	return distance([]rune(a), []rune(b), limit)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func distance(ra, rb []rune, limit int) int {
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	var rows [3][34]int
	var prev2, prev, cur []int
	if len(rb) < 34 {
		prev2, prev, cur = rows[0][:len(rb)+1], rows[1][:len(rb)+1], rows[2][:len(rb)+1]
	} else {
		prev2, prev, cur = make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
