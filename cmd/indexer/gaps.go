package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/internal/gaps"
	"github.com/buyin/playbook/searchindex"
	"github.com/buyin/playbook/settings"
)

// gapLine is one line of the gap report.
type gapLine struct {
	gaps.Entry
	// Found is how much of the query the current build finds today: the
	// API's matched ("all", "most", "any", "none"), or "" without a build.
	Found string `json:"found_today,omitempty"`
	// Nearest is the page the search finds first today, if any.
	Nearest *nearestPage `json:"nearest,omitempty"`
	// Unknown are the query's words the playbook does not have at all, not
	// even as a near spelling: a synonym or new content would add them.
	Unknown []string `json:"not_in_playbook,omitempty"`
}

type nearestPage struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// gapReport is what `indexer gaps -json` prints.
type gapReport struct {
	Files    []string  `json:"files"`
	MinCount int       `json:"min_count"`
	Gaps     []gapLine `json:"gaps"`
	// Unlisted is the number of queries counted fewer than MinCount times.
	Unlisted int `json:"unlisted"`
}

// gapsCommand is `indexer gaps [-json] [-reset] [-min N] [FILE...]`: the
// owners' report of what readers searched for and did not find.
func gapsCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("gaps", flag.ContinueOnError)
	flags.SetOutput(stderr)
	config := flags.String("config", "config.toml", "the site's config file")
	builds := flags.String("builds", "", "directory of builds, to find the nearest page today (default: [params.search] builds)")
	asJSON := flags.Bool("json", false, "print the report as JSON, for scripts")
	reset := flags.Bool("reset", false, "empty the gap files instead of reporting")
	minCount := flags.Int("min", 0, "list queries counted at least this many times (default and least: [params.search] gaps_min_count)")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: indexer gaps [-config FILE] [-builds DIR] [-json] [-reset] [-min N] [GAPFILE...]")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	s, err := settings.Load(*config)
	if err != nil {
		return err
	}
	if *builds != "" {
		s.Builds = *builds
	}
	files := flags.Args()
	if len(files) == 0 {
		files = []string{s.GapsFile}
	}
	if *reset {
		for _, f := range files {
			if err := gaps.Reset(f); err != nil {
				return fmt.Errorf("resetting the gap report: %w", err)
			}
			fmt.Fprintf(stderr, "indexer: emptied %s\n", f)
		}
		return nil
	}
	// The setting is a floor: a query counted fewer times is not shown to
	// anyone, by design, so that one person's search is never on a report.
	min := s.GapsMinCount
	if *minCount != 0 {
		if *minCount < s.GapsMinCount {
			return fmt.Errorf("-min %d is below gaps_min_count = %d in %s: queries searched fewer times are not listed; lower that setting if the owners agree", *minCount, s.GapsMinCount, *config)
		}
		min = *minCount
	}
	var lists [][]gaps.Entry
	for _, f := range files {
		es, err := gaps.Read(f)
		if errors.Is(err, fs.ErrNotExist) {
			if !s.RecordGaps && len(flags.Args()) == 0 {
				return fmt.Errorf("no gap file at %s: record_gaps is off in %s; set record_gaps = true under [params.search] and restart the server", f, *config)
			}
			return fmt.Errorf("no gap file at %s: nothing has been counted there yet (the server writes it once a minute and when it stops)", f)
		}
		if errors.Is(err, gaps.ErrCorrupt) {
			return fmt.Errorf("%w; name files a server wrote (gaps_file in config.toml); a server sets an unreadable one aside itself and starts afresh", err)
		}
		if err != nil {
			return err
		}
		lists = append(lists, es)
	}
	all := gaps.Merge(lists...)
	report := gapReport{Files: files, MinCount: min, Gaps: []gapLine{}}
	listed := gaps.Report(all, min)
	report.Unlisted = len(all) - len(listed)
	ix, err := openCurrentIndex(s)
	if err != nil {
		fmt.Fprintf(stderr, "indexer: %v; the report cannot say what the playbook finds today\n", err)
	} else {
		defer ix.Close()
	}
	for _, e := range listed {
		line := gapLine{Entry: e}
		if ix != nil {
			if err := line.findToday(ctx, ix); err != nil {
				return err
			}
		}
		report.Gaps = append(report.Gaps, line)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	return report.print(stdout)
}

// openCurrentIndex opens the index of the current build, read-only.
func openCurrentIndex(s settings.Search) (*searchindex.Index, error) {
	store, err := buildstore.Open(s.Builds)
	if err != nil {
		return nil, err
	}
	b, err := store.Current()
	if err != nil {
		return nil, err
	}
	return searchindex.Open(b.Index(), searchindex.Options{Timeout: s.Timeout.Duration})
}

// findToday searches the query as a reader would (a whole query: a trailing
// space ends the last word) and keeps what it finds first.
func (l *gapLine) findToday(ctx context.Context, ix *searchindex.Index) error {
	res, err := ix.Search(ctx, searchindex.Query{Text: l.Query + " ", Size: 1})
	if errors.Is(err, searchindex.ErrBadQuery) {
		l.Found = "none" // no words a search can use, "+++" say
		return nil
	}
	if err != nil {
		return fmt.Errorf("searching %q in the current build: %w", l.Query, err)
	}
	l.Found = res.Matched
	if len(res.Hits) > 0 {
		h := res.Hits[0]
		l.Nearest = &nearestPage{Title: h.Title, URL: h.URL}
		if h.Page != "" { // a section: its page's title says more than a heading
			l.Nearest.Title = h.Page + " › " + h.Title
		}
	}
	for word, fixes := range res.Corrected {
		if len(fixes) == 0 {
			l.Unknown = append(l.Unknown, word)
		}
	}
	slices.Sort(l.Unknown)
	return nil
}

// foundWords says in words what the API's matched says.
var foundWords = map[string]string{"all": "every word", "most": "most words", "any": "some words", "none": "nothing", "": "?"}

func (r gapReport) print(w io.Writer) error {
	if len(r.Gaps) == 0 {
		_, err := fmt.Fprintf(w, "No search was counted %d times or more (%d counted fewer times; they are not listed).\n", r.MinCount, r.Unlisted)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COUNT\tLAST SEEN\tSEARCH\tFOUND TODAY\tNEAREST PAGE TODAY")
	for _, g := range r.Gaps {
		nearest := "-"
		if g.Nearest != nil {
			nearest = g.Nearest.Title + " " + g.Nearest.URL
		}
		found := foundWords[g.Found]
		if len(g.Unknown) > 0 {
			found += " (not in the playbook: " + strings.Join(g.Unknown, ", ") + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", g.Count, g.Last, g.Query, found, nearest)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d searches counted %d times or more", len(r.Gaps), r.MinCount)
	if r.Unlisted > 0 {
		fmt.Fprintf(w, "; %d counted fewer times are not listed", r.Unlisted)
	}
	_, err := fmt.Fprintln(w, ".")
	return err
}
