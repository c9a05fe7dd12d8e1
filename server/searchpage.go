package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/buyin/playbook/searchindex"
)

// Markers in layouts/search.html where the server puts what it renders, so that the
// search page shows results without JavaScript.
const (
	resultsStart = "<span hidden data-results-start></span>"
	resultsEnd   = "<span hidden data-results-end></span>"
	valueMarker  = "{{q}}"
)

// searchPage is the site's search page cut where the server writes: the query
// goes into the search box, the results between the markers. It is cut once
// per build (openBuild), and filled here, the one place that fills it.
type searchPage struct {
	beforeQuery, afterQuery []byte // around valueMarker
	hint                    []byte // what the page says before a search
	tail                    []byte // from resultsEnd on
}

// fill writes the page with the escaped query and the results, or the page's
// own hint when there are no results to show. The page's title names the
// query first ("customer upset – Search – The Buy-In Playbook"), so that tabs
// and history say which search they are.
func (p searchPage) fill(w io.Writer, escapedQuery string, results []byte) {
	head := p.beforeQuery
	if t := bytes.Index(head, []byte("<title>")); t >= 0 && strings.TrimSpace(escapedQuery) != "" {
		t += len("<title>")
		w.Write(head[:t])
		io.WriteString(w, strings.Join(strings.Fields(escapedQuery), " ")+" – ")
		head = head[t:]
	}
	w.Write(head)
	io.WriteString(w, escapedQuery)
	w.Write(p.afterQuery)
	if len(results) == 0 {
		w.Write(p.hint)
	} else {
		w.Write(results)
	}
	w.Write(p.tail)
}

// resultsTemplate renders results into the search page.
var resultsTemplate = template.Must(template.New("results").Funcs(template.FuncMap{
	"trusted": func(s string) template.HTML { return template.HTML(s) },
	"toggle":  toggleURL,
	"active":  isActive,
}).Parse(resultsHTML))

// searchHTML answers /search/?q=... with the site's search page and the results
// rendered in it, so that search works without JavaScript. Without q, or with
// only parameters it does not know (a tracking tag), it is the plain page.
// With fragment=1 it answers the rendered results alone, which the page's
// script puts in place: hits are rendered here and nowhere else.
func (s *Server) searchHTML() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := buildOf(r)
		vals, err := url.ParseQuery(r.URL.RawQuery)
		code := http.StatusOK
		text := ""
		var results bytes.Buffer
		if err != nil {
			code = http.StatusBadRequest
			err = resultsTemplate.ExecuteTemplate(&results, "error", problem{Text: "This address is not a search the playbook can run. Type what you are looking for in the box above."})
		} else if vals.Has("q") {
			text = vals.Get("q")
			q, qerr := parseQuery(vals, s.cfg.Limits)
			var res *searchindex.Result
			if qerr == nil {
				q.Facets = true
				res, qerr = s.search(r, q)
			}
			if qerr != nil {
				code = statusOf(qerr)
				if code == statusClientGone {
					w.WriteHeader(code)
					return
				}
				if code == http.StatusServiceUnavailable {
					w.Header().Set("Retry-After", "1")
				}
				err = resultsTemplate.ExecuteTemplate(&results, "error", s.problem(r, text, qerr))
			} else {
				s.countGap(r, vals, vals.Get("fragment") != "1", res)
				v := view{Result: res, Values: vals, vocab: b.vocab}
				if res.Total == 0 && v.ActiveFilters() > 0 {
					v.unfiltered = s.unfiltered(r, q)
				}
				err = resultsTemplate.ExecuteTemplate(&results, "results", v)
			}
		}
		if err != nil {
			s.log.Error("rendering search results", "err", err)
			http.Error(w, "could not render the results", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if vals.Get("fragment") == "1" {
			// The results alone, for the page's script: one renderer for both.
			w.WriteHeader(code)
			w.Write(results.Bytes())
			return
		}
		var out bytes.Buffer
		b.searchPage.fill(&out, template.HTMLEscapeString(text), results.Bytes())
		w.Header().Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			w.Header().Set("Content-Encoding", "gzip")
			w.WriteHeader(code)
			zw := gzip.NewWriter(w)
			zw.Write(out.Bytes())
			zw.Close()
			return
		}
		w.WriteHeader(code)
		w.Write(out.Bytes())
	})
}

