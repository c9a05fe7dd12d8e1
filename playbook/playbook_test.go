package playbook_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/buyin/playbook/playbook"
)

// validProject is a minimal project that passes validation; each case breaks one thing.
func validProject() fstest.MapFS {
	card := "+++\ntitle = \"Invite in the lions\"\nsummary = \"s\"\ngroup = \"dial-in\"\ntime = \"20 minutes\"\nsources = [\"hedges\"]\n+++\n" +
		"## What it is\n\n## Why it works\n\n## When to use it\n\n## When not to use it\n\n## Steps\n\n## What to say\n\n## Pitfalls\n\n## Signs it is working\n"
	return fstest.MapFS{
		"content/stages/preparing/_index.md":            {Data: []byte("+++\ntitle = \"Preparing\"\n+++\n")},
		"content/audiences/peers/_index.md":             {Data: []byte("+++\ntitle = \"Peers\"\n+++\n")},
		"content/techniques/invite-the-lions/_index.md": {Data: []byte(card)},
		"content/situations/im-stuck.md": {Data: []byte("+++\ntitle = \"I'm stuck\"\nsummary = \"s\"\nphrases = [\"stuck\"]\n" +
			"techniques = [\"invite-the-lions\"]\nsources = [\"hedges\"]\n+++\nbody\n")},
		"content/checklists/before.md": {Data: []byte("+++\ntitle = \"Before\"\nsummary = \"s\"\ntechniques = [\"invite-the-lions\"]\n" +
			"stages = [\"preparing\"]\naudiences = [\"peers\"]\nsources = [\"hedges\"]\n[[groups]]\ntitle = \"G\"\nitems = [\"Do it.\"]\n+++\n")},
		"data/sources.toml":                    {Data: []byte("[[source]]\nid = \"hedges\"\n[[source]]\nid = \"house\"\n")},
		"data/questions/invite-the-lions.toml": {Data: []byte(question("what-am-i-missing", nil))},
	}
}

// question renders a question record, with fields replaced or (for "") removed.
func question(id string, change map[string]string) string {
	fields := [][2]string{
		{"id", `"` + id + `"`},
		{"text", `"What am I missing?"`},
		{"why", `"It invites gaps."`},
		{"stage", `["preparing"]`},
		{"audience", `["peers"]`},
		{"technique", `"invite-the-lions"`},
		{"situations", `["im-stuck"]`},
		{"source", `"hedges"`},
	}
	var b strings.Builder
	b.WriteString("[[question]]\n")
	for _, f := range fields {
		v, ok := change[f[0]]
		if !ok {
			v = f[1]
		}
		if v != "" {
			b.WriteString(f[0] + " = " + v + "\n")
		}
	}
	for k, v := range change {
		if !strings.Contains(b.String(), k+" = ") && v != "" {
			b.WriteString(k + " = " + v + "\n")
		}
	}
	return b.String()
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(fstest.MapFS)
		wants []string // all must appear in the error; none means valid
	}{
		{"valid", func(fstest.MapFS) {}, nil},
		{"missing why", func(p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"why": ""}))
		}, []string{"data/questions/invite-the-lions.toml", `question 1 (id "q1")`, `field "why"`, "missing"}},
		{"missing situations", func(p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"situations": ""}))
		}, []string{"data/questions/invite-the-lions.toml", `field "situations"`, "missing or empty"}},
		{"unknown stage", func(p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"stage": `["prep"]`}))
		}, []string{"data/questions/invite-the-lions.toml", `field "stage"`, `unknown stage "prep"`, "known: preparing"}},
		{"unknown audience", func(p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"audience": `["aliens"]`}))
		}, []string{`field "audience"`, `unknown audience "aliens"`}},
		{"unknown technique", func(p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"technique": `"lions"`}))
		}, []string{`field "technique"`, `unknown technique "lions"`}},
		{"unknown source", func(p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"source": `"blog"`}))
		}, []string{`field "source"`, `unknown source "blog"`}},
		{"misspelt field", func(p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"stages": `["preparing"]`}))
		}, []string{"data/questions/invite-the-lions.toml", `unknown field "question.stages"`}},
		{"repeated id across files", func(p fstest.MapFS) {
			p["data/questions/other.toml"] = &fstest.MapFile{Data: []byte(question("what-am-i-missing", nil))}
		}, []string{"data/questions/other.toml", `field "id"`, "repeats the id of data/questions/invite-the-lions.toml question 1"}},
		{"bad id", func(p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("What Am I", nil))
		}, []string{`field "id"`, "lowercase"}},
		{"broken question TOML", func(p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte("[[question]]\nid = \"x\ntext = 1\n")
		}, []string{"data/questions/invite-the-lions.toml", "not valid TOML"}},
		{"checklist without items", func(p fstest.MapFS) {
			p["content/checklists/before.md"].Data = []byte("+++\ntitle = \"Before\"\nsummary = \"s\"\ntechniques = [\"invite-the-lions\"]\n" +
				"stages = [\"preparing\"]\naudiences = [\"peers\"]\nsources = [\"hedges\"]\n[[groups]]\ntitle = \"G\"\n+++\n")
		}, []string{"content/checklists/before.md", `field "groups[1].items"`}},
		{"checklist with unknown stage", func(p fstest.MapFS) {
			p["content/checklists/before.md"].Data = []byte(strings.Replace(string(p["content/checklists/before.md"].Data), `stages = ["preparing"]`, `stages = ["later"]`, 1))
		}, []string{"content/checklists/before.md", `field "stages"`, `unknown stage "later"`}},
		{"checklist missing title", func(p fstest.MapFS) {
			p["content/checklists/before.md"].Data = []byte(strings.Replace(string(p["content/checklists/before.md"].Data), `title = "Before"`, ``, 1))
		}, []string{"content/checklists/before.md", `field "title"`, "missing"}},
		{"checklist broken front matter", func(p fstest.MapFS) {
			p["content/checklists/before.md"].Data = []byte("+++\ntitle = \"Before\nsummary = \n+++\n")
		}, []string{"content/checklists/before.md", "front matter is not valid TOML"}},
		{"technique missing a section", func(p fstest.MapFS) {
			f := p["content/techniques/invite-the-lions/_index.md"]
			f.Data = []byte(strings.Replace(string(f.Data), "## Pitfalls\n", "", 1))
		}, []string{"content/techniques/invite-the-lions/_index.md", `lacks the section "## Pitfalls"`}},
		{"situation without phrases", func(p fstest.MapFS) {
			f := p["content/situations/im-stuck.md"]
			f.Data = []byte(strings.Replace(string(f.Data), `phrases = ["stuck"]`, "", 1))
		}, []string{"content/situations/im-stuck.md", `field "phrases"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProject()
			tt.edit(p)
			err := playbook.Validate(p)
			if len(tt.wants) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v, want no error", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate: no error, want one mentioning %q", tt.wants)
			}
			for _, want := range tt.wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q\ndoes not mention %q", err, want)
				}
			}
		})
	}
}
