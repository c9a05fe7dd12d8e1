// Package playbook checks the playbook's structured content before Hugo renders it:
// the question bank in data/questions/*.toml, the checklists, technique and
// situation pages, and the vocabularies they refer to. Every problem is reported
// with the file and the field at fault, so that an author can fix it at once.
//
// # Vocabularies
//
// Stages, audiences and techniques are Hugo taxonomy terms whose pages live in
// content/stages/<slug>/_index.md, content/audiences/<slug>/_index.md and
// content/techniques/<slug>/_index.md: a term exists when its page does. Situations
// are the pages content/situations/<slug>.md. Sources are the ids in data/sources.toml.
//
// # Rules
//
// Besides the fields each kind of content needs, Validate holds the editorial rules:
//
//   - A situation names, in ask_first, exactly three different questions of the bank to
//     ask first; its page opens with them.
//   - No two questions have nearly the same wording (see NearDuplicates): a bank that
//     asks the same thing twice wastes the reader's time.
//   - Every page that carries prose credits it: sources lists known ids (see checkPages
//     for which pages are exempt), and every question has a known source.
//   - Situation, checklist and technique pages have no front matter keys that nothing
//     reads: a misspelt key is otherwise silently ignored by Hugo.
package playbook

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// maxProblems bounds the report: past this, the first problems are what matter.
const maxProblems = 25

// Vocab is what content may refer to.
type Vocab struct {
	Stages, Audiences, Techniques, Situations, Sources []string
}

// Question is one record of the question bank.
type Question struct {
	ID         string   `toml:"id"`
	Text       string   `toml:"text"`
	Why        string   `toml:"why"`
	Stage      []string `toml:"stage"`
	Audience   []string `toml:"audience"`
	Technique  string   `toml:"technique"`
	Situations []string `toml:"situations"`
	FollowUp   []string `toml:"follow_up"`
	Source     string   `toml:"source"`
}

// Checklist is a checklist page's front matter.
type Checklist struct {
	Title      string   `toml:"title"`
	Summary    string   `toml:"summary"`
	Techniques []string `toml:"techniques"`
	Stages     []string `toml:"stages"`
	Audiences  []string `toml:"audiences"`
	Situations []string `toml:"situations"`
	Sources    []string `toml:"sources"`
	Weight     int      `toml:"weight"`
	Groups     []struct {
		Title string   `toml:"title"`
		Items []string `toml:"items"`
	} `toml:"groups"`
}

// techniqueHeadings are the parts of every method card, in order. The worked example
// comes last: it shows the steps above it carried out once, in a labelled illustration.
var techniqueHeadings = []string{"What it is", "Why it works", "When to use it", "When not to use it", "Steps", "What to say", "Pitfalls", "Signs it is working", "Worked example"}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks all structured content in the project at root and returns the
// problems found, each naming its file and field; past maxProblems it says how
// many more there are.
func Validate(root fs.FS) error { return validate(root, maxProblems) }

// ValidateAll is Validate listing every problem, for `indexer check`.
func ValidateAll(root fs.FS) error { return validate(root, 0) }

func validate(root fs.FS, limit int) error {
	v, err := LoadVocab(root)
	if err != nil {
		return err
	}
	r := &report{limit: limit}
	bank := v.checkQuestions(root, r)
	checkDuplicates(bank.questions, r)
	v.checkChecklists(root, r)
	v.checkTechniques(root, r)
	v.checkSituations(root, bank, r)
	v.checkPages(root, r)
	return r.err()
}

// report collects problems; limit, if not 0, bounds how many the error lists.
type report struct {
	problems []string
	limit    int
}

func (r *report) add(file, format string, args ...any) {
	r.problems = append(r.problems, file+": "+fmt.Sprintf(format, args...))
}

// fieldReporter reports problems with the fields of one file's front matter.
func (r *report) fieldReporter(file string) func(field, format string, args ...any) {
	return func(field, format string, args ...any) {
		r.add(file, "field %q: %s", field, fmt.Sprintf(format, args...))
	}
}

