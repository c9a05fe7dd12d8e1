package site

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/buyin/playbook/searchindex"
)

// DocsFile is the file, relative to the built site, that Hugo writes for the
// indexer. It is not for readers: the builder moves it out of the site.
const DocsFile = "searchdocs.json"

// record is one page as layouts/home.searchdocs.json writes it.
type record struct {
	Type       string      `json:"type"`
	Title      string      `json:"title"`
	URL        string      `json:"url"`
	Summary    string      `json:"summary"`
	Content    string      `json:"content"` // rendered HTML
	Stage      []string    `json:"stage"`
	Audience   []string    `json:"audience"`
	Technique  []string    `json:"technique"`
	Situations []situation `json:"situations"`
	Phrases    []string    `json:"phrases"`
	// TechniqueTitles are the readable names of Technique.
	TechniqueTitles []string `json:"technique_titles"`
	Why             string   `json:"why"`
	FollowUp        []string `json:"follow_up"`
	Items           []string `json:"items"`
	// AskFirst are a situation's questions to ask first.
	AskFirst []searchindex.Question `json:"ask_first"`
}

// situation is a situation a page helps in, as the template writes it.
type situation struct {
	Title   string   `json:"title"`
	Phrases []string `json:"phrases"`
}

// Documents reads the records Hugo wrote (the file DocsFile of the built site,
// at path) and turns them into search documents: one per page, plus one per h2
// or h3 section.
func Documents(path string) ([]searchindex.Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading search records: %w (build the site first)", err)
	}
	var file struct {
		Pages []record `json:"pages"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	var docs []searchindex.Document
	for _, r := range file.Pages {
		ds, err := r.documents()
		if err != nil {
			return nil, fmt.Errorf("%s: page %s: %w", path, r.URL, err)
		}
		docs = append(docs, ds...)
	}
	return docs, nil
}

func (r record) documents() ([]searchindex.Document, error) {
	page := searchindex.Document{
		ID:              r.URL,
		Type:            r.Type,
		Title:           r.Title,
		URL:             r.URL,
		Phrases:         r.Phrases,
		Stage:           r.Stage,
		Audience:        r.Audience,
		Technique:       r.Technique,
		TechniqueTitles: r.TechniqueTitles,
		AskFirst:        r.AskFirst,
	}
	for _, s := range r.Situations {
		page.Situations = append(page.Situations, searchindex.Situation{Title: s.Title, Phrases: s.Phrases})
	}
	switch r.Type {
	case "question":
		// A question is read aloud: its own text is the title, and why to ask it and
		// what to ask next are what a searcher may remember.
		page.Body = joinText(append([]string{r.Why}, r.FollowUp...)...)
		return []searchindex.Document{page}, nil
	case "checklist":
		// A checklist is printed whole, so it is one document with all its items.
		page.Body = joinText(append([]string{r.Summary, textOf(r.Content)}, r.Items...)...)
		return []searchindex.Document{page}, nil
	}
	sections, err := splitSections(r.Content)
	if err != nil {
		return nil, err
	}
	// The page is one document with all its text, so that words that fall in
	// two of its sections still find it; each section is a document too, so
	// that a search can land the reader on the right heading.
	texts := []string{r.Summary}
	for _, s := range sections {
		texts = append(texts, s.heading, s.text)
	}
	page.Body = joinText(texts...)
	docs := []searchindex.Document{page}
	for _, s := range sections {
		if s.id == "" {
			continue
		}
		d := page
		d.ID = r.URL + "#" + s.id
		d.URL = d.ID
		d.Title = s.heading
		d.Page = r.Title
		d.Body = s.text
		d.Phrases = nil    // the page's own phrases would rank every section alike
		d.Situations = nil // so would the situations the page answers
		docs = append(docs, d)
	}
	return docs, nil
}

// section is the text under one heading; the first, with no id, is the text
// before any heading.
type section struct {
	id, heading, text string
}

// splitSections splits rendered HTML at h2 and h3 elements that have an id.
func splitSections(content string) ([]section, error) {
	nodes, err := html.ParseFragment(strings.NewReader(content), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return nil, fmt.Errorf("parsing content HTML: %w", err)
	}
	sections := []section{{}}
	var text strings.Builder
	flush := func() {
		sections[len(sections)-1].text = collapseLines(text.String())
		text.Reset()
	}
	for _, n := range nodes {
		if (n.DataAtom == atom.H2 || n.DataAtom == atom.H3) && attr(n, "id") != "" {
			flush()
			sections = append(sections, section{id: attr(n, "id"), heading: collapse(nodeText(n))})
			continue
		}
		text.WriteString(nodeText(n))
		text.WriteByte('\n')
	}
	flush()
	return sections, nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// nodeText returns the text a reader sees in n, each block element ending a
// line, so that a snippet can show where a heading or an item ends.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			// A line break in the source is a space to the reader.
			b.WriteString(strings.ReplaceAll(n.Data, "\n", " "))
		case html.ElementNode:
			if n.DataAtom == atom.Script || n.DataAtom == atom.Style {
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && isBlock(n.DataAtom) {
			b.WriteByte('\n')
		}
	}
	walk(n)
	return b.String()
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Li, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Div, atom.Blockquote, atom.Tr, atom.Td, atom.Th, atom.Dd, atom.Dt, atom.Br, atom.Pre:
		return true
	}
	return false
}

func textOf(content string) string {
	nodes, err := html.ParseFragment(strings.NewReader(content), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return ""
	}
	var parts []string
	for _, n := range nodes {
		parts = append(parts, nodeText(n))
	}
	return collapseLines(strings.Join(parts, "\n"))
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// collapseLines collapses the spaces in each line of s and drops empty lines:
// the lines are the blocks (headings, paragraphs, items) a reader sees apart.
func collapseLines(s string) string {
	var kept []string
	for _, l := range strings.Split(s, "\n") {
		if l = collapse(l); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// joinText joins non-empty pieces of text into one, one piece per line.
func joinText(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = collapseLines(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "\n")
}
