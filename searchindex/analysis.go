package searchindex

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// This file is the one place where text becomes index terms. Documents at build
// time, queries at search time and highlighting of hits all go through it, so
// the three can never disagree about what a word is.
//
// Text is split into words (letters and digits, with apostrophes inside a word),
// lowercased and stemmed with the Snowball English stemmer. Stop words are kept in
// the index (a query made only of stop words, such as "what would you do if you
// were me", must still find its page) but dropped from other queries. Where the
// words of a synonym phrase occur, a group term (groupTerm) is added once, so a
// query for any member of a group finds the others through one term, whatever the
// size of the group. Multi-word members also add a phrase term, so that the exact
// phrase outranks its synonyms and "take" alone never counts as "take over".

// token is one word of a text.
type token struct {
	start, end int    // byte offsets in the text
	word       string // lowercased, with curly apostrophes made straight
	stem       string
}

// tokenize splits text into words and stems them with the stemmer s.
func (a *analyzer) tokenize(text string) []token {
	var toks []token
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start := i
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) || (isApostrophe(r) && i+n < len(text) && nextIsWordRune(text[i+n:])) {
				i += n
				continue
			}
			break
		}
		word := lower(text[start:i])
		toks = append(toks, token{start: start, end: i, word: word, stem: a.stem(word)})
	}
	return toks
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isApostrophe(r rune) bool { return r == '\'' || r == '’' }

func nextIsWordRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isWordRune(r)
}

// lower lowercases a word and straightens curly apostrophes; ASCII words, the
// common case, cost no allocation when already lowercase.
func lower(w string) string {
	ascii, upper := true, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if ascii && !upper {
		return w
	}
	return strings.ReplaceAll(strings.ToLower(w), "’", "'")
}

// analyzer turns text into terms. It is immutable after construction and safe
// for concurrent use.
type analyzer struct {
	stops    map[string]bool
	synonyms *synonyms
	// stems knows the stem of every word seen at build time (the index's
	// vocabulary), so that searching and highlighting rarely run the stemmer.
	stems stemLookup
}

// stemLookup returns the stem of a word it knows.
type stemLookup interface {
	lookupStem(word string) (string, bool)
}

// stemMap is a stemLookup that can grow, for analysing documents.
type stemMap map[string]string

func (m stemMap) lookupStem(word string) (string, bool) {
	s, ok := m[word]
	return s, ok
}

func newAnalyzer(groups [][]string) *analyzer {
	a := &analyzer{stops: englishStopWords()}
	a.synonyms = newSynonyms(groups, a)
	return a
}

// stem returns the Snowball English stem of a lowercase word, without a
// possessive 's.
func (a *analyzer) stem(word string) string {
	if a.stems != nil {
		if s, ok := a.stems.lookupStem(word); ok {
			return s
		}
	}
	return stemWord(word)
}

func stemWord(word string) string {
	w := strings.TrimSuffix(word, "'s")
	w = strings.ReplaceAll(w, "'", "")
	if w == "" {
		return word
	}
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	return env.Current()
}

func (a *analyzer) isStop(word string) bool { return a.stops[word] }

// englishStopWords reads Bleve's list of English stop words (the Snowball list).
func englishStopWords() map[string]bool {
	stops := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(en.EnglishStopWords))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "|")
		for _, w := range strings.Fields(line) {
			stops[w] = true
		}
	}
	return stops
}

// groupTerm is the index term that stands for synonym group g. No word produces
// it, since words never contain '~'.
func groupTerm(g int) string { return "~g" + strconv.Itoa(g) }

// phraseTerm is the index term for a multi-word phrase, its stems joined by '_'.
func phraseTerm(stems []string) string { return strings.Join(stems, "_") }

// termsOf returns the index terms of tokenized text: every word's stem, plus a
// group term and, for multi-word members, a phrase term wherever a synonym
// phrase occurs.
func (a *analyzer) termsOf(toks []token) []string {
	out := make([]string, 0, len(toks)+len(toks)/4)
	for i, t := range toks {
		out = append(out, t.stem)
		for _, m := range a.synonyms.at(toks, i) {
			out = append(out, groupTerm(m.group))
			if m.n > 1 {
				out = append(out, phraseTerm(stemsOf(toks[i:i+m.n])))
			}
		}
	}
	return out
}

func stemsOf(toks []token) []string {
	s := make([]string, len(toks))
	for i, t := range toks {
		s[i] = t.stem
	}
	return s
}

// fieldText joins terms for a field analysed by splitting at spaces.
func fieldText(terms []string) string { return strings.Join(terms, " ") }

// uniqueTerms keeps the first occurrence of each term: a list of situation
// phrases should say that a word is there, not how often the lists repeat it.
func uniqueTerms(terms []string) []string {
	seen := make(map[string]bool, len(terms))
	out := terms[:0]
	for _, t := range terms {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
