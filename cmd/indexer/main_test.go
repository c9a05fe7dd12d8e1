package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/buyin/playbook/searchindex"
	"github.com/buyin/playbook/server"
	"github.com/buyin/playbook/settings"
)

// projectRoot is the repository root, where config.toml is.
func projectRoot(tb testing.TB) string {
	tb.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		tb.Fatal(err)
	}
	return root
}

// built is a site and index built once from the real content, shared by the tests.
type built struct {
	dir, public, index string
	settings           settings.Search
}

func (b built) serve(tb testing.TB) *httptest.Server {
	tb.Helper()
	ix, err := searchindex.Open(b.index, searchindex.Options{Synonyms: b.settings.Synonyms, Timeout: b.settings.Timeout.Duration})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	srv := httptest.NewServer(server.New(server.Config{
		Public: b.public, Searcher: ix,
		Limits: searchindex.Limits{MaxQueryBytes: b.settings.MaxQueryBytes, DefaultSize: b.settings.DefaultSize, MaxSize: b.settings.MaxSize},
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// fileFor maps a site URL (path and optional #anchor) to the file Hugo built for it.
func fileFor(public, u string) string {
	p, _, _ := strings.Cut(u, "#")
	if strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	return filepath.Join(public, filepath.FromSlash(p))
}

func get(tb testing.TB, srv *httptest.Server, method, path string) (int, http.Header, string) {
	tb.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(body)
}

// site is the real playbook, built once for all the tests in this package.
var playbookSite built

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "indexer-test-*")
	if err != nil {
		panic(err)
	}
	playbookSite = built{dir: dir, public: filepath.Join(dir, "public"), index: filepath.Join(dir, "index.bleve")}
	root, _ := filepath.Abs("../..")
	cfg := filepath.Join(root, "config.toml")
	if err := run(context.Background(), "build", []string{"-config", cfg, "-public", playbookSite.public, "-index", playbookSite.index}); err != nil {
		fmt.Fprintf(os.Stderr, "building the playbook for the tests: %v\n", err)
		os.Exit(1)
	}
	if playbookSite.settings, err = settings.Load(cfg); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestEndToEnd(t *testing.T) {
	b := playbookSite
	srv := b.serve(t)

	t.Run("search hit is a built page", func(t *testing.T) {
		// "lions" appears on the invite-the-lions technique page.
		code, hdr, body := get(t, srv, "GET", "/api/search?q=lions")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
			t.Fatalf("code=%d type=%q body=%s", code, hdr.Get("Content-Type"), body)
		}
		var res searchindex.Result
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 || len(res.Hits) == 0 {
			t.Fatalf("no hits for lions: %s", body)
		}
		for _, h := range res.Hits {
			if h.ID == "" || h.Type == "" || h.Title == "" || h.URL == "" {
				t.Errorf("hit lacks a field: %+v", h)
			}
			if _, err := os.Stat(fileFor(b.public, h.URL)); err != nil {
				t.Errorf("hit %s: url is not a built page: %v", h.URL, err)
			}
			if _, anchor, ok := strings.Cut(h.URL, "#"); ok {
				page, _ := os.ReadFile(fileFor(b.public, h.URL))
				if !strings.Contains(string(page), `id="`+anchor+`"`) {
					t.Errorf("hit %s: the page has no element with id %q", h.URL, anchor)
				}
			}
		}
		if !strings.Contains(body, "/techniques/invite-the-lions/") {
			t.Errorf("no hit on the invite-the-lions page: %s", body)
		}
	})

	t.Run("routes", func(t *testing.T) {
		tests := []struct {
			method, path string
			code         int
			has          string
		}{
			{"GET", "/healthz", 200, "ok"},
			{"GET", "/", 200, "<html"},
			{"HEAD", "/", 200, ""},
			{"GET", "/techniques/invite-the-lions/", 200, "Invite"},
			{"GET", "/questions/index.json", 200, `"questions"`},
			{"GET", "/checklists/index.json", 200, `"checklists"`},
			{"GET", "/no/such/page/", 404, "Page not found"},
			{"GET", "/css/", 404, ""},
			{"GET", "/api/nope", 404, "error"},
			{"GET", "/api/search", 400, `parameter q`},
			{"GET", "/api/search?q=", 400, `parameter q`},
			{"GET", "/api/search?q=" + strings.Repeat("x", b.settings.MaxQueryBytes+1), 400, "limit"},
			{"GET", "/api/search?q=%", 400, "malformed"},
			{"GET", "/api/search?q=" + url.QueryEscape(`+"(lions)" -x:y~2^3* /re/ \`), 200, `"hits"`},
			{"POST", "/api/search?q=lions", 405, ""},
			{"DELETE", "/", 405, ""},
			{"PUT", "/healthz", 405, ""},
			{"GET", "/search/?q=lions", 200, "result"},
			{"GET", "/search/?q=", 400, "parameter q"},
		}
		for _, tt := range tests {
			code, _, body := get(t, srv, tt.method, tt.path)
			if code != tt.code {
				t.Errorf("%s %s: code=%d, want %d", tt.method, tt.path, code, tt.code)
			}
			if !strings.Contains(body, tt.has) {
				t.Errorf("%s %s: body lacks %q", tt.method, tt.path, tt.has)
			}
		}
	})
}

func TestServeWithoutIndexSaysHowToBuild(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(projectRoot(t), "config.toml")
	err := run(context.Background(), "serve", []string{"-config", cfg, "-no-build", "-addr", "127.0.0.1:0",
		"-public", filepath.Join(dir, "public"), "-index", filepath.Join(dir, "index.bleve")})
	if err == nil {
		t.Fatal("serve -no-build without an index succeeded")
	}
	for _, want := range []string{"no search index", "go run ./cmd/indexer build"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// copyProject copies what Hugo reads into a temporary directory, to break it there.
func copyProject(tb testing.TB) string {
	tb.Helper()
	dst := tb.TempDir()
	src := projectRoot(tb)
	for _, name := range []string{"config.toml", "content", "layouts", "data", "static"} {
		if err := os.CopyFS(filepath.Join(dst, name), os.DirFS(filepath.Join(src, name))); err != nil && name != "config.toml" {
			tb.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(src, "config.toml"))
	if err != nil {
		tb.Fatal(err)
	}
	os.WriteFile(filepath.Join(dst, "config.toml"), b, 0o644)
	return dst
}

func TestBadContentFailsAndKeepsPreviousBuild(t *testing.T) {
	root := copyProject(t)
	cfg := filepath.Join(root, "config.toml")
	public, index := filepath.Join(root, "public"), filepath.Join(root, "index.bleve")
	args := []string{"-config", cfg, "-public", public, "-index", index}
	if err := run(context.Background(), "build", args); err != nil {
		t.Fatalf("first build: %v", err)
	}
	// Front matter that is not TOML, on a page no Go check reads: Hugo must name it.
	bad := filepath.Join(root, "content", "foundations", "broken.md")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	if err := os.WriteFile(bad, []byte("+++\ntitle = \"Broken\nsummary = 3 4\n+++\nBody.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), "build", args)
	if err == nil {
		t.Fatal("build with broken front matter succeeded")
	}
	if !strings.Contains(err.Error(), "broken.md") {
		t.Errorf("error does not name the file: %v", err)
	}
	// The previous site and index are still whole and serving.
	if _, err := os.Stat(filepath.Join(public, "index.html")); err != nil {
		t.Errorf("previous site is gone: %v", err)
	}
	ix, err := searchindex.Open(index, searchindex.Options{})
	if err != nil {
		t.Fatalf("previous index does not open: %v", err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), searchindex.Query{Text: "lions", Size: 1})
	if err != nil || res.Total == 0 {
		t.Errorf("previous index does not answer: total=%v err=%v", res, err)
	}
}

// TestNothingFetchedFromOutside checks every built page for references to other
// hosts: the intranet has no internet, so no CDN, web font or remote script.
func TestNothingFetchedFromOutside(t *testing.T) {
	var pages int
	err := filepath.WalkDir(playbookSite.public, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".html") || strings.HasSuffix(path, ".css") || strings.HasSuffix(path, ".js")) {
			return err
		}
		pages++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, bad := range []string{`src="http`, `src="//`, `href="//`, `url(http`, `url(//`, `@import`, `<link rel="stylesheet" href="http`, `fetch("http`} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s refers outside the site: contains %q", path, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 50 {
		t.Errorf("only %d pages built; want the whole playbook", pages)
	}
}

// TestRelevance runs the searches in testdata/relevance.toml against the real
// playbook and checks recall@3 and MRR against the thresholds in that file.
func TestRelevance(t *testing.T) {
	var cases struct {
		MinRecall float64 `toml:"min_recall_at_3"`
		MinMRR    float64 `toml:"min_mrr"`
		Case      []struct {
			Q    string   `toml:"q"`
			Want []string `toml:"want"`
		} `toml:"case"`
	}
	if _, err := toml.DecodeFile("testdata/relevance.toml", &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases.Case) < 40 {
		t.Fatalf("%d relevance cases; keep at least 40", len(cases.Case))
	}
	ix, err := searchindex.Open(playbookSite.index, searchindex.Options{Synonyms: playbookSite.settings.Synonyms, Timeout: playbookSite.settings.Timeout.Duration})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var recall, mrr float64
	for _, c := range cases.Case {
		res, err := ix.Search(context.Background(), searchindex.Query{Text: c.Q, Size: 10})
		if err != nil {
			t.Fatalf("Search(%q): %v", c.Q, err)
		}
		seen := map[string]bool{} // wanted pages found in the top 3
		rank := 0
		for i, h := range res.Hits {
			for _, w := range c.Want {
				// A section of the wanted page lands the reader on that page too.
				if h.URL == w || !strings.Contains(w, "#") && strings.HasPrefix(h.URL, w+"#") {
					if i < 3 {
						seen[w] = true
					}
					if rank == 0 {
						rank = i + 1
					}
				}
			}
		}
		found := len(seen)
		recall += float64(found) / float64(len(c.Want))
		if rank > 0 {
			mrr += 1 / float64(rank)
		}
		if found < len(c.Want) {
			var top []string
			for i, h := range res.Hits {
				if i == 3 {
					break
				}
				top = append(top, h.URL)
			}
			t.Logf("miss: %q: want %v in top 3, rank %d; top 3: %v", c.Q, c.Want, rank, top)
		}
	}
	n := float64(len(cases.Case))
	recall, mrr = recall/n, mrr/n
	t.Logf("relevance over %d cases: recall@3 = %.3f (min %.2f), MRR = %.3f (min %.2f)", len(cases.Case), recall, cases.MinRecall, mrr, cases.MinMRR)
	if recall < cases.MinRecall {
		t.Errorf("recall@3 = %.3f, below %.2f", recall, cases.MinRecall)
	}
	if mrr < cases.MinMRR {
		t.Errorf("MRR = %.3f, below %.2f", mrr, cases.MinMRR)
	}
}

// TestMoreWordsNarrow checks on the real playbook that adding words narrows the
// results while every word still matches something.
func TestMoreWordsNarrow(t *testing.T) {
	ix, err := searchindex.Open(playbookSite.index, searchindex.Options{Synonyms: playbookSite.settings.Synonyms})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var last uint64
	for i, text := range []string{"partner ", "partner delivering ", "partner delivering meetings "} {
		r, err := ix.Search(context.Background(), searchindex.Query{Text: text, Size: 1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Matched != "all" {
			t.Errorf("%q: matched %q, want all", text, r.Matched)
		}
		if i > 0 && r.Total > last {
			t.Errorf("%q: %d hits, more than %d with fewer words", text, r.Total, last)
		}
		last = r.Total
	}
}
