package searchindex

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// The tables are what ranking, planning and highlighting keep in memory: the
// postings with their frequencies, the documents with their lengths and the
// positions of their words, the dictionary. They come from analysing every
// document, which grows with the corpus; so the build does it once and writes
// the tables into the index directory (tablesFile), and opening an index reads
// that file in one pass instead of analysing again. Bleve's index, built from
// the same analysis, is what an update starts from and what opening checks
// the tables against.
//
// The file is the magic line, the payload and a CRC-32 of the payload. The
// payload is a table of the distinct strings, then varints, little-endian
// float64s and strings by their number in the table.

// tablesFile is the tables' file in the index directory.
const tablesFile = "playbook.tables"

// tablesMagic names the format; a change of layout changes it.
const tablesMagic = "buyin-search-tables 3\n"

// tables is the in-memory form, the same whether made by analysing documents
// (analyse) or read from the file (decodeTables).
type tables struct {
	synonyms [][]string
	docs     []docData
	// byInternal maps Bleve's internal document number to an index in docs,
	// or -1. A read-only index numbers its documents densely, so a slice does.
	byInternal []int32
	// terms are every index term, sorted: a term's id is its place here.
	terms []string
	// idf is the inverse document frequency of each term over the text field.
	idf []float64
	// avgTitle and avgText are the average field lengths, for BM25.
	avgTitle, avgText float64
	// postings lists, term by term, the documents that have it and how:
	// postings[postStart[id]:postStart[id+1]].
	postings  []posting
	postStart []uint32
	dict      *dictionary
	// facetIndex numbers the facet values; it is made when the tables are.
	facetIndex facetIndex
}

// posting is one document's use of a term, in 8 bytes: postings are most of
// the tables' memory.
type posting struct {
	doc    int32
	text   uint16 // occurrences in the text
	title  uint8  // occurrences in the title (a title is one line)
	phrase bool   // in the document's own phrases
}

// docData is one document with what ranking and highlighting need.
type docData struct {
	// doc keeps what a hit shows; a document's phrases are only analysed.
	doc Document
	// titleWords are the term ids of the title's and phrases' words as written
	// (surfaceTerm), sorted, so that the very word typed outranks another word
	// with the same stem.
	titleWords        []uint32
	titleLen, textLen float64
	// tiebreak orders equal scores by id, the same from build to build.
	tiebreak float64
	// titleToks and bodyToks are where each word of the title and body is
	// (encoded positions, see appendPositions), so that highlighting a hit is a
	// scan of numbers, not a new analysis; situationToks are those of each
	// situation's title and phrases.
	titleToks, bodyToks string
	situationToks       []string
	// facets are the numbers of the document's facet values (facetIndex).
	facets []uint16
}

func (dd *docData) hasTitleWord(id uint32) bool {
	_, ok := slices.BinarySearch(dd.titleWords, id)
	return ok
}

// termID returns the id of an index term, if some document has it.
func (t *tables) termID(term string) (uint32, bool) {
	i, ok := slices.BinarySearch(t.terms, term)
	return uint32(i), ok
}

// postingsOf returns the postings of term id.
func (t *tables) postingsOf(id uint32) []posting {
	return t.postings[t.postStart[id]:t.postStart[id+1]]
}

// analysis is what analysing a set of documents gives, once, at build time:
// the terms Bleve indexes and then the tables come from it.
type analysis struct {
	an   *analyzer
	docs []analysed // in the order of the documents analysed
	dict *dictionaryBuilder
}

// analysed is one document's analysis. It is not changed once made, so
// that Analyses can hand it to the next build.
type analysed struct {
	stored               string // the document as Bleve stores it (JSON)
	dt                   docTokens
	title, phrases, text []string
	titleWords           []string
}

// Analyses remembers the analysis of every document of the last build, by
// the document's stored copy: under serve -watch an author's edit changes a
// document or two, and the next build analyses only those. It is kept for
// one set of synonyms; other synonyms change every document's terms, and
// the next build analyses everything. It is safe for concurrent use.
type Analyses struct {
	mu       sync.Mutex
	synonyms string
	byDoc    map[string]*analysed
}

