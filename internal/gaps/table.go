package gaps

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Entry is what is kept about one query.
type Entry struct {
	// Query is the normalised query text.
	Query string `json:"query"`
	// Count is the number of times it was counted.
	Count int `json:"count"`
	// Last is the day it was last counted, as YYYY-MM-DD in UTC.
	Last string `json:"last_seen"`
}

// dayLayout is how a day is written: a date and nothing finer, by design.
const dayLayout = time.DateOnly

// Day is the day of t as it is kept: its UTC date.
func Day(t time.Time) string { return t.UTC().Format(dayLayout) }

// Normalize folds the case and spacing of a query, so that "Customer  upset"
// and "customer upset " count as one. It returns "" for a query with no
// characters but spaces.
func Normalize(q string) string {
	return strings.ToLower(strings.Join(strings.Fields(q), " "))
}

// table is a set of entries by query, trimmed to a cap on request. It is not
// safe for concurrent use; Recorder guards it.
type table struct {
	m map[string]*Entry
}

func newTable() *table { return &table{m: map[string]*Entry{}} }

// add counts n more for query, last seen on day.
func (t *table) add(query string, n int, day string) {
	if e, ok := t.m[query]; ok {
		e.Count += n
		e.Last = max(e.Last, day) // the layout sorts as the days do
		return
	}
	t.m[query] = &Entry{Query: query, Count: n, Last: day}
}

// addAll adds every entry of es.
func (t *table) addAll(es []Entry) {
	for _, e := range es {
		t.add(e.Query, e.Count, e.Last)
	}
}

// trim drops entries, the oldest and rarest first, until at most max are left.
// It sorts, so callers trim in bulk rather than one entry at a time.
func (t *table) trim(max int) {
	if len(t.m) <= max {
		return
	}
	all := make([]*Entry, 0, len(t.m))
	for _, e := range t.m {
		all = append(all, e)
	}
	slices.SortFunc(all, dropFirst)
	for _, e := range all[:len(all)-max] {
		delete(t.m, e.Query)
	}
}

func (t *table) entries() []Entry {
	out := make([]Entry, 0, len(t.m))
	for _, e := range t.m {
		out = append(out, *e)
	}
	slices.SortFunc(out, bySearches)
	return out
}

// dropFirst orders entries for dropping: the oldest first, then the rarest, and
// then by text so that the order is the same every time.
func dropFirst(a, b *Entry) int {
	return cmp.Or(cmp.Compare(a.Last, b.Last), cmp.Compare(a.Count, b.Count), cmp.Compare(a.Query, b.Query))
}

// bySearches orders entries as the report lists them: most searched first,
// then the most recently seen, then by text.
func bySearches(a, b Entry) int {
	return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(b.Last, a.Last), cmp.Compare(a.Query, b.Query))
}

// Merge adds up lists of entries, as several replicas' files: counts are summed,
// and the last day seen is the latest. The result is in report order.
func Merge(lists ...[]Entry) []Entry {
	t := newTable()
	for _, l := range lists {
		t.addAll(l)
	}
	return t.entries()
}

// Report is the entries counted at least min times, most searched first.
func Report(entries []Entry, min int) []Entry {
	var out []Entry
	for _, e := range entries {
		if e.Count >= min {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, bySearches)
	return out
}
