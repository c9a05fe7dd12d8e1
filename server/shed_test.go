package server

import (
	"context"
	"fmt"
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

// TestBusySearchWaitsThenIsRefused fills every search slot. A search waits
// for a slot for up to MaxWait: one freed within that time answers 200; one
// still waiting then is answered 503 with Retry-After; with no wait allowed,
// 503 comes at once. Other pages answer all the while.
func TestBusySearchWaitsThenIsRefused(t *testing.T) {
	newServer := func(wait time.Duration) *Server {
		s, err := New(Config{Store: storeForTest(t), MaxSearches: 2, MaxWait: wait, Limits: Limits{MaxQueryBytes: 512, DefaultSize: 10, MaxSize: 50},
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close(time.Second) })
		s.slots <- struct{}{}
		s.slots <- struct{}{}
		return s
	}
	get := func(s *Server, p string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		return rec
	}

	t.Run("a slot freed while waiting", func(t *testing.T) {
		s := newServer(5 * time.Second)
		go func() {
			time.Sleep(50 * time.Millisecond)
			<-s.slots
		}()
		if rec := get(s, "/api/search?q=lions"); rec.Code != 200 {
			t.Errorf("search that could wait for a slot: %d %s; want 200", rec.Code, rec.Body)
		}
	})
	for _, wait := range []time.Duration{50 * time.Millisecond, -1} {
		t.Run(fmt.Sprintf("wait %v", wait), func(t *testing.T) {
			s := newServer(wait)
			for _, p := range []string{"/api/search?q=lions", "/search/?q=lions"} {
				rec := get(s, p)
				if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
					t.Errorf("%s with every slot taken: %d, Retry-After %q; want 503 with Retry-After", p, rec.Code, rec.Header().Get("Retry-After"))
				}
			}
			if rec := get(s, "/healthz"); rec.Code != 200 {
				t.Errorf("healthz while searches are full: %d", rec.Code)
			}
			<-s.slots
			if rec := get(s, "/api/search?q=lions"); rec.Code != 200 {
				t.Errorf("search with a slot free again: %d", rec.Code)
			}
		})
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
