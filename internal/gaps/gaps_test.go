package gaps_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buyin/playbook/internal/gaps"
)

// syncBuffer is a log destination safe for the recorder's goroutine.
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

// clock is a settable time, so that tests can count on several days.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(day string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t, _ = time.Parse(time.DateOnly+" 15:04", day+" 13:37")
}

// mustOpen opens a recorder on path that writes only when told to (the
// interval is an hour), logging to the returned buffer.
func mustOpen(tb testing.TB, path string, max int, c *clock) (*gaps.Recorder, *syncBuffer) {
	tb.Helper()
	logs := &syncBuffer{}
	opts := gaps.Options{Path: path, MaxEntries: max, Interval: time.Hour, Logger: slog.New(slog.NewTextHandler(logs, nil))}
	if c != nil {
		opts.Now = c.now
	}
	r := gaps.Open(opts)
	tb.Cleanup(func() { r.Close() })
	return r, logs
}

func mustRead(tb testing.TB, path string) []gaps.Entry {
	tb.Helper()
	es, err := gaps.Read(path)
	if err != nil {
		tb.Fatal(err)
	}
	return es
}

// counts maps each query in es to its count.
func counts(es []gaps.Entry) map[string]int {
	m := map[string]int{}
	for _, e := range es {
		m[e.Query] = e.Count
	}
	return m
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"customer upset", "customer upset"},
		{"  Customer   UPSET ", "customer upset"},
		{"customer\tupset\n", "customer upset"},
		{"Ça Va", "ça va"},
		{" \t ", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := gaps.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMergeAndReport(t *testing.T) {
	a := []gaps.Entry{{"tax", 2, "2026-12-01"}, {"budget freeze", 5, "2026-11-30"}, {"once", 1, "2026-12-02"}}
	b := []gaps.Entry{{"tax", 1, "2026-12-03"}, {"union strike", 3, "2026-12-02"}, {"budget freeze", 1, "2026-11-01"}}
	merged := gaps.Merge(a, b)
	if got, want := counts(merged), map[string]int{"tax": 3, "budget freeze": 6, "once": 1, "union strike": 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("merged counts = %v, want %v", got, want)
	}
	tests := []struct {
		min  int
		want []gaps.Entry
	}{
		// Most searched first; equal counts, the most recently seen first.
		{3, []gaps.Entry{{"budget freeze", 6, "2026-11-30"}, {"tax", 3, "2026-12-03"}, {"union strike", 3, "2026-12-02"}}},
		{6, []gaps.Entry{{"budget freeze", 6, "2026-11-30"}}},
		{7, nil},
		{1, []gaps.Entry{{"budget freeze", 6, "2026-11-30"}, {"tax", 3, "2026-12-03"}, {"union strike", 3, "2026-12-02"}, {"once", 1, "2026-12-02"}}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("min ", tt.min), func(t *testing.T) {
			if got := gaps.Report(merged, tt.min); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Report(min %d) = %v, want %v", tt.min, got, tt.want)
			}
		})
	}
}

// TestOnlyNormalisedTextCountAndDay checks what a file holds: the query folded,
// a count and a day, and nothing else (no time of day).
func TestOnlyNormalisedTextCountAndDay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.json")
	c := &clock{}
	c.set("2026-12-06")
	r, _ := mustOpen(t, path, 0, c)
	for _, q := range []string{"Budget  Freeze", "budget freeze ", "  ", "BUDGET FREEZE"} {
		r.Count(q)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := mustRead(t, path), []gaps.Entry{{"budget freeze", 3, "2026-12-06"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("file = %v, want %v", got, want)
	}
	b, _ := os.ReadFile(path)
	for _, never := range []string{"13:37", "Budget", "T13"} {
		if strings.Contains(string(b), never) {
			t.Errorf("the file holds %q:\n%s", never, b)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode = %v (%v), want 0600: only the server's user may read it", fi.Mode().Perm(), err)
	}
}

func TestNothingCountedNothingWritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gaps.json")
	r, _ := mustOpen(t, path, 0, nil)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a recorder that counted nothing wrote %s (%v)", path, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("files left in the directory: %v", entries)
	}
}

// TestCapDropsOldestAndRarest fills a file of three entries over several days.
func TestCapDropsOldestAndRarest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.json")
	c := &clock{}
	r, _ := mustOpen(t, path, 3, c)
	count := func(day string, qs ...string) {
		c.set(day)
		for _, q := range qs {
			r.Count(q)
		}
		if err := r.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	count("2026-12-01", "old often", "old often", "old often", "old once")
	count("2026-12-02", "new once", "new twice", "new twice")
	// Four queries for three places: "old once" (oldest and rarest) goes.
	if got, want := counts(mustRead(t, path)), map[string]int{"old often": 3, "new once": 1, "new twice": 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("after day 2: %v, want %v", got, want)
	}
	count("2026-12-03", "newest")
	// "old often" is the oldest: age goes before rarity.
	if got, want := counts(mustRead(t, path)), map[string]int{"new once": 1, "new twice": 2, "newest": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("after day 3: %v, want %v", got, want)
	}
	count("2026-12-03", "newest", "new twice", "latest")
	// "new twice" is seen again on day 3, so "new once" is now the oldest.
	if got, want := counts(mustRead(t, path)), map[string]int{"new twice": 3, "newest": 2, "latest": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("after day 3 again: %v, want %v", got, want)
	}
}

