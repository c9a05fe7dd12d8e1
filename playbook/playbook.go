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
package playbook

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
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

// techniqueHeadings are the parts of every method card, in order.
var techniqueHeadings = []string{"What it is", "Why it works", "When to use it", "When not to use it", "Steps", "What to say", "Pitfalls", "Signs it is working"}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks all structured content in the project at root and returns every
// problem found, each naming its file and field.
func Validate(root fs.FS) error {
	v, err := LoadVocab(root)
	if err != nil {
		return err
	}
	r := &report{}
	v.checkQuestions(root, r)
	v.checkChecklists(root, r)
	v.checkTechniques(root, r)
	v.checkSituations(root, r)
	return r.err()
}

// report collects problems.
type report struct{ problems []string }

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
	if len(ps) > maxProblems {
		more = fmt.Sprintf("\n  ... and %d more", len(ps)-maxProblems)
		ps = ps[:maxProblems]
	}
	return fmt.Errorf("content has %d problem(s); fix them and build again:\n  %s%s", len(r.problems), strings.Join(ps, "\n  "), more)
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

// checkQuestions validates every record in data/questions/*.toml.
func (v Vocab) checkQuestions(root fs.FS, r *report) {
	files, err := fs.Glob(root, "data/questions/*.toml")
	if err != nil || len(files) == 0 {
		r.add("data/questions", "no question files (*.toml) found")
		return
	}
	seen := map[string]string{} // id -> where first defined
	for _, file := range files {
		b, err := fs.ReadFile(root, file)
		if err != nil {
			r.add(file, "cannot read: %v", err)
			continue
		}
		var doc struct {
			Question []Question `toml:"question"`
		}
		md, err := toml.Decode(string(b), &doc)
		if err != nil {
			r.add(file, "not valid TOML: %v", err)
			continue
		}
		for _, key := range md.Undecoded() {
			r.add(file, "unknown field %q; a question has id, text, why, stage, audience, technique, situations, follow_up, source", key.String())
		}
		if len(doc.Question) == 0 {
			r.add(file, "no [[question]] records")
		}
		for i, q := range doc.Question {
			where := fmt.Sprintf("question %d", i+1)
			if q.ID != "" {
				where += fmt.Sprintf(" (id %q)", q.ID)
			}
			at := func(field, format string, args ...any) {
				r.add(file, "%s: field %q: %s", where, field, fmt.Sprintf(format, args...))
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
	end := strings.Index(s[4:], "\n+++")
	if end < 0 {
		return "", "", errors.New("front matter is not closed with a +++ line")
	}
	fm = s[4 : 4+end+1]
	body = s[4+end+4:]
	return fm, body, nil
}

// checkChecklists validates the front matter of content/checklists/*.md.
func (v Vocab) checkChecklists(root fs.FS, r *report) {
	names, _ := pageNames(root, "content/checklists")
	for _, n := range names {
		file := "content/checklists/" + n + ".md"
		var c Checklist
		if !decodeFrontMatter(root, file, &c, r) {
			continue
		}
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

func decodeFrontMatter(root fs.FS, file string, v any, r *report) bool {
	b, err := fs.ReadFile(root, file)
	if err != nil {
		r.add(file, "cannot read: %v", err)
		return false
	}
	fm, _, err := frontMatter(b)
	if err != nil {
		r.add(file, "%v", err)
		return false
	}
	if _, err := toml.Decode(fm, v); err != nil {
		r.add(file, "front matter is not valid TOML: %v", err)
		return false
	}
	return true
}

// checkTechniques checks that each method card has its parts and valid credits.
func (v Vocab) checkTechniques(root fs.FS, r *report) {
	for _, t := range v.Techniques {
		file := "content/techniques/" + t + "/_index.md"
		var fm struct {
			Title   string   `toml:"title"`
			Summary string   `toml:"summary"`
			Group   string   `toml:"group"`
			Time    string   `toml:"time"`
			Sources []string `toml:"sources"`
		}
		if !decodeFrontMatter(root, file, &fm, r) {
			continue
		}
		at := r.fieldReporter(file)
		required(at, "title", fm.Title)
		required(at, "summary", fm.Summary)
		required(at, "group", fm.Group)
		required(at, "time", fm.Time)
		v.terms(at, "sources", "source", fm.Sources, v.Sources, true)
		b, _ := fs.ReadFile(root, file)
		_, body, _ := frontMatter(b)
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

// checkSituations checks the situation pages' front matter.
func (v Vocab) checkSituations(root fs.FS, r *report) {
	for _, s := range v.Situations {
		file := "content/situations/" + s + ".md"
		var fm struct {
			Title      string   `toml:"title"`
			Summary    string   `toml:"summary"`
			Phrases    []string `toml:"phrases"`
			Techniques []string `toml:"techniques"`
			Audiences  []string `toml:"audiences"`
			Sources    []string `toml:"sources"`
		}
		if !decodeFrontMatter(root, file, &fm, r) {
			continue
		}
		at := r.fieldReporter(file)
		required(at, "title", fm.Title)
		required(at, "summary", fm.Summary)
		if len(fm.Phrases) == 0 {
			at("phrases", "missing or empty; list how people would describe this situation in a search box")
		}
		v.terms(at, "techniques", "technique", fm.Techniques, v.Techniques, true)
		v.terms(at, "audiences", "audience", fm.Audiences, v.Audiences, false)
		v.terms(at, "sources", "source", fm.Sources, v.Sources, true)
	}
}
