// Package server composes the playbook's HTTP service: the built site, the search
// API, the server-rendered search page and a health check, on one mux.
package server

import (
	"log"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/buyin/playbook/searchindex"
)

// Config is what the service needs.
type Config struct {
	// Public is the directory of the built site.
	Public string
	// Searcher answers searches; usually a *searchindex.Index.
	Searcher searchindex.Searcher
	// Limits bound search requests.
	Limits searchindex.Limits
}

// New returns the service's handler. Every route answers GET and HEAD; the mux
// answers other methods with 405 and an Allow header.
func New(cfg Config) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /api/search", searchindex.NewHandler(cfg.Searcher, cfg.Limits))
	mux.HandleFunc("GET /api/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error": "no such API endpoint; search is GET /api/search?q=..."}`, http.StatusNotFound)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /search/{$}", newSearchPage(cfg))
	mux.Handle("GET /", static(cfg.Public))
	return mux
}

// static serves the built site. Unlike http.FileServer it never lists a
// directory, and it answers a missing page with the site's own 404 page.
func static(root string) http.Handler {
	files := http.FileServer(http.Dir(root))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		full := filepath.Join(root, filepath.FromSlash(p))
		info, err := os.Stat(full)
		if err == nil && info.IsDir() {
			_, err = os.Stat(filepath.Join(full, "index.html"))
		}
		if err != nil || strings.Contains(p, "/.") {
			notFound(w, root)
			return
		}
		files.ServeHTTP(w, r)
	})
}

func notFound(w http.ResponseWriter, root string) {
	page, err := os.ReadFile(filepath.Join(root, "404.html"))
	if err != nil {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write(page)
}

// logf logs internal errors; the client sees only that something failed.
func logf(format string, args ...any) { log.Printf(format, args...) }
