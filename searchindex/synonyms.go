package searchindex

import "strings"

// synonyms finds, in a list of typed words, the phrases of the configured synonym
// groups, so that a query for one member also finds the others.
type synonyms struct {
	groups [][][]string // group -> phrase -> words
	// byFirst indexes every phrase by its first word: group and phrase numbers.
	byFirst map[string][][2]int
}

func newSynonyms(groups [][]string, words func(string) []string) *synonyms {
	s := &synonyms{byFirst: make(map[string][][2]int)}
	for _, g := range groups {
		var phrases [][]string
		for _, p := range g {
			if ws := words(p); len(ws) > 0 {
				phrases = append(phrases, ws)
			}
		}
		if len(phrases) < 2 {
			continue // a group of one means nothing
		}
		gi := len(s.groups)
		s.groups = append(s.groups, phrases)
		for pi, ws := range phrases {
			s.byFirst[ws[0]] = append(s.byFirst[ws[0]], [2]int{gi, pi})
		}
	}
	return s
}

// match returns the group whose phrase is the longest prefix of words, and that
// phrase's length. A single word that is one typo away from a member (and long
// enough for that to be safe) also counts, so "pushbak" still means "pushback".
func (s *synonyms) match(words []string) (group [][]string, n int) {
	best, bestLen := -1, 0
	for _, ref := range s.byFirst[words[0]] {
		p := s.groups[ref[0]][ref[1]]
		if len(p) > bestLen && len(p) <= len(words) && equalWords(p, words[:len(p)]) {
			best, bestLen = ref[0], len(p)
		}
	}
	if best >= 0 {
		return s.groups[best], bestLen
	}
	if len(words[0]) < 5 {
		return nil, 0
	}
	for gi, g := range s.groups {
		for _, p := range g {
			if len(p) == 1 && len(p[0]) >= 5 && withinOneEdit(words[0], p[0]) {
				return s.groups[gi], 1
			}
		}
	}
	return nil, 0
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// withinOneEdit reports whether a and b differ by at most one insertion, deletion,
// substitution or swap of adjacent letters.
func withinOneEdit(a, b string) bool {
	if a == b {
		return true
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true // substitution
		}
		// adjacent swap
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	}
	return string(ra[i:]) == string(rb[i+1:]) // insertion into the shorter
}

func phraseText(ws []string) string { return strings.Join(ws, " ") }
