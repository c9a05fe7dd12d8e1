package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/searchindex"
	"github.com/buyin/playbook/server"
)

type health struct{ Status, Build, Current, Reason string }

func getHealth(t *testing.T, base string) (int, health) {
	t.Helper()
	r := do(t, "GET", base+"/healthz")
	var h health
	if err := json.Unmarshal([]byte(r.body), &h); err != nil {
		t.Fatalf("/healthz: %d %q is not JSON: %v", r.code, r.body, err)
	}
	return r.code, h
}

// TestHealthzFailsWhenTheSiteCannotBeServed: a served build whose home page
// is gone is not healthy, whatever the process thinks.
func TestHealthzFailsWhenTheSiteCannotBeServed(t *testing.T) {
	store, first := newStore(t)
	_, base := mustServe(t, testConfig(store, io.Discard))
	if code, h := getHealth(t, base); code != 200 || h.Status != "ok" || h.Build != first.ID || h.Current != first.ID {
		t.Errorf("/healthz of a good build: %d %+v", code, h)
	}
	if err := os.Remove(filepath.Join(first.Public(), "index.html")); err != nil {
		t.Fatal(err)
	}
	if code, h := getHealth(t, base); code != 503 || h.Status != "unavailable" || !strings.Contains(h.Reason, "index.html") {
		t.Errorf("/healthz without a home page: %d %+v; want 503 naming index.html", code, h)
	}
}

// TestStartFallsBackToABuildThatOpens: a server started on a store whose
// current build cannot be opened serves the newest build that can, and says
// so; with none that opens, it does not start, and says why.
func TestStartFallsBackToABuildThatOpens(t *testing.T) {
	store, good := newStore(t)
	bad := publishFixture(t, store, func(dir string, _ *[]searchindex.Document) {
		os.Remove(filepath.Join(dir, "public", "search", "index.html"))
	})
	var log syncBuffer
	srv, base := mustServe(t, testConfig(store, &log))
	if srv.BuildID() != good.ID {
		t.Errorf("serving %s, want the good build %s", srv.BuildID(), good.ID)
	}
	code, h := getHealth(t, base)
	if code != 200 || h.Status != "stale" || h.Current != bad.ID || !strings.Contains(h.Reason, "search/index.html") {
		t.Errorf("/healthz after falling back: %d %+v; want stale, naming the bad build and its search page", code, h)
	}
	if !strings.Contains(log.String(), "serving the newest build that can") {
		t.Errorf("the log does not say the server fell back:\n%s", log.String())
	}

	only, err := buildstore.Open(filepath.Join(t.TempDir(), "builds"))
	if err != nil {
		t.Fatal(err)
	}
	publishFixture(t, only, func(dir string, _ *[]searchindex.Document) {
		os.Remove(filepath.Join(dir, "public", "search", "index.html"))
	})
	if _, err := server.New(testConfig(only, io.Discard)); err == nil || !strings.Contains(err.Error(), "search/index.html") {
		t.Errorf("New with no build that opens: err = %v, want the reason", err)
	}
}

