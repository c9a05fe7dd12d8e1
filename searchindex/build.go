package searchindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
)

// keySynonyms keeps, in Bleve's internal store, the synonyms an index was
// built with, so that Update can tell whether its documents' terms still hold.
var keySynonyms = []byte("buyin:synonyms")

// batchSize bounds the memory a build holds before flushing to disk.
const batchSize = 1000

// BuildOptions are fixed when an index is built and kept in it, so that every
// search of that index analyses words exactly as the build did.
type BuildOptions struct {
	// Synonyms are groups of words and phrases that mean the same thing.
	Synonyms [][]string
	// Analyses, when not nil, remembers each document's analysis for the next
	// build and reuses those of the documents that did not change (see
	// Analyses). It is not kept in the index.
	Analyses *Analyses
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
	x, err := analyseDocs(docs, opts.Synonyms, opts.Analyses)
	if err != nil {
		bi.Close()
		return fmt.Errorf("analysing documents: %w", err)
	}
	if _, err := indexAll(ctx, bi, x, docs, opts, nil); err != nil {
		bi.Close()
		return err
	}
	if err := bi.Close(); err != nil {
		return fmt.Errorf("closing new index %s: %w", path, err)
	}
	return writeTables(path, x, docs, opts)
}

// Update makes at path the index of docs from the index at prev: it copies prev
// and indexes again only the documents that are new or changed, and deletes the
// ones that are gone, which is what an author's one edit needs. It returns how
// many documents it wrote or deleted. When prev was built with other synonyms,
// every document has other terms, and Update builds afresh.
func Update(ctx context.Context, prev, path string, docs []Document, opts BuildOptions) (int, error) {
	if err := checkDocuments(docs); err != nil {
		return 0, err
	}
	old, err := storedDocs(prev, opts)
	if err != nil {
		return len(docs), Build(ctx, path, docs, opts)
	}
	if _, err := os.Stat(path); err == nil {
		return 0, fmt.Errorf("updating index: %s already exists; an index is built into a new directory", path)
	}
	if err := os.CopyFS(path, os.DirFS(prev)); err != nil {
		return 0, fmt.Errorf("copying index %s: %w", prev, err)
	}
	bi, err := bleve.Open(path)
	if err != nil {
		return 0, fmt.Errorf("opening copied index %s: %w", path, err)
	}
	x, err := analyseDocs(docs, opts.Synonyms, opts.Analyses)
	if err != nil {
		bi.Close()
		return 0, fmt.Errorf("analysing documents: %w", err)
	}
	n, err := indexAll(ctx, bi, x, docs, opts, old)
	if err != nil {
		bi.Close()
		return 0, err
	}
	if err := bi.Close(); err != nil {
		return 0, fmt.Errorf("closing updated index %s: %w", path, err)
	}
	return n, writeTables(path, x, docs, opts)
}

// writeTables writes into the index at path, which holds docs, their tables
// (see tables.go), from their analysis x.
func writeTables(path string, x *analysis, docs []Document, opts BuildOptions) error {
	internal, err := internalIDs(path, docs)
	if err != nil {
		return fmt.Errorf("writing the search tables: %w", err)
	}
	t, err := x.tables(docs, internal, opts.Synonyms)
	if err != nil {
		return fmt.Errorf("writing the search tables: %w", err)
	}
	file := filepath.Join(path, tablesFile)
	if err := os.WriteFile(file, t.encode(), 0o644); err != nil {
		return fmt.Errorf("writing the search tables: %w", err)
	}
	return nil
}

// internalIDs returns the number the index at path gives each document, as
// a reader of the finished index sees it.
func internalIDs(path string, docs []Document) ([]uint64, error) {
	bi, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, err
	}
	defer bi.Close()
	adv, err := bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := make([]uint64, len(docs))
	for i, d := range docs {
		iid, err := r.InternalID(d.ID)
		if err != nil || iid == nil {
			return nil, fmt.Errorf("document %s is not in the index (%v)", d.ID, err)
		}
		out[i] = iid.Value()
	}
	return out, nil
}

// storedDocs reads the stored copy of every document of the index at path, by
// id, if it was built with the same synonyms.
func storedDocs(path string, opts BuildOptions) (map[string]string, error) {
	bi, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, err
	}
	defer bi.Close()
	syn, err := bi.GetInternal(keySynonyms)
	want, _ := json.Marshal(opts.Synonyms)
	if err != nil || string(syn) != string(want) {
		return nil, errors.New("built with other synonyms")
	}
	n, err := bi.DocCount()
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), int(n), 0, false)
	req.Fields = []string{storedField}
	res, err := bi.Search(req)
	if err != nil {
		return nil, err
	}
	docs := make(map[string]string, len(res.Hits))
	for _, h := range res.Hits {
		s, _ := h.Fields[storedField].(string)
		docs[h.ID] = s
	}
	return docs, nil
}