func (r *report) err() error {
	if len(r.problems) == 0 {
		return nil
	}
	ps := r.problems
	more := ""
	if r.limit > 0 && len(ps) > r.limit {
		more = fmt.Sprintf("\n  ... and %d more (indexer check lists them all)", len(ps)-r.limit)
		ps = ps[:r.limit]
	}
	return fmt.Errorf("content has %d problem(s); fix them and build again:\n  %s%s", len(r.problems), strings.Join(ps, "\n  "), more)
}

// recordLines returns the line numbers (from 1) on which each TOML array-table
// header such as [[question]] starts, so problems can name the line.
func recordLines(text, header string) []int {
	var lines []int
	for i, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == header {
			lines = append(lines, i+1)
		}
	}
	return lines
}

// lineOf is file:line for the i-th record, or the file alone if unknown.
func lineOf(file string, lines []int, i int) string {
	if i < len(lines) {
		return fmt.Sprintf("%s:%d", file, lines[i])
	}
	return file
}

// LoadVocab reads the vocabularies from the project at root.
func LoadVocab(root fs.FS) (Vocab, error) {
	var v Vocab
	var err error
	if v.Stages, err = termDirs(root, "content/stages"); err != nil {
		return v, err
	}
	if v.Audiences, err = termDirs(root, "content/audiences"); err != nil {
		return v, err
	}
	if v.Techniques, err = termDirs(root, "content/techniques"); err != nil {
		return v, err
	}
	if v.Situations, err = pageNames(root, "content/situations"); err != nil {
		return v, err
	}
	var src struct {
		Source []struct {
			ID string `toml:"id"`
		} `toml:"source"`
	}
	if err := decodeFile(root, "data/sources.toml", &src); err != nil {
		return v, err
	}
	for _, s := range src.Source {
		v.Sources = append(v.Sources, s.ID)
	}
	return v, nil
}

func termDirs(root fs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(root, dir)
	if err != nil {
		return nil, fmt.Errorf("reading vocabulary %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			if _, err := fs.Stat(root, path.Join(dir, e.Name(), "_index.md")); err == nil {
				names = append(names, e.Name())
			}
		}
	}
	return names, nil
}

func pageNames(root fs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(root, dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".md") && !strings.HasPrefix(n, "_") {
			names = append(names, strings.TrimSuffix(n, ".md"))
		}
	}
	return names, nil
}