// TestNoSwitchAfterClose: a rebuild that finishes while the server shuts
// down must not open a build that nothing would close.
func TestNoSwitchAfterClose(t *testing.T) {
	store, first := newStore(t)
	srv, err := server.New(testConfig(store, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	srv.Close(time.Second)
	if err := srv.Switch(first); err == nil {
		t.Error("Switch after Close succeeded")
	}
}

// TestShutdownCutsASlowReader: a client reading a page very slowly must not
// hold up shutdown past the drain deadline; its request is logged as cut.
func TestShutdownCutsASlowReader(t *testing.T) {
	store, first := newStore(t)
	// A page large enough to fill the socket buffers of a client that does not read.
	big := strings.Repeat("<p>A long page read slowly.</p>\n", 1<<18)
	if err := os.WriteFile(filepath.Join(first.Public(), "big.html"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	srv, err := server.New(testConfig(store, &log))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(4096)
	fmt.Fprintf(conn, "GET /big.html HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReaderSize(conn, 512)
	if _, err := br.ReadString('\n'); err != nil { // the status line: the answer has begun
		t.Fatal(err)
	}
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- srv.Close(200 * time.Millisecond) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close after cutting a slow reader: %v, want nil (exit 0)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close hung on a slow reader for 10 s with a drain deadline of 200 ms")
	}
	t.Logf("closed in %v", time.Since(start))
	if !strings.Contains(log.String(), "cut=\"at shutdown\"") || strings.Contains(log.String(), "status=499") {
		t.Errorf("the cut request is not logged as cut at shutdown:\n%s", log.String())
	}
}

// TestGeneratedAnswersFollowTheStaticRules: the basket and the search API are
// compressed like files, the basket revalidates with an ETag, and redirects
// and refusals say how to cache them.
func TestGeneratedAnswersFollowTheStaticRules(t *testing.T) {
	_, base := mustServe(t, testConfig(project.store, io.Discard))
	var idx struct {
		Questions []struct{ ID string } `json:"questions"`
	}
	if err := json.Unmarshal([]byte(do(t, "GET", base+"/questions/index.json", "Accept-Encoding", "identity").body), &idx); err != nil || len(idx.Questions) < 3 {
		t.Fatalf("questions/index.json: %v", err)
	}
	basket := base + "/basket/?ids=" + idx.Questions[0].ID + "," + idx.Questions[1].ID + "," + idx.Questions[2].ID
	r := do(t, "GET", basket, "Accept-Encoding", "gzip")
	if r.code != 200 || r.header.Get("Content-Encoding") != "gzip" || r.header.Get("ETag") == "" || r.header.Get("Cache-Control") == "" {
		t.Errorf("basket: %d, encoding %q, ETag %q, Cache-Control %q; want gzip, an ETag and a Cache-Control",
			r.code, r.header.Get("Content-Encoding"), r.header.Get("ETag"), r.header.Get("Cache-Control"))
	}
	if again := do(t, "GET", basket, "Accept-Encoding", "gzip", "If-None-Match", r.header.Get("ETag")); again.code != 304 {
		t.Errorf("basket revalidated with its ETag: %d, want 304", again.code)
	}
	if api := do(t, "GET", base+"/api/search?q=customer+upset", "Accept-Encoding", "gzip"); api.code != 200 || api.header.Get("Content-Encoding") != "gzip" {
		t.Errorf("/api/search: %d, encoding %q; want gzip", api.code, api.header.Get("Content-Encoding"))
	}
	if r := do(t, "GET", base+"/techniques?utm_source=mail"); r.code != 301 || r.header.Get("Location") != "/techniques/?utm_source=mail" {
		t.Errorf("redirect to the directory: %d to %q; want 301 keeping the query", r.code, r.header.Get("Location"))
	}
	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/techniques", 301},
		{"GET", "/../../etc/passwd", 307},
		{"POST", "/", 405},
		{"DELETE", "/api/search?q=x", 405},
	} {
		r := do(t, c.method, base+c.path)
		if r.code != c.code || r.header.Get("Cache-Control") == "" {
			t.Errorf("%s %s: %d, Cache-Control %q; want %d with a Cache-Control", c.method, c.path, r.code, r.header.Get("Cache-Control"), c.code)
		}
	}
}

// TestNoBuildServedIsDeleted is the repro of issue 15: build, build,
// rollback, rollback, then builds with keep_builds 1 while a client reads
// pages. A build a server still holds must not be deleted: every answer is 200.
func TestNoBuildServedIsDeleted(t *testing.T) {
	store, _ := newStore(t)
	cfg := testConfig(store, io.Discard)
	cfg.Poll = 200 * time.Millisecond // slow to follow, as a busy server is
	_, base := mustServe(t, cfg)
	publishFixture(t, store, nil)
	rollback(t, store)
	rollback(t, store)
	var (
		answers atomic.Int64
		bad     = make(chan string, 100)
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := []string{"/", "/techniques/invite-the-lions/", "/situations/customer-upset/", "/basket/"}[i%4]
				res, err := http.Get(base + p)
				if err != nil {
					bad <- err.Error()
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				answers.Add(1)
				if res.StatusCode != 200 {
					select {
					case bad <- fmt.Sprintf("GET %s: %d from build %s", p, res.StatusCode, res.Header.Get("X-Build")):
					default:
					}
				}
			}
		}()
	}
	for range 3 {
		b := publishFixture(t, store, nil)
		unlock, _ := store.Lock(context.Background())
		err := store.Prune(1)
		unlock()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(b.Dir); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	close(bad)
	n := 0
	for msg := range bad {
		if n++; n <= 5 {
			t.Error(msg)
		}
	}
	t.Logf("%d answers, %d not 200", answers.Load(), n)
}

// TestFingerprintedAssetFromAKeptBuild: a page of one build (from another
// replica, or from before a switch) asks for its own stylesheet; the server,
// serving a newer build with other CSS, still has it in the build it keeps.
func TestFingerprintedAssetFromAKeptBuild(t *testing.T) {
	store, first := newStore(t)
	cssRE := regexp.MustCompile(`/css/site\.min\.[0-9a-f]+\.css`)
	home, _ := os.ReadFile(filepath.Join(first.Public(), "index.html"))
	oldCSS := cssRE.FindString(string(home))
	if oldCSS == "" {
		t.Fatal("no fingerprinted stylesheet in the home page")
	}
	newCSS := "/css/site.min." + strings.Repeat("ab", 32) + ".css"
	second := publishFixture(t, store, func(dir string, _ *[]searchindex.Document) {
		pub := filepath.Join(dir, "public")
		os.Rename(filepath.Join(pub, oldCSS), filepath.Join(pub, newCSS))
		filepath.WalkDir(pub, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".html") {
				b, _ := os.ReadFile(p)
				os.WriteFile(p, []byte(strings.ReplaceAll(string(b), oldCSS, newCSS)), 0o644)
			}
			return err
		})
	})
	srv, base := mustServe(t, testConfig(store, io.Discard))
	if srv.BuildID() != second.ID {
		t.Fatalf("serving %s, want %s", srv.BuildID(), second.ID)
	}
	for _, p := range []string{newCSS, oldCSS} {
		if r := do(t, "GET", base+p); r.code != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
			t.Errorf("GET %s: %d %s; want the stylesheet", p, r.code, r.header.Get("Content-Type"))
		}
	}
	if r := do(t, "GET", base+"/css/site.min."+strings.Repeat("cd", 32)+".css"); r.code != 404 {
		t.Errorf("a stylesheet no build has: %d, want 404", r.code)
	}
}

// TestUnreadableIndexIsNamed: Bleve says "metadata missing" of an index file
// it may not read; the server names the file and says what to do. (Tests run
// as root here, where permissions do not bite: a file that cannot be opened at
// all stands in for one the server's user may not read.)
func TestUnreadableIndexIsNamed(t *testing.T) {
	store, b := newStore(t)
	if err := os.Symlink(filepath.Join(t.TempDir(), "gone"), filepath.Join(b.Index(), "store", "zz-unreadable")); err != nil {
		t.Fatal(err)
	}
	_, err := server.New(testConfig(store, io.Discard))
	if err == nil || !strings.Contains(err.Error(), "cannot read") || !strings.Contains(err.Error(), "zz-unreadable") || !strings.Contains(err.Error(), "group") {
		t.Errorf("New on a build with an unreadable index file: %v; want the file named and what to do", err)
	}
}
