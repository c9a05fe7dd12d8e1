package server

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// ContentSecurityPolicy is sent with every response. It allows nothing from
// another origin, no inline script or style, and no framing: the intranet site
// needs none of it.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets, on every response, the headers a reverse proxy would
// otherwise have to add.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", ContentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		// Revalidate unless the handler says otherwise: redirects and errors
		// included, so that no cache keeps an answer of one build for the next.
		hd.Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

type buildKey struct{}

// withBuild holds the current build for the whole request and names it in the
// X-Build header, so that every part of one response comes from one build.
func (s *Server) withBuild(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, release := s.builds.acquire()
		defer release()
		if b == nil {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "the server is shutting down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("X-Build", b.id)
		if lw, ok := w.(*logWriter); ok {
			lw.build = b.id
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), buildKey{}, b)))
	})
}

// buildOf is the build a request is served from.
func buildOf(r *http.Request) *build { return r.Context().Value(buildKey{}).(*build) }

// logWriter records what was answered, for the access log.
type logWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	build  string
}

func (w *logWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *logWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// statusClientGone is logged for a client that left before its answer (nginx's 499).
const statusClientGone = 499

// accessLog writes one line per request: method, path, status, size, latency
// and build. The query string is left out unless Config.LogQueries is set,
// since search text can be sensitive; the parameters' names are kept.
func (s *Server) accessLog(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		lw := &logWriter{ResponseWriter: w}
		s.inFlight.Add(1)
		defer func() {
			s.inFlight.Add(-1)
			if p := recover(); p != nil {
				// A panic is a bug: log it, answer 500 if nothing was sent, keep serving.
				s.log.Error("panic serving request", "path", r.URL.Path, "panic", p)
				if lw.status == 0 {
					lw.status = http.StatusInternalServerError
					http.Error(w, "internal error", http.StatusInternalServerError)
				}
			}
			status := lw.status
			if status == 0 {
				status = http.StatusOK
			}
			cut := s.cut.Load() && r.Context().Err() != nil
			if r.Context().Err() != nil && status != http.StatusServiceUnavailable && !cut {
				status = statusClientGone
			}
			attrs := []any{
				"method", r.Method,
				"path", r.URL.Path,
				"status", status,
				"bytes", lw.bytes,
				"ms", float64(time.Since(start).Microseconds()) / 1000,
				"build", lw.build,
			}
			if cut {
				attrs = append(attrs, "cut", "at shutdown")
			}
			if r.URL.RawQuery != "" {
				if s.cfg.LogQueries {
					attrs = append(attrs, "query", r.URL.RawQuery)
				} else {
					attrs = append(attrs, "params", paramNames(r))
				}
			}
			s.log.Info("request", attrs...)
		}()
		h.ServeHTTP(lw, r)
	})
}

// paramNames lists the names of the query parameters, without their values.
func paramNames(r *http.Request) string {
	var names []string
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if len(k) > 20 {
			k = k[:20]
		}
		names = append(names, k)
	}
	return strings.Join(names, ",")
}
