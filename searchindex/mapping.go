package searchindex

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the Bleve index.
const (
	// textField holds the terms of everything searchable: title, own phrases,
	// body and the situations the document answers. Bleve uses it to find the
	// candidates; the ranking weighs the title part itself (rank.go). One
	// composite field keeps the sub-queries to one per searched term.
	textField = "text"
	// storedField holds the Document as JSON, read once when the index opens.
	storedField = "doc"
)

// termsAnalyzer splits pre-analysed text at spaces. The terms are made by this
// package's own analysis (analysis.go), so Bleve only has to store them.
const termsAnalyzer = "terms"

// scoringModel ranks term matches with BM25, whose length normalisation is
// relative to the field's average length and whose term frequency saturates:
// a long page that repeats a word does not bury a short question that has it.
const scoringModel = "bm25"

// NewMapping returns the index mapping: one term field, a stored copy of each
// document, and keyword fields for the facets.
func NewMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomAnalyzer(termsAnalyzer, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": whitespace.Name,
	}); err != nil {
		return nil, fmt.Errorf("adding analyzer %q: %w", termsAnalyzer, err)
	}
	im.DefaultAnalyzer = termsAnalyzer
	im.ScoringModel = scoringModel
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(textField, termField(textField))
	for _, name := range facetFields {
		doc.AddFieldMappingsAt(name, keywordField(name))
	}
	stored := bleve.NewTextFieldMapping()
	stored.Name = storedField
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.IncludeTermVectors = false
	stored.DocValues = false
	doc.AddFieldMappingsAt(storedField, stored)

	im.DefaultMapping = doc
	return im, nil
}

// termField is indexed for scoring only: nothing is stored, and no positions are
// kept, since highlighting is done on the few hits returned, not by the index.
func termField(name string) *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Name = name
	f.Analyzer = termsAnalyzer
	f.Store = false
	f.IncludeTermVectors = false
	f.IncludeInAll = false
	f.DocValues = false
	return f
}

func keywordField(name string) *mapping.FieldMapping {
	f := bleve.NewKeywordFieldMapping()
	f.Name = name
	f.Analyzer = keyword.Name
	f.Store = false
	f.DocValues = true
	f.IncludeInAll = false
	return f
}
