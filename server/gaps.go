package server

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/buyin/playbook/internal/gaps"
	"github.com/buyin/playbook/searchindex"
	"github.com/buyin/playbook/settings"
)

// OpenGaps starts counting searches that find too little, as [params.search]
// says, for Config.Gaps; it is nil, counting nothing and writing nothing, when
// record_gaps is off. The caller closes it after the server, so that the last
// counts are written.
func OpenGaps(s settings.Search, logger *slog.Logger) *gaps.Recorder {
	if !s.RecordGaps {
		return nil
	}
	return gaps.Open(gaps.Options{Path: s.GapsFile, MaxEntries: s.GapsMaxEntries, Logger: logger})
}

// countGap counts the search in r for the gap report when it is one a person
// settled on and it found too little. page says whether r is for the whole
// search page, which a person loads by submitting a search (or by Enter
// without JavaScript); the page's script reports any other search it ran with
// settled=1 (after a pause in typing, or a click on a result). The searches
// run while a person types are not counted: they are prefixes on the way.
//
// Paging and filters are the same search again, narrowed: only the first page
// of an unfiltered search counts. HEAD is a link checker, not a reader.
func (s *Server) countGap(r *http.Request, vals url.Values, page bool, res *searchindex.Result) {
	if s.cfg.Gaps == nil || r.Method != http.MethodGet || !(page || vals.Get("settled") == "1") {
		return
	}
	if f := vals.Get("from"); f != "" && f != "0" {
		return
	}
	for _, field := range searchindex.FacetFields() {
		if len(vals[field]) > 0 {
			return
		}
	}
	if isGap(res) {
		s.cfg.Gaps.Count(vals.Get("q"))
	}
}

// isGap says whether a search found too little: nothing, or a best hit with
// fewer than most of the words (the API's matched).
func isGap(res *searchindex.Result) bool {
	return res.Matched == "none" || res.Matched == "any"
}
