package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/internal/gaps"
	"github.com/buyin/playbook/searchindex"
)

func TestNoBuildSaysHowToPublish(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, []byte("[params.search]\n"), 0o644)
	err := run(context.Background(), cfg, filepath.Join(t.TempDir(), "builds"), "127.0.0.1:0", false)
	if err == nil || !strings.Contains(err.Error(), "indexer build") {
		t.Errorf("err = %v, want a pointer to indexer build", err)
	}
}

// TestHealthcheck is what the container's HEALTHCHECK runs: 0 for a 200,
// an error naming the answer otherwise.
func TestHealthcheck(t *testing.T) {
	for _, c := range []struct {
		code int
		ok   bool
	}{{200, true}, {503, false}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(c.code)
			fmt.Fprint(w, `{"status":"unavailable","reason":"no home page"}`)
		}))
		err := checkHealth(srv.URL+"/healthz", time.Second)
		srv.Close()
		if (err == nil) != c.ok || (err != nil && !strings.Contains(err.Error(), "no home page")) {
			t.Errorf("answer %d: err = %v", c.code, err)
		}
	}
	if err := checkHealth("http://127.0.0.1:1/healthz", time.Second); err == nil {
		t.Error("no server: no error")
	}
}

// publishSmallBuild publishes a build of one page into a new store: the real
// index and file layout, without Hugo, which this command does not link.
func publishSmallBuild(tb testing.TB, dir string) {
	tb.Helper()
	store, err := buildstore.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := store.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	page := `<!doctype html><title>Search</title><input name="q" value="{{q}}"><span hidden data-results-start></span><p>Type a question.</p><span hidden data-results-end></span>`
	os.MkdirAll(filepath.Join(st.Public(), "search"), 0o755)
	if err := os.WriteFile(filepath.Join(st.Public(), "search", "index.html"), []byte(page), 0o644); err != nil {
		tb.Fatal(err)
	}
	docs := []searchindex.Document{{ID: "/situations/customer-upset/", Type: "situation", Title: "The customer is upset", URL: "/situations/customer-upset/", Body: "An angry customer calls."}}
	if err := searchindex.Build(context.Background(), st.Index(), docs, searchindex.BuildOptions{}); err != nil {
		tb.Fatal(err)
	}
	if _, err := st.Publish("build"); err != nil {
		tb.Fatal(err)
	}
}

// TestGapsCountedAndWrittenAtShutdown: with record_gaps on, servebuilds counts
// a search submitted on the search page and writes the count when it stops;
// with it off, it writes nothing.
func TestGapsCountedAndWrittenAtShutdown(t *testing.T) {
	for _, record := range []bool{true, false} {
		t.Run(fmt.Sprint("record_gaps=", record), func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "config.toml")
			os.WriteFile(cfg, []byte(fmt.Sprintf("[params.search]\nrecord_gaps = %v\n", record)), 0o644)
			builds := filepath.Join(dir, "builds")
			publishSmallBuild(t, builds)
			ln, _ := net.Listen("tcp", "127.0.0.1:0")
			addr := ln.Addr().String()
			ln.Close()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- run(ctx, cfg, builds, addr, false) }()
			var code int
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if res, err := http.Get("http://" + addr + "/search/?q=Zebra+Invoices"); err == nil {
					res.Body.Close()
					code = res.StatusCode
					break
				}
			}
			if code != 200 {
				t.Fatalf("search page: %d", code)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			es, err := gaps.Read(filepath.Join(dir, "gaps", "gaps.json"))
			if !record {
				if _, serr := os.Stat(filepath.Join(dir, "gaps")); !errors.Is(serr, fs.ErrNotExist) {
					t.Errorf("record_gaps off left a gaps directory (%v)", serr)
				}
				return
			}
			if err != nil || len(es) != 1 || es[0].Query != "zebra invoices" || es[0].Count != 1 {
				t.Errorf("gap file = %+v (%v), want zebra invoices counted once", es, err)
			}
		})
	}
}
