package searchindex

// synonyms finds the phrases of the configured synonym groups in a list of
// tokens. Phrases are compared stem by stem, so "objections" finds the member
// "objection" and "sitting on the fence" finds "sit on the fence".
type synonyms struct {
	groups [][][]string // group -> phrase -> stems
	// byFirst indexes every phrase by its first stem.
	byFirst map[string][]phraseRef
	// words are the members' own words, which the dictionary keeps so that a
	// typo of a synonym is corrected even if no page uses that word.
	words []string
}

type phraseRef struct{ group, phrase int }

// synonymMatch is a synonym phrase found at a position: its group and its
// length in tokens.
type synonymMatch struct{ group, n int }

func newSynonyms(groups [][]string, a *analyzer) *synonyms {
	s := &synonyms{byFirst: make(map[string][]phraseRef)}
	for _, g := range groups {
		var phrases [][]string
		for _, p := range g {
			toks := a.tokenize(p)
			if len(toks) == 0 {
				continue
			}
			phrases = append(phrases, stemsOf(toks))
			for _, t := range toks {
				s.words = append(s.words, t.word)
			}
		}
		if len(phrases) < 2 {
			continue // a group of one means nothing
		}
		gi := len(s.groups)
		s.groups = append(s.groups, phrases)
		for pi, p := range phrases {
			s.byFirst[p[0]] = append(s.byFirst[p[0]], phraseRef{gi, pi})
		}
	}
	return s
}

// at returns the synonym phrases that start at toks[i], longest first within a
// group, one match per group.
func (s *synonyms) at(toks []token, i int) []synonymMatch {
	refs := s.byFirst[toks[i].stem]
	if len(refs) == 0 {
		return nil
	}
	var out []synonymMatch
	for _, ref := range refs {
		p := s.groups[ref.group][ref.phrase]
		if len(p) > len(toks)-i || !stemsEqual(p, toks[i:i+len(p)]) {
			continue
		}
		dup := false
		for k := range out {
			if out[k].group == ref.group {
				dup = true
				out[k].n = max(out[k].n, len(p))
			}
		}
		if !dup {
			out = append(out, synonymMatch{ref.group, len(p)})
		}
	}
	return out
}

func stemsEqual(p []string, toks []token) bool {
	for i, st := range p {
		if toks[i].stem != st {
			return false
		}
	}
	return true
}