func decodeFile(root fs.FS, name string, v any) error {
	b, err := fs.ReadFile(root, name)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if _, err := toml.Decode(string(b), v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// placed is a question and where it is defined, for messages.
type placed struct {
	Question
	file string
	n    int // its place in the file, from 1
}

// where names the question within its file: `question 3 (id "ask-make-this-right")`.
func (q placed) where() string {
	if q.ID == "" {
		return fmt.Sprintf("question %d", q.n)
	}
	return fmt.Sprintf("question %d (id %q)", q.n, q.ID)
}

// bank is the question bank as read, for the checks that refer to questions.
type bank struct {
	questions []placed
	// complete is false when a question file could not be read, so that other
	// checks do not blame a missing id on the page that refers to it.
	complete bool
}

// has reports whether some question has the id.
func (b bank) has(id string) bool {
	return slices.ContainsFunc(b.questions, func(q placed) bool { return q.ID == id })
}

// tagged returns the ids of the questions filed under a situation, in bank order.
func (b bank) tagged(situation string) []string {
	var ids []string
	for _, q := range b.questions {
		if q.ID != "" && slices.Contains(q.Situations, situation) {
			ids = append(ids, q.ID)
		}
	}
	return ids
}

// checkQuestions validates every record in data/questions/*.toml and returns them.
func (v Vocab) checkQuestions(root fs.FS, r *report) bank {
	b := bank{complete: true}
	files, err := fs.Glob(root, "data/questions/*.toml")
	if err != nil || len(files) == 0 {
		r.add("data/questions", "no question files (*.toml) found")
		return b
	}
	seen := map[string]string{} // id -> where first defined
	for _, file := range files {
		data, err := fs.ReadFile(root, file)
		if err != nil {
			r.add(file, "cannot read: %v", err)
			b.complete = false
			continue
		}
		var doc struct {
			Question []Question `toml:"question"`
		}
		md, err := toml.Decode(string(data), &doc)
		if err != nil {
			r.add(file, "not valid TOML: %v", err)
			b.complete = false
			continue
		}
		for _, key := range md.Undecoded() {
			r.add(file, "unknown field %q; a question has id, text, why, stage, audience, technique, situations, follow_up, source", key.String())
		}
		if len(doc.Question) == 0 {
			r.add(file, "no [[question]] records")
		}
		lines := recordLines(string(data), "[[question]]")
		for i, question := range doc.Question {
			q := placed{Question: question, file: file, n: i + 1}
			b.questions = append(b.questions, q)
			where := q.where()
			at := func(field, format string, args ...any) {
				r.add(lineOf(file, lines, i), "%s: field %q: %s", where, field, fmt.Sprintf(format, args...))
			}
			switch {
			case q.ID == "":
				at("id", "missing")
			case !idPattern.MatchString(q.ID):
				at("id", "%q must be lowercase letters, digits and single hyphens", q.ID)
			case seen[q.ID] != "":
				at("id", "repeats the id of %s; ids must be unique", seen[q.ID])
			default:
				seen[q.ID] = fmt.Sprintf("%s %s", file, where)
			}
			required(at, "text", q.Text)
			required(at, "why", q.Why)
			required(at, "technique", q.Technique)
			required(at, "source", q.Source)
			v.terms(at, "stage", "stage", q.Stage, v.Stages, true)
			v.terms(at, "audience", "audience", q.Audience, v.Audiences, true)
			v.terms(at, "situations", "situation", q.Situations, v.Situations, true)
			if q.Technique != "" {
				v.terms(at, "technique", "technique", []string{q.Technique}, v.Techniques, true)
			}
			if q.Source != "" {
				v.terms(at, "source", "source", []string{q.Source}, v.Sources, true)
			}
		}
	}
	return b
}

// checkDuplicates reports questions whose wording nearly repeats an earlier one's,
// naming both, on the later of the two.
func checkDuplicates(qs []placed, r *report) {
	var worded []placed
	var texts []string
	for _, q := range qs {
		if strings.TrimSpace(q.Text) != "" {
			worded = append(worded, q)
			texts = append(texts, q.Text)
		}
	}
	for _, d := range NearDuplicates(texts) {
		first, second := worded[d.I], worded[d.J]
		how := fmt.Sprintf("nearly the same wording (word overlap %.2f) as", d.Similarity)
		if d.Similarity == 1 {
			how = "the same words, once case, punctuation and common words are set aside, as"
		}
		r.add(second.file, "%s: field \"text\": %s %s %s, %q; reword one or merge them", second.where(), how, first.file, first.where(), first.Text)
	}
}

func required(at func(field, format string, args ...any), field, value string) {
	if strings.TrimSpace(value) == "" {
		at(field, "missing or empty")
	}
}

// terms checks that every value names a known term.
func (v Vocab) terms(at func(field, format string, args ...any), field, kind string, values, known []string, need bool) {
	if need && len(values) == 0 {
		at(field, "missing or empty; give at least one %s", kind)
		return
	}
	for _, val := range values {
		if !slices.Contains(known, val) {
			at(field, "unknown %s %q; %s", kind, val, knownList(kind, known))
		}
	}
}

func knownList(kind string, known []string) string {
	if len(known) == 0 {
		return "there are none yet: add the " + kind + "'s page first"
	}
	return "known: " + strings.Join(sorted(known), ", ")
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// frontMatter returns the TOML front matter of a content file and its body.
func frontMatter(b []byte) (fm, body string, err error) {
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	if !strings.HasPrefix(s, "+++\n") {
		return "", "", errors.New("front matter must be TOML between +++ lines at the top of the file")
	}
	// Search from the opening line's newline, so that empty front matter closes too.
	end := strings.Index(s[3:], "\n+++")
	if end < 0 {
		return "", "", errors.New("front matter is not closed with a +++ line")
	}
	fm = s[4 : 3+end+1]
	body = s[3+end+4:]
	return fm, body, nil
}

// checkChecklists validates the front matter of content/checklists/*.md.
func (v Vocab) checkChecklists(root fs.FS, r *report) {
	names, _ := pageNames(root, "content/checklists")
	for _, n := range names {
		file := "content/checklists/" + n + ".md"
		var c Checklist
		md, _, ok := decodeFrontMatter(root, file, &c, r)
		if !ok {
			continue
		}
		unknownKeys(file, "checklist", md, c, r)
		at := r.fieldReporter(file)
		required(at, "title", c.Title)
		required(at, "summary", c.Summary)
		v.terms(at, "techniques", "technique", c.Techniques, v.Techniques, true)
		v.terms(at, "stages", "stage", c.Stages, v.Stages, true)
		v.terms(at, "audiences", "audience", c.Audiences, v.Audiences, true)
		v.terms(at, "situations", "situation", c.Situations, v.Situations, false)
		v.terms(at, "sources", "source", c.Sources, v.Sources, true)
		if len(c.Groups) == 0 {
			at("groups", "missing; add [[groups]] with a title and items")
		}
		for i, g := range c.Groups {
			if strings.TrimSpace(g.Title) == "" {
				at(fmt.Sprintf("groups[%d].title", i+1), "missing or empty")
			}
			if len(g.Items) == 0 {
				at(fmt.Sprintf("groups[%d].items", i+1), "missing or empty; list the actions to tick")
			}
			for j, it := range g.Items {
				if strings.TrimSpace(it) == "" {
					at(fmt.Sprintf("groups[%d].items[%d]", i+1, j+1), "empty item")
				}
			}
		}
	}
}

// decodeFrontMatter decodes a content file's front matter into v and returns its
// metadata and body; on failure it reports why and returns false.
func decodeFrontMatter(root fs.FS, file string, v any, r *report) (toml.MetaData, string, bool) {
	b, err := fs.ReadFile(root, file)
	if err != nil {
		r.add(file, "cannot read: %v", err)
		return toml.MetaData{}, "", false
	}
	fm, body, err := frontMatter(b)
	if err != nil {
		r.add(file, "%v", err)
		return toml.MetaData{}, "", false
	}
	md, err := toml.Decode(fm, v)
	if err != nil {
		r.add(file, "front matter is not valid TOML: %v", err)
		return toml.MetaData{}, "", false
	}
	return md, body, true
}

// unknownKeys reports the front matter keys that neither the page's struct (fields,
// whose toml tags list every key the layouts read for that kind of page) nor Hugo
// itself reads: most are misspellings, which Hugo would silently ignore.
//
// Hugo also reads custom fields from a [params] table, but this project keeps them at
// the top level, where they are checked; a [params] table is reported once, as such.
func unknownKeys(file, kind string, md toml.MetaData, fields any, r *report) {
	params := false
	for _, key := range md.Undecoded() {
		switch {
		case hugoKey(key[0]):
		case strings.EqualFold(key[0], "params"):
			if !params {
				r.add(file, "a [params] table: put a %s's fields at the top level of the front matter, where they are checked", kind)
				params = true
			}
		default:
			r.add(file, "unknown field %q; a %s has %s", key.String(), kind, strings.Join(tomlKeys(reflect.TypeOf(fields)), ", "))
		}
	}
}

// hugoKey reports whether key is front matter that Hugo acts on by itself, whatever
// the layouts do: addresses, publishing and build options. Other Hugo fields (such as
// description or keywords) do nothing here unless a layout reads them, so on the
// pages checked they would be mistakes. Hugo reads front matter keys in any case.
func hugoKey(key string) bool {
	switch strings.ToLower(key) {
	case "aliases", "build", "date", "draft", "expirydate", "lastmod", "layout",
		"linktitle", "outputs", "publishdate", "slug", "type", "url", "cascade",
		// Cascaded by the section pages to set the search facet; a page may set it.
		"search_type":
		return true
	}
	return false
}

// tomlKeys lists the toml keys of a struct type's fields, for messages, with the
// keys of nested tables (such as a checklist's groups) as "groups.title".
func tomlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if key == "" || key == "-" {
			continue
		}
		keys = append(keys, key)
		ft := f.Type
		for ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			for _, sub := range tomlKeys(ft) {
				keys = append(keys, key+"."+sub)
			}
		}
	}
	return keys
}

