package searchindex

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/buyin/playbook/internal/dirswap"
)

// ErrNoIndex reports that there is no index where one was expected.
var ErrNoIndex = errors.New("no search index")

// batchSize bounds the memory a build holds before flushing to disk.
const batchSize = 200

// Build writes docs into a new index at path. It builds in a sibling directory and
// renames it into place only when complete, so a build that fails for any reason
// leaves the index already at path untouched. Only one Build may run per path at a time.
func Build(ctx context.Context, path string, docs []Document) error {
	if err := checkDocuments(docs); err != nil {
		return err
	}
	m, err := NewMapping()
	if err != nil {
		return err
	}
	staging := path + ".new"
	// A staging directory left by a build that crashed is garbage: start afresh.
	if err := os.RemoveAll(staging); err != nil {
		return fmt.Errorf("removing stale build %s: %w", staging, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating index directory: %w", err)
	}
	bi, err := bleve.New(staging, m)
	if err != nil {
		return fmt.Errorf("creating index %s: %w", staging, err)
	}
	if err := indexAll(ctx, bi, docs); err != nil {
		bi.Close()
		os.RemoveAll(staging)
		return err
	}
	if err := bi.Close(); err != nil {
		os.RemoveAll(staging)
		return fmt.Errorf("closing new index %s: %w", staging, err)
	}
	return dirswap.Replace(staging, path)
}

func indexAll(ctx context.Context, bi bleve.Index, docs []Document) error {
	batch := bi.NewBatch()
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("building index: %w", err)
		}
		if err := batch.Index(d.ID, d); err != nil {
			return fmt.Errorf("indexing %s: %w", d.ID, err)
		}
		if batch.Size() >= batchSize || i == len(docs)-1 {
			if err := bi.Batch(batch); err != nil {
				return fmt.Errorf("writing batch ending at %s: %w", d.ID, err)
			}
			batch.Reset()
		}
	}
	return nil
}

// checkDocuments rejects documents that would make hits unusable.
func checkDocuments(docs []Document) error {
	if len(docs) == 0 {
		return errors.New("building index: no documents: did the site build produce searchdocs.json?")
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
			return fmt.Errorf("document %s: duplicate id", d.ID)
		}
		seen[d.ID] = true
	}
	return nil
}

// Options tune how an opened index answers searches.
type Options struct {
	// Synonyms are groups of words and phrases that mean the same thing.
	Synonyms [][]string
	// Timeout bounds each search; zero means one second.
	Timeout time.Duration
}

// Index is an open search index. It is safe for concurrent use.
type Index struct {
	bi       bleve.Index
	synonyms *synonyms
	timeout  time.Duration
	english  analysis.Analyzer
}

// Open opens the index at path for searching.
func Open(path string, opts Options) (*Index, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s", ErrNoIndex, path)
	}
	bi, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("opening index %s: %w", path, err)
	}
	ix, err := newIndex(bi, opts)
	if err != nil {
		bi.Close()
		return nil, err
	}
	return ix, nil
}

func newIndex(bi bleve.Index, opts Options) (*Index, error) {
	m := bi.Mapping()
	english := m.AnalyzerNamed("en")
	if english == nil || m.AnalyzerNamed(plainAnalyzer) == nil {
		return nil, errors.New("index mapping lacks the en or plain analyzer: rebuild the index")
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	ix := &Index{bi: bi, timeout: timeout, english: english}
	ix.synonyms = newSynonyms(opts.Synonyms, ix.words)
	return ix, nil
}

// DocCount returns the number of documents in the index.
func (ix *Index) DocCount() (uint64, error) { return ix.bi.DocCount() }

// Close releases the index.
func (ix *Index) Close() error { return ix.bi.Close() }
