package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/buyin/playbook/internal/gaps"
	"github.com/buyin/playbook/searchindex"
)

// gapConfig writes the real config.toml with record_gaps set as given into a
// temporary directory, so that the gap file (gaps/gaps.json by default) lands
// there, and returns its path.
func gapConfig(tb testing.TB, record bool) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(projectRoot(tb), "config.toml"))
	if err != nil {
		tb.Fatal(err)
	}
	text := strings.Replace(string(b), "record_gaps = false", "record_gaps = "+map[bool]string{true: "true", false: "false"}[record], 1)
	if !strings.Contains(text, "record_gaps = ") {
		tb.Fatal("config.toml has no record_gaps line to set")
	}
	cfg := filepath.Join(tb.TempDir(), "config.toml")
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// serveUntilDone runs `indexer serve -no-build` on the shared build and
// returns its base URL and a stop function that ends it as SIGTERM does.
func serveUntilDone(tb testing.TB, cfg string) (string, func()) {
	tb.Helper()
	addr := freeAddr(tb)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, "serve", []string{"-config", cfg, "-builds", playbookSite.dir, "-no-build", "-addr", addr}, io.Discard)
	}()
	base := "http://" + addr
	waitFor(tb, "the server to answer", func() bool {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	})
	return base, func() {
		tb.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Fatalf("serve ended with %v", err)
			}
		case <-time.After(20 * time.Second):
			tb.Fatal("serve did not stop")
		}
	}
}

// typeAndSubmit does over real HTTP what a person's browser does: the page
// script fetches the results for each prefix as the query is typed, then the
// search is submitted (the search page loaded with q).
func typeAndSubmit(tb testing.TB, base, query string) {
	tb.Helper()
	for i := 1; i < len(query); i++ {
		getOK(tb, base+"/search/?fragment=1&q="+url.QueryEscape(query[:i]))
		getOK(tb, base+"/search/?fragment=1&size=6&q="+url.QueryEscape(query[:i])) // the header's suggestions
	}
	getOK(tb, base+"/search/?q="+url.QueryEscape(query))
}

func getOK(tb testing.TB, u string) {
	tb.Helper()
	res, err := http.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		tb.Fatalf("GET %s: %d", u, res.StatusCode)
	}
}

func gapsJSON(tb testing.TB, args ...string) gapReport {
	tb.Helper()
	var out, errs bytes.Buffer
	if err := gapsCommand(context.Background(), append([]string{"-json", "-builds", playbookSite.dir}, args...), &out, &errs); err != nil {
		tb.Fatalf("indexer gaps %v: %v (%s)", args, err, errs.String())
	}
	var r gapReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		tb.Fatalf("indexer gaps -json: %v\n%s", err, out.String())
	}
	return r
}

