// Package queryset makes the mixed set of searches that the benchmarks and the
// load command send: what people type in a meeting, as they type it. It starts
// from the relevance cases (cmd/indexer/testdata/relevance.toml) and adds each
// query typed one letter at a time, with a typo, and with filters, so that no
// two searches in the set are the same.
package queryset

import (
	"fmt"
	"net/url"
	"os"

	"github.com/BurntSushi/toml"
)

// Search is one search of the set.
type Search struct {
	Text    string
	Filters map[string][]string
}

// Query is the search as an /api/search query string.
func (s Search) Query() string {
	v := url.Values{"q": {s.Text}}
	for k, vs := range s.Filters {
		v[k] = vs
	}
	return v.Encode()
}

// Load reads the relevance cases' queries from path.
func Load(path string) ([]string, error) {
	var f struct {
		Case []struct {
			Q string `toml:"q"`
		} `toml:"case"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading query set: %w", err)
	}
	if _, err := toml.Decode(string(b), &f); err != nil {
		return nil, fmt.Errorf("reading query set %s: %w", path, err)
	}
	var qs []string
	for _, c := range f.Case {
		qs = append(qs, c.Q)
	}
	return qs, nil
}

// filters are applied to some searches, as a person clicking a chip would.
var filters = []map[string][]string{
	{"type": {"question"}},
	{"audience": {"partners"}},
	{"stage": {"meeting-resistance"}},
	{"type": {"checklist", "situation"}},
}

// Mix returns the set: each query whole (finished, with a trailing space),
// each prefix of it as typed (from three letters on, every other letter), a
// typo (two letters swapped) and a filtered copy. Repeats are dropped.
func Mix(queries []string) []Search {
	var out []Search
	seen := map[string]bool{}
	add := func(s Search) {
		k := s.Query()
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	for i, q := range queries {
		add(Search{Text: q + " "})
		for n := 3; n < len(q); n += 2 {
			add(Search{Text: q[:n]})
		}
		if t := typo(q); t != q {
			add(Search{Text: t + " "})
		}
		add(Search{Text: q + " ", Filters: filters[i%len(filters)]})
	}
	return out
}

// typo swaps two letters in the middle of the longest word.
func typo(q string) string {
	b := []byte(q)
	start, best, n := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == ' ' {
			if i-start > n {
				best, n = start, i-start
			}
			start = i + 1
		}
	}
	if n < 5 {
		return q
	}
	m := best + n/2
	b[m], b[m+1] = b[m+1], b[m]
	return string(b)
}

// Worst are crafted searches that cost the most: many long words, synonyms
// and typos, up to the size limit, with every filter. A benchmark holds them.
func Worst(maxBytes int) []Search {
	pad := func(s string) string {
		for len(s)+9 <= maxBytes {
			s += " customer"
		}
		return s[:min(len(s), maxBytes)]
	}
	all := map[string][]string{"type": {"question", "page"}, "stage": {"meeting-resistance", "clarifying"},
		"audience": {"partners", "customers"}, "technique": {"meet-resistance", "acknowledge"}}
	var longWords string
	for range 60 {
		longWords += "resisting "
	}
	return []Search{
		{Text: pad("pushback resistance objection customer partner leadership employees decision progress feedback")},
		{Text: pad("pushback resistance objection customer partner leadership employees decision progress feedback"), Filters: all},
		{Text: pad("custmoer parnter leadrship objectoin resistence stakholder sponser comitment feedbak progres")},
		{Text: longWords[:min(len(longWords), maxBytes)]},
		{Text: pad("a b c d e f g h i j k l m n o p q r s t u v w x y z")},
		{Text: pad("co pa re cu le st me pr fe de ob")},
	}
}