// problem is what the search page says when it cannot search: plain words
// for the reader, and whether trying the same search again may help.
type problem struct {
	Text  string
	Retry bool
}

// problem says in plain words why the search page could not search text: the
// API's messages name parameters, which a reader in a meeting has no use for.
func (s *Server) problem(r *http.Request, text string, err error) problem {
	switch statusOf(err) {
	case http.StatusBadRequest:
		switch {
		case !strings.ContainsFunc(text, func(c rune) bool { return unicode.IsLetter(c) || unicode.IsDigit(c) }):
			shown := strings.TrimSpace(text)
			if shown == "" {
				return problem{Text: "Type a few words about the situation in the box above, for example “customer upset”."}
			}
			return problem{Text: "“" + shown + "” has no words to search for. Type a few words about the situation instead, for example “customer upset”."}
		case len(text) > s.cfg.Limits.MaxQueryBytes:
			return problem{Text: fmt.Sprintf("That is longer than search can take (%d characters). Use fewer words: the situation in a sentence is enough.", s.cfg.Limits.MaxQueryBytes)}
		default:
			return problem{Text: "This address is not a search the playbook can run. Type what you are looking for in the box above."}
		}
	case http.StatusServiceUnavailable:
		return problem{Text: "Search is busy right now. Try again in a second.", Retry: true}
	default:
		s.message(r, err) // logs it
		return problem{Text: "Search failed on our side; it has been logged.", Retry: true}
	}
}

// unfiltered counts what q finds without its filters, for a search that
// filtered everything out; 0 when that search fails too.
func (s *Server) unfiltered(r *http.Request, q searchindex.Query) int {
	q.Filters, q.Facets, q.From, q.Size = nil, false, 0, 1
	res, err := s.search(r, q)
	if err != nil {
		return 0
	}
	return int(res.Total)
}

type view struct {
	*searchindex.Result
	Values url.Values
	vocab  vocab
	// unfiltered is, when filters left nothing, what the query finds without them.
	unfiltered int
}

// answer is the situation a search answers with when it is the best match:
// its questions to ask first, written out at the top of the results.
type answer struct {
	Title, URL string
	Questions  []searchindex.Question
}

// Answer is the first hit as an answer, when it is a situation with questions
// to ask first on the first page of results; nil otherwise.
func (v view) Answer() *answer {
	if v.From != 0 || len(v.Hits) == 0 {
		return nil
	}
	h := v.Hits[0]
	if h.Type != "situation" || len(h.AskFirst) == 0 {
		return nil
	}
	a := &answer{Title: h.Title, URL: h.URL, Questions: h.AskFirst}
	if h.Page != "" { // a section of the situation's page: the answer is the page
		a.Title = h.Page
		a.URL, _, _ = strings.Cut(h.URL, "#")
	}
	return a
}

// Others are the hits listed after the answer (all of them without one).
func (v view) Others() []searchindex.Hit {
	if v.Answer() != nil {
		return v.Hits[1:]
	}
	return v.Hits
}

// Situations are the playbook's situations, offered when nothing is found.
func (v view) Situations() []situationLink { return v.vocab.Situations }

// Unfiltered is the number of hits without the filters, when the filters left
// none, and UnfilteredURL the search without them.
func (v view) Unfiltered() int { return v.unfiltered }

func (v view) UnfilteredURL() string {
	next := url.Values{}
	for k, vs := range v.Values {
		if !slices.Contains(searchindex.FacetFields(), k) && k != "from" && k != "fragment" {
			next[k] = vs
		}
	}
	return "?" + next.Encode()
}