// TestGapReportEndToEnd is issue 19's "done when": with record_gaps on, a
// search submitted three times on /search/ is listed by `indexer gaps` with
// the count 3; the prefixes typed on the way (three times each too), a search
// made once, and a search that finds its page are not listed.
func TestGapReportEndToEnd(t *testing.T) {
	cfg := gapConfig(t, true)
	base, stop := serveUntilDone(t, cfg)
	const gap, once, found = "zebra invoices", "quokka ledger", "customer upset"
	for range 3 {
		typeAndSubmit(t, base, gap)
		typeAndSubmit(t, base, found)
	}
	typeAndSubmit(t, base, once)
	stop() // the gap file is written at shutdown

	r := gapsJSON(t, "-config", cfg)
	if len(r.Gaps) != 1 {
		t.Fatalf("gaps = %+v, want only %q", r.Gaps, gap)
	}
	if got, want := r.Gaps[0].Entry, (gaps.Entry{Query: gap, Count: 3, Last: gaps.Day(time.Now())}); got != want {
		t.Errorf("gap = %+v, want %+v", got, want)
	}
	// What the report says is found today is what the build finds.
	today, err := playbookSite.openIndex(t).Search(context.Background(), searchindex.Query{Text: gap + " ", Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Gaps[0]; got.Found != today.Matched || (got.Nearest == nil) != (len(today.Hits) == 0) ||
		got.Nearest != nil && got.Nearest.URL != today.Hits[0].URL || !slices.Contains(got.Unknown, "zebra") {
		t.Errorf("found today %q, nearest %+v, unknown %v; the build finds %q, %d hits, corrected %v; and zebra is no word of the playbook",
			got.Found, got.Nearest, got.Unknown, today.Matched, len(today.Hits), today.Corrected)
	}
	if r.MinCount != 3 || r.Unlisted != 1 {
		t.Errorf("min_count = %d, unlisted = %d; want 3 and 1 (the search made once)", r.MinCount, r.Unlisted)
	}

	t.Run("text report", func(t *testing.T) {
		var out, errs bytes.Buffer
		if err := gapsCommand(context.Background(), []string{"-config", cfg, "-builds", playbookSite.dir}, &out, &errs); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"COUNT", "zebra invoices", "not in the playbook: ", "1 counted fewer times are not listed"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("report lacks %q:\n%s", want, out.String())
			}
		}
		if strings.Contains(out.String(), "quokka") {
			t.Errorf("a search made once is listed:\n%s", out.String())
		}
	})
	gapFile := filepath.Join(filepath.Dir(cfg), "gaps", "gaps.json")
	t.Run("replicas merged", func(t *testing.T) {
		b, _ := os.ReadFile(gapFile)
		other := filepath.Join(t.TempDir(), "replica2.json")
		os.WriteFile(other, b, 0o600)
		r := gapsJSON(t, "-config", cfg, "-min", "4", gapFile, other)
		if len(r.Gaps) != 1 || r.Gaps[0].Count != 6 || r.Gaps[0].Query != gap {
			t.Errorf("merged = %+v, want %q counted 6 times", r.Gaps, gap)
		}
		if len(r.Gaps) == 1 && r.Unlisted != 1 {
			t.Errorf("unlisted = %d, want 1: \"quokka ledger\" twice is below -min 4", r.Unlisted)
		}
	})
	t.Run("not a gap file", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "notes.json")
		os.WriteFile(bad, []byte(`{"notes": []}`), 0o600)
		err := gapsCommand(context.Background(), []string{"-config", cfg, bad}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "notes.json") || !strings.Contains(err.Error(), "gaps_file") {
			t.Errorf("err = %v, want it to name the file and say which files to give", err)
		}
	})
	t.Run("min below the setting", func(t *testing.T) {
		err := gapsCommand(context.Background(), []string{"-config", cfg, "-min", "1"}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "gaps_min_count = 3") {
			t.Errorf("-min 1: err = %v, want a refusal naming gaps_min_count", err)
		}
	})
	t.Run("reset", func(t *testing.T) {
		if err := gapsCommand(context.Background(), []string{"-config", cfg, "-reset"}, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		if es, err := gaps.Read(gapFile); err != nil || len(es) != 0 {
			t.Errorf("after -reset: %v (%v), want an empty gap file", es, err)
		}
		if r := gapsJSON(t, "-config", cfg); len(r.Gaps) != 0 || r.Unlisted != 0 {
			t.Errorf("report after -reset: %+v", r)
		}
	})
}

// TestGapsOffWritesNothing: with record_gaps off (the default), the same
// searches leave no file and no directory, and the report says how to turn
// counting on.
func TestGapsOffWritesNothing(t *testing.T) {
	cfg := gapConfig(t, false)
	base, stop := serveUntilDone(t, cfg)
	for range 3 {
		typeAndSubmit(t, base, "zebra invoices")
		getOK(t, base+"/api/search?settled=1&q=zebra+invoices")
	}
	stop()
	entries, err := os.ReadDir(filepath.Dir(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("with record_gaps off the directory holds %v, want only config.toml", names)
	}
	err = gapsCommand(context.Background(), []string{"-config", cfg}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "record_gaps = true") {
		t.Errorf("report with record_gaps off: err = %v, want how to turn it on", err)
	}
	if errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the error leaks the file system's wording: %v", err)
	}
}
