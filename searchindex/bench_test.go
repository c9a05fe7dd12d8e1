package searchindex_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/buyin/playbook/builder"
	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/internal/queryset"
	"github.com/buyin/playbook/searchindex"
	"github.com/buyin/playbook/settings"
)

// The real playbook, built once for the benchmarks.
var (
	realOnce  sync.Once
	realIndex string
	realErr   error
)

func realCorpus(b *testing.B) *searchindex.Index {
	b.Helper()
	ix, err := searchindex.Open(realIndexPath(b), searchindex.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	return ix
}

// realIndexPath builds the real playbook once per test binary and returns the
// path of its index.
func realIndexPath(tb testing.TB) string {
	tb.Helper()
	realOnce.Do(func() {
		// An index built before, to measure while the content is being edited.
		if path := os.Getenv("BUYIN_BENCH_INDEX"); path != "" {
			realIndex = path
			return
		}
		root, _ := filepath.Abs("..")
		s, err := settings.Load(filepath.Join(root, "config.toml"))
		if err != nil {
			realErr = err
			return
		}
		dir, err := os.MkdirTemp("", "bench-corpus-*") // outlives one benchmark; removed by TestMain's caller's OS
		if err != nil {
			realErr = err
			return
		}
		store, err := buildstore.Open(filepath.Join(dir, "builds"))
		if err != nil {
			realErr = err
			return
		}
		res, err := builder.Build(context.Background(), builder.Config{Root: root, Store: store, Synonyms: s.Synonyms, Keep: 1})
		realIndex, realErr = res.Build.Index(), err
	})
	if realErr != nil {
		tb.Fatal(realErr)
	}
	return realIndex
}

func benchSearches(b *testing.B, ix *searchindex.Index, set []queryset.Search, facets bool) {
	b.ReportAllocs()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s := set[i%len(set)]
		if _, err := ix.Search(ctx, searchindex.Query{Text: s.Text, Filters: s.Filters, Size: 10, Facets: facets}); err != nil {
			b.Fatalf("%q: %v", s.Text, err)
		}
	}
}

// BenchmarkSearchMix runs the mixed query set (whole queries, prefixes as typed,
// typos, filters) on the real playbook.
func BenchmarkSearchMix(b *testing.B) {
	ix := realCorpus(b)
	qs, err := queryset.Load("../cmd/indexer/testdata/relevance.toml")
	if err != nil {
		b.Fatal(err)
	}
	set := queryset.Mix(qs)
	b.Run("hits", func(b *testing.B) { benchSearches(b, ix, set, false) })
	b.Run("hits+facets", func(b *testing.B) { benchSearches(b, ix, set, true) })
}

// BenchmarkSearchWorst holds the costliest queries found: long queries of
// synonyms, typos and one-letter prefixes, with every filter.
func BenchmarkSearchWorst(b *testing.B) {
	ix := realCorpus(b)
	for i, s := range queryset.Worst(512) {
		b.Run(string(rune('a'+i)), func(b *testing.B) { benchSearches(b, ix, []queryset.Search{s}, true) })
	}
}

// BenchmarkOpen opens the real playbook's index (or BUYIN_BENCH_INDEX): what a
// server pays at start-up and on every switch to a new build.
func BenchmarkOpen(b *testing.B) {
	path := realIndexPath(b)
	b.ReportAllocs()
	for b.Loop() {
		ix, err := searchindex.Open(path, searchindex.Options{})
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}
