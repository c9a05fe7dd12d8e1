// Package searchindex adapts Bleve to the playbook: it defines the documents the
// playbook indexes, builds and opens the on-disk index, answers searches written in
// plain language, and serves them over HTTP.
//
// # Documents
//
// A [Document] is one thing a reader can land on: a page, a section of a page (its
// URL carries the section's #anchor), a question or a checklist. Documents come from
// what Hugo rendered (see package site), so every hit points at a page that exists.
//
// # Queries
//
// A [Query] is what a person types, never Bleve query syntax: every character is
// text. Words are matched with English stemming, forgiving typos, with the last word
// matched as a prefix while it is being typed, and with synonyms from config.toml.
// All words are required first; when that finds nothing, any word will do.
//
// # Building
//
// [Build] writes a new index beside the old one and swaps it into place only when it
// is complete, so a failed build leaves the previous index in place.
package searchindex
