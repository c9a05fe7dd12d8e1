package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/buyin/playbook/builder"
	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/searchindex"
	"github.com/buyin/playbook/server"
	"github.com/buyin/playbook/settings"
)

// project is the real playbook, built once into a store for the tests.
var project struct {
	root     string
	store    *buildstore.Store
	settings settings.Search
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "server-test-*")
	if err != nil {
		panic(err)
	}
	project.root, _ = filepath.Abs("..")
	if project.settings, err = settings.Load(filepath.Join(project.root, "config.toml")); err != nil {
		panic(err)
	}
	if project.store, err = buildstore.Open(filepath.Join(dir, "builds")); err != nil {
		panic(err)
	}
	// The package's internal tests find the store here.
	os.Setenv("BUYIN_TEST_STORE", filepath.Join(dir, "builds"))
	if _, err := build(project.root, project.store); err != nil {
		fmt.Fprintf(os.Stderr, "building the playbook for the tests: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func build(root string, store *buildstore.Store) (builder.Result, error) {
	return builder.Build(context.Background(), builder.Config{Root: root, Store: store, Synonyms: project.settings.Synonyms, Keep: 5})
}

// testConfig is the server's configuration for a store, logging into log.
func testConfig(store *buildstore.Store, log io.Writer) server.Config {
	cfg := server.ConfigFrom(project.settings, store, slog.New(slog.NewTextHandler(log, nil)))
	cfg.Poll = 0 // a test that wants the server to follow new builds says so
	return cfg
}

// mustServe serves cfg on a real listener and returns its base URL.
func mustServe(tb testing.TB, cfg server.Config) (*server.Server, string) {
	tb.Helper()
	s, err := server.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.Open("127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close(5 * time.Second) })
	return s, "http://" + s.Addr()
}

type response struct {
	code   int
	header http.Header
	body   string
}

func do(tb testing.TB, method, u string, hdr ...string) response {
	tb.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultTransport.RoundTrip(req) // no transparent gunzip: the test sees what was sent
	if err != nil {
		tb.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, string(b)}
}

func TestRoutes(t *testing.T) {
	_, base := mustServe(t, testConfig(project.store, io.Discard))
	long := strings.Repeat("x", project.settings.MaxQueryBytes+1)
	tests := []struct {
		method, path string
		code         int
		ctype, has   string
	}{
		{"GET", "/healthz", 200, "text/plain", "ok"},
		{"GET", "/", 200, "text/html", "<html"},
		{"HEAD", "/", 200, "text/html", ""},
		{"GET", "/techniques/invite-the-lions/", 200, "text/html", "Invite"},
		{"GET", "/techniques", 301, "", ""},
		{"GET", "/questions/index.json", 200, "application/json", `"questions"`},
		{"GET", "/no/such/page/", 404, "text/html", "<html"},
		{"GET", "/css/", 404, "text/html", ""},
		{"GET", "/searchdocs.json", 404, "text/html", ""},
		{"GET", "/.hidden", 404, "text/html", ""},
		{"GET", "/../../etc/passwd", 307, "", ""}, // cleaned to /etc/passwd, which is not there
		{"GET", "/etc/passwd", 404, "text/html", ""},
		{"GET", "/api/nope", 404, "application/json", `"error"`},
		{"GET", "/api/search", 400, "application/json", `parameter q`},
		{"GET", "/api/search?q=", 400, "application/json", `parameter q`},
		{"GET", "/api/search?q=+++", 400, "application/json", `parameter q`},
		{"GET", "/api/search?q=%2B%2B%2B", 400, "application/json", `no words`},
		{"GET", "/api/search?q=" + long, 400, "application/json", "limit"},
		{"GET", "/api/search?q=%", 400, "application/json", "malformed"},
		{"GET", "/api/search?q=a&size=0", 400, "application/json", "size"},
		{"GET", "/api/search?q=a&from=-1", 400, "application/json", "from"},
		{"GET", "/api/search?q=a&facets=maybe", 400, "application/json", "facets"},
		{"GET", "/api/search?q=a&stage=", 400, "application/json", "stage"},
		{"GET", "/api/search?q=%ff%fe", 400, "application/json", "UTF-8"},
		{"GET", "/api/search?q=" + url.QueryEscape(`+"(lions)" -x:y~2^3* /re/ \`), 200, "application/json", `"hits"`},
		{"GET", "/api/search?q=lions&utm_source=mail", 200, "application/json", `"hits"`},
		{"POST", "/api/search?q=lions", 405, "application/json", "GET"},
		{"DELETE", "/", 405, "text/plain", ""},
		{"PUT", "/healthz", 405, "text/plain", ""},
		{"GET", "/search/?q=lions", 200, "text/html", "result"},
		{"GET", "/search/?q=", 400, "text/html", "parameter q"},
		{"GET", "/search/?utm_source=x", 200, "text/html", "Type a few words"},
		{"GET", "/search/?q=lions&size=2&from=2", 200, "text/html", `rel="prev"`},
		{"GET", "/search/?q=lions&fragment=1", 200, "text/html", `<ol class="hits"`},
		{"GET", "/basket/?ids=no-such-question", 400, "text/html", "no-such-question"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := do(t, tt.method, base+tt.path)
			if r.code != tt.code {
				t.Fatalf("code=%d, want %d; body %.300s", r.code, tt.code, r.body)
			}
			if ct := r.header.Get("Content-Type"); tt.ctype != "" && !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type=%q, want %s", ct, tt.ctype)
			}
			if !strings.Contains(r.body, tt.has) {
				t.Errorf("body lacks %q: %.300s", tt.has, r.body)
			}
			if r.code == 405 && r.header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
			// Every response, errors included, carries the security headers.
			for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Build"} {
				if r.header.Get(h) == "" {
					t.Errorf("no %s header", h)
				}
			}
			if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP %q: want frame-ancestors 'none' and no unsafe-inline", csp)
			}
		})
	}
}

func TestStaticCachingAndCompression(t *testing.T) {
	_, base := mustServe(t, testConfig(project.store, io.Discard))
	r := do(t, "GET", base+"/", "Accept-Encoding", "gzip")
	if r.code != 200 || r.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("code %d encoding %q: want gzip", r.code, r.header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(zr)
	if !bytes.Contains(html, []byte("<html")) {
		t.Error("gzipped body is not the page")
	}
	etag := r.header.Get("ETag")
	if etag == "" || r.header.Get("Last-Modified") == "" {
		t.Fatalf("ETag %q, Last-Modified %q: want both", etag, r.header.Get("Last-Modified"))
	}
	if again := do(t, "GET", base+"/", "Accept-Encoding", "gzip", "If-None-Match", etag); again.code != 304 {
		t.Errorf("revalidation with the ETag: code %d, want 304", again.code)
	}
	if page := do(t, "GET", base+"/search/?q=lions", "Accept-Encoding", "gzip"); page.header.Get("Content-Encoding") != "gzip" {
		t.Error("the server-rendered search page is not compressed")
	}
	plain := do(t, "GET", base+"/", "Accept-Encoding", "identity")
	if plain.header.Get("Content-Encoding") != "" || !strings.Contains(plain.body, "<html") {
		t.Error("a client without gzip got a compressed body")
	}
	if plain.header.Get("ETag") == etag {
		t.Error("plain and gzipped bodies share an ETag")
	}
}

// TestNoEscapeFromTheBuild plants links and dotfiles in a build: none is served.
func TestNoEscapeFromTheBuild(t *testing.T) {
	cur, err := project.store.Current()
	if err != nil {
		t.Fatal(err)
	}
	pub := cur.Public()
	os.Symlink("/etc/passwd", filepath.Join(pub, "passwd.html"))
	os.Symlink("/etc", filepath.Join(pub, "etc"))
	os.WriteFile(filepath.Join(pub, ".secret"), []byte("secret"), 0o644)
	t.Cleanup(func() {
		os.Remove(filepath.Join(pub, "passwd.html"))
		os.Remove(filepath.Join(pub, "etc"))
		os.Remove(filepath.Join(pub, ".secret"))
	})
	_, base := mustServe(t, testConfig(project.store, io.Discard))
	for _, p := range []string{"/passwd.html", "/etc/passwd", "/etc/", "/.secret", "/%2e%2e/%2e%2e/etc/passwd"} {
		r := do(t, "GET", base+p)
		if r.code != 404 || strings.Contains(r.body, "root:") || strings.Contains(r.body, "secret") {
			t.Errorf("GET %s: code %d, body %.80q; want the 404 page", p, r.code, r.body)
		}
	}
}

// TestSwapUnderLoad publishes a new build while clients search and browse, and
// checks that no request fails and that each response comes whole from one
// build: the marker page and the marker word exist only in the new build.
func TestSwapUnderLoad(t *testing.T) {
	store, first := newStore(t)
	root := copyProject(t)
	marker := filepath.Join(root, "content", "foundations", "zebracrossing.md")
	if err := os.WriteFile(marker, []byte("+++\ntitle = \"Zebracrossing\"\nsummary = \"A marker page.\"\nsources = [\"house\"]\n+++\nThe word zebracrossing is only in the second build.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(store, io.Discard)
	cfg.Poll = 5 * time.Millisecond
	cfg.MaxSearches = 1000 // this test is about swapping, not shedding
	srv, base := mustServe(t, cfg)

	var (
		requests, mixed atomic.Int64
		failures        = make(chan string, 100)
		stop            = make(chan struct{})
		wg              sync.WaitGroup
		seen            sync.Map // build ids answered
	)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				path := "/api/search?q=zebracrossing+" // typed, finished
				if (w+i)%2 == 1 {
					path = "/foundations/zebracrossing/"
				}
				res, err := client.Get(base + path)
				if err != nil {
					failures <- fmt.Sprintf("GET %s: %v", path, err)
					return
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				requests.Add(1)
				id := res.Header.Get("X-Build")
				seen.Store(id, true)
				isNew := id != first.ID
				switch {
				case strings.HasPrefix(path, "/api/"):
					var r searchindex.Result
					if res.StatusCode != 200 || json.Unmarshal(body, &r) != nil {
						failures <- fmt.Sprintf("GET %s: %d %.100s", path, res.StatusCode, body)
						return
					}
					if (r.Matched == "all") != isNew {
						mixed.Add(1)
					}
				default:
					if (res.StatusCode == 200) != isNew || (res.StatusCode != 200 && res.StatusCode != 404) {
						mixed.Add(1)
					}
				}
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	second, err := build(root, store)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the new build served", func() bool { return srv.BuildID() == second.ID })
	time.Sleep(100 * time.Millisecond)
	// And back: a rollback is a switch like any other.
	if _, err := builder.Rollback(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the rolled-back build served", func() bool { return srv.BuildID() == first.ID })
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	if n := mixed.Load(); n > 0 {
		t.Errorf("%d of %d responses mixed two builds", n, requests.Load())
	}
	if _, ok := seen.Load(second.ID); !ok {
		t.Errorf("no response came from the new build %s in %d requests", second.ID, requests.Load())
	}
	if srv.BuildID() != first.ID {
		t.Errorf("after rollback serving %s, want %s", srv.BuildID(), first.ID)
	}
	t.Logf("%d requests across two switches", requests.Load())
}

// TestBrokenBuildKeepsServing points current at a build whose index is
// missing: the server says so and keeps answering from the build it has.
func TestBrokenBuildKeepsServing(t *testing.T) {
	store, _ := newStore(t)
	var log syncBuffer
	cfg := testConfig(store, &log)
	cfg.Poll = 5 * time.Millisecond
	srv, base := mustServe(t, cfg)
	second, err := build(project.root, store)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the second build served", func() bool { return srv.BuildID() == second.ID })
	// Publish a third build that has the site but no index. (Removing the
	// index of a build once published races with the server, which opens a
	// build in milliseconds and may have opened it first.)
	st, err := store.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(st.Public(), os.DirFS(second.Build.Public())); err != nil {
		t.Fatal(err)
	}
	third, err := st.Publish()
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the broken build reported", func() bool { return strings.Contains(log.String(), "still serving the previous one") })
	if !strings.Contains(log.String(), third.ID) {
		t.Errorf("log does not name the broken build %s:\n%s", third.ID, log.String())
	}
	if got := srv.BuildID(); got != second.ID {
		t.Errorf("serving %s, want still %s", got, second.ID)
	}
	if r := do(t, "GET", base+"/api/search?q=lions"); r.code != 200 {
		t.Errorf("search after a broken build: %d", r.code)
	}
}

// TestAccessLog checks one line per request, with status and latency, and no
// query text unless asked.
func TestAccessLog(t *testing.T) {
	for _, logQueries := range []bool{false, true} {
		var log syncBuffer
		cfg := testConfig(project.store, &log)
		cfg.LogQueries = logQueries
		srv, err := server.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		h := srv.Handler()
		for _, p := range []string{"/api/search?q=my+secret+plan", "/nope", "/healthz"} {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
		}
		srv.Close(time.Second)
		lines := strings.Split(strings.TrimSpace(log.String()), "\n")
		var reqs []string
		for _, l := range lines {
			if strings.Contains(l, "msg=request") {
				reqs = append(reqs, l)
			}
		}
		if len(reqs) != 3 {
			t.Fatalf("%d request lines, want 3:\n%s", len(reqs), log.String())
		}
		for i, want := range []string{"status=200", "status=404", "status=200"} {
			if !strings.Contains(reqs[i], want) || !strings.Contains(reqs[i], "ms=") || !strings.Contains(reqs[i], "time=") {
				t.Errorf("line %q lacks %s, ms= or time=", reqs[i], want)
			}
		}
		if got := strings.Contains(log.String(), "secret"); got != logQueries {
			t.Errorf("LogQueries=%v: query text in log = %v", logQueries, got)
		}
	}
}

// newStore makes a build store in a temporary directory with one build of the
// real playbook.
func newStore(t *testing.T) (*buildstore.Store, builder.Result) {
	t.Helper()
	store, err := buildstore.Open(filepath.Join(t.TempDir(), "builds"))
	if err != nil {
		t.Fatal(err)
	}
	first, err := build(project.root, store)
	if err != nil {
		t.Fatal(err)
	}
	return store, first
}

// waitUntil polls ok until it holds, failing the test after a generous while.
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// copyProject copies what Hugo reads into a temporary directory, to change it there.
func copyProject(tb testing.TB) string {
	tb.Helper()
	dst := tb.TempDir()
	for _, name := range []string{"content", "layouts", "data", "static", "assets", "archetypes"} {
		src := filepath.Join(project.root, name)
		if _, err := os.Stat(src); err != nil {
			continue
		}
		if err := os.CopyFS(filepath.Join(dst, name), os.DirFS(src)); err != nil {
			tb.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(project.root, "config.toml"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, "config.toml"), b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return dst
}
