package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// gzipPool holds writers for compressing answers: a gzip.Writer costs tens of
// kilobytes to make.
var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); return w }}

// gzipBytes compresses b.
func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzipPool.Get().(*gzip.Writer)
	defer gzipPool.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// minGzip is the smallest body worth compressing.
const minGzip = 1024

// compressed gives a generated answer (the search API, the search page, the
// basket) the rules static files follow: gzip when the client accepts it, and
// for a successful answer that may be cached (not no-store), an ETag from its
// content, so that a repeated request is answered 304. The answer is made
// whole in memory first: these answers are small.
func (s *Server) compressed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The handler sets its headers on w's own: nothing is sent until the
		// body is known.
		hd := w.Header()
		rec := &bufferedWriter{header: hd}
		h.ServeHTTP(rec, r)
		code := rec.code
		if code == 0 {
			code = http.StatusOK
		}
		if code == statusClientGone {
			w.WriteHeader(code)
			return
		}
		body := rec.body.Bytes()
		hd.Add("Vary", "Accept-Encoding")
		cacheable := code == http.StatusOK && !strings.Contains(hd.Get("Cache-Control"), "no-store")
		gz := acceptsGzip(r) && len(body) >= minGzip && compressible(hd.Get("Content-Type"))
		if cacheable {
			sum := sha256.Sum256(body)
			etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:12])
			if gz {
				etag += "-gz"
			}
			etag += `"`
			hd.Set("ETag", etag)
			if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
				hd.Del("Content-Length")
				hd.Del("Content-Type")
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		if gz {
			zb, err := gzipBytes(body)
			if err == nil {
				body = zb
				hd.Set("Content-Encoding", "gzip")
			}
		}
		hd.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(code)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
	})
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// bufferedWriter keeps an answer in memory.
type bufferedWriter struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	return b.body.Write(p)
}