// situationLink is a situation as /vocab.json lists it.
type situationLink struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// vocab is the site's vocabularies as layouts/_partials/vocab.html writes them
// to /vocab.json: the one source of the names of filters, kinds and terms.
type vocab struct {
	Fields []struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	} `json:"fields"`
	Labels     map[string]map[string]string `json:"labels"`
	Singular   map[string]string            `json:"singular"`
	Situations []situationLink              `json:"situations"`
}

// readVocab reads the build's /vocab.json; a site without one shows ids.
func readVocab(root *os.Root) (vocab, error) {
	var v vocab
	b, err := root.ReadFile("vocab.json")
	if errors.Is(err, fs.ErrNotExist) {
		return v, nil
	}
	if err == nil {
		err = json.Unmarshal(b, &v)
	}
	if err != nil {
		return v, fmt.Errorf("reading vocab.json: %w", err)
	}
	return v, nil
}

// Label is the readable name of a filter value: "Meeting resistance" for
// stage meeting-resistance, "Questions" for type question.
func (v view) Label(field, value string) string {
	if l, ok := v.vocab.Labels[field][value]; ok {
		return l
	}
	return value
}

// Kind is the readable name of one hit's type: "Question".
func (v view) Kind(typ string) string {
	if l, ok := v.vocab.Singular[typ]; ok {
		return l
	}
	return typ
}

// FieldLabel is the readable name of a filter: "Who with" for audience.
func (v view) FieldLabel(field string) string {
	for _, f := range v.vocab.Fields {
		if f.ID == field {
			return f.Label
		}
	}
	return field
}