// NewAnalyses returns an empty Analyses.
func NewAnalyses() *Analyses { return &Analyses{} }

// analyseDocs analyses docs with the synonyms the index is built with,
// reusing and then updating cache unless it is nil.
func analyseDocs(docs []Document, synonyms [][]string, cache *Analyses) (*analysis, error) {
	an := newAnalyzer(synonyms)
	sc := newStemCache(an)
	x := &analysis{an: an, docs: make([]analysed, len(docs)), dict: newDictionaryBuilder()}
	var prev, next map[string]*analysed
	key := ""
	if cache != nil {
		b, err := json.Marshal(synonyms)
		if err != nil {
			return nil, err
		}
		key = string(b)
		cache.mu.Lock()
		defer cache.mu.Unlock()
		if cache.synonyms == key {
			prev = cache.byDoc
		}
		next = make(map[string]*analysed, len(docs))
	}
	for i, d := range docs {
		b, err := json.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("document %s: %w", d.ID, err)
		}
		stored := string(b)
		if a, ok := prev[stored]; ok {
			x.docs[i] = *a
			x.dict.add(a.dt.words())
		} else {
			dt := sc.tokensOf(d)
			title, phrases, text := sc.terms(dt, d.Type, x.dict)
			x.docs[i] = analysed{stored: stored, dt: dt, title: title, phrases: phrases, text: text,
				titleWords: surfaceTerms(append([][]token{dt.title}, dt.phrases...))}
		}
		if next != nil {
			next[stored] = &x.docs[i]
		}
	}
	x.dict.addKnown(an.synonyms.words, an)
	if cache != nil {
		cache.synonyms, cache.byDoc = key, next
	}
	return x, nil
}

// analyse makes the tables of docs; internal[i] is the number Bleve gave
// docs[i]. Tests call it to analyse a stored index again.
func analyse(docs []Document, internal []uint64, synonyms [][]string) (*tables, error) {
	x, err := analyseDocs(docs, synonyms, nil)
	if err != nil {
		return nil, err
	}
	return x.tables(docs, internal, synonyms)
}

