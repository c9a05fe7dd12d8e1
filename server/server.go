// Package server serves the playbook: the built site, the search API, the
// server-rendered search page, the printable basket and a health check, all from
// the current build of a build store, switching to each new build as it is
// published without dropping or mixing a request.
//
// # Handlers
//
// New composes every handler in one place (Server.Handler): the routes on one
// mux, wrapped in the access log, the security headers and the choice of build.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/internal/gaps"
	"github.com/buyin/playbook/printsheet"
	"github.com/buyin/playbook/settings"
)

// Config is what the server needs.
type Config struct {
	// Store holds the builds; the server serves its current one.
	Store *buildstore.Store
	// Limits bound search requests.
	Limits Limits
	// SearchTimeout bounds each search.
	SearchTimeout time.Duration
	// MaxSearches is the number of searches run at once; more wait for a
	// slot. Zero means twice the number of CPUs.
	MaxSearches int
	// MaxWait is how long a search waits for a slot before it is refused
	// with 503 and Retry-After. Zero means DefaultMaxWait; negative, no wait.
	MaxWait time.Duration

	// Poll is how often the store is checked for a new build; zero means never.
	Poll time.Duration
	// LogQueries puts search text in the access log. Off by default: people
	// type sensitive things in meetings.
	LogQueries bool
	// Logger receives the access log and errors; nil means text on stderr.
	Logger *slog.Logger
	// Gaps counts settled searches that found too little (OpenGaps); nil
	// counts nothing.
	Gaps *gaps.Recorder
}

// ConfigFrom is the configuration [params.search] in config.toml gives, for
// the builds in store, logging to logger.
func ConfigFrom(s settings.Search, store *buildstore.Store, logger *slog.Logger) Config {
	return Config{
		Store:         store,
		Limits:        Limits{MaxQueryBytes: s.MaxQueryBytes, DefaultSize: s.DefaultSize, MaxSize: s.MaxSize},
		SearchTimeout: s.Timeout.Duration,
		MaxSearches:   s.MaxSearches,
		MaxWait:       s.MaxWait.Duration,
		Poll:          s.Poll.Duration,
		LogQueries:    s.LogQueries,
		Logger:        logger,
	}
}

// Defaults for Config.
const (
	// DefaultMaxWait is far below the search deadline and far above what a
	// search costs, so that a burst waits a few milliseconds instead of failing.
	DefaultMaxWait = 500 * time.Millisecond
)

// Limits bound what a search request may ask for.
type Limits struct {
	MaxQueryBytes int // longest q accepted
	DefaultSize   int // hits returned when size is absent
	MaxSize       int // size is capped to this
}

// Server serves the current build of a store.
type Server struct {
	cfg     Config
	log     *slog.Logger
	builds  builds
	slots   chan struct{} // one per search allowed to run at once
	handler http.Handler

	// buildErr is the last failed build's error, shown on every page while
	// an author works (serve -watch), until a build succeeds.
	buildErr atomic.Pointer[string]
	// fallback says why the server serves a build other than the current
	// one, for /healthz; nil when it serves the current build.
	fallback atomic.Pointer[string]
	// cut is set when Close's deadline passed and the connections left were
	// closed: the requests ended then are logged as cut at shutdown.
	cut atomic.Bool
	// inFlight counts requests being answered.
	inFlight atomic.Int64
	// switching orders Switch and Close: a switch either finishes before
	// Close closes the build, or does not start.
	switching sync.Mutex
	closing   bool

	srv       *http.Server
	ln        net.Listener
	cancel    context.CancelFunc
	done      chan struct{} // closed when Serve has returned
	watchDone chan struct{} // closed when the watcher has stopped
}

// New opens the store's current build and returns a server for it. If the
// current build cannot be opened, it serves the newest build that can, and
// says so in its log and in /healthz; if none can, it fails.
func New(cfg Config) (*Server, error) {
	if cfg.MaxSearches <= 0 {
		cfg.MaxSearches = 2 * runtime.GOMAXPROCS(0)
	}
	if cfg.SearchTimeout <= 0 {
		cfg.SearchTimeout = 2 * time.Second
	}
	if cfg.MaxWait == 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	s := &Server{cfg: cfg, log: newLogger(cfg.Logger), slots: make(chan struct{}, cfg.MaxSearches)}
	if err := s.start(); err != nil {
		return nil, err
	}
	s.handler = s.compose()
	return s, nil
}