// ActiveFilters is the number of filter values switched on.
func (v view) ActiveFilters() int {
	n := 0
	for _, f := range searchindex.FacetFields() {
		n += len(v.Values[f])
	}
	return n
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
		if k == "from" || k == "fragment" {
			continue // a new filter starts at the first page; links are to pages
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

// PrevURL and NextURL page through the results; empty at either end.
func (v view) PrevURL() string {
	if v.From == 0 {
		return ""
	}
	return pageURL(v.Values, max(v.From-v.Size, 0))
}

func (v view) NextURL() string {
	if next := v.From + len(v.Hits); uint64(next) < v.Total && next <= maxFrom {
		return pageURL(v.Values, next)
	}
	return ""
}

// First and Last number the hits shown, from 1.
func (v view) First() int { return v.From + 1 }
func (v view) Last() int  { return v.From + len(v.Hits) }

// CardsURL prints the question hits shown as cut-out cards (package printsheet).
func (v view) CardsURL() string {
	var ids []string
	for _, h := range v.Hits {
		if id, ok := questionID(h.URL); ok && h.Type == "question" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return "/basket/?ids=" + url.QueryEscape(strings.Join(ids, ","))
}

// questionID is the id in a question page's URL, /questions/<id>/.
func questionID(u string) (string, bool) {
	id, ok := strings.CutPrefix(u, "/questions/")
	id, ok2 := strings.CutSuffix(id, "/")
	return id, ok && ok2 && id != "" && !strings.Contains(id, "/")
}

// pageURL is the search URL starting at hit from.
func pageURL(vals url.Values, from int) string {
	next := url.Values{}
	for k, vs := range vals {
		if k != "from" && k != "fragment" {
			next[k] = vs
		}
	}
	if from > 0 {
		next.Set("from", strconv.Itoa(from))
	}
	return "?" + next.Encode()
}

// resultsHTML renders the results: the answer (a situation that is the best
// match, with its questions to ask first), then the other hits, each a title,
// a one-line label and a snippet; when nothing is found, what to try instead.
const resultsHTML = `
{{define "error"}}<p class="search-error" role="alert">{{.Text}} <a href="/">Browse the playbook</a>{{if .Retry}} or <a href="">try again</a>{{end}}.</p>{{end}}
{{define "results"}}
<p class="result-count" data-total="{{.Total}}">{{.Total}} result{{if ne .Total 1}}s{{end}} for <strong>{{.Query}}</strong>{{if eq .Matched "any"}} (no page has every word; showing pages with some of them){{end}}{{range $typed, $fixes := .Corrected}}{{if $fixes}}; “{{$typed}}” read as {{range $i, $f := $fixes}}{{if $i}} or {{end}}“{{$f}}”{{end}}{{else}}; “{{$typed}}” is not in the playbook{{end}}{{end}}{{with .Ignored}}; words after the first 12 were not searched{{end}}</p>
{{if eq .Total 0}}{{template "none" .}}{{end}}
{{with .FacetList}}<details class="facets"><summary>Filter{{with $.ActiveFilters}} <span class="count">{{.}} on</span>{{end}}</summary>{{range .}}{{$field := (index . 0).Field}}<p class="facet-name" id="facet-{{$field}}">{{$.FieldLabel $field}}</p><ul class="chips" aria-labelledby="facet-{{$field}}">{{range .}}<li><a class="chip{{if active $.Values .Field .Value}} chip-on{{end}}" href="{{toggle $.Values .Field .Value}}"{{if active $.Values .Field .Value}} aria-current="true"{{end}}>{{$.Label .Field .Value}} <span class="count">{{.Count}}</span></a></li>{{end}}</ul>{{end}}</details>{{end}}
{{if .Hits}}<ol class="hits" start="{{.First}}">
{{with .Answer}}<li class="hit hit-situation answer"><a class="answer-title" href="{{.URL}}">{{.Title}}</a>
<span class="hit-meta">{{$.Kind "situation"}} · ask these first</span>
<ol class="answer-questions">{{range .Questions}}<li class="answer-question"><a href="{{.URL}}">{{.Text}}</a> <a class="hit-meeting" href="{{.URL}}#meeting" data-meeting-hit>Meeting mode<span class="visually-hidden">: {{.Text}}</span></a></li>{{end}}</ol></li>
{{end}}{{range .Others}}<li class="hit hit-{{.Type}}"><a href="{{.URL}}">{{with .Page}}<span class="hit-page">{{.}} › </span>{{end}}{{if eq .Type "question"}}<span class="hit-question">{{trusted .TitleHTML}}</span>{{else}}{{trusted .TitleHTML}}{{end}}</a>
<span class="hit-meta">{{$.Kind .Type}}{{range .TechniqueTitles}} · {{.}}{{end}}{{with .Via}} · for the situation “{{.}}”{{end}}</span>
{{with .Snippet}}<p class="snippet">{{trusted .}}</p>{{end}}{{if eq .Type "question"}}<a class="hit-meeting" href="{{.URL}}#meeting" data-meeting-hit>Meeting mode<span class="visually-hidden">: {{.Title}}</span></a>{{end}}</li>
{{end}}</ol>{{end}}
{{if or .PrevURL .NextURL}}<nav class="pager" aria-label="More results">{{with .PrevURL}}<a href="{{.}}" rel="prev">Previous</a> {{end}}<span>{{.First}}–{{.Last}} of {{.Total}}</span>{{with .NextURL}} <a href="{{.}}" rel="next">Next</a>{{end}}</nav>{{end}}
{{with .CardsURL}}<p class="print-cards"><a href="{{.}}">Print these questions as cards</a></p>{{end}}
{{end}}
{{define "none"}}<div class="no-results">
{{if .Unfiltered}}<p>The filters left nothing. <a href="{{.UnfilteredURL}}">See all {{.Unfiltered}} result{{if ne .Unfiltered 1}}s{{end}} for “{{.Query}}” without filters</a>.</p>{{end}}
<p>Try:</p>
<ul><li>saying it as you would to a colleague, for example <a href="?q=partner+not+delivering">partner not delivering</a> or <a href="?q=they+keep+objecting">they keep objecting</a>;</li>
<li>fewer or other words, and checking the spelling;</li>
<li>the situation nearest to yours, below.</li></ul>
{{with .Situations}}<h2 class="no-results-head">Situations</h2>
<ul class="link-list situations-list">{{range .}}<li><a href="{{.URL}}">{{.Title}}</a></li>{{end}}</ul>{{end}}
</div>{{end}}`