// Technique is a method card's front matter (content/techniques/<slug>/_index.md).
type Technique struct {
	Title   string `toml:"title"`
	Summary string `toml:"summary"`
	Weight  int    `toml:"weight"`
	// Group files the card on the techniques page (params.techniquegroups in config).
	Group string `toml:"group"`
	// DialinStep places the card under one of the Dial-In model's steps, and
	// DialinTip among its tips (layouts/dial-in.html); most cards have neither.
	DialinStep int      `toml:"dialin_step"`
	DialinTip  int      `toml:"dialin_tip"`
	Time       string   `toml:"time"`
	Sources    []string `toml:"sources"`
}

// checkTechniques checks that each method card has its parts and valid credits.
func (v Vocab) checkTechniques(root fs.FS, r *report) {
	for _, t := range v.Techniques {
		file := "content/techniques/" + t + "/_index.md"
		var fm Technique
		md, body, ok := decodeFrontMatter(root, file, &fm, r)
		if !ok {
			continue
		}
		unknownKeys(file, "technique", md, fm, r)
		at := r.fieldReporter(file)
		required(at, "title", fm.Title)
		required(at, "summary", fm.Summary)
		required(at, "group", fm.Group)
		required(at, "time", fm.Time)
		v.terms(at, "sources", "source", fm.Sources, v.Sources, true)
		var headings []string
		for _, line := range strings.Split(body, "\n") {
			if h, ok := strings.CutPrefix(line, "## "); ok {
				headings = append(headings, strings.TrimSpace(h))
			}
		}
		last := -1
		for _, want := range techniqueHeadings {
			i := slices.Index(headings, want)
			if i < 0 {
				r.add(file, "method card lacks the section \"## %s\"; a technique has: %s", want, strings.Join(techniqueHeadings, ", "))
				continue
			}
			if i < last {
				r.add(file, "section \"## %s\" is out of order; the order is: %s", want, strings.Join(techniqueHeadings, ", "))
			}
			last = i
		}
	}
}

