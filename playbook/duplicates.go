package playbook

import (
	"math"
	"slices"
	"strings"
	"unicode"
)

// DuplicateThreshold is the Jaccard similarity of two questions' word sets at or above
// which they count as the same question. At 0.8, two questions of five content words
// must share all five, or four of five against four: a reworded copy, not a sibling.
const DuplicateThreshold = 0.8

// Pair names two texts, by their indexes I < J in the slice given to NearDuplicates,
// whose wording is nearly the same. Similarity is 1 when their word sets are equal.
type Pair struct {
	I, J       int
	Similarity float64
}

// NearDuplicates returns every pair of texts whose normalised word sets (see Words)
// have a Jaccard similarity of at least DuplicateThreshold, in index order.
//
// Comparing every pair is quadratic, which a bank of ten thousand questions
// notices (fifty million comparisons). Prefix filtering (the AllPairs method)
// compares only pairs that can reach the threshold: with each set's words
// ordered rarest first, two sets with Jaccard similarity t or more must share a
// word among the first |x| - ceil(t|x|) + 1 words of each, and sizes within a
// ratio of t. The result is the same as comparing every pair.
func NearDuplicates(texts []string) []Pair {
	sets := make([][]string, len(texts))
	df := map[string]int{}
	for i, t := range texts {
		sets[i] = Words(t)
		for _, w := range sets[i] {
			df[w]++
		}
	}
	seen := map[string][]int{} // prefix word -> sets indexed so far
	var pairs []Pair
	for j, set := range sets {
		ordered := slices.Clone(set)
		slices.SortFunc(ordered, func(a, b string) int {
			if df[a] != df[b] {
				return df[a] - df[b]
			}
			return strings.Compare(a, b)
		})
		prefix := ordered[:prefixLen(len(ordered))]
		candidates := map[int]bool{}
		for _, w := range prefix {
			for _, i := range seen[w] {
				candidates[i] = true
			}
		}
		for i := range candidates {
			if s := jaccard(sets[i], set); s >= DuplicateThreshold {
				pairs = append(pairs, Pair{I: i, J: j, Similarity: s})
			}
		}
		for _, w := range prefix {
			seen[w] = append(seen[w], j)
		}
	}
	slices.SortFunc(pairs, func(a, b Pair) int {
		if a.I != b.I {
			return a.I - b.I
		}
		return a.J - b.J
	})
	return pairs
}

// prefixLen is how many of a set's rarest words a near-duplicate must share
// one of: |x| - ceil(t|x|) + 1, and all of an empty set's none.
func prefixLen(n int) int {
	if n == 0 {
		return 0
	}
	need := int(math.Ceil(DuplicateThreshold*float64(n) - 1e-9))
	return n - need + 1
}

// Similarity returns the Jaccard similarity of the normalised word sets of a and b:
// the number of words they share over the number of distinct words in either.
func Similarity(a, b string) float64 {
	return jaccard(Words(a), Words(b))
}

// Words returns the distinct content words of text, sorted: lowercased, split on
// anything that is not a letter or digit, without English stop words.
//
// Negations are kept ("n't" is read as "not", and not, no and nor are not stop
// words), so that "What is working?" and "What is not working?" stay two questions.
// A text made only of stop words keeps them all, so that it is still compared by its
// wording rather than matching every other such text as an empty set.
func Words(text string) []string {
	s := strings.ToLower(strings.ReplaceAll(text, "’", "'"))
	s = strings.NewReplacer("can't", "can not", "cannot", "can not", "won't", "will not", "shan't", "shall not", "n't", " not").Replace(s)
	all := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var words []string
	for _, w := range all {
		if !isStopWord(w) {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		words = all
	}
	slices.Sort(words)
	return slices.Compact(words)
}

// jaccard returns |a∩b| / |a∪b| for two sorted sets of distinct words; two empty sets
// are the same wording.
func jaccard(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	shared := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch strings.Compare(a[i], b[j]) {
		case 0:
			shared++
			i++
			j++
		case -1:
			i++
		default:
			j++
		}
	}
	return float64(shared) / float64(len(a)+len(b)-shared)
}

// isStopWord reports whether w is an English stop word: the Snowball English list
// (snowballstem.org, algorithms/english/stop.txt) without no, nor and not, and with
// its contractions given as the pieces a split on the apostrophe leaves (let's gives
// "let" and "s"; the "n't" forms become "not" before the split). It is a switch rather
// than a package-level set so that there is no state to share or mutate.
func isStopWord(w string) bool {
	switch w {
	case "i", "me", "my", "myself", "we", "our", "ours", "ourselves",
		"you", "your", "yours", "yourself", "yourselves",
		"he", "him", "his", "himself", "she", "her", "hers", "herself",
		"it", "its", "itself", "they", "them", "their", "theirs", "themselves",
		"what", "which", "who", "whom", "this", "that", "these", "those",
		"am", "is", "are", "was", "were", "be", "been", "being",
		"have", "has", "had", "having", "do", "does", "did", "doing",
		"would", "should", "could", "ought",
		"a", "an", "the", "and", "but", "if", "or", "because", "as", "until", "while",
		"of", "at", "by", "for", "with", "about", "against", "between", "into", "through",
		"during", "before", "after", "above", "below", "to", "from", "up", "down",
		"in", "out", "on", "off", "over", "under", "again", "further", "then", "once",
		"here", "there", "when", "where", "why", "how",
		"all", "any", "both", "each", "few", "more", "most", "other", "some", "such",
		"only", "own", "same", "so", "than", "too", "very",
		// Pieces of i'm, you're, he's, i've, i'd, i'll, let's and the like.
		"m", "re", "s", "ve", "d", "ll", "t", "let":
		return true
	}
	return false
}
