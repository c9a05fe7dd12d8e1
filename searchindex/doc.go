// Package searchindex adapts Bleve to the playbook: it defines the documents the
// playbook indexes, builds and opens the on-disk index, and answers searches
// written in plain language. Its API is the playbook's own types ([Document],
// [Query], [Result], [Hit]); no Bleve type leaves the package.
//
// # Documents
//
// A [Document] is one thing a reader can land on: a whole page, a section of a
// page (its URL carries the section's #anchor), a question or a checklist.
// Documents come from what Hugo rendered (see package site), so every hit points
// at a page that exists.
//
// # Analysis
//
// One analysis (analysis.go) turns documents, queries and hits into terms:
// words, lowercased and stemmed; a term for each synonym group where one of its
// phrases occurs; a term for each multi-word synonym phrase. Because the index,
// the query plan and the highlighter share it, they cannot disagree.
//
// # Queries
//
// A [Query] is what a person types, never query syntax: every character is text.
// The plan (plan.go) makes a concept of each word, or synonym phrase, with the
// terms that stand for it: the word, its synonym group, the completions of a word
// still being typed, the corrections of a word the index's dictionary lacks.
// Its cost is bounded: at most 12 words, a few terms each, whatever the size of
// the synonym groups. Bleve finds the documents with any of the terms; the
// ranking (rank.go) scores them, applies the filters and counts the facets in
// one pass; only the hits returned are highlighted.
//
// # Building
//
// [Build] writes a new index into a directory that must not exist yet; package
// buildstore publishes it together with its site. The index keeps the synonyms
// it was built with and its dictionary, so that [Open] needs nothing else.
package searchindex