// tables makes the tables of the documents analysed, docs, once Bleve has
// numbered them: internal[i] is the number of docs[i].
func (x *analysis) tables(docs []Document, internal []uint64, synonyms [][]string) (*tables, error) {
	if len(docs) == 0 {
		return nil, errors.New("the index has no documents")
	}
	// Documents in Bleve's order, so that byInternal is increasing.
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case internal[a] < internal[b]:
			return -1
		case internal[a] > internal[b]:
			return 1
		}
		return 0
	})
	an := x.an
	// Every term is numbered by its place in sorted order.
	ids := map[string]uint32{}
	for i := range x.docs {
		a := &x.docs[i]
		for _, list := range [][]string{a.title, a.phrases, a.text, a.titleWords} {
			for _, t := range list {
				ids[t] = 0
			}
		}
	}
	t := &tables{synonyms: synonyms, dict: x.dict.dictionary()}
	t.terms = make([]string, 0, len(ids))
	for term := range ids {
		t.terms = append(t.terms, term)
	}
	slices.Sort(t.terms)
	for i, term := range t.terms {
		ids[term] = uint32(i)
	}
	id := func(term string) uint32 { return ids[term] }

	df := make([]int32, len(t.terms))
	byTerm := make([][]posting, len(t.terms))
	t.docs = make([]docData, len(docs))
	var sumTitle, sumText float64
	for k, i := range order {
		a := &x.docs[i]
		d := docs[i]
		dd := &t.docs[k]
		dd.doc = d
		dd.doc.Phrases = nil
		if len(d.Situations) > 0 {
			dd.doc.Situations = make([]Situation, len(d.Situations))
			for j, s := range d.Situations {
				dd.doc.Situations[j] = Situation{Title: s.Title}
			}
		}
		dd.titleLen, dd.textLen = float64(len(a.title)), float64(len(a.text))
		sumTitle += dd.titleLen
		sumText += dd.textLen
		for _, w := range a.titleWords {
			dd.titleWords = append(dd.titleWords, id(w))
		}
		slices.Sort(dd.titleWords)
		dd.titleWords = slices.Compact(dd.titleWords)
		title, phrases := counts(a.title, id), counts(a.phrases, id)
		for _, tf := range countsSorted(a.text, id) {
			df[tf.id]++
			byTerm[tf.id] = append(byTerm[tf.id], posting{
				doc: int32(k), text: clamp16(tf.n), title: clamp8(title[tf.id]), phrase: phrases[tf.id] > 0,
			})
		}
		dd.titleToks = string(appendPositions(nil, a.dt.title, an, id))
		dd.bodyToks = string(appendPositions(nil, a.dt.body, an, id))
		for _, st := range a.dt.situations {
			// Only which words a situation has matters (for Hit.Via), not where.
			var toks []token
			for _, pt := range st {
				toks = append(toks, pt...)
			}
			dd.situationToks = append(dd.situationToks, string(appendPositions(nil, toks, an, id)))
		}
	}
	t.avgTitle = max(sumTitle/float64(len(docs)), 1)
	t.avgText = max(sumText/float64(len(docs)), 1)
	N := float64(len(docs))
	t.idf = make([]float64, len(t.terms))
	for id, n := range df {
		t.idf[id] = math.Log(1 + (N-float64(n)+0.5)/(float64(n)+0.5))
	}
	t.postStart = make([]uint32, len(t.terms)+1)
	for id, ps := range byTerm {
		t.postings = append(t.postings, ps...)
		t.postStart[id+1] = uint32(len(t.postings))
	}
	// Equal scores are ordered by id: the tie-break is far below any real
	// difference in score, and it does not depend on the order of indexing.
	byID := make([]int, len(t.docs))
	for i := range byID {
		byID[i] = i
	}
	slices.SortFunc(byID, func(a, b int) int { return strings.Compare(t.docs[a].doc.ID, t.docs[b].doc.ID) })
	for rank, i := range byID {
		t.docs[i].tiebreak = tiebreak(len(byID), rank)
	}
	ints := make([]uint64, len(order))
	for k, i := range order {
		ints[k] = internal[i]
	}
	var err error
	if t.byInternal, err = internalMap(ints); err != nil {
		return nil, err
	}
	return t, t.indexFacets()
}

func tiebreak(n, rank int) float64 { return float64(n-rank) * 1e-9 }

func clamp16(n uint32) uint16 { return uint16(min(n, 1<<16-1)) }

func clamp8(n uint32) uint8 { return uint8(min(n, 1<<8-1)) }

// counts counts terms by id.
func counts(terms []string, id func(string) uint32) map[uint32]uint32 {
	m := make(map[uint32]uint32, len(terms))
	for _, t := range terms {
		m[id(t)]++
	}
	return m
}

type termCount struct{ id, n uint32 }

// countsSorted counts terms by id, in the order of ids.
func countsSorted(terms []string, id func(string) uint32) []termCount {
	m := counts(terms, id)
	out := make([]termCount, 0, len(m))
	for id, n := range m {
		out = append(out, termCount{id, n})
	}
	slices.SortFunc(out, func(a, b termCount) int { return int(a.id) - int(b.id) })
	return out
}

// internalMap makes byInternal from the internal number of each document.
func internalMap(internal []uint64) ([]int32, error) {
	var top uint64
	for _, n := range internal {
		top = max(top, n)
	}
	if top > uint64(64*len(internal)+1024) {
		return nil, fmt.Errorf("the index numbers %d documents up to %d; rebuild it", len(internal), top)
	}
	by := make([]int32, top+1)
	for i := range by {
		by[i] = -1
	}
	for i, n := range internal {
		if by[n] >= 0 {
			return nil, fmt.Errorf("two documents have the internal number %d", n)
		}
		by[n] = int32(i)
	}
	return by, nil
}

