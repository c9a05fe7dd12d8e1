package searchindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/blevesearch/bleve/v2"
)

// Keys of the data an index keeps besides its documents (Bleve's internal store).
var (
	keyDictionary = []byte("buyin:dictionary")
	keySynonyms   = []byte("buyin:synonyms")
)

// batchSize bounds the memory a build holds before flushing to disk.
const batchSize = 1000

// BuildOptions are fixed when an index is built and kept in it, so that every
// search of that index analyses words exactly as the build did.
type BuildOptions struct {
	// Synonyms are groups of words and phrases that mean the same thing.
	Synonyms [][]string
}

// Build writes docs into a new index at path, which must not exist yet: an index
// is built once, complete, and then only read. The caller publishes it (see
// package buildstore) only when Build returned nil.
func Build(ctx context.Context, path string, docs []Document, opts BuildOptions) error {
	if err := checkDocuments(docs); err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("building index: %s already exists; an index is built into a new directory", path)
	}
	m, err := NewMapping()
	if err != nil {
		return err
	}
	bi, err := bleve.New(path, m)
	if err != nil {
		return fmt.Errorf("creating index %s: %w", path, err)
	}
	a := newAnalyzer(opts.Synonyms)
	if err := indexAll(ctx, bi, a, docs, opts); err != nil {
		bi.Close()
		return err
	}
	if err := bi.Close(); err != nil {
		return fmt.Errorf("closing new index %s: %w", path, err)
	}
	return nil
}

func indexAll(ctx context.Context, bi bleve.Index, a *analyzer, docs []Document, opts BuildOptions) error {
	dict := newDictionaryBuilder()
	stems := newStemCache(a)
	batch := bi.NewBatch()
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("building index: %w", err)
		}
		fields, err := stems.fields(d, dict)
		if err != nil {
			return fmt.Errorf("indexing %s: %w", d.ID, err)
		}
		if err := batch.Index(d.ID, fields); err != nil {
			return fmt.Errorf("indexing %s: %w", d.ID, err)
		}
		if batch.Size() >= batchSize || i == len(docs)-1 {
			if err := bi.Batch(batch); err != nil {
				return fmt.Errorf("writing batch ending at %s: %w", d.ID, err)
			}
			batch.Reset()
		}
	}
	dict.addKnown(a.synonyms.words, a)
	b, err := dict.marshal()
	if err != nil {
		return fmt.Errorf("writing the dictionary: %w", err)
	}
	if err := bi.SetInternal(keyDictionary, b); err != nil {
		return fmt.Errorf("writing the dictionary: %w", err)
	}
	syn, err := json.Marshal(opts.Synonyms)
	if err != nil {
		return fmt.Errorf("writing the synonyms: %w", err)
	}
	if err := bi.SetInternal(keySynonyms, syn); err != nil {
		return fmt.Errorf("writing the synonyms: %w", err)
	}
	return nil
}

// stemCache analyses documents at build time, remembering each word's stem:
// a corpus repeats its words, and the stemmer is the costly part of analysis.
type stemCache struct {
	a     *analyzer
	cache map[string]string
}

func newStemCache(a *analyzer) *stemCache {
	c := &stemCache{cache: map[string]string{}}
	// A copy of the analyzer that reads stems from the growing cache.
	cp := *a
	cp.stems = c.cache
	c.a = &cp
	return c
}

// typeWords are added to a document's text so that naming the kind of thing
// wanted ("checklist before presenting") favours documents of that kind.
var typeWords = map[string]string{
	"question":  "question",
	"checklist": "checklist",
	"situation": "situation",
	"technique": "technique",
}

// terms returns the terms of d's title, its own phrases and its whole text,
// and counts its words in dict. Build and Open both call it, so the index and
// the ranking agree.
func (c *stemCache) terms(d Document, dict *dictionaryBuilder) (title, phrases, text []string) {
	toks := c.tokens(d.Title)
	title = c.a.termsOf(toks)
	all := append([]token(nil), toks...)
	for _, p := range d.Phrases {
		pt := c.tokens(p)
		all = append(all, pt...)
		phrases = append(phrases, c.a.termsOf(pt)...)
	}
	phrases = uniqueTerms(phrases)

	bodyToks := c.tokens(d.Body)
	all = append(all, bodyToks...)
	text = append(append([]string(nil), title...), phrases...)
	if d.Page != "" {
		text = append(text, c.a.termsOf(c.tokens(d.Page))...)
	}
	text = append(text, c.a.termsOf(bodyToks)...)
	var situations []string
	for _, s := range d.Situations {
		for _, p := range append([]string{s.Title}, s.Phrases...) {
			pt := c.tokens(p)
			all = append(all, pt...)
			situations = append(situations, c.a.termsOf(pt)...)
		}
	}
	text = append(text, uniqueTerms(situations)...)
	if w, ok := typeWords[d.Type]; ok {
		text = append(text, c.a.stem(w))
	}
	dict.add(all)
	return title, phrases, text
}

// fields returns what Bleve indexes for d and counts its words in dict.
func (c *stemCache) fields(d Document, dict *dictionaryBuilder) (map[string]interface{}, error) {
	_, _, text := c.terms(d, dict)
	stored, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	f := map[string]interface{}{
		textField:   fieldText(text),
		storedField: string(stored),
		"type":      d.Type,
	}
	if len(d.Stage) > 0 {
		f["stage"] = d.Stage
	}
	if len(d.Audience) > 0 {
		f["audience"] = d.Audience
	}
	if len(d.Technique) > 0 {
		f["technique"] = d.Technique
	}
	return f, nil
}

// tokens tokenizes text, filling the cache with the stems it meets.
func (c *stemCache) tokens(text string) []token {
	toks := c.a.tokenize(text)
	for _, t := range toks {
		if _, ok := c.cache[t.word]; !ok {
			c.cache[t.word] = t.stem
		}
	}
	return toks
}

// checkDocuments rejects documents that would make hits unusable.
func checkDocuments(docs []Document) error {
	if len(docs) == 0 {
		return errors.New("building index: no documents: did the site build produce its search records?")
	}
	seen := make(map[string]bool, len(docs))
	for i, d := range docs {
		switch {
		case d.ID == "":
			return fmt.Errorf("document %d (%q): empty id", i, d.Title)
		case d.URL == "":
			return fmt.Errorf("document %s: empty url", d.ID)
		case d.Type == "":
			return fmt.Errorf("document %s: empty type", d.ID)
		case seen[d.ID]:
			return fmt.Errorf("document %s: duplicate id; two headings on one page may share an id", d.ID)
		}
		seen[d.ID] = true
	}
	return nil
}
