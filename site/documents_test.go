package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocumentsSplitsPagesIntoSections(t *testing.T) {
	path := filepath.Join(t.TempDir(), DocsFile)
	records := `{"pages":[
	 {"type":"technique","title":"Invite the lions","url":"/techniques/lions/","summary":"Ask critics in.",
	  "content":"<p>Intro text.</p><h2 id=\"steps\">Steps</h2><p>One &amp;\ntwo.</p><h3 id=\"more\">More</h3><ul><li>Three</li><li>Four</li></ul>",
	  "technique":["lions"],"technique_titles":["Invite the lions"],
	  "situations":[{"title":"They keep objecting","phrases":["pushback"]}]},
	 {"type":"question","title":"What am I missing?","url":"/questions/missing/","why":"Shows it is a draft.","follow_up":["Anything else?"],"content":""},
	 {"type":"checklist","title":"Before","url":"/checklists/before/","summary":"S","content":"<p>Body</p>","items":["Write it","Check it"]},
	 {"type":"situation","title":"Stuck","url":"/situations/stuck/","content":"<h2 id=\"x\">X</h2><p>y</p>","phrases":["at a loss"],
	  "ask_first":[{"id":"a","text":"A?","url":"/questions/a/"},{"id":"b","text":"B?","url":"/questions/b/"},{"id":"c","text":"C?","url":"/questions/c/"}]}
	]}`
	if err := os.WriteFile(path, []byte(records), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := Documents(path)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]int{}
	for i, d := range docs {
		byID[d.ID] = i
	}
	for _, id := range []string{"/techniques/lions/", "/techniques/lions/#steps", "/techniques/lions/#more", "/questions/missing/", "/checklists/before/", "/situations/stuck/", "/situations/stuck/#x"} {
		if _, ok := byID[id]; !ok {
			t.Errorf("no document %s (have %v)", id, byID)
		}
	}
	page := docs[byID["/techniques/lions/"]]
	for _, want := range []string{"Ask critics in.", "Intro text.", "Steps", "One & two.", "Three"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("page body %q lacks %q: the whole page is one document", page.Body, want)
		}
	}
	if len(page.Situations) != 1 || page.Situations[0].Phrases[0] != "pushback" || page.TechniqueTitles[0] != "Invite the lions" {
		t.Errorf("page carries situations %v and technique titles %v", page.Situations, page.TechniqueTitles)
	}
	sec := docs[byID["/techniques/lions/#steps"]]
	if sec.Title != "Steps" || sec.Page != "Invite the lions" || sec.Body != "One & two." || len(sec.Situations) != 0 {
		t.Errorf("section = %+v", sec)
	}
	q := docs[byID["/questions/missing/"]]
	if q.Body != "Shows it is a draft.\nAnything else?" {
		t.Errorf("question body %q: want why and follow-ups", q.Body)
	}
	if c := docs[byID["/checklists/before/"]]; !strings.Contains(c.Body, "Check it") {
		t.Errorf("checklist body %q lacks its items", c.Body)
	}
	if s := docs[byID["/situations/stuck/"]]; len(s.Phrases) != 1 || len(s.AskFirst) != 3 || s.AskFirst[2].URL != "/questions/c/" {
		t.Errorf("situation phrases = %v, ask first = %v", s.Phrases, s.AskFirst)
	}
	// Headings, paragraphs and items stay apart, one a line, so that a snippet
	// can show where one ends; a line break inside a paragraph is a space.
	if got, want := page.Body, "Ask critics in.\nIntro text.\nSteps\nOne & two.\nMore\nThree\nFour"; got != want {
		t.Errorf("page body %q, want %q", got, want)
	}
	if got, want := docs[byID["/techniques/lions/#more"]].Body, "Three\nFour"; got != want {
		t.Errorf("section body %q, want %q", got, want)
	}
}

func TestDocumentsErrors(t *testing.T) {
	if _, err := Documents(filepath.Join(t.TempDir(), "none.json")); err == nil || !strings.Contains(err.Error(), "build the site first") {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(t.TempDir(), DocsFile)
	os.WriteFile(path, []byte("{not json"), 0o644)
	if _, err := Documents(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("bad JSON: %v, want the file named", err)
	}
}