// appendPositions encodes the words of a text for highlighting: their count,
// then for each the gap from the previous word's end (signed: a situation's
// words come from several texts), its length and its stem's
// term id plus one; then the count of synonym phrases and, for each, its start,
// length in bytes and group.
func appendPositions(b []byte, toks []token, an *analyzer, id func(string) uint32) []byte {
	b = binary.AppendUvarint(b, uint64(len(toks)))
	end := 0
	for _, t := range toks {
		b = binary.AppendVarint(b, int64(t.start-end))
		b = binary.AppendUvarint(b, uint64(t.end-t.start))
		b = binary.AppendUvarint(b, uint64(id(t.stem))+1)
		end = t.end
	}
	var groups []byte
	n := 0
	for i := range toks {
		for _, m := range an.synonyms.at(toks, i) {
			n++
			start, stop := toks[i].start, toks[i+m.n-1].end
			groups = binary.AppendUvarint(groups, uint64(start))
			groups = binary.AppendUvarint(groups, uint64(stop-start))
			groups = binary.AppendUvarint(groups, uint64(m.group))
		}
	}
	b = binary.AppendUvarint(b, uint64(n))
	return append(b, groups...)
}

// encode writes the tables in the file's format.
func (t *tables) encode() []byte {
	e := &encoder{index: map[string]int{}}
	e.uint(len(t.synonyms))
	for _, g := range t.synonyms {
		e.strs(g)
	}
	e.strs(t.terms)
	e.uint(len(t.idf))
	for _, f := range t.idf {
		e.f64(f)
	}
	e.f64(t.avgTitle)
	e.f64(t.avgText)
	e.uint(len(t.postings))
	for id := range t.terms {
		ps := t.postingsOf(uint32(id))
		e.uint(len(ps))
		prev := int32(0)
		for _, p := range ps {
			e.uint(int(p.doc - prev))
			prev = p.doc
			e.uint(int(p.text))
			e.uint(int(p.title))
			if p.phrase {
				e.uint(1)
			} else {
				e.uint(0)
			}
		}
	}
	d := t.dict
	e.uint(len(d.words))
	for i, w := range d.words {
		e.str(w)
		e.str(d.stemOf[i])
		e.uint(int(d.df[i]))
	}
	e.strs(d.stems)
	prefixes := make([]string, 0, len(d.short))
	for p := range d.short {
		prefixes = append(prefixes, p)
	}
	slices.Sort(prefixes)
	e.uint(len(prefixes))
	for _, p := range prefixes {
		e.str(p)
		e.uint(len(d.short[p]))
		for _, w := range d.short[p] {
			i, _ := d.find(w)
			e.uint(i)
		}
	}
	internal := make([]uint64, len(t.docs))
	for n, i := range t.byInternal {
		if i >= 0 {
			internal[i] = uint64(n)
		}
	}
	e.uint(len(t.docs))
	for i := range t.docs {
		dd := &t.docs[i]
		doc := &dd.doc
		e.uint(int(internal[i]))
		for _, s := range []string{doc.ID, doc.Type, doc.Title, doc.URL, doc.Page, doc.Body} {
			e.str(s)
		}
		for _, l := range [][]string{doc.Stage, doc.Audience, doc.Technique, doc.TechniqueTitles} {
			e.strs(l)
		}
		e.uint(len(doc.Situations))
		for _, s := range doc.Situations {
			e.str(s.Title)
		}
		e.uint(len(doc.AskFirst))
		for _, q := range doc.AskFirst {
			e.str(q.ID)
			e.str(q.Text)
			e.str(q.URL)
		}
		e.uint(len(dd.titleWords))
		prev := uint32(0)
		for _, w := range dd.titleWords {
			e.uint(int(w - prev))
			prev = w
		}
		e.uint(int(dd.titleLen))
		e.uint(int(dd.textLen))
		e.str(dd.titleToks)
		e.str(dd.bodyToks)
		e.strs(dd.situationToks)
	}
	// The tie-break is by id: the ranks, in the order of docs.
	for i := range t.docs {
		e.f64(t.docs[i].tiebreak)
	}
	return e.file()
}

