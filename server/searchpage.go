package server

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/buyin/playbook/searchindex"
)

// Markers in layouts/search.html where the server puts what it renders, so that the
// search page shows results without JavaScript.
const (
	resultsStart = "<span hidden data-results-start></span>"
	resultsEnd   = "<span hidden data-results-end></span>"
	valueMarker  = "{{q}}"
)

// searchPage renders /search/?q=... on the server into the site's own search page.
type searchPage struct {
	cfg  Config
	tmpl *template.Template
}

func newSearchPage(cfg Config) http.Handler {
	return &searchPage{cfg: cfg, tmpl: template.Must(template.New("results").Funcs(template.FuncMap{
		"trusted": func(s string) template.HTML { return template.HTML(s) },
		"toggle":  toggleURL,
		"active":  isActive,
	}).Parse(resultsTemplate))}
}

func (p *searchPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page, err := os.ReadFile(filepath.Join(p.cfg.Public, "search", "index.html"))
	if err != nil {
		logf("search page: %v", err)
		http.Error(w, "the search page is missing: rebuild the site", http.StatusInternalServerError)
		return
	}
	vals, _ := url.ParseQuery(r.URL.RawQuery)
	text := vals.Get("q")
	code := http.StatusOK
	var results bytes.Buffer
	if r.URL.RawQuery != "" {
		q, err := searchindex.ParseQuery(r.URL.RawQuery, p.cfg.Limits)
		var res *searchindex.Result
		if err == nil {
			res, err = p.cfg.Searcher.Search(r.Context(), q)
		}
		if err != nil {
			code = searchindex.StatusOf(err)
			msg := err.Error()
			if code == http.StatusInternalServerError {
				logf("search page: %v", err)
				msg = "The search failed. Try again, or browse from the home page."
			}
			text = ""
			err = p.tmpl.ExecuteTemplate(&results, "error", msg)
		} else {
			err = p.tmpl.ExecuteTemplate(&results, "results", view{Result: res, Values: vals})
		}
		if err != nil {
			logf("rendering search results: %v", err)
			http.Error(w, "could not render the results", http.StatusInternalServerError)
			return
		}
	}
	out, err := fill(page, template.HTMLEscapeString(text), results.Bytes())
	if err != nil {
		logf("search page: %v", err)
		http.Error(w, "the search page has no place for results: rebuild the site", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(out)
}

// fill puts the escaped query into the search box and results between the markers.
// With no results to show it keeps the page's own hint.
func fill(page []byte, escapedQuery string, results []byte) ([]byte, error) {
	s := strings.Replace(string(page), valueMarker, escapedQuery, 1)
	i, j := strings.Index(s, resultsStart), strings.Index(s, resultsEnd)
	if i < 0 || j < i {
		return nil, errors.New("search/index.html lacks the result markers " + resultsStart + " and " + resultsEnd)
	}
	if len(results) == 0 {
		return []byte(s), nil
	}
	return []byte(s[:i+len(resultsStart)] + string(results) + s[j:]), nil
}

type view struct {
	*searchindex.Result
	Values url.Values
}

// Facet is one value of a facet field, for a filter link.
type facet struct {
	Field, Value string
	Count        int
}

// Facets lists the non-empty facet values in field order, values sorted by count.
func (v view) FacetList() [][]facet {
	var out [][]facet
	for _, f := range searchindex.FacetFields() {
		var fs []facet
		for value, n := range v.Facets[f] {
			fs = append(fs, facet{f, value, n})
		}
		sortFacets(fs)
		if len(fs) > 0 {
			out = append(out, fs)
		}
	}
	return out
}

func sortFacets(fs []facet) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && (fs[j].Count > fs[j-1].Count || fs[j].Count == fs[j-1].Count && fs[j].Value < fs[j-1].Value); j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// toggleURL is the search URL with the filter field=value switched on or off.
func toggleURL(vals url.Values, field, value string) string {
	next := url.Values{}
	for k, vs := range vals {
		if k == "from" {
			continue // a new filter starts at the first page
		}
		for _, v := range vs {
			if k == field && v == value {
				continue
			}
			next.Add(k, v)
		}
	}
	if !isActive(vals, field, value) {
		next.Add(field, value)
	}
	return "?" + next.Encode()
}

func isActive(vals url.Values, field, value string) bool {
	for _, v := range vals[field] {
		if v == value {
			return true
		}
	}
	return false
}

const resultsTemplate = `
{{define "error"}}<p class="search-error" role="alert">{{.}}</p>{{end}}
{{define "results"}}
<p class="result-count" data-total="{{.Total}}">{{.Total}} result{{if ne .Total 1}}s{{end}} for <strong>{{.Query}}</strong>{{if eq .Matched "any"}} (no page has every word; showing pages with any of them){{end}}</p>
{{with .FacetList}}<div class="facets">{{range .}}<ul class="chips" aria-label="Filter by {{(index . 0).Field}}">{{range .}}<li><a class="chip{{if active $.Values .Field .Value}} chip-on{{end}}" href="{{toggle $.Values .Field .Value}}"{{if active $.Values .Field .Value}} aria-pressed="true"{{end}}>{{.Value}} <span class="count">{{.Count}}</span></a></li>{{end}}</ul>{{end}}</div>{{end}}
<ol class="hits">
{{range .Hits}}<li class="hit hit-{{.Type}}"><a href="{{.URL}}">{{if eq .Type "question"}}<span class="hit-question">{{trusted .TitleHTML}}</span>{{else}}{{trusted .TitleHTML}}{{end}}</a>
<span class="hit-meta">{{.Type}}{{with .Page}} · {{.}}{{end}}{{range .Stage}} · {{.}}{{end}}{{range .Technique}} · {{.}}{{end}}</span>
{{with .Snippet}}<p class="snippet">{{trusted .}}</p>{{end}}</li>
{{end}}</ol>
{{end}}`
