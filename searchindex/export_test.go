package searchindex

import (
	"encoding/json"
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// OpenAnalysed opens the index at path as Open does, but makes its tables by
// analysing the documents stored in Bleve again, ignoring the tables file:
// what Open did before the build wrote the tables. Tests compare the two.
func OpenAnalysed(path string, opts Options) (*Index, error) {
	bi, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, err
	}
	t, err := reanalyse(bi)
	if err != nil {
		bi.Close()
		return nil, fmt.Errorf("re-analysing %s: %w", path, err)
	}
	return newIndex(bi, t, opts), nil
}

func reanalyse(bi bleve.Index) (*tables, error) {
	var groups [][]string
	syn, err := bi.GetInternal(keySynonyms)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(syn, &groups); err != nil {
		return nil, err
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
	adv, err := bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	docs := make([]Document, len(res.Hits))
	internal := make([]uint64, len(res.Hits))
	for i, h := range res.Hits {
		s, _ := h.Fields[storedField].(string)
		if err := json.Unmarshal([]byte(s), &docs[i]); err != nil {
			return nil, fmt.Errorf("document %s: %w", h.ID, err)
		}
		iid, err := r.InternalID(h.ID)
		if err != nil || iid == nil {
			return nil, fmt.Errorf("document %s: no internal id: %v", h.ID, err)
		}
		internal[i] = iid.Value()
	}
	return analyse(docs, internal, groups)
}

// TablesFile is the name of the tables' file in an index directory.
const TablesFile = tablesFile

// Len returns the number of documents whose analysis a holds.
func (a *Analyses) Len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.byDoc)
}