// askFirst is how many questions a situation page opens with.
const askFirst = 3

// Situation is a situation page's front matter (content/situations/<slug>.md).
type Situation struct {
	Title   string `toml:"title"`
	Summary string `toml:"summary"`
	Weight  int    `toml:"weight"`
	// Phrases are how people would type the situation into the search box.
	Phrases []string `toml:"phrases"`
	// AskFirst holds the ids of the questions the page opens with, in order.
	AskFirst   []string `toml:"ask_first"`
	Techniques []string `toml:"techniques"`
	Audiences  []string `toml:"audiences"`
	// Stages is optional: a situation may be filed under stages like any page.
	Stages  []string `toml:"stages"`
	Sources []string `toml:"sources"`
}

// checkSituations checks the situation pages' front matter against the vocabularies
// and the question bank.
func (v Vocab) checkSituations(root fs.FS, b bank, r *report) {
	for _, s := range v.Situations {
		file := "content/situations/" + s + ".md"
		var fm Situation
		md, _, ok := decodeFrontMatter(root, file, &fm, r)
		if !ok {
			continue
		}
		unknownKeys(file, "situation", md, fm, r)
		at := r.fieldReporter(file)
		required(at, "title", fm.Title)
		required(at, "summary", fm.Summary)
		if len(fm.Phrases) == 0 {
			at("phrases", "missing or empty; list how people would describe this situation in a search box")
		}
		v.terms(at, "techniques", "technique", fm.Techniques, v.Techniques, true)
		v.terms(at, "audiences", "audience", fm.Audiences, v.Audiences, false)
		v.terms(at, "stages", "stage", fm.Stages, v.Stages, false)
		v.terms(at, "sources", "source", fm.Sources, v.Sources, true)
		checkAskFirst(at, fm.AskFirst, b, s)
	}
}

