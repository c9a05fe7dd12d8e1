package server_test

import (
	"io"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/buyin/playbook/server"
)

// fuzzBudget is far above what any search costs (see BENCHMARKS.md); a
// request slower than this is a query whose cost is not bounded.
const fuzzBudget = time.Second

// FuzzServer sends any path and query string to the whole server on the real
// index, as /api/search and as the server-rendered /search/ page. It fails on
// any 5xx and on any request slower than fuzzBudget. Its seeds, in
// testdata/fuzz/FuzzServer, hold the costliest queries found, so that plain
// go test runs them.
func FuzzServer(f *testing.F) {
	for _, seed := range [][2]string{
		{"/api/search", "q=lions"},
		{"/search/", "q=customer+upset&type=question&facets=true"},
		{"/api/search", "q=%zz"},
		{"/", ""},
		{"/basket/", "ids=a,b,c"},
	} {
		f.Add(seed[0], seed[1])
	}
	cfg := testConfig(project.store, io.Discard)
	cfg.MaxSearches = 100 // the fuzzer runs in parallel; shedding is tested elsewhere
	s, err := server.New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close(time.Second) })
	h := s.Handler()
	f.Fuzz(func(t *testing.T, path, rawQuery string) {
		for _, p := range []string{"/api/search", "/search/", path} {
			if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " ?#\x00\r\n") {
				continue
			}
			req := httptest.NewRequest("GET", "/", nil)
			req.URL.Path, req.URL.RawQuery = p, rawQuery
			rec := httptest.NewRecorder()
			start := time.Now()
			done := make(chan struct{})
			go func() { defer close(done); h.ServeHTTP(rec, req) }()
			select {
			case <-done:
			case <-time.After(10 * fuzzBudget):
				// A request that never returns would stall the fuzzer without
				// a report: fail with every goroutine's stack instead.
				buf := make([]byte, 1<<20)
				t.Fatalf("GET %s?%s has not returned after %v:\n%s", p, rawQuery, 10*fuzzBudget, buf[:runtime.Stack(buf, true)])
			}
			if took := time.Since(start); took > fuzzBudget {
				t.Errorf("GET %s?%s took %v, over the budget of %v", p, rawQuery, took, fuzzBudget)
			}
			if rec.Code >= 500 {
				t.Errorf("GET %s?%s: %d %.200s", p, rawQuery, rec.Code, rec.Body)
			}
		}
	})
}
