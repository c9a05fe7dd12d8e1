package server_test

import (
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buyin/playbook/internal/gaps"
	"github.com/buyin/playbook/server"
)

// gapQuery finds nothing in the playbook; foundQuery finds a page with every word.
const (
	gapQuery   = "Zebra  Invoices"
	foundQuery = "customer upset"
)

// serveCounting serves the test store with a real recorder on a gap file in a
// temporary directory, writing every interval. stop closes the server, then the
// recorder, as the commands do, and returns the file's counts.
func serveCounting(tb testing.TB, interval time.Duration, path string) (base string, stop func() map[string]int) {
	tb.Helper()
	cfg := testConfig(project.store, io.Discard)
	cfg.Gaps = gaps.Open(gaps.Options{Path: path, Interval: interval, Logger: cfg.Logger})
	s, base := mustServe(tb, cfg)
	return base, func() map[string]int {
		tb.Helper()
		s.Close(5 * time.Second)
		if err := cfg.Gaps.Close(); err != nil {
			tb.Fatal(err)
		}
		es, err := gaps.Read(path)
		if errors.Is(err, fs.ErrNotExist) {
			return map[string]int{}
		}
		if err != nil {
			tb.Fatal(err)
		}
		m := map[string]int{}
		for _, e := range es {
			m[e.Query] = e.Count
		}
		return m
	}
}

// TestOnlySettledGapsCount sends one request per case and checks whether the
// search is counted: only a settled, unfiltered, first-page search that found
// too little is.
func TestOnlySettledGapsCount(t *testing.T) {
	q := url.QueryEscape(gapQuery)
	tests := []struct {
		name, method, path string
		counted            bool
	}{
		{"search page loaded with q", "GET", "/search/?q=" + q, true},
		{"results fetched while typing", "GET", "/search/?fragment=1&q=" + q, false},
		{"results the script reports settled", "GET", "/search/?fragment=1&settled=1&q=" + q, true},
		{"API while typing", "GET", "/api/search?q=" + q, false},
		{"API reported settled", "GET", "/api/search?settled=1&size=1&q=" + q, true},
		{"HEAD of the page", "HEAD", "/search/?q=" + q, false},
		{"second page", "GET", "/search/?from=10&q=" + q, false},
		{"filtered", "GET", "/search/?type=question&q=" + q, false},
		{"settled, but found", "GET", "/api/search?settled=1&q=" + url.QueryEscape(foundQuery), false},
		{"page, but found", "GET", "/search/?q=" + url.QueryEscape(foundQuery), false},
		{"not a query", "GET", "/api/search?settled=1&q=%2B%2B%2B", false},
		{"too long", "GET", "/search/?q=" + strings.Repeat("x", project.settings.MaxQueryBytes+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "gaps", "gaps.json")
			base, stop := serveCounting(t, time.Hour, path)
			r := do(t, tt.method, base+tt.path)
			if r.code >= 500 {
				t.Fatalf("%s %s: %d", tt.method, tt.path, r.code)
			}
			got := stop()
			want := map[string]int{}
			if tt.counted {
				want[gaps.Normalize(gapQuery)] = 1
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s (%d): counts %v, want %v", tt.method, tt.path, r.code, got, want)
			}
		})
	}
}

// TestConcurrentGapSearchesLoseNone loads the search page from many clients
// at once while the recorder writes every few milliseconds.
func TestConcurrentGapSearchesLoseNone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.json")
	base, stop := serveCounting(t, 5*time.Millisecond, path)
	const clients, each = 8, 10
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for range each {
				if r := do(t, "GET", base+"/search/?q="+url.QueryEscape(gapQuery)); r.code != 200 {
					t.Errorf("code %d", r.code)
				}
			}
		})
	}
	wg.Wait()
	if got, want := stop(), map[string]int{gaps.Normalize(gapQuery): clients * each}; !reflect.DeepEqual(got, want) {
		t.Errorf("counts %v, want %v", got, want)
	}
}

// TestGapFileProblemsNeverBreakSearch: a corrupt gap file, or a directory that
// cannot be written, is logged, and search answers as ever.
func TestGapFileProblemsNeverBreakSearch(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(dir string) string // returns the gap file's path
		logged  string
	}{
		{"corrupt file", func(dir string) string {
			p := filepath.Join(dir, "gaps.json")
			os.WriteFile(p, []byte("{half a file"), 0o600)
			return p
		}, "kept aside"},
		{"unwritable directory", func(dir string) string {
			blocker := filepath.Join(dir, "state")
			os.WriteFile(blocker, []byte("a file where the directory should be"), 0o600)
			return filepath.Join(blocker, "gaps.json")
		}, "cannot write the gap file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs strings.Builder
			var mu sync.Mutex
			logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
				mu.Lock()
				defer mu.Unlock()
				return logs.Write(p)
			}), nil))
			cfg := testConfig(project.store, io.Discard)
			cfg.Gaps = gaps.Open(gaps.Options{Path: tt.prepare(t.TempDir()), Interval: time.Millisecond, Logger: logger})
			s, base := mustServe(t, cfg)
			for _, p := range []string{"/search/?q=", "/api/search?settled=1&q="} {
				if r := do(t, "GET", base+p+url.QueryEscape(gapQuery)); r.code != 200 {
					t.Errorf("GET %s: %d, want 200", p, r.code)
				}
			}
			if r := do(t, "GET", base+"/api/search?q="+url.QueryEscape(foundQuery)); r.code != 200 || !strings.Contains(r.body, `"matched":"all"`) {
				t.Errorf("search after a gap-file problem: %d %.200s", r.code, r.body)
			}
			s.Close(5 * time.Second)
			cfg.Gaps.Close()
			mu.Lock()
			defer mu.Unlock()
			if !strings.Contains(logs.String(), tt.logged) {
				t.Errorf("log lacks %q:\n%s", tt.logged, logs.String())
			}
			if strings.Contains(strings.ToLower(logs.String()), "zebra") {
				t.Errorf("a query reached the log:\n%s", logs.String())
			}
		})
	}
}

// TestGapsOffCountsNothing: with record_gaps off there is no recorder, and
// nothing is written.
func TestGapsOffCountsNothing(t *testing.T) {
	s := project.settings
	s.RecordGaps = false
	s.GapsFile = filepath.Join(t.TempDir(), "gaps", "gaps.json")
	if rec := server.OpenGaps(s, nil); rec != nil {
		t.Fatal("OpenGaps with record_gaps off returned a recorder")
	}
	_, base := mustServe(t, testConfig(project.store, io.Discard))
	do(t, "GET", base+"/search/?q="+url.QueryEscape(gapQuery))
	if _, err := os.Stat(filepath.Dir(s.GapsFile)); !os.IsNotExist(err) {
		t.Errorf("the gaps directory exists with record_gaps off (%v)", err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
