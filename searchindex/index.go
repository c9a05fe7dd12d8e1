package searchindex

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// ErrNoIndex reports that there is no index where one was expected.
var ErrNoIndex = errors.New("no search index")

// Options tune how an opened index answers searches.
type Options struct {
	// Timeout bounds each search; zero means one second.
	Timeout time.Duration
}

// Index is an open search index. It is safe for concurrent use.
//
// Searching, ranking, filters and facets are this package's own (rank.go),
// from the tables the build wrote beside Bleve's files (tables.go). Reading
// them costs one pass over one file.
type Index struct {
	bi      bleve.Index
	an      *analyzer
	timeout time.Duration
	tables
	// scratch holds the per-search score arrays, reused between searches.
	scratch sync.Pool
}

// facet returns the document's values of facetFields[f].
func (dd *docData) facet(f int) []string {
	switch facetFields[f] {
	case "type":
		return []string{dd.doc.Type}
	case "stage":
		return dd.doc.Stage
	case "audience":
		return dd.doc.Audience
	default:
		return dd.doc.Technique
	}
}

// Open opens the index at path for searching. The index must have the tables
// its build wrote (tablesFile): an index without them, or with a damaged copy,
// does not open, and the error names the file. Analysing the documents again
// instead would make a switch to that build as slow as before, silently, on
// every start; a build is cheap to make again.
func Open(path string, opts Options) (*Index, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s", ErrNoIndex, path)
	}
	file := filepath.Join(path, tablesFile)
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("opening index %s: %s is missing: the index was built by an older version, or not completely; rebuild it", path, file)
	}
	if err != nil {
		return nil, fmt.Errorf("opening index %s: %w", path, err)
	}
	t, err := decodeTables(data)
	if err != nil {
		return nil, fmt.Errorf("opening index %s: %s: %w; rebuild the index", path, file, err)
	}
	bi, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("opening index %s: %w", path, err)
	}
	if err := t.matches(bi); err != nil {
		bi.Close()
		return nil, fmt.Errorf("opening index %s: %s does not belong to this index: %w; rebuild the index", path, file, err)
	}
	return newIndex(bi, t, opts), nil
}

func newIndex(bi bleve.Index, t *tables, opts Options) *Index {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	ix := &Index{bi: bi, an: newAnalyzer(t.synonyms), timeout: timeout, tables: *t}
	ix.an.stems = t.dict
	return ix
}

// matches checks that the tables describe Bleve's index: the same number of
// documents, and the same internal numbers for a few of them.
func (t *tables) matches(bi bleve.Index) error {
	n, err := bi.DocCount()
	if err != nil {
		return fmt.Errorf("counting documents: %w", err)
	}
	if n != uint64(len(t.docs)) {
		return fmt.Errorf("it has %d documents, the index %d", len(t.docs), n)
	}
	adv, err := bi.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	want := map[int32]bool{0: true, int32(len(t.docs) / 2): true, int32(len(t.docs) - 1): true}
	for num, i := range t.byInternal {
		if !want[i] {
			continue
		}
		id := t.docs[i].doc.ID
		iid, err := r.InternalID(id)
		if err != nil || iid == nil || iid.Value() != uint64(num) {
			return fmt.Errorf("document %s is not where the tables say (%v)", id, err)
		}
	}
	return nil
}

// surfaceTerm is the ranking's term for a word as written, apart from stems.
func surfaceTerm(word string) string { return "=" + word }

func surfaceTerms(texts [][]token) []string {
	var out []string
	for _, toks := range texts {
		for _, tok := range toks {
			out = append(out, surfaceTerm(tok.word))
		}
	}
	return out
}

// DocCount returns the number of documents in the index.
func (ix *Index) DocCount() int { return len(ix.docs) }

// Close releases the index.
func (ix *Index) Close() error { return ix.bi.Close() }

// searchContext bounds one search by the index's timeout.
func (ix *Index) searchContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, ix.timeout)
}
