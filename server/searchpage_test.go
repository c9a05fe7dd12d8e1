package server_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// The search page speaks to a reader: its title names the query, a situation
// that is the best match comes first with its questions to ask first, nothing
// found is a page of advice, and a query it cannot run is explained in plain
// words, never with a parameter's name.
func TestSearchPageWording(t *testing.T) {
	_, base := mustServe(t, testConfig(project.store, ioDiscard{}))
	for _, c := range []struct {
		query     string
		code      int
		want, not []string
	}{
		{"q=customer+upset", 200, []string{"<title>customer upset – Search – The Buy-In Playbook</title>", `<li class="hit hit-situation answer"><a class="answer-title" href="/situations/customer-upset/">`, `<a href="/questions/ask-make-this-right/">What can we do to make this right?</a>`}, nil},
		{"q=" + url.QueryEscape("<b>x</b>"), 200, []string{"<title>&lt;b&gt;x&lt;/b&gt; – Search"}, []string{"<title><b>"}},
		{"q=qqqqzzzz+xxxxwww", 200, []string{"Try:", `href="/situations/customer-upset/"`}, nil},
		{"q=customer+upset&type=question&stage=no-such-stage", 200, []string{"without filters", `href="?q=customer&#43;upset"`}, nil},
		{"q=%3F%3F", 400, []string{"“??” has no words to search for"}, []string{"parameter", "?q=", "bad query", "try again"}},
		{"q=", 400, []string{"Type a few words"}, []string{"parameter"}},
		{"q=" + strings.Repeat("x", 600), 400, []string{"longer than search can take"}, []string{"parameter"}},
		{"q=lions&size=x", 400, []string{"not a search the playbook can run"}, []string{"parameter"}},
		{"q=lions&type=%ff", 400, []string{"not a search the playbook can run"}, []string{"parameter"}},
	} {
		res := do(t, "GET", base+"/search/?"+c.query)
		if res.code != c.code {
			t.Errorf("%s: status %d, want %d", c.query, res.code, c.code)
		}
		for _, w := range c.want {
			if !strings.Contains(res.body, w) {
				t.Errorf("%s: the page lacks %q", c.query, w)
			}
		}
		main := res.body[strings.Index(res.body, "<main"):]
		for _, n := range c.not {
			if strings.Contains(main, n) {
				t.Errorf("%s: the page says %q", c.query, n)
			}
		}
	}
}

type ioDiscard struct{}

func (ioDiscard) Write(p []byte) (int, error) { return len(p), nil }

// A situation's hit in the API carries its questions to ask first; other hits
// leave the field out, so older clients see the answer they always did.
func TestAPIAskFirst(t *testing.T) {
	_, base := mustServe(t, testConfig(project.store, ioDiscard{}))
	res := do(t, "GET", base+"/api/search?q=customer+upset&size=20")
	var got struct {
		Hits []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(res.body), &got); err != nil {
		t.Fatal(err)
	}
	situations := 0
	for _, h := range got.Hits {
		var typ string
		json.Unmarshal(h["type"], &typ)
		raw, has := h["ask_first"]
		if typ != "situation" {
			if has {
				t.Errorf("a %s hit has ask_first %s", typ, raw)
			}
			continue
		}
		situations++
		var qs []struct{ ID, Text, URL string }
		if err := json.Unmarshal(raw, &qs); err != nil || len(qs) != 3 {
			t.Errorf("situation hit %s: ask_first %s, want 3 questions", h["url"], raw)
			continue
		}
		for _, q := range qs {
			if q.ID == "" || q.Text == "" || q.URL != "/questions/"+q.ID+"/" {
				t.Errorf("situation hit %s: ask_first question %+v, want its id, text and url", h["url"], q)
			}
		}
	}
	if situations == 0 {
		t.Errorf("no situation hit for customer upset")
	}
}
