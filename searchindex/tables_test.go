package searchindex_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/buyin/playbook/internal/queryset"
	"github.com/buyin/playbook/searchindex"
)

// TestTablesGiveTheSameResults checks that the tables the build writes answer
// every search of the mixed query set (whole queries, prefixes as typed,
// typos, filters, with and without facets) exactly as the tables made by
// analysing the stored documents again: the same ids, order, scores, snippets,
// facets and corrections. It runs on the real playbook and on the small test
// corpus.
func TestTablesGiveTheSameResults(t *testing.T) {
	qs, err := queryset.Load("../cmd/indexer/testdata/relevance.toml")
	if err != nil {
		t.Fatal(err)
	}
	set := queryset.Mix(qs)
	_, small := mustOpen(t, testDocs)
	for name, path := range map[string]string{"small": small, "playbook": realIndexPath(t)} {
		t.Run(name, func(t *testing.T) {
			read, err := searchindex.Open(path, searchindex.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer read.Close()
			analysed, err := searchindex.OpenAnalysed(path, searchindex.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer analysed.Close()
			if got, want := read.DocCount(), analysed.DocCount(); got != want {
				t.Fatalf("DocCount=%d, want %d", got, want)
			}
			differ := 0
			for _, facets := range []bool{false, true} {
				for _, s := range set {
					q := searchindex.Query{Text: s.Text, Filters: s.Filters, Size: 10, Facets: facets}
					got, want := answer(t, read, q), answer(t, analysed, q)
					if got != want {
						if differ++; differ <= 3 {
							t.Errorf("%+v:\n got %s\nwant %s", q, got, want)
						}
					}
				}
			}
			if differ > 0 {
				t.Errorf("%d of %d searches differ", differ, 2*len(set))
			}
		})
	}
}

func answer(t *testing.T, ix *searchindex.Index, q searchindex.Query) string {
	t.Helper()
	r, err := ix.Search(context.Background(), q)
	if err != nil {
		return "error: " + err.Error()
	}
	r.TookMS = 0
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOpenRefusesBadTables checks that an index whose tables are missing,
// damaged or another index's does not open, and that the error names the file.
func TestOpenRefusesBadTables(t *testing.T) {
	_, other := mustOpen(t, testDocs[:3])
	otherTables, err := os.ReadFile(filepath.Join(other, searchindex.TablesFile))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(data []byte) []byte // nil removes the file
		want   string
	}{
		{"missing", nil, "is missing"},
		{"empty", func([]byte) []byte { return nil }, "not a tables file"},
		{"other version", func(b []byte) []byte { b[0] = 'X'; return b }, "not a tables file"},
		{"a byte changed", func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }, "damaged"},
		{"truncated", func(b []byte) []byte { return b[:len(b)-9] }, "damaged"},
		{"another index's", func([]byte) []byte { return otherTables }, "does not belong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, path := mustOpen(t, testDocs)
			file := filepath.Join(path, searchindex.TablesFile)
			if tt.change == nil {
				if err := os.Remove(file); err != nil {
					t.Fatal(err)
				}
			} else {
				data, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, tt.change(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ix, err := searchindex.Open(path, searchindex.Options{})
			if err == nil {
				ix.Close()
				t.Fatal("Open succeeded, want an error")
			}
			for _, want := range []string{file, tt.want, "rebuild"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("err = %v, want it to say %q", err, want)
				}
			}
		})
	}
}

// TestUpdateWithAnalysesGivesTheSameResults updates an index twice under one
// Analyses, as serve -watch does, and checks that the second update, which
// reuses the analysis of every document but the one edited, searches exactly
// like an update that analysed everything.
func TestUpdateWithAnalysesGivesTheSameResults(t *testing.T) {
	qs, err := queryset.Load("../cmd/indexer/testdata/relevance.toml")
	if err != nil {
		t.Fatal(err)
	}
	_, prev := mustOpen(t, testDocs)
	cache := searchindex.NewAnalyses()
	opts := searchindex.BuildOptions{Synonyms: testSynonyms, Analyses: cache}
	first := filepath.Join(t.TempDir(), "first")
	if _, err := searchindex.Update(context.Background(), prev, first, testDocs, opts); err != nil {
		t.Fatal(err)
	}
	if got, want := cache.Len(), len(testDocs); got != want {
		t.Fatalf("the cache holds %d analyses, want %d", got, want)
	}
	edited := slices.Clone(testDocs)
	edited[1].Body += " The zeppelin helps."
	warm, cold := filepath.Join(t.TempDir(), "warm"), filepath.Join(t.TempDir(), "cold")
	if _, err := searchindex.Update(context.Background(), first, warm, edited, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := searchindex.Update(context.Background(), first, cold, edited, searchindex.BuildOptions{Synonyms: testSynonyms}); err != nil {
		t.Fatal(err)
	}
	// Other synonyms: everything is analysed again, and the results follow them.
	other := filepath.Join(t.TempDir(), "other")
	if _, err := searchindex.Update(context.Background(), first, other, edited, searchindex.BuildOptions{Analyses: cache}); err != nil {
		t.Fatal(err)
	}
	open := func(path string) *searchindex.Index {
		ix, err := searchindex.Open(path, searchindex.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix
	}
	w, c, o := open(warm), open(cold), open(other)
	differ := 0
	for _, s := range append(queryset.Mix(qs), queryset.Search{Text: "zeppelin "}) {
		q := searchindex.Query{Text: s.Text, Filters: s.Filters, Size: 10, Facets: true}
		if got, want := answer(t, w, q), answer(t, c, q); got != want {
			if differ++; differ <= 3 {
				t.Errorf("%+v:\n got %s\nwant %s", q, got, want)
			}
		}
	}
	if r, err := w.Search(context.Background(), searchindex.Query{Text: "zeppelin ", Size: 3}); err != nil || len(r.Hits) == 0 || r.Hits[0].ID != edited[1].ID {
		t.Errorf("the edit is not found after the update: %v", err)
	}
	if r, _ := o.Search(context.Background(), searchindex.Query{Text: "pushback ", Size: 3}); r != nil && len(r.Hits) > 0 {
		t.Errorf("without synonyms, pushback still finds %s: the cache outlived its synonyms", r.Hits[0].ID)
	}
}