// indexAll writes docs, analysed in x, into bi. With old (the
// stored copies already in bi, by id), a document stored unchanged is left as
// it is and a document no longer given is deleted. It returns the number of
// documents written or deleted.
func indexAll(ctx context.Context, bi bleve.Index, x *analysis, docs []Document, opts BuildOptions, old map[string]string) (int, error) {
	batch := bi.NewBatch()
	written := 0
	flush := func(last string) error {
		if batch.Size() == 0 {
			return nil
		}
		if err := bi.Batch(batch); err != nil {
			return fmt.Errorf("writing batch ending at %s: %w", last, err)
		}
		batch.Reset()
		return nil
	}
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("building index: %w", err)
		}
		fields, err := bleveFields(d, x.docs[i].stored, x.docs[i].text)
		if err != nil {
			return 0, fmt.Errorf("indexing %s: %w", d.ID, err)
		}
		if stored, ok := old[d.ID]; ok && stored == x.docs[i].stored {
			delete(old, d.ID)
			continue // unchanged
		}
		delete(old, d.ID)
		if err := batch.Index(d.ID, fields); err != nil {
			return 0, fmt.Errorf("indexing %s: %w", d.ID, err)
		}
		written++
		if batch.Size() >= batchSize {
			if err := flush(d.ID); err != nil {
				return 0, err
			}
		}
	}
	for id := range old {
		batch.Delete(id)
		written++
	}
	if err := flush("the last document"); err != nil {
		return 0, err
	}
	syn, err := json.Marshal(opts.Synonyms)
	if err != nil {
		return 0, fmt.Errorf("writing the synonyms: %w", err)
	}
	if err := bi.SetInternal(keySynonyms, syn); err != nil {
		return 0, fmt.Errorf("writing the synonyms: %w", err)
	}
	return written, nil
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
	cp.stems = stemMap(c.cache)
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

// docTokens are a document's words, field by field, analysed once whatever is
// made of them: index terms, ranking statistics, highlighting positions.
type docTokens struct {
	title, page, body []token
	phrases           [][]token
	situations        [][][]token // per situation: its title, then its phrases
}

// tokensOf analyses d, filling the cache with the stems it meets.
func (c *stemCache) tokensOf(d Document) docTokens {
	dt := docTokens{title: c.tokens(d.Title), page: c.tokens(d.Page), body: c.tokens(d.Body)}
	for _, p := range d.Phrases {
		dt.phrases = append(dt.phrases, c.tokens(p))
	}
	for _, s := range d.Situations {
		st := [][]token{c.tokens(s.Title)}
		for _, p := range s.Phrases {
			st = append(st, c.tokens(p))
		}
		dt.situations = append(dt.situations, st)
	}
	return dt
}

// terms returns the terms of a document's title, its own phrases and its whole
// text, and counts its words in dict unless dict is nil. Bleve's terms and the
// ranking's tables both come from it, so they agree.
func (c *stemCache) terms(dt docTokens, typ string, dict *dictionaryBuilder) (title, phrases, text []string) {
	title = c.a.termsOf(dt.title)
	for _, pt := range dt.phrases {
		phrases = append(phrases, c.a.termsOf(pt)...)
	}
	phrases = uniqueTerms(phrases)

	text = append(append([]string(nil), title...), phrases...)
	text = append(text, c.a.termsOf(dt.page)...)
	text = append(text, c.a.termsOf(dt.body)...)
	var situations []string
	for _, st := range dt.situations {
		for _, pt := range st {
			situations = append(situations, c.a.termsOf(pt)...)
		}
	}
	text = append(text, uniqueTerms(situations)...)
	if w, ok := typeWords[typ]; ok {
		text = append(text, c.a.stem(w))
	}
	if dict != nil {
		dict.add(dt.words())
	}
	return title, phrases, text
}

// words are the tokens the dictionary counts: title, phrases, body and
// situations (a section's page title is its page's).
func (dt *docTokens) words() []token {
	all := append([]token(nil), dt.title...)
	for _, pt := range dt.phrases {
		all = append(all, pt...)
	}
	all = append(all, dt.body...)
	for _, st := range dt.situations {
		for _, pt := range st {
			all = append(all, pt...)
		}
	}
	return all
}

// bleveFields returns what Bleve indexes for d, whose stored copy is stored
// and whose terms are text.
func bleveFields(d Document, stored string, text []string) (map[string]interface{}, error) {
	f := map[string]interface{}{
		textField:   fieldText(text),
		storedField: stored,
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
