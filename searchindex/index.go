package searchindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
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
// Bleve finds the documents that have any of the searched terms and applies the
// filters, facets and paging; the ranking is this package's own (rank.go), from
// term statistics read once when the index opens. Reading them costs a few
// milliseconds and a few megabytes for the playbook, and makes each search
// cost a map lookup per candidate instead of a walk over stored fields.
type Index struct {
	bi      bleve.Index
	an      *analyzer
	dict    *dictionary
	timeout time.Duration

	docs []docData
	// byInternal maps Bleve's internal document number to an index in docs,
	// or -1. A read-only index numbers its documents densely, so a slice does.
	byInternal []int32
	// termIDs numbers every index term; idf is the inverse document frequency
	// of each, over the text field.
	termIDs map[string]uint32
	idf     []float64
	// avgTitle and avgText are the average field lengths, for BM25.
	avgTitle, avgText float64
	// postings lists, for each term id, the documents that have it and how.
	postings [][]posting
	// scratch holds the per-search score arrays, reused between searches.
	scratch sync.Pool
}

// posting is one document's use of a term.
type posting struct {
	doc         int32
	text, title uint16 // occurrences in the text and in the title
	phrase      bool   // in the document's own phrases
}

// docData is one document with what ranking needs.
type docData struct {
	doc Document
	// title, phrases and text are the term frequencies while the index opens;
	// they become the postings and are then dropped.
	title, phrases, text termFreqs
	// titleWords are the title's and phrases' words as written (surfaceTerm),
	// so that the very word typed outranks another word with the same stem.
	titleWords        termFreqs
	titleLen, textLen float64
	// tiebreak orders equal scores by id, the same from build to build.
	tiebreak float64
	// titleToks and bodyToks are where each word of the title and body is, so
	// that highlighting a hit is a scan of numbers, not a new analysis.
	titleToks, bodyToks positions
	// situationToks are the positions of each situation's title and phrases.
	situationToks []positions
}

// docOf returns the document Bleve numbers n, and its index in docs, if any.
func (ix *Index) docOf(n uint64) (*docData, int, bool) {
	if n >= uint64(len(ix.byInternal)) || ix.byInternal[n] < 0 {
		return nil, 0, false
	}
	i := ix.byInternal[n]
	return &ix.docs[i], int(i), true
}

func clamp16(n uint32) uint16 { return uint16(min(n, 1<<16-1)) }

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

// positions lists the words of a text by byte offset and stem, and where
// synonym phrases occur.
type positions struct {
	toks   []position
	groups []groupAt
}

type position struct {
	start, end uint32
	stem       uint32 // term id
}

// groupAt says that a synonym phrase of group starts at token tok and is n
// tokens long.
type groupAt struct {
	tok, n uint32
	group  int
}

// positions keeps a text's tokens for highlighting. Every stem is already
// numbered, since the ranking's statistics were counted first.
func (ix *Index) positions(toks []token) positions {
	p := positions{toks: make([]position, len(toks))}
	for i, t := range toks {
		id, ok := ix.termIDs[t.stem]
		if !ok {
			id = ^uint32(0)
		}
		p.toks[i] = position{uint32(t.start), uint32(t.end), id}
		for _, m := range ix.an.synonyms.at(toks, i) {
			p.groups = append(p.groups, groupAt{uint32(i), uint32(m.n), m.group})
		}
	}
	return p
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
	ix, err := load(bi, opts)
	if err != nil {
		bi.Close()
		return nil, fmt.Errorf("opening index %s: %w", path, err)
	}
	return ix, nil
}