// checkAskFirst checks a situation's ask_first: exactly askFirst different ids of
// questions in the bank. Its messages suggest the questions filed under the situation.
func checkAskFirst(at func(field, format string, args ...any), ids []string, b bank, situation string) {
	hint := "no question lists this situation yet"
	if tagged := b.tagged(situation); len(tagged) > 0 {
		// A few ids show the form and where to look; the rest would bury the message.
		const show = 6
		hint = "questions for this situation include " + strings.Join(tagged[:min(show, len(tagged))], ", ")
		if len(tagged) > show {
			hint += fmt.Sprintf(" and %d more", len(tagged)-show)
		}
	}
	switch {
	case len(ids) == 0:
		at("ask_first", "missing or empty; list the ids of the %d questions to ask first, in order (%s)", askFirst, hint)
		return
	case len(ids) != askFirst:
		at("ask_first", "has %d question ids; list exactly %d", len(ids), askFirst)
	}
	for i, id := range ids {
		field := fmt.Sprintf("ask_first[%d]", i+1)
		switch {
		case slices.Contains(ids[:i], id):
			at(field, "repeats question %q; the %d questions must differ", id, askFirst)
		case b.complete && !b.has(id):
			at(field, "unknown question id %q (%s)", id, hint)
		}
	}
}

// creditsPage is the page that lists the sources themselves.
const creditsPage = "content/sources.md"

// checkPages checks the credits of every other page under content/: the pages not
// checked above as a checklist, method card or situation (which must always credit
// their sources) and not written by the content adapter (questions carry their own
// source).
//
// Page is the front matter of every other page: foundations, guides, stages,
// audiences, section lists and the pages at the top of content/.
type Page struct {
	Title   string   `toml:"title"`
	Summary string   `toml:"summary"`
	Weight  int      `toml:"weight"`
	Sources []string `toml:"sources"`
	// DialinSteps names the Dial-In model's steps (content/dial-in.md).
	DialinSteps []string `toml:"dialin_steps"`
	// Params holds the one Hugo parameter a page may set itself, for the
	// search records; other fields go at the top level, where they are checked.
	Params struct {
		SearchType string `toml:"search_type"`
	} `toml:"params"`
}

// A page with prose must list its sources, because prose is where material from the
// articles goes. A page without a body (a section's _index.md, a stage or audience
// page) only titles and introduces lists of pages that carry their own credits, so
// it is exempt; if it lists sources anyway, they must be known. The sources page
// (creditsPage) is exempt too: it is the credit, naming every article in full from
// data/sources.toml, and its own prose is about them.
func (v Vocab) checkPages(root fs.FS, r *report) {
	checked := map[string]bool{creditsPage: true}
	checklists, _ := pageNames(root, "content/checklists")
	for _, n := range checklists {
		checked["content/checklists/"+n+".md"] = true
	}
	for _, n := range v.Situations {
		checked["content/situations/"+n+".md"] = true
	}
	for _, n := range v.Techniques {
		checked["content/techniques/"+n+"/_index.md"] = true
	}
	err := fs.WalkDir(root, "content", func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			r.add(file, "cannot read: %v", err)
			return nil
		}
		if d.IsDir() || path.Ext(file) != ".md" || checked[file] {
			return nil
		}
		var fm Page
		md, body, ok := decodeFrontMatter(root, file, &fm, r)
		if !ok {
			return nil
		}
		unknownKeys(file, "page", md, fm, r)
		prose := strings.TrimSpace(body) != ""
		at := r.fieldReporter(file)
		if prose && len(fm.Sources) == 0 {
			at("sources", "missing or empty; credit the articles this page draws on (%s), or \"house\" for our own material", knownList("source", v.Sources))
			return nil
		}
		v.terms(at, "sources", "source", fm.Sources, v.Sources, false)
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		r.add("content", "cannot read: %v", err)
	}
}
