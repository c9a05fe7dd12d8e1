package gaps_test

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/buyin/playbook/internal/gaps"
)

// BenchmarkCount is what a counted search adds to its request: folding the
// text and one map update under a lock, from every CPU at once.
func BenchmarkCount(b *testing.B) {
	r := gaps.Open(gaps.Options{Path: filepath.Join(b.TempDir(), "gaps.json"), Interval: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer r.Close()
	queries := make([]string, 1000)
	for i := range queries {
		queries[i] = fmt.Sprintf("Budget  Freeze %d", i)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			r.Count(queries[i%len(queries)])
			i++
		}
	})
}

// BenchmarkFlushFullFile is the background write at its worst: a file at the
// cap (10000 queries) read, added to and written whole, once a minute.
func BenchmarkFlushFullFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "gaps.json")
	r := gaps.Open(gaps.Options{Path: path, Interval: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer r.Close()
	for i := range 10000 {
		r.Count(fmt.Sprintf("a fairly long query people might type %d", i))
	}
	if err := r.Flush(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		r.Count(fmt.Sprintf("new query %d", i))
		if err := r.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}