func load(bi bleve.Index, opts Options) (*Index, error) {
	syn, err := bi.GetInternal(keySynonyms)
	if err != nil || syn == nil {
		return nil, errors.New("the index has no synonyms record: it was built by an older version; rebuild it")
	}
	var groups [][]string
	if err := json.Unmarshal(syn, &groups); err != nil {
		return nil, fmt.Errorf("reading synonyms: %w", err)
	}
	raw, err := bi.GetInternal(keyDictionary)
	if err != nil || raw == nil {
		return nil, errors.New("the index has no dictionary: it was built by an older version; rebuild it")
	}
	dict, err := loadDictionary(raw)
	if err != nil {
		return nil, err
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	ix := &Index{bi: bi, an: newAnalyzer(groups), dict: dict, timeout: timeout, termIDs: map[string]uint32{}}
	ix.an.stems = dict.stem
	if err := ix.loadDocs(); err != nil {
		return nil, err
	}
	return ix, nil
}

// loadDocs reads every stored document and computes its term frequencies with
// the same analysis the build used.
func (ix *Index) loadDocs() error {
	n, err := ix.bi.DocCount()
	if err != nil {
		return fmt.Errorf("counting documents: %w", err)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), int(n), 0, false)
	req.Fields = []string{storedField}
	res, err := ix.bi.Search(req)
	if err != nil {
		return fmt.Errorf("reading documents: %w", err)
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return fmt.Errorf("reading documents: %w", err)
	}
	reader, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("reading documents: %w", err)
	}
	defer reader.Close()

	sc := newStemCache(ix.an)
	ix.docs = make([]docData, 0, len(res.Hits))
	internal := make(map[uint64]int32, len(res.Hits))
	var df []int32
	var sumTitle, sumText float64
	for _, h := range res.Hits {
		s, _ := h.Fields[storedField].(string)
		var d Document
		if err := json.Unmarshal([]byte(s), &d); err != nil {
			return fmt.Errorf("document %s: stored copy unreadable: %w", h.ID, err)
		}
		iid, err := reader.InternalID(h.ID)
		if err != nil || iid == nil {
			return fmt.Errorf("document %s: no internal id: %v", h.ID, err)
		}
		dt := sc.tokensOf(d)
		title, phrases, text := sc.terms(dt, d.Type, nil) // the stored dictionary is the one in use
		dd := docData{doc: d, title: ix.freqs(title), phrases: ix.freqs(phrases), text: ix.freqs(text), titleLen: float64(len(title)), textLen: float64(len(text))}
		dd.titleWords = ix.freqs(surfaceTerms(append([][]token{dt.title}, dt.phrases...)))
		dd.titleToks = ix.positions(dt.title)
		dd.bodyToks = ix.positions(dt.body)
		for _, st := range dt.situations {
			// Only which words a situation has matters (for Hit.Via), not where.
			var all []token
			for _, pt := range st {
				all = append(all, pt...)
			}
			dd.situationToks = append(dd.situationToks, ix.positions(all))
		}
		for len(df) < len(ix.termIDs) {
			df = append(df, 0)
		}
		for _, tf := range dd.text {
			df[tf.id]++
		}
		sumTitle += dd.titleLen
		sumText += dd.textLen
		internal[iid.Value()] = int32(len(ix.docs))
		ix.docs = append(ix.docs, dd)
	}
	if len(ix.docs) == 0 {
		return errors.New("the index has no documents")
	}
	var top uint64
	for n := range internal {
		top = max(top, n)
	}
	if top > uint64(64*len(ix.docs)+1024) {
		return fmt.Errorf("the index numbers %d documents up to %d; rebuild it", len(ix.docs), top)
	}
	ix.byInternal = make([]int32, top+1)
	for i := range ix.byInternal {
		ix.byInternal[i] = -1
	}
	for n, i := range internal {
		ix.byInternal[n] = i
	}
	ix.avgTitle = max(sumTitle/float64(len(ix.docs)), 1)
	ix.avgText = max(sumText/float64(len(ix.docs)), 1)
	for len(df) < len(ix.termIDs) {
		df = append(df, 0)
	}
	ix.postings = make([][]posting, len(ix.termIDs))
	for i := range ix.docs {
		dd := &ix.docs[i]
		for _, tf := range dd.text {
			ix.postings[tf.id] = append(ix.postings[tf.id], posting{
				doc: int32(i), text: clamp16(tf.tf), title: clamp16(uint32(dd.title.tf(tf.id))), phrase: dd.phrases.tf(tf.id) > 0,
			})
		}
		dd.title, dd.phrases, dd.text = nil, nil, nil
	}
	N := float64(len(ix.docs))
	ix.idf = make([]float64, len(df))
	for id, n := range df {
		ix.idf[id] = math.Log(1 + (N-float64(n)+0.5)/(float64(n)+0.5))
	}
	// Equal scores are ordered by id: the tie-break is far below any real
	// difference in score, and it does not depend on the order of indexing.
	order := make([]int32, len(ix.docs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if ix.docs[a].doc.ID < ix.docs[b].doc.ID {
			return -1
		}
		return 1
	})
	for rank, i := range order {
		ix.docs[i].tiebreak = float64(len(order)-rank) * 1e-9
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

// termFreq is how often a term occurs in a field of one document.
type termFreq struct {
	id uint32
	tf uint32
}

// termFreqs is sorted by term id.
type termFreqs []termFreq

func (ts termFreqs) tf(id uint32) float64 {
	lo, hi := 0, len(ts)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case ts[m].id < id:
			lo = m + 1
		case ts[m].id > id:
			hi = m
		default:
			return float64(ts[m].tf)
		}
	}
	return 0
}

// freqs counts terms, numbering new ones.
func (ix *Index) freqs(terms []string) termFreqs {
	counts := make(map[uint32]uint32, len(terms))
	for _, t := range terms {
		id, ok := ix.termIDs[t]
		if !ok {
			id = uint32(len(ix.termIDs))
			ix.termIDs[t] = id
		}
		counts[id]++
	}
	out := make(termFreqs, 0, len(counts))
	for id, n := range counts {
		out = append(out, termFreq{id, n})
	}
	slices.SortFunc(out, func(a, b termFreq) int { return int(a.id) - int(b.id) })
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
