package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/buyin/playbook/internal/buildstore"
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

// built is the playbook built once from the real content, shared by the tests.
type built struct {
	dir      string // the build store
	build    buildstore.Build
	public   string
	settings settings.Search
}

// serve serves the build store through the real server on a test listener.
func (b built) serve(tb testing.TB) *httptest.Server {
	tb.Helper()
	store, err := buildstore.Open(b.dir)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := server.ConfigFrom(b.settings, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cfg.Poll = 0
	s, err := server.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	tb.Cleanup(func() { srv.Close(); s.Close(time.Second) })
	return srv
}

// openIndex opens the built index directly.
func (b built) openIndex(tb testing.TB) *searchindex.Index {
	tb.Helper()
	ix, err := searchindex.Open(b.build.Index(), searchindex.Options{Timeout: b.settings.Timeout.Duration})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
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
	playbookSite = built{dir: filepath.Join(dir, "builds")}
	root, _ := filepath.Abs("../..")
	cfg := filepath.Join(root, "config.toml")
	if err := run(context.Background(), "build", []string{"-config", cfg, "-builds", playbookSite.dir}, io.Discard); err != nil {
		fmt.Fprintf(os.Stderr, "building the playbook for the tests: %v\n", err)
		os.Exit(1)
	}
	if playbookSite.settings, err = settings.Load(cfg); err != nil {
		panic(err)
	}
	store, err := buildstore.Open(playbookSite.dir)
	if err != nil {
		panic(err)
	}
	if playbookSite.build, err = store.Current(); err != nil {
		panic(err)
	}
	playbookSite.public = playbookSite.build.Public()
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

}

func TestServeWithoutBuildSaysHowToBuild(t *testing.T) {
	cfg := filepath.Join(projectRoot(t), "config.toml")
	err := run(context.Background(), "serve", []string{"-config", cfg, "-no-build", "-addr", "127.0.0.1:0",
		"-builds", t.TempDir()}, io.Discard)
	if err == nil {
		t.Fatal("serve -no-build without a build succeeded")
	}
	for _, want := range []string{"no build", "go run ./cmd/indexer build"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	var stderr strings.Builder
	if err := run(context.Background(), "frobnicate", nil, &stderr); !errors.Is(err, errUsage) {
		t.Fatalf("err = %v, want the usage error", err)
	}
	if !strings.Contains(stderr.String(), "indexer build") {
		t.Errorf("usage not printed: %q", stderr.String())
	}
}

// copyProject copies what Hugo reads into a temporary directory, to break it there.
func copyProject(tb testing.TB) string {
	tb.Helper()
	dst := tb.TempDir()
	src := projectRoot(tb)
	for _, name := range []string{"content", "layouts", "data", "static", "assets", "archetypes"} {
		if _, err := os.Stat(filepath.Join(src, name)); err != nil {
			continue
		}
		if err := os.CopyFS(filepath.Join(dst, name), os.DirFS(filepath.Join(src, name))); err != nil {
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

// searchable reports whether the store's current build finds text, from the
// index directly.
func searchable(tb testing.TB, store *buildstore.Store, text string) bool {
	tb.Helper()
	cur, err := store.Current()
	if err != nil {
		tb.Fatal(err)
	}
	ix, err := searchindex.Open(cur.Index(), searchindex.Options{})
	if err != nil {
		tb.Fatalf("current index does not open: %v", err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), searchindex.Query{Text: text + " ", Size: 1})
	return err == nil && res.Matched == "all"
}

func TestBadContentFailsAndKeepsPreviousBuild(t *testing.T) {
	root := copyProject(t)
	cfg := filepath.Join(root, "config.toml")
	dir := filepath.Join(root, "builds")
	args := []string{"-config", cfg, "-builds", dir}
	if err := run(context.Background(), "build", args, io.Discard); err != nil {
		t.Fatalf("first build: %v", err)
	}
	store, _ := buildstore.Open(dir)
	first, _ := store.Current()

	tests := []struct {
		name, file, text, names string
	}{
		// Front matter that is not TOML, on a page no Go check reads: Hugo must name it.
		{"hugo fails", "content/foundations/broken.md", "+++\ntitle = \"Broken\nsummary = 3 4\n+++\nBody.\n", "broken.md"},
		// Two headings with one id pass validation and Hugo, and fail in the indexer.
		{"index fails", "content/foundations/twice.md", "+++\ntitle = \"Twice\"\nsummary = \"s\"\nsources = [\"house\"]\n+++\n## Same {#same}\n\nOne.\n\n## Other {#same}\n\nTwo.\n", "duplicate id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := filepath.Join(root, tt.file)
			if err := os.WriteFile(bad, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(bad)
			err := run(context.Background(), "build", args, io.Discard)
			if err == nil {
				t.Fatal("bad build succeeded")
			}
			if !strings.Contains(err.Error(), tt.names) {
				t.Errorf("error does not say %q: %v", tt.names, err)
			}
			cur, err := store.Current()
			if err != nil || cur.ID != first.ID {
				t.Fatalf("current build = %v (%v), want the previous %s", cur.ID, err, first.ID)
			}
			if _, err := os.Stat(filepath.Join(cur.Public(), "index.html")); err != nil {
				t.Errorf("previous site is gone: %v", err)
			}
			if !searchable(t, store, "lions") {
				t.Error("previous index does not answer")
			}
			ids, _ := store.List()
			if len(ids) != 1 {
				t.Errorf("builds after a failed build: %v, want only the first", ids)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".tmp-") {
					t.Errorf("failed build left %s behind", e.Name())
				}
			}
		})
	}
}

// TestConcurrentBuildsAndRollback runs builds in parallel on one store: each
// must succeed, one after another under the lock, and leave a whole build
// current; then rollback goes back through the history of what was current.
func TestConcurrentBuildsAndRollback(t *testing.T) {
	root := copyProject(t)
	cfg := filepath.Join(root, "config.toml")
	dir := filepath.Join(root, "builds")
	args := []string{"-config", cfg, "-builds", dir}
	const n = 3
	errs := make(chan error, n)
	for range n {
		go func() { errs <- run(context.Background(), "build", args, io.Discard) }()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("concurrent build: %v", err)
		}
	}
	store, _ := buildstore.Open(dir)
	ids, err := store.List()
	if err != nil || len(ids) != n {
		t.Fatalf("builds = %v (%v), want %d (keep_builds is 3)", ids, err, n)
	}
	cur, _ := store.Current()
	if cur.ID != ids[n-1] {
		t.Errorf("current = %s, want the newest %s", cur.ID, ids[n-1])
	}
	for _, id := range ids {
		for _, f := range []string{"public/index.html", "public/search/index.html", "index", "searchdocs.json", "build.json"} {
			if _, err := os.Stat(filepath.Join(dir, id, f)); err != nil {
				t.Errorf("build %s lacks %s: %v", id, f, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, id, "public", "searchdocs.json")); err == nil {
			t.Errorf("build %s serves searchdocs.json to readers", id)
		}
	}
	rollback := func(want string, extra ...string) {
		t.Helper()
		if err := run(context.Background(), "rollback", append(append([]string{}, args...), extra...), io.Discard); err != nil {
			t.Fatalf("rollback %v: %v", extra, err)
		}
		if cur, _ := store.Current(); cur.ID != want {
			t.Errorf("after rollback %v current = %s, want %s", extra, cur.ID, want)
		}
	}
	rollback(ids[n-2])              // the build current before the newest
	rollback(ids[0], "-to", ids[0]) // the build the operator names
	rollback(ids[n-2])              // the build current before that
	rollback(ids[0])                // and back again: rollback follows history, not ids
	if err := run(context.Background(), "rollback", append(args, "-to", "nosuchbuild"), io.Discard); err == nil || !strings.Contains(err.Error(), "nosuchbuild") {
		t.Errorf("rollback -to an unknown build: err = %v, want it named", err)
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
	ix := playbookSite.openIndex(t)
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

// TestBestHitHasEveryWord checks on the real playbook that, when a page has all
// the words typed, the best hit is one that has them all.
func TestBestHitHasEveryWord(t *testing.T) {
	ix := playbookSite.openIndex(t)
	for _, text := range []string{"partner ", "partner delivering ", "partner delivering meetings ", "customer upset "} {
		r, err := ix.Search(context.Background(), searchindex.Query{Text: text, Size: 1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Matched != "all" {
			t.Errorf("%q: best hit matched %q of the words, want all", text, r.Matched)
		}
	}
}