// compose puts the handlers together: the one place that says what answers what.
func (s *Server) compose() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /api/search", s.compressed(s.searchAPI()))
	mux.HandleFunc("GET /api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSONError(w, http.StatusNotFound, "no such API endpoint; search is GET /api/search?q=...")
	})
	mux.Handle("GET /healthz", s.health())
	mux.Handle("GET /search/{$}", s.searchHTML()) // compresses its own answer
	mux.Handle("GET /basket/{$}", s.compressed(s.basket()))
	mux.Handle("GET /", s.static())
	return s.accessLog(securityHeaders(s.withBuild(methods(mux))))
}

// Handler is the server's whole handler, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// SetBuildError shows err on every page until it is cleared with nil: the last
// good build keeps serving, and the author sees at once what to fix.
func (s *Server) SetBuildError(err error) {
	if err == nil {
		s.buildErr.Store(nil)
		return
	}
	msg := err.Error()
	s.buildErr.Store(&msg)
}

// BuildID is the id of the build being served.
func (s *Server) BuildID() string { return s.builds.id() }

// TuneMemory readies the process's memory for serving, and is for a command
// to call once before Open: the garbage that start-up left (package
// initialisers, opening the index) is given back to the system. The collector
// keeps Go's default pace (GOGC 100): a search allocates about 21 kB now, and
// collecting twice as often (GOGC 50) cost a fifth of the searches a second
// to save 2-3 MB on the playbook and 10 MB at 10,000 questions (BENCHMARKS.md).
func TuneMemory() {
	runtime.GC()
	debug.FreeOSMemory()
}

// Open listens on addr (":0" picks a port; see Addr) and serves in the
// background. Listening happens before Open returns, so a bad or busy address
// is an error at once.
func (s *Server) Open(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.done = make(chan struct{})
	if s.cfg.Poll > 0 {
		s.watchDone = make(chan struct{})
		go func() {
			defer close(s.watchDone)
			s.watch(ctx, s.cfg.Poll)
		}()
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serving", "err", err)
		}
	}()
	return nil
}

// Addr is the address the server listens on, once open.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Close stops accepting requests, lets those in flight finish for up to
// drain (the drain setting), then closes the connections still open, and
// closes the build. Requests cut at the deadline are logged as such; cutting
// them is the end of a shutdown, not a failure of it.
func (s *Server) Close(drain time.Duration) error {
	s.switching.Lock()
	s.closing = true
	s.switching.Unlock()
	if s.srv != nil {
		s.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), drain)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			n := s.inFlight.Load()
			s.cut.Store(true)
			s.srv.Close()
			s.log.Warn("shutdown: drain deadline passed; cut the requests still in flight", "drain", drain, "requests", n)
		}
		<-s.done
		if s.watchDone != nil {
			<-s.watchDone // a switch in progress must not outlive the server
		}
	}
	s.builds.closeAll()
	return nil
}

// health answers /healthz: 200 when the server holds a build whose home page
// and index answer, with "ok", or "stale" when that is not the build the
// store's current link names (a new build not yet opened, or one that cannot
// be); 503 with the reason otherwise.
func (s *Server) health() http.Handler {
	type answer struct {
		Status  string `json:"status"`
		Build   string `json:"build"`
		Current string `json:"current,omitempty"`
		Reason  string `json:"reason,omitempty"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := buildOf(r)
		a := answer{Status: "ok", Build: b.id}
		cur, err := s.cfg.Store.Current()
		if err == nil {
			a.Current = cur.ID
		}
		code := http.StatusOK
		switch perr := b.probe(); {
		case perr != nil:
			code, a.Status, a.Reason = http.StatusServiceUnavailable, "unavailable", perr.Error()
		case err != nil:
			a.Status, a.Reason = "stale", err.Error()
		case a.Current != a.Build:
			a.Status, a.Reason = "stale", "current build not opened yet"
			if fb := s.fallback.Load(); fb != nil {
				a.Reason = *fb
			}
		}
		writeJSON(w, code, a)
	})
}

// basket serves printable card sheets of chosen questions from the build's
// all-cards page, so a shared basket URL works without JavaScript.
func (s *Server) basket() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printsheet.NewHandler(buildOf(r).root.ReadFile).ServeHTTP(w, r)
	})
}

// methods answers methods other than GET and HEAD with 405 for every route,
// with an Allow header, before any route sees the request.
func methods(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			w.Header().Set("Cache-Control", "no-store")
			if isAPI(r) {
				writeJSONError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; use GET")
				return
			}
			http.Error(w, "method not allowed; use GET", http.StatusMethodNotAllowed)
			return
		}
		h.ServeHTTP(w, r)
	})
}
