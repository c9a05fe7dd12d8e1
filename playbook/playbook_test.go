package playbook_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/buyin/playbook/playbook"
)

// validProject is a minimal project that passes validation; each case breaks one thing.
// It uses every optional field the layouts read, and some of Hugo's own, so that none
// of them is reported as unknown.
func validProject() fstest.MapFS {
	card := "+++\ntitle = \"Invite in the lions\"\nsummary = \"s\"\ngroup = \"dial-in\"\ndialin_step = 2\ndialin_tip = 1\nweight = 2\n" +
		"time = \"20 minutes\"\nsources = [\"hedges\"]\n+++\n" +
		"## What it is\n\n## Why it works\n\n## When to use it\n\n## When not to use it\n\n## Steps\n\n## What to say\n\n## Pitfalls\n\n## Signs it is working\n\n" +
		"## Worked example\n"
	questions := question("what-am-i-missing", nil) +
		question("who-else-to-ask", map[string]string{"text": `"Who else should I talk to before deciding?"`}) +
		question("what-would-change-your-mind", map[string]string{"text": `"What would change your mind?"`})
	return fstest.MapFS{
		"content/_index.md":                             {Data: []byte("+++\ntitle = \"Home\"\n+++\n")},
		"content/stages/_index.md":                      {Data: []byte("+++\ntitle = \"Stages\"\n[cascade.params]\nx = 1\n+++\n")},
		"content/stages/preparing/_index.md":            {Data: []byte("+++\ntitle = \"Preparing\"\nweight = 1\n+++\n")},
		"content/audiences/peers/_index.md":             {Data: []byte("+++\ntitle = \"Peers\"\n+++\n")},
		"content/techniques/invite-the-lions/_index.md": {Data: []byte(card)},
		"content/situations/im-stuck.md": {Data: []byte("+++\ntitle = \"I'm stuck\"\nsummary = \"s\"\nweight = 3\nphrases = [\"stuck\"]\n" +
			"ask_first = [\"who-else-to-ask\", \"what-am-i-missing\", \"what-would-change-your-mind\"]\n" +
			"techniques = [\"invite-the-lions\"]\nstages = [\"preparing\"]\nsources = [\"hedges\"]\naliases = [\"/stuck/\"]\n+++\nbody\n")},
		"content/checklists/before.md": {Data: []byte("+++\ntitle = \"Before\"\nsummary = \"s\"\ntechniques = [\"invite-the-lions\"]\n" +
			"stages = [\"preparing\"]\naudiences = [\"peers\"]\nsituations = [\"im-stuck\"]\nsources = [\"hedges\"]\nweight = 1\n" +
			"[[groups]]\ntitle = \"G\"\nitems = [\"Do it.\"]\n+++\n")},
		"content/foundations/why.md":           {Data: []byte("+++\ntitle = \"Why\"\nsources = [\"hedges\", \"house\"]\n+++\nProse.\n")},
		"content/sources.md":                   {Data: []byte("+++\ntitle = \"Sources\"\nlayout = \"sources\"\n+++\nThe articles we draw on.\n")},
		"content/search.md":                    {Data: []byte("+++\ntitle = \"Search\"\nlayout = \"search\"\n+++\n")},
		"data/sources.toml":                    {Data: []byte("[[source]]\nid = \"hedges\"\n[[source]]\nid = \"house\"\n")},
		"data/questions/invite-the-lions.toml": {Data: []byte(questions)},
	}
}

