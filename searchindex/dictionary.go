package searchindex

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// dictionary is the index's vocabulary: every word of every document with the
// number of documents that contain it. It is made at build time and kept in the
// index's tables. A search uses it to tell a typo from a word (only words the
// dictionary lacks are corrected) and to complete the word being typed, so
// that neither needs a fuzzy or prefix scan of the index.
type dictionary struct {
	// words are sorted; stemOf and df are each word's stem and the number of
	// documents that contain it.
	words  []string
	stemOf []string
	df     []int32
	// stems are the stems of the words some document has, sorted.
	stems []string
	// short maps every prefix of up to shortPrefix letters to its completions,
	// worked out once: such prefixes begin hundreds of words, and the word
	// being typed is often that short.
	short map[string][]string
}

// shortPrefix is the longest prefix whose completions are worked out at build.
const shortPrefix = 3

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

// dictionary makes the dictionary of the words counted.
func (b *dictionaryBuilder) dictionary() *dictionary {
	d := &dictionary{words: make([]string, 0, len(b.df))}
	for w := range b.df {
		d.words = append(d.words, w)
	}
	slices.Sort(d.words)
	d.stemOf, d.df = make([]string, len(d.words)), make([]int32, len(d.words))
	stems := map[string]bool{}
	for i, w := range d.words {
		d.stemOf[i], d.df[i] = b.stem[w], int32(b.df[w])
		if d.df[i] > 0 && !stems[d.stemOf[i]] {
			stems[d.stemOf[i]] = true
			d.stems = append(d.stems, d.stemOf[i])
		}
	}
	slices.Sort(d.stems)
	d.short = map[string][]string{}
	for _, w := range d.words {
		for n := minCompletion; n <= shortPrefix && n < len(w); n++ {
			if _, done := d.short[w[:n]]; !done && utf8.ValidString(w[:n]) {
				d.short[w[:n]] = d.scan(w[:n])
			}
		}
	}
	return d
}

// find returns the place of word in words, and whether it is there.
func (d *dictionary) find(word string) (int, bool) { return slices.BinarySearch(d.words, word) }

// lookupStem returns the stem of a word of the dictionary: searching and
// highlighting rarely need to run the stemmer.
func (d *dictionary) lookupStem(word string) (string, bool) {
	if i, ok := d.find(word); ok {
		return d.stemOf[i], true
	}
	return "", false
}

// known reports whether a word, or another form of it, is in the index.
func (d *dictionary) known(word, stem string) bool {
	if _, ok := d.find(word); ok {
		return true
	}
	_, ok := slices.BinarySearch(d.stems, stem)
	return ok
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
	i, _ := d.find(prefix)
	var found []int
	for ; i < len(d.words) && strings.HasPrefix(d.words[i], prefix); i++ {
		if d.words[i] != prefix && d.df[i] > 0 {
			found = append(found, i)
		}
	}
	slices.SortStableFunc(found, func(x, y int) int { return cmp.Compare(d.df[y], d.df[x]) })
	out := make([]string, min(len(found), maxCompletions))
	for k := range out {
		out[k] = d.words[found[k]]
	}
	return out
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
	lo, _ := d.find(string(first))
	n := utf8.RuneCountInString(word)
	type cand struct {
		w    string
		df   int32
		dist int
	}
	var best []cand
	for i := lo; i < len(d.words); i++ {
		w := d.words[i]
		if r, _ := utf8.DecodeRuneInString(w); r != first {
			break
		}
		m := utf8.RuneCountInString(w)
		if m < n-fz || m > n+fz {
			continue
		}
		if dist := editDistance(word, w, fz); dist <= fz {
			best = append(best, cand{w, d.df[i], dist})
		}
	}
	slices.SortStableFunc(best, func(x, y cand) int {
		if x.dist != y.dist {
			return cmp.Compare(x.dist, y.dist)
		}
		return cmp.Compare(y.df, x.df)
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
