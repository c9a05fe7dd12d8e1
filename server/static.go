package server

import (
	"bytes"
	"html"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// contentTypes names the types of the files a Hugo site has, so that the answer
// never depends on the machine's mime tables or on sniffing.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".json":        "application/json; charset=utf-8",
	".xml":         "application/xml; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".ico":         "image/x-icon",
	".webmanifest": "application/manifest+json",
	".pdf":         "application/pdf",
	".woff2":       "font/woff2",
}

// fingerprinted matches names that Hugo Pipes' fingerprint gives assets
// (name.<sha256 hex>.ext): their content never changes under that name.
var fingerprinted = regexp.MustCompile(`\.[0-9a-f]{32,64}\.[a-z0-9]+$`)

// static serves the build's site. It never lists a directory, never leaves the
// site (os.Root refuses .. and symbolic links out of it), hides dotfiles,
// answers a missing page with the site's own 404 page, compresses text (once
// per file and build), and validates with ETag and Last-Modified.
func (s *Server) static() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := buildOf(r)
		p := path.Clean("/" + r.URL.Path)
		if hasDotSegment(p) {
			s.notFound(w, r, b)
			return
		}
		name := strings.TrimPrefix(p, "/")
		if name == "" {
			name = "."
		}
		f, err := b.root.Open(name)
		if err != nil && fingerprinted.MatchString(name) {
			f, err = s.fromKeptBuild(b, name)
		}
		if err != nil {
			s.notFound(w, r, b)
			return
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			s.notFound(w, r, b)
			return
		}
		if info.IsDir() {
			if !strings.HasSuffix(r.URL.Path, "/") {
				to := r.URL.Path + "/"
				if r.URL.RawQuery != "" {
					to += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, to, http.StatusMovedPermanently)
				return
			}
			f.Close()
			name = path.Join(name, "index.html")
			if f, err = b.root.Open(name); err != nil {
				s.notFound(w, r, b)
				return
			}
			defer f.Close()
			if info, err = f.Stat(); err != nil || !info.Mode().IsRegular() {
				s.notFound(w, r, b)
				return
			}
		}
		if !info.Mode().IsRegular() {
			s.notFound(w, r, b)
			return
		}
		h := w.Header()
		ext := path.Ext(name)
		ctype, ok := contentTypes[ext]
		if !ok {
			ctype = mime.TypeByExtension(ext)
		}
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		h.Set("Content-Type", ctype)
		if fingerprinted.MatchString(name) {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache") // revalidate: cheap with the ETag
		}
		if msg := s.buildErr.Load(); msg != nil && strings.HasPrefix(ctype, "text/html") {
			s.serveWithError(w, f, *msg)
			return
		}
		etag := `"` + strconv.FormatInt(info.Size(), 36) + "-" + strconv.FormatInt(info.ModTime().UnixNano(), 36) + `"`
		compress := compressible(ctype) && info.Size() > 1024 && acceptsGzip(r)
		h.Add("Vary", "Accept-Encoding")
		if !compress {
			h.Set("ETag", etag)
			http.ServeContent(w, r, name, info.ModTime(), f)
			return
		}
		// Compressed bodies have their own ETag, as RFC 9110 asks of encodings.
		h.Set("ETag", strings.TrimSuffix(etag, `"`)+`-gz"`)
		body, ok := b.gzipped.Load(name)
		if !ok {
			var raw []byte
			raw, err = io.ReadAll(f)
			if err == nil {
				raw, err = gzipBytes(raw)
			}
			if err != nil {
				s.log.Error("compressing", "file", name, "err", err)
				http.Error(w, "could not read the file", http.StatusInternalServerError)
				return
			}
			body, _ = b.gzipped.LoadOrStore(name, raw)
		}
		h.Set("Content-Encoding", "gzip")
		http.ServeContent(w, r, name, info.ModTime(), bytes.NewReader(body.([]byte)))
	})
}

// fromKeptBuild opens a fingerprinted asset that build b lacks from another
// build in the store. Its name says what it holds, so any build's copy is the
// right one: a page served by another replica, or before a switch, may ask
// for the stylesheet of its own build.
func (s *Server) fromKeptBuild(b *build, name string) (*os.File, error) {
	ids, err := s.cfg.Store.List()
	if err != nil {
		return nil, err
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if ids[i] == b.id {
			continue
		}
		if f, err := os.OpenInRoot(s.cfg.Store.Build(ids[i]).Public(), name); err == nil {
			return f, nil
		}
	}
	return nil, os.ErrNotExist
}

// serveWithError serves an HTML page with the last build's error at the top of
// its body, uncached, for an author running serve -watch.
func (s *Server) serveWithError(w http.ResponseWriter, f io.Reader, msg string) {
	page, err := io.ReadAll(f)
	if err != nil {
		http.Error(w, "could not read the page", http.StatusInternalServerError)
		return
	}
	banner := `<pre class="build-error" role="alert">The last build failed; this is the one before it.` + "\n" + html.EscapeString(msg) + "</pre>"
	if i := bytes.Index(page, []byte("<body")); i >= 0 {
		if j := bytes.IndexByte(page[i:], '>'); j >= 0 {
			k := i + j + 1
			page = append(page[:k:k], append([]byte(banner), page[k:]...)...)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Write(page)
}

func hasDotSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "json") ||
		strings.Contains(ctype, "xml") || strings.HasPrefix(ctype, "application/javascript")
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) != "gzip" {
			continue
		}
		if v, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if q, err := strconv.ParseFloat(v, 64); err == nil && q == 0 {
				return false // "gzip;q=0" refuses gzip
			}
		}
		return true
	}
	return false
}

// notFound answers with the site's 404 page.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, b *build) {
	if b.notFound == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusNotFound)
	w.Write(b.notFound)
}
