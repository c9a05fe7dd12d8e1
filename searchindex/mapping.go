package searchindex

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// plainAnalyzer splits text into lowercase words without stemming or stop words.
// Typo-tolerant and prefix queries run on fields analysed this way, because they
// compare what was typed with whole words, not with stems.
const plainAnalyzer = "plain"

// exactSuffix names the plain-analysed twin of a text field.
const exactSuffix = "_exact"

// textFields are the English text fields with the boost each gets in a query:
// a question's own text (its title), its situations and a page's title outrank body text.
var textFields = []struct {
	name  string
	boost float64
}{
	{"title", 3},
	{"situations", 2.5},
	{"page", 1.2},
	{"body", 1},
}

// NewMapping returns the index mapping for Documents: English text fields, each with
// a plain twin for typo and prefix matching, and keyword fields for the facets.
func NewMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomAnalyzer(plainAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name},
	}); err != nil {
		return nil, fmt.Errorf("adding analyzer %q: %w", plainAnalyzer, err)
	}
	im.DefaultAnalyzer = en.AnalyzerName

	doc := bleve.NewDocumentStaticMapping()
	for _, f := range textFields {
		doc.AddFieldMappingsAt(f.name, englishField(f.name), plainField(f.name+exactSuffix))
	}
	for _, name := range facetFields {
		doc.AddFieldMappingsAt(name, keywordField())
	}
	url := bleve.NewTextFieldMapping()
	url.Index = false
	url.Store = true
	url.IncludeInAll = false
	doc.AddFieldMappingsAt("url", url)

	im.DefaultMapping = doc
	return im, nil
}

// englishField is stored (for snippets) and keeps term vectors (for highlighting).
func englishField(name string) *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Name = name
	f.Analyzer = en.AnalyzerName
	f.Store = true
	f.IncludeTermVectors = true
	f.IncludeInAll = false
	return f
}

func plainField(name string) *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Name = name
	f.Analyzer = plainAnalyzer
	f.Store = false
	f.IncludeTermVectors = true
	f.IncludeInAll = false
	return f
}

func keywordField() *mapping.FieldMapping {
	f := bleve.NewKeywordFieldMapping()
	f.Analyzer = keyword.Name
	f.Store = true
	f.DocValues = true
	f.IncludeInAll = false
	return f
}