// TestConcurrentCountsLoseNone counts from many goroutines while the
// recorder writes every millisecond: every count must reach the file.
func TestConcurrentCountsLoseNone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.json")
	r := gaps.Open(gaps.Options{Path: path, Interval: time.Millisecond, Logger: slog.New(slog.NewTextHandler(&syncBuffer{}, nil))})
	const workers, each = 8, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				r.Count("shared query")
				r.Count(fmt.Sprintf("query %d", i%5))
				if i%100 == 0 && w == 0 {
					r.Flush() // a flush racing the background one
				}
			}
		})
	}
	wg.Wait()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	got := counts(mustRead(t, path))
	want := map[string]int{"shared query": workers * each}
	for i := range 5 {
		want[fmt.Sprintf("query %d", i)] = workers * each / 5
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("counts = %v, want %v", got, want)
	}
}

func TestRestartKeepsCounts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.json")
	for run := 1; run <= 3; run++ {
		r, _ := mustOpen(t, path, 0, nil)
		r.Count("budget freeze")
		if run == 2 {
			r.Count("union strike")
		}
		if err := r.Close(); err != nil { // as at shutdown
			t.Fatalf("run %d: %v", run, err)
		}
	}
	if got, want := counts(mustRead(t, path)), map[string]int{"budget freeze": 3, "union strike": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("after three runs: %v, want %v", got, want)
	}
}

// TestCorruptFileIsSetAside: a file that is not a gap file is logged and kept
// under another name, and counting starts afresh.
func TestCorruptFileIsSetAside(t *testing.T) {
	tests := []struct{ name, body string }{
		{"not json", "{\"format\": \"buyin-gaps/1\", \"entries\": [{\"query\": \"half"},
		{"another format", `{"format": "something-else/2", "entries": []}`},
		{"bad entry", `{"format": "buyin-gaps/1", "entries": [{"query": "Not Folded", "count": 2, "last_seen": "2026-12-01"}]}`},
		{"bad day", `{"format": "buyin-gaps/1", "entries": [{"query": "q", "count": 2, "last_seen": "2026-12-01T10:00"}]}`},
		{"empty", ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "gaps.json")
			os.WriteFile(path, []byte(tt.body), 0o600)
			if _, err := gaps.Read(path); !errors.Is(err, gaps.ErrCorrupt) {
				t.Errorf("Read: err = %v, want ErrCorrupt", err)
			}
			r, logs := mustOpen(t, path, 0, nil)
			r.Count("after")
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			if got, want := counts(mustRead(t, path)), map[string]int{"after": 1}; !reflect.DeepEqual(got, want) {
				t.Errorf("counts = %v, want %v (started afresh)", got, want)
			}
			aside, _ := filepath.Glob(path + ".corrupt-*")
			if len(aside) != 1 {
				t.Fatalf("set-aside files: %v, want one", aside)
			}
			if b, _ := os.ReadFile(aside[0]); string(b) != tt.body {
				t.Errorf("set-aside file holds %q, want the original %q", b, tt.body)
			}
			if !strings.Contains(logs.String(), "kept aside") {
				t.Errorf("log does not say the file was kept aside: %s", logs)
			}
		})
	}
}

// TestUnwritableDirectory: the gap file's directory cannot be made (its parent
// is a file, which stops root too). The failure is logged, Count never fails,
// and the counts are written once the directory can be.
func TestUnwritableDirectory(t *testing.T) {
	root := t.TempDir()
	blocker := filepath.Join(root, "state")
	os.WriteFile(blocker, []byte("not a directory"), 0o600)
	path := filepath.Join(blocker, "gaps.json")
	r, logs := mustOpen(t, path, 0, nil)
	if !strings.Contains(logs.String(), "counts wait in memory") {
		t.Errorf("start-up log does not say the file cannot be used: %s", logs)
	}
	r.Count("kept in memory")
	if err := r.Flush(); err == nil {
		t.Fatal("Flush into an impossible directory succeeded")
	}
	r.Count("kept in memory")
	os.Remove(blocker) // the owner fixes it
	if err := r.Flush(); err != nil {
		t.Fatalf("Flush after the fix: %v", err)
	}
	if got, want := counts(mustRead(t, path)), map[string]int{"kept in memory": 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("counts = %v, want %v", got, want)
	}
	if strings.Contains(logs.String(), "kept in memory") {
		t.Errorf("a query reached the log: %s", logs)
	}
}

// TestResetUnderARunningRecorder: after Reset, a running recorder adds only
// what it counted since its last write.
func TestResetUnderARunningRecorder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gaps.json")
	r, _ := mustOpen(t, path, 0, nil)
	r.Count("before")
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := gaps.Reset(path); err != nil {
		t.Fatal(err)
	}
	if es := mustRead(t, path); len(es) != 0 {
		t.Errorf("after Reset: %v, want none", es)
	}
	r.Count("after")
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := counts(mustRead(t, path)), map[string]int{"after": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("counts = %v, want %v", got, want)
	}
}

func TestNilRecorderCountsNothing(t *testing.T) {
	var r *gaps.Recorder
	r.Count("x")
	if err := r.Flush(); err != nil {
		t.Error(err)
	}
	if err := r.Close(); err != nil {
		t.Error(err)
	}
}
