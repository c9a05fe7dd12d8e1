package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/buyin/playbook/searchindex"
)

// Limits on filters and paging that need no configuration: they stop abuse, not use.
const (
	maxFilterValues = 20
	maxFilterBytes  = 100
	maxFrom         = 1000
)

// errBusy reports that every search slot is taken.
var errBusy = errors.New("the server is busy with other searches; try again in a second")

// parseQuery reads a search from URL parameters: q (required), type, stage,
// audience and technique (repeatable filters), size, from and facets. Other
// parameters (a tracking tag, say) are ignored. Errors wrap
// searchindex.ErrBadQuery and name the parameter at fault.
func parseQuery(vals url.Values, lim Limits) (searchindex.Query, error) {
	bad := func(format string, args ...any) (searchindex.Query, error) {
		return searchindex.Query{}, fmt.Errorf("%w: "+format, append([]any{searchindex.ErrBadQuery}, args...)...)
	}
	q := searchindex.Query{Text: vals.Get("q"), Size: lim.DefaultSize, Filters: map[string][]string{}}
	switch {
	case strings.TrimSpace(q.Text) == "":
		return bad("parameter q is missing or empty: say what to search for, as in ?q=customer+upset")
	case len(q.Text) > lim.MaxQueryBytes:
		return bad("parameter q is %d bytes; the limit is %d", len(q.Text), lim.MaxQueryBytes)
	case !utf8.ValidString(q.Text):
		return bad("parameter q is not valid UTF-8")
	}
	for _, field := range searchindex.FacetFields() {
		values := vals[field]
		if len(values) > maxFilterValues {
			return bad("parameter %s is given %d times; the limit is %d", field, len(values), maxFilterValues)
		}
		for _, v := range values {
			if v == "" || len(v) > maxFilterBytes || !utf8.ValidString(v) {
				return bad("parameter %s has an empty, invalid or overlong value", field)
			}
			q.Filters[field] = append(q.Filters[field], v)
		}
	}
	if s := vals.Get("size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return bad("parameter size must be a whole number from 1 to %d", lim.MaxSize)
		}
		q.Size = min(n, lim.MaxSize)
	}
	if s := vals.Get("from"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > maxFrom {
			return bad("parameter from must be a whole number from 0 to %d", maxFrom)
		}
		q.From = n
	}
	switch f := vals.Get("facets"); f {
	case "", "0", "false":
	case "1", "true":
		q.Facets = true
	default:
		return bad("parameter facets must be true or false, not %q", f)
	}
	return q, nil
}

// search runs q on the request's build once a search slot is free. A search
// waits for a slot for up to Config.MaxWait: searches take a millisecond or
// two, so a burst is served a few milliseconds late instead of refused. Only
// a search still waiting then is refused (503, Retry-After).
func (s *Server) search(r *http.Request, q searchindex.Query) (*searchindex.Result, error) {
	select {
	case s.slots <- struct{}{}:
	default:
		if s.cfg.MaxWait < 0 {
			return nil, errBusy
		}
		t := time.NewTimer(s.cfg.MaxWait)
		select {
		case s.slots <- struct{}{}:
			t.Stop()
		case <-t.C:
			return nil, errBusy
		case <-r.Context().Done():
			t.Stop()
			return nil, r.Context().Err()
		}
	}
	defer func() { <-s.slots }()
	return buildOf(r).index.Search(r.Context(), q)
}

// statusOf maps an error of a search to an HTTP status: the one place that does.
func statusOf(err error) int {
	switch {
	case errors.Is(err, searchindex.ErrBadQuery):
		return http.StatusBadRequest
	case errors.Is(err, context.Canceled):
		return statusClientGone
	case errors.Is(err, errBusy), errors.Is(err, searchindex.ErrTimeout):
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// message is what the client is told about err: internal errors are logged
// and not described.
func (s *Server) message(r *http.Request, err error) string {
	if statusOf(err) == http.StatusInternalServerError {
		s.log.Error("search failed", "path", r.URL.Path, "err", err)
		return "internal error: the search failed; it has been logged"
	}
	return err.Error()
}

// searchAPI answers GET /api/search with JSON.
func (s *Server) searchAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		vals, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			writeJSONError(w, http.StatusBadRequest, "malformed query string: "+err.Error())
			return
		}
		q, err := parseQuery(vals, s.cfg.Limits)
		var res *searchindex.Result
		if err == nil {
			res, err = s.search(r, q)
		}
		if err != nil {
			code := statusOf(err)
			if code == statusClientGone {
				w.WriteHeader(code) // nobody is reading; the access log says 499
				return
			}
			if code == http.StatusServiceUnavailable {
				w.Header().Set("Retry-After", "1")
			}
			writeJSONError(w, code, s.message(r, err))
			return
		}
		s.countGap(r, vals, false, res)
		writeJSON(w, http.StatusOK, res)
	})
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":"internal error: could not encode the answer"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// writeJSONError answers {"error": msg}.
func writeJSONError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
