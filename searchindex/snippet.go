package searchindex

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
)

// snippetLen is the length, in bytes, of the body text a hit shows.
const snippetLen = 220

// span is a byte range [start, end) of a stored field that a query matched.
type span struct{ start, end int }

// matchRanges collects where a field and its plain twin matched, sorted and merged.
// Both are analysed from the same stored text, so their byte offsets agree.
func matchRanges(locs search.FieldTermLocationMap, field string) []span {
	var spans []span
	for _, f := range []string{field, field + exactSuffix} {
		for _, ls := range locs[f] {
			for _, l := range ls {
				spans = append(spans, span{int(l.Start), int(l.End)})
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var merged []span
	for _, s := range spans {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// markAll escapes text for HTML and wraps each span in <mark>.
func markAll(text string, spans []span) string {
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		if s.start < pos || s.end > len(text) {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		pos = s.end
	}
	b.WriteString(html.EscapeString(text[pos:]))
	return b.String()
}

// snippet returns about n bytes of text around the densest run of matches, escaped,
// with the matches marked and an ellipsis where text was cut.
func snippet(text string, spans []span, n int) string {
	if len(text) <= n {
		return markAll(text, spans)
	}
	start := 0
	if len(spans) > 0 {
		// Start a little before the match that has the most other matches within reach.
		best, bestCount := 0, 0
		for i, s := range spans {
			count := 0
			for _, t := range spans[i:] {
				if t.end-s.start > n {
					break
				}
				count++
			}
			if count > bestCount {
				best, bestCount = i, count
			}
		}
		start = max(0, spans[best].start-n/5)
	}
	end := min(len(text), start+n)
	// Cut at word boundaries, and never inside a UTF-8 sequence.
	if start > 0 {
		if i := strings.IndexByte(text[start:end], ' '); i >= 0 && i < n/4 {
			start += i + 1
		}
		for start < end && !utf8.RuneStart(text[start]) {
			start++
		}
	}
	if end < len(text) {
		if i := strings.LastIndexByte(text[start:end], ' '); i > n/2 {
			end = start + i
		}
		for end > start && !utf8.RuneStart(text[end]) {
			end--
		}
	}
	var inside []span
	for _, s := range spans {
		if s.start >= start && s.end <= end {
			inside = append(inside, span{s.start - start, s.end - start})
		}
	}
	out := markAll(text[start:end], inside)
	if start > 0 {
		out = "…" + out
	}
	if end < len(text) {
		out += "…"
	}
	return out
}
