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
// the synonym groups. The ranking (rank.go) scores every document that has any
// of the terms from the postings kept in memory, then applies the filters,
// counts the facets and keeps the best in one pass over those candidates; only
// the hits returned are highlighted. (Walking Bleve's own postings for the
// same candidates was two thirds of a search's time at 10,000 questions.)
//
// # Building
//
// [Build] writes a new index into a directory that must not exist yet; package
// buildstore publishes it together with its site. Beside Bleve's files it
// writes the tables (tables.go): postings, documents, highlighting positions,
// dictionary and synonyms, from one analysis of each document, so that [Open]
// reads one file instead of analysing the documents again. Bleve's index is
// what [Update] starts from: it keeps each document's stored copy, so an
// author's edit writes only the documents that changed.
package searchindex
