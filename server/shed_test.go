package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/buyin/playbook/internal/buildstore"
)

// storeForTest opens the store the package's external tests built (TestMain in
// server_test.go), found through the environment it sets.
func storeForTest(t *testing.T) *buildstore.Store {
	t.Helper()
	dir := os.Getenv("BUYIN_TEST_STORE")
	if dir == "" {
		t.Skip("no test store (run the whole package)")
	}
	store, err := buildstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return store
}

// TestBusyIsServiceUnavailableAtOnce fills every search slot: the next search
// is answered 503 with Retry-After at once, and other pages still answer.
func TestBusyIsServiceUnavailableAtOnce(t *testing.T) {
	s, err := New(Config{Store: storeForTest(t), MaxSearches: 2, Limits: Limits{MaxQueryBytes: 512, DefaultSize: 10, MaxSize: 50},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(time.Second)
	s.slots <- struct{}{}
	s.slots <- struct{}{}
	for _, p := range []string{"/api/search?q=lions", "/search/?q=lions"} {
		rec := httptest.NewRecorder()
		start := time.Now()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s with every slot taken: %d, Retry-After %q; want 503 with Retry-After", p, rec.Code, rec.Header().Get("Retry-After"))
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s waited %v for a slot; the excess must be answered at once", p, took)
		}
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 200 {
		t.Errorf("healthz while searches are full: %d", rec.Code)
	}
	<-s.slots
	<-s.slots
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/search?q=lions", nil))
	if rec.Code != 200 {
		t.Errorf("search with slots free again: %d", rec.Code)
	}
}

// TestClientGoneIsNotUnavailable checks that a search whose client left is
// logged as 499, not counted as the server failing.
func TestClientGoneIsNotUnavailable(t *testing.T) {
	var log strings.Builder
	s, err := New(Config{Store: storeForTest(t), Limits: Limits{MaxQueryBytes: 512, DefaultSize: 10, MaxSize: 50},
		Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/search?q=lions", nil).WithContext(ctx))
	if rec.Code == http.StatusServiceUnavailable || rec.Code >= 500 && rec.Code != statusClientGone {
		t.Errorf("code %d for a client that left", rec.Code)
	}
	if !strings.Contains(log.String(), "status=499") {
		t.Errorf("log does not record 499: %s", log.String())
	}
}
