package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