// decodeTables reads the tables from the file's bytes, which it keeps: the
// strings of the tables are slices of them, so they must not change.
func decodeTables(data []byte) (*tables, error) {
	if len(data) < len(tablesMagic)+4 || string(data[:len(tablesMagic)]) != tablesMagic {
		return nil, errors.New("not a tables file of this version (the first line differs)")
	}
	payload := data[len(tablesMagic) : len(data)-4]
	if got, want := crc32.ChecksumIEEE(payload), binary.LittleEndian.Uint32(data[len(data)-4:]); got != want {
		return nil, fmt.Errorf("checksum %08x, want %08x: the file is damaged", got, want)
	}
	d := &decoder{s: unsafe.String(unsafe.SliceData(payload), len(payload))}
	d.readPool()
	t := &tables{}
	t.synonyms = make([][]string, d.count(1))
	for i := range t.synonyms {
		t.synonyms[i] = d.strs()
	}
	t.terms = d.strs()
	t.idf = make([]float64, d.countOf(len(t.terms), 8))
	for i := range t.idf {
		t.idf[i] = d.f64()
	}
	t.avgTitle, t.avgText = d.f64(), d.f64()
	t.postings = make([]posting, d.count(4))
	t.postStart = make([]uint32, len(t.terms)+1)
	n := 0
	for id := range t.terms {
		k := d.count(4)
		if n+k > len(t.postings) {
			return nil, errors.New("more postings than counted")
		}
		prev := int32(0)
		for j := n; j < n+k; j++ {
			prev += int32(d.uint())
			t.postings[j] = posting{doc: prev, text: uint16(d.uint()), title: uint8(d.uint()), phrase: d.uint() == 1}
		}
		n += k
		t.postStart[id+1] = uint32(n)
	}
	if d.err == nil && n != len(t.postings) {
		return nil, errors.New("fewer postings than counted")
	}
	dict := &dictionary{}
	nw := d.count(3)
	dict.words, dict.stemOf, dict.df = make([]string, nw), make([]string, nw), make([]int32, nw)
	for i := range nw {
		dict.words[i], dict.stemOf[i], dict.df[i] = d.str(), d.str(), int32(d.uint())
	}
	dict.stems = d.strs()
	np := d.count(2)
	dict.short = make(map[string][]string, np)
	for range np {
		p := d.str()
		ws := make([]string, d.count(1))
		for j := range ws {
			w := d.uint()
			if w >= len(dict.words) {
				return nil, errors.New("a completion names no word")
			}
			ws[j] = dict.words[w]
		}
		dict.short[p] = ws
	}
	t.dict = dict
	nd := d.count(8)
	t.docs = make([]docData, nd)
	internal := make([]uint64, nd)
	for i := range t.docs {
		dd := &t.docs[i]
		doc := &dd.doc
		internal[i] = uint64(d.uint())
		doc.ID, doc.Type, doc.Title, doc.URL, doc.Page, doc.Body = d.str(), d.str(), d.str(), d.str(), d.str(), d.str()
		doc.Stage, doc.Audience, doc.Technique, doc.TechniqueTitles = d.strs(), d.strs(), d.strs(), d.strs()
		if ns := d.count(1); ns > 0 {
			doc.Situations = make([]Situation, ns)
			for j := range doc.Situations {
				doc.Situations[j].Title = d.str()
			}
		}
		if nq := d.count(3); nq > 0 {
			doc.AskFirst = make([]Question, nq)
			for j := range doc.AskFirst {
				doc.AskFirst[j] = Question{ID: d.str(), Text: d.str(), URL: d.str()}
			}
		}
		if nt := d.count(1); nt > 0 {
			dd.titleWords = make([]uint32, nt)
			prev := uint32(0)
			for j := range dd.titleWords {
				prev += uint32(d.uint())
				dd.titleWords[j] = prev
			}
		}
		dd.titleLen, dd.textLen = float64(d.uint()), float64(d.uint())
		dd.titleToks, dd.bodyToks = d.str(), d.str()
		dd.situationToks = d.strs()
	}
	for i := range t.docs {
		t.docs[i].tiebreak = d.f64()
	}
	if d.err != nil {
		return nil, d.err
	}
	if d.i != len(d.s) {
		return nil, fmt.Errorf("%d bytes left over", len(d.s)-d.i)
	}
	for _, p := range t.postings {
		if p.doc < 0 || int(p.doc) >= len(t.docs) {
			return nil, fmt.Errorf("a posting names document %d of %d", p.doc, len(t.docs))
		}
	}
	if len(t.docs) == 0 {
		return nil, errors.New("the index has no documents")
	}
	var err error
	if t.byInternal, err = internalMap(internal); err != nil {
		return nil, err
	}
	return t, t.indexFacets()
}

