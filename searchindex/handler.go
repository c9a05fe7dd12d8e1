package searchindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"
)

// Searcher answers queries. *Index is one; the HTTP layer depends only on this.
type Searcher interface {
	Search(ctx context.Context, q Query) (*Result, error)
}

// Limits bound what a request may ask for.
type Limits struct {
	MaxQueryBytes int // longest q accepted
	DefaultSize   int // hits returned when size is absent
	MaxSize       int // size is capped to this
}

// Limits on filters and paging that need no configuration: they stop abuse, not use.
const (
	maxFilterValues = 20
	maxFilterBytes  = 100
	maxFrom         = 1000
)

// ParseQuery reads a search from URL parameters: q (required), type, stage,
// audience and technique (repeatable filters), size and from. Errors wrap ErrBadQuery
// and name the parameter at fault.
func ParseQuery(rawQuery string, lim Limits) (Query, error) {
	vals, err := url.ParseQuery(rawQuery)
	if err != nil {
		return Query{}, fmt.Errorf("%w: malformed query string: %v", ErrBadQuery, err)
	}
	q := Query{Text: vals.Get("q"), Size: lim.DefaultSize, Filters: map[string][]string{}}
	switch {
	case q.Text == "":
		return Query{}, fmt.Errorf("%w: parameter q is missing or empty: say what to search for, as in ?q=customer+upset", ErrBadQuery)
	case len(q.Text) > lim.MaxQueryBytes:
		return Query{}, fmt.Errorf("%w: parameter q is %d bytes; the limit is %d", ErrBadQuery, len(q.Text), lim.MaxQueryBytes)
	case !utf8.ValidString(q.Text):
		return Query{}, fmt.Errorf("%w: parameter q is not valid UTF-8", ErrBadQuery)
	}
	for _, field := range facetFields {
		values := vals[field]
		if len(values) > maxFilterValues {
			return Query{}, fmt.Errorf("%w: parameter %s is given %d times; the limit is %d", ErrBadQuery, field, len(values), maxFilterValues)
		}
		for _, v := range values {
			if v == "" || len(v) > maxFilterBytes || !utf8.ValidString(v) {
				return Query{}, fmt.Errorf("%w: parameter %s has an empty, invalid or overlong value", ErrBadQuery, field)
			}
			q.Filters[field] = append(q.Filters[field], v)
		}
	}
	if s := vals.Get("size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return Query{}, fmt.Errorf("%w: parameter size must be a whole number from 1 to %d", ErrBadQuery, lim.MaxSize)
		}
		q.Size = min(n, lim.MaxSize)
	}
	if s := vals.Get("from"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > maxFrom {
			return Query{}, fmt.Errorf("%w: parameter from must be a whole number from 0 to %d", ErrBadQuery, maxFrom)
		}
		q.From = n
	}
	return q, nil
}

// NewHandler returns the handler for GET /api/search.
func NewHandler(s Searcher, lim Limits) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := ParseQuery(r.URL.RawQuery, lim)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		res, err := s.Search(r.Context(), q)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, res)
	})
}

// StatusOf maps an error from this package to an HTTP status.
func StatusOf(err error) int {
	switch {
	case errors.Is(err, ErrBadQuery):
		return http.StatusBadRequest
	case errors.Is(err, ErrTimeout):
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// WriteError answers with {"error": "..."} and the status for err. Only internal
// errors are logged, and their details are not shown to the client.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	code := StatusOf(err)
	msg := err.Error()
	if code == http.StatusInternalServerError {
		log.Printf("%s %s: %v", r.Method, r.URL.Path, err)
		msg = "internal error: the search failed; it has been logged"
	}
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
