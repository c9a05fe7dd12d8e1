package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/buyin/playbook/searchindex"
)

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeWatch edits the content under a running serve -watch: a new question
// becomes searchable, a broken file is shown on the pages while the last good
// build keeps serving, and SIGTERM (here, the context) ends serve cleanly.
func TestServeWatch(t *testing.T) {
	root := copyProject(t)
	cfg := filepath.Join(root, "config.toml")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, "serve", []string{"-config", cfg, "-builds", filepath.Join(root, "builds"), "-addr", addr, "-watch"}, io.Discard)
	}()
	base := "http://" + addr
	waitFor(t, "the server to answer", func() bool {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	})
	found := func(text string) bool {
		res, err := http.Get(base + "/api/search?q=" + url.QueryEscape(text+" "))
		if err != nil {
			return false
		}
		defer res.Body.Close()
		var r searchindex.Result
		json.NewDecoder(res.Body).Decode(&r)
		return len(r.Hits) > 0 && strings.Contains(strings.ToLower(r.Hits[0].Title), text)
	}
	if found("zeppelin") {
		t.Fatal("the new question is found before it is written")
	}

	bank := filepath.Join(root, "data", "questions", "golden-question.toml")
	orig, err := os.ReadFile(bank)
	if err != nil {
		t.Fatal(err)
	}
	// Three edits, each a new question, timed from the write to the first
	// search that finds it (the time is logged, not asserted: see BENCHMARKS.md).
	added := string(orig)
	var took []time.Duration
	for _, word := range []string{"zeppelin", "dirigible", "airship"} {
		added += "\n[[question]]\nid = \"watch-" + word + "\"\ntext = \"Would a " + word + " get this idea off the ground?\"\n" +
			"why = \"A test question.\"\nstage = [\"getting-unstuck\"]\naudience = [\"peers\"]\ntechnique = \"golden-question\"\nsituations = [\"im-stuck\"]\nsource = \"house\"\n"
		start := time.Now()
		if err := os.WriteFile(bank, []byte(added), 0o644); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the new question in search", func() bool { return found(word) })
		took = append(took, time.Since(start).Round(time.Millisecond))
	}
	t.Logf("edit searchable after %v (median %v)", took, slices.Sorted(slices.Values(took))[1])

	// A broken edit: the last good build keeps serving, and pages say why.
	if err := os.WriteFile(bank, []byte(added+"\n[[question]]\nid = \"broken\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the build error on the home page", func() bool {
		res, err := http.Get(base + "/")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return strings.Contains(string(b), "The last build failed") && strings.Contains(string(b), "golden-question.toml")
	})
	if !found("zeppelin") {
		t.Error("after a failed build, the last good build no longer answers")
	}
	// Fixed again: the banner goes.
	os.WriteFile(bank, []byte(added), 0o644)
	waitFor(t, "the error to clear", func() bool {
		res, err := http.Get(base + "/")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return !strings.Contains(string(b), "The last build failed")
	})

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve ended with %v, want a clean exit", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func waitFor(tb testing.TB, what string, ok func() bool) {
	tb.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