// encoder writes the payload. Strings are written once each, in a table at
// the start of the payload, and referred to by number: kinds, facet values and
// the words of a situation that many questions share are kept once in memory.
type encoder struct {
	b     []byte
	index map[string]int
	pool  []string
}

func (e *encoder) uint(n int)    { e.b = binary.AppendUvarint(e.b, uint64(n)) }
func (e *encoder) f64(f float64) { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f)) }

func (e *encoder) str(s string) {
	i, ok := e.index[s]
	if !ok {
		i = len(e.pool)
		e.index[s] = i
		e.pool = append(e.pool, s)
	}
	e.uint(i)
}

func (e *encoder) strs(l []string) {
	e.uint(len(l))
	for _, s := range l {
		e.str(s)
	}
}

// file returns the whole file: magic line, string table, the rest, checksum.
func (e *encoder) file() []byte {
	out := []byte(tablesMagic)
	out = binary.AppendUvarint(out, uint64(len(e.pool)))
	for _, s := range e.pool {
		out = binary.AppendUvarint(out, uint64(len(s)))
	}
	for _, s := range e.pool {
		out = append(out, s...)
	}
	out = append(out, e.b...)
	return binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(out[len(tablesMagic):]))
}

// decoder reads what encoder wrote. After the first error it returns zero
// values, and err says what was wrong.
type decoder struct {
	s    string
	i    int
	pool []string
	err  error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%s at byte %d", what, d.i+len(tablesMagic))
	}
	d.i = len(d.s)
}

func (d *decoder) uint() int {
	// Most numbers are one byte (highlighting reads thousands).
	if d.i < len(d.s) && d.s[d.i] < 0x80 {
		d.i++
		return int(d.s[d.i-1])
	}
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		if d.i >= len(d.s) {
			d.fail("truncated number")
			return 0
		}
		c := d.s[d.i]
		d.i++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			if v > math.MaxInt32 {
				d.fail("number out of range")
				return 0
			}
			return int(v)
		}
	}
	d.fail("number too long")
	return 0
}

// int reads a signed number (zig-zag, as binary.AppendVarint writes it).
func (d *decoder) int() int {
	u := uint64(d.uint())
	return int(u>>1) ^ -int(u&1)
}

// count reads a number of items each at least min bytes long, which the rest
// of the file must be able to hold: a damaged count cannot make a huge slice.
func (d *decoder) count(min int) int { return d.countOf(-1, min) }

// countOf is count, and when want >= 0 the number must equal it.
func (d *decoder) countOf(want, min int) int {
	n := d.uint()
	if n*min > len(d.s)-d.i || (want >= 0 && n != want) {
		d.fail(fmt.Sprintf("count %d does not fit", n))
		return 0
	}
	return n
}

func (d *decoder) f64() float64 {
	if len(d.s)-d.i < 8 {
		d.fail("truncated number")
		return 0
	}
	var v uint64
	for k := 7; k >= 0; k-- {
		v = v<<8 | uint64(d.s[d.i+k])
	}
	d.i += 8
	return math.Float64frombits(v)
}

// readPool reads the string table. Its text is copied once into a string of
// its own, which the tables' strings are slices of; the file's bytes are not
// kept.
func (d *decoder) readPool() {
	n := d.count(1)
	lens := make([]int, n)
	total := 0
	for i := range lens {
		lens[i] = d.uint()
		total += lens[i]
	}
	if total > len(d.s)-d.i {
		d.fail("truncated strings")
		return
	}
	text := strings.Clone(d.s[d.i : d.i+total])
	d.i += total
	d.pool = make([]string, n)
	at := 0
	for i, l := range lens {
		d.pool[i] = text[at : at+l]
		at += l
	}
}

func (d *decoder) str() string {
	i := d.uint()
	if i >= len(d.pool) {
		d.fail("no such string")
		return ""
	}
	return d.pool[i]
}

func (d *decoder) strs() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = d.str()
	}
	return l
}