// replace edits a file of the project, replacing old with with, and fails the test if
// old is not there, so that a case cannot silently test nothing.
func replace(t *testing.T, p fstest.MapFS, file, old, with string) {
	t.Helper()
	f := p[file]
	if !strings.Contains(string(f.Data), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	f.Data = []byte(strings.Replace(string(f.Data), old, with, 1))
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
		edit  func(*testing.T, fstest.MapFS)
		wants []string // all must appear in the error; none means valid
	}{
		{"valid", func(*testing.T, fstest.MapFS) {}, nil},
		{"missing why", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"why": ""}))
		}, []string{"data/questions/invite-the-lions.toml", `question 1 (id "q1")`, `field "why"`, "missing"}},
		{"missing situations", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"situations": ""}))
		}, []string{"data/questions/invite-the-lions.toml", `field "situations"`, "missing or empty"}},
		{"unknown stage", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"stage": `["prep"]`}))
		}, []string{"data/questions/invite-the-lions.toml", `field "stage"`, `unknown stage "prep"`, "known: preparing"}},
		{"unknown audience", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"audience": `["aliens"]`}))
		}, []string{`field "audience"`, `unknown audience "aliens"`}},
		{"unknown technique", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"technique": `"lions"`}))
		}, []string{`field "technique"`, `unknown technique "lions"`}},
		{"unknown source", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"source": `"blog"`}))
		}, []string{`field "source"`, `unknown source "blog"`}},
		{"misspelt field", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("q1", map[string]string{"stages": `["preparing"]`}))
		}, []string{"data/questions/invite-the-lions.toml", `unknown field "question.stages"`}},
		{"repeated id across files", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/other.toml"] = &fstest.MapFile{Data: []byte(question("what-am-i-missing", nil))}
		}, []string{"data/questions/other.toml", `field "id"`, "repeats the id of data/questions/invite-the-lions.toml question 1"}},
		{"bad id", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte(question("What Am I", nil))
		}, []string{`field "id"`, "lowercase"}},
		{"broken question TOML", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte("[[question]]\nid = \"x\ntext = 1\n")
		}, []string{"data/questions/invite-the-lions.toml", "not valid TOML"}},
		{"checklist without items", func(t *testing.T, p fstest.MapFS) {
			p["content/checklists/before.md"].Data = []byte("+++\ntitle = \"Before\"\nsummary = \"s\"\ntechniques = [\"invite-the-lions\"]\n" +
				"stages = [\"preparing\"]\naudiences = [\"peers\"]\nsources = [\"hedges\"]\n[[groups]]\ntitle = \"G\"\n+++\n")
		}, []string{"content/checklists/before.md", `field "groups[1].items"`}},
		{"checklist with unknown stage", func(t *testing.T, p fstest.MapFS) {
			p["content/checklists/before.md"].Data = []byte(strings.Replace(string(p["content/checklists/before.md"].Data), `stages = ["preparing"]`, `stages = ["later"]`, 1))
		}, []string{"content/checklists/before.md", `field "stages"`, `unknown stage "later"`}},
		{"checklist missing title", func(t *testing.T, p fstest.MapFS) {
			p["content/checklists/before.md"].Data = []byte(strings.Replace(string(p["content/checklists/before.md"].Data), `title = "Before"`, ``, 1))
		}, []string{"content/checklists/before.md", `field "title"`, "missing"}},
		{"checklist broken front matter", func(t *testing.T, p fstest.MapFS) {
			p["content/checklists/before.md"].Data = []byte("+++\ntitle = \"Before\nsummary = \n+++\n")
		}, []string{"content/checklists/before.md", "front matter is not valid TOML"}},
		{"technique missing a section", func(t *testing.T, p fstest.MapFS) {
			f := p["content/techniques/invite-the-lions/_index.md"]
			f.Data = []byte(strings.Replace(string(f.Data), "## Pitfalls\n", "", 1))
		}, []string{"content/techniques/invite-the-lions/_index.md", `lacks the section "## Pitfalls"`}},
		{"technique without a worked example", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/techniques/invite-the-lions/_index.md", "## Worked example\n", "")
		}, []string{"content/techniques/invite-the-lions/_index.md", `lacks the section "## Worked example"`}},
		{"technique with the worked example before the steps", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/techniques/invite-the-lions/_index.md", "## Worked example\n", "")
			replace(t, p, "content/techniques/invite-the-lions/_index.md", "## Steps\n", "## Worked example\n\n## Steps\n")
		}, []string{"content/techniques/invite-the-lions/_index.md", `section "## Worked example" is out of order`}},
		{"situation without phrases", func(t *testing.T, p fstest.MapFS) {
			f := p["content/situations/im-stuck.md"]
			f.Data = []byte(strings.Replace(string(f.Data), `phrases = ["stuck"]`, "", 1))
		}, []string{"content/situations/im-stuck.md", `field "phrases"`}},

		// A situation opens with exactly three different questions from the bank.
		{"situation without ask_first", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/situations/im-stuck.md", `ask_first = ["who-else-to-ask", "what-am-i-missing", "what-would-change-your-mind"]`, "")
		}, []string{"content/situations/im-stuck.md", `field "ask_first": missing`, "questions for this situation include what-am-i-missing, who-else-to-ask"}},
		{"ask_first too short", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/situations/im-stuck.md", `, "what-would-change-your-mind"]`, "]")
		}, []string{"content/situations/im-stuck.md", `field "ask_first": has 2 question ids; list exactly 3`}},
		{"ask_first too long", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/other.toml"] = &fstest.MapFile{Data: []byte(question("fourth", map[string]string{"text": `"Which deadline is real?"`}))}
			replace(t, p, "content/situations/im-stuck.md", `"what-would-change-your-mind"]`, `"what-would-change-your-mind", "fourth"]`)
		}, []string{"content/situations/im-stuck.md", `field "ask_first": has 4 question ids`}},
		{"ask_first unknown question", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/situations/im-stuck.md", `"what-am-i-missing",`, `"what-am-i-mising",`)
		}, []string{"content/situations/im-stuck.md", `field "ask_first[2]": unknown question id "what-am-i-mising"`}},
		{"ask_first repeats a question", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/situations/im-stuck.md", `"what-would-change-your-mind"]`, `"who-else-to-ask"]`)
		}, []string{"content/situations/im-stuck.md", `field "ask_first[3]": repeats question "who-else-to-ask"`}},

		// Front matter keys that nothing reads are mistakes.
		{"situation misspelt key", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/situations/im-stuck.md", "ask_first =", "askfirst =")
		}, []string{"content/situations/im-stuck.md", `unknown field "askfirst"; a situation has title, summary, weight, phrases, ask_first,`}},
		{"situation key under Hugo params", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/situations/im-stuck.md", "+++\nbody", "[params]\n  tip = \"x\"\n+++\nbody")
		}, []string{"content/situations/im-stuck.md", "a [params] table: put a situation's fields at the top level"}},
		{"checklist misspelt key in a group", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/checklists/before.md", `items = ["Do it."]`, `items = ["Do it."]`+"\nitem = [\"Do that.\"]")
		}, []string{"content/checklists/before.md", `unknown field "groups.item"`, "groups.title, groups.items"}},
		{"checklist misspelt key", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/checklists/before.md", "weight = 1", "wieght = 1")
		}, []string{"content/checklists/before.md", `unknown field "wieght"; a checklist has`}},
		{"technique misspelt key", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/techniques/invite-the-lions/_index.md", "dialin_step = 2", "dialin-step = 2")
		}, []string{"content/techniques/invite-the-lions/_index.md", `unknown field "dialin-step"; a technique has`, "dialin_step"}},

		{"foundation misspelt key", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/foundations/why.md", `sources = [`, `summry = "x"`+"\nsources = [")
		}, []string{"content/foundations/why.md", `unknown field "summry"; a page has title, summary, weight, sources`}},
		{"stage misspelt key", func(t *testing.T, p fstest.MapFS) {
			p["content/stages/preparing/_index.md"].Data = []byte("+++\ntitle = \"Preparing\"\nsumary = \"x\"\n+++\n")
		}, []string{"content/stages/preparing/_index.md", `unknown field "sumary"; a page has`}},
		{"top-level page misspelt key", func(t *testing.T, p fstest.MapFS) {
			p["content/search.md"] = &fstest.MapFile{Data: []byte("+++\ntitle = \"Search\"\nwieght = 3\n[params]\n  search_type = \"skip\"\n+++\n")}
		}, []string{"content/search.md", `unknown field "wieght"; a page has`}},

		// Questions that ask the same thing twice.
		{"same question after normalising", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/other.toml"] = &fstest.MapFile{Data: []byte(question("q2", map[string]string{"text": `"Who else should WE talk to, before deciding?"`}))}
		}, []string{"data/questions/other.toml", `question 1 (id "q2"): field "text": the same words`,
			`data/questions/invite-the-lions.toml question 2 (id "who-else-to-ask")`}},
		{"nearly the same question", func(t *testing.T, p fstest.MapFS) {
			p["data/questions/a.toml"] = &fstest.MapFile{Data: []byte(question("q1", map[string]string{"text": `"What would a sceptical finance director ask first?"`}))}
			p["data/questions/b.toml"] = &fstest.MapFile{Data: []byte(question("q2", map[string]string{"text": `"What might a sceptical finance director ask first?"`}))}
		}, []string{"data/questions/b.toml", `question 1 (id "q2"): field "text": nearly the same wording (word overlap 0.83)`,
			`data/questions/a.toml question 1 (id "q1")`}},

		// Pages with prose credit their sources.
		{"page with prose and no sources", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/foundations/why.md", `sources = ["hedges", "house"]`, "")
		}, []string{"content/foundations/why.md", `field "sources": missing or empty`, "known: hedges, house"}},
		{"page with unknown source", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/foundations/why.md", `"house"`, `"blog"`)
		}, []string{"content/foundations/why.md", `field "sources"`, `unknown source "blog"`}},
		{"list page with prose and no sources", func(t *testing.T, p fstest.MapFS) {
			p["content/stages/preparing/_index.md"].Data = []byte("+++\ntitle = \"Preparing\"\n+++\nBefore you take the idea to anyone.\n")
		}, []string{"content/stages/preparing/_index.md", `field "sources": missing`}},
		{"page with YAML front matter", func(t *testing.T, p fstest.MapFS) {
			p["content/guides/partnering.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Partnering\n---\nProse.\n")}
		}, []string{"content/guides/partnering.md", "front matter must be TOML"}},
		{"situation without sources", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/situations/im-stuck.md", `sources = ["hedges"]`, "")
		}, []string{"content/situations/im-stuck.md", `field "sources": missing or empty`}},
		{"technique with unknown source", func(t *testing.T, p fstest.MapFS) {
			replace(t, p, "content/techniques/invite-the-lions/_index.md", `sources = ["hedges"]`, `sources = ["hedge"]`)
		}, []string{"content/techniques/invite-the-lions/_index.md", `field "sources"`, `unknown source "hedge"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProject()
			tt.edit(t, p)
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

// TestValidateDoesNotBlame checks that one mistake is not also reported elsewhere.
func TestValidateDoesNotBlame(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(fstest.MapFS)
		want   string // must appear
		unwant string // must not appear
	}{
		{"broken question file, not the situations that cite its questions", func(p fstest.MapFS) {
			p["data/questions/invite-the-lions.toml"].Data = []byte("[[question]]\nid = \"x\ntext = 1\n")
		}, "not valid TOML", "ask_first"},
		{"negation keeps two questions apart", func(p fstest.MapFS) {
			p["data/questions/other.toml"] = &fstest.MapFile{Data: []byte(question("q2", map[string]string{"text": `"What am I not missing?"`}) +
				question("q3", map[string]string{"text": `"What wouldn't change your mind?"`}))}
			p["content/guides/x.md"] = &fstest.MapFile{Data: []byte("+++\ntitle = \"X\"\n+++\nProse.\n")}
		}, "content/guides/x.md", `field "text"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProject()
			tt.edit(p)
			err := playbook.Validate(p)
			if err == nil {
				t.Fatalf("Validate: no error, want one mentioning %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not mention %q", err, tt.want)
			}
			if strings.Contains(err.Error(), tt.unwant) {
				t.Errorf("error %q\nmentions %q", err, tt.unwant)
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		text string
		want string // the words, space-separated
	}{
		{"What am I missing?", "missing"},
		{"Who else should WE talk to, before deciding?", "deciding else talk"},
		{"What's the customer's real deadline—this week?", "customer deadline real week"},
		{"Why don't they support it?", "not support"},
		{"What can’t we change?", "can change not"},
		{"What would you do?", "do what would you"}, // only stop words: kept
		{"What is the one thing you would change?", "change one thing"},
		{"Is the 2024 plan still on?", "2024 plan still"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(playbook.Words(tt.text), " "); got != tt.want {
			t.Errorf("Words(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"What am I missing?", "What are we missing?", 1},
		{"What would a sceptical finance director ask first?", "What might a sceptical finance director ask first?", 5.0 / 6},
		{"What is working?", "What is not working?", 0.5},
		{"What would change your mind?", "Who else should I talk to?", 0},
	}
	for _, tt := range tests {
		if got := playbook.Similarity(tt.a, tt.b); got != tt.want {
			t.Errorf("Similarity(%q, %q) = %.3f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNearDuplicates(t *testing.T) {
	tests := []struct {
		name  string
		texts []string
		want  []playbook.Pair
	}{
		{"none", []string{"What am I missing?", "Who else should I ask?", "What would change your mind?"}, nil},
		{"exact after normalising", []string{"What am I missing?", "Who decides?", "what are WE missing"},
			[]playbook.Pair{{I: 0, J: 2, Similarity: 1}}},
		{"four of five words", []string{"How will we measure progress each quarter?", "How will we measure progress every quarter?", "Who pays?"},
			[]playbook.Pair{{I: 0, J: 1, Similarity: 0.8}}},
		{"three of six words is not enough", []string{"How will we measure progress each quarter?", "How will we track progress every quarter?"}, nil},
		{"every pair", []string{"What am I missing?", "What are we missing?", "What is missing?"},
			[]playbook.Pair{{I: 0, J: 1, Similarity: 1}, {I: 0, J: 2, Similarity: 1}, {I: 1, J: 2, Similarity: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := playbook.NearDuplicates(tt.texts)
			if !slices.Equal(got, tt.want) {
				t.Errorf("NearDuplicates = %v, want %v", got, tt.want)
			}
		})
	}
}
