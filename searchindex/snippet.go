package searchindex

import (
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// snippetLen is the length, in bytes, of the body text a hit shows.
const snippetLen = 220

// span is a byte range [start, end) of a text that a query matched.
type span struct{ start, end int }

// highlighter marks, in the hits returned, the words that matched: the
// positions the index kept for each document are compared with the searched
// terms, so only the few hits shown pay for highlighting, and a synonym or a
// corrected typo is marked as well.
type highlighter struct {
	// ids are the stem term ids searched, with their concept: a few, so a
	// scan of a slice beats a map lookup for each word of a long page.
	ids    []idConcept
	groups map[int]int // synonym group -> concept
	n      int
}

type idConcept struct {
	id      uint32
	concept int
}

// concept returns the concept whose term id is id.
func (h *highlighter) concept(id uint32) (int, bool) {
	for _, ic := range h.ids {
		if ic.id == id {
			return ic.concept, true
		}
	}
	return 0, false
}

func (ix *Index) newHighlighter(p *plan) *highlighter {
	h := &highlighter{groups: map[int]int{}, n: len(p.concepts)}
	for i, c := range p.concepts {
		for _, a := range c.alts {
			if a.stem != "" {
				if id, ok := ix.termID(a.stem); ok {
					h.ids = append(h.ids, idConcept{id, i})
				}
			}
			if a.group >= 0 {
				h.groups[a.group] = i
			}
		}
	}
	return h
}

// marked returns where the encoded positions p (appendPositions) match and
// marks, in found, the concepts they have.
func (h *highlighter) marked(p string, found []bool) []span {
	var spans []span
	d := decoder{s: p}
	end := 0
	for range d.uint() {
		start := end + d.int()
		end = start + d.uint()
		if stem := d.uint(); stem > 0 {
			if c, ok := h.concept(uint32(stem - 1)); ok {
				found[c] = true
				spans = append(spans, span{start, end})
			}
		}
	}
	if len(h.groups) > 0 {
		for range d.uint() {
			start := d.uint()
			end := start + d.uint()
			if c, ok := h.groups[d.uint()]; ok {
				found[c] = true
				spans = append(spans, span{start, end})
			}
		}
	}
	return mergeSpans(spans)
}

// hit turns a document found into a Hit, highlighted.
func (h *highlighter) hit(dd *docData, score float64) Hit {
	d := &dd.doc
	found := make([]bool, h.n)
	out := Hit{
		ID:              d.ID,
		Type:            d.Type,
		Title:           d.Title,
		URL:             d.URL,
		Page:            d.Page,
		Score:           score,
		TitleHTML:       markAll(d.Title, h.marked(dd.titleToks, found)),
		Snippet:         snippet(d.Body, h.marked(dd.bodyToks, found), snippetLen),
		Stage:           d.Stage,
		Audience:        d.Audience,
		Technique:       d.Technique,
		TechniqueTitles: d.TechniqueTitles,
		AskFirst:        d.AskFirst,
	}
	if !allTrue(found) {
		out.Via = h.via(dd, found)
	}
	return out
}

// via names the first situation that has a searched word the title and
// snippet lack.
func (h *highlighter) via(dd *docData, found []bool) string {
	for i, p := range dd.situationToks {
		got := make([]bool, h.n)
		h.marked(p, got)
		for c := range got {
			if got[c] && !found[c] {
				return dd.doc.Situations[i].Title
			}
		}
	}
	return ""
}

func allTrue(bs []bool) bool {
	for _, b := range bs {
		if !b {
			return false
		}
	}
	return true
}

// mergeSpans sorts spans by start and joins those that overlap. Spans that
// start together are joined whatever their order, so any sort will do.
func mergeSpans(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
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

// separator is what a line break of a document's text (between a heading and
// its text, or two items) shows as in a snippet: HTML runs lines together.
const separator = ` <span class="sep">·</span> `

// markAll escapes text for HTML, wraps each span in <mark>, and shows line
// breaks as separators.
func markAll(text string, spans []span) string {
	return strings.ReplaceAll(markSpans(text, spans), "\n", separator)
}

func markSpans(text string, spans []span) string {
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
		if i := strings.IndexAny(text[start:end], " \n"); i >= 0 && i < n/4 {
			start += i + 1
		}
		for start < end && !utf8.RuneStart(text[start]) {
			start++
		}
	}
	if end < len(text) {
		if i := strings.LastIndexAny(text[start:end], " \n"); i > n/2 {
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
