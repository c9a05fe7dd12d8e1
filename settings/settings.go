// Package settings reads the playbook's own settings from the [params.search] table
// of config.toml, the file Hugo reads too, so that one file configures the site
// and the search service.
package settings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/BurntSushi/toml"
)

// Search holds the settings under [params.search].
type Search struct {
	// Builds is the directory of builds (package buildstore): each build holds
	// a site and its index, and a link names the one being served.
	Builds string `toml:"builds"`
	// KeepBuilds is the number of builds kept, for rollback.
	KeepBuilds int `toml:"keep_builds"`
	// Addr is the host:port that serve listens on.
	Addr string `toml:"addr"`
	// MaxQueryBytes is the longest q accepted.
	MaxQueryBytes int `toml:"max_query_bytes"`
	// DefaultSize and MaxSize govern the number of hits per response.
	DefaultSize int `toml:"default_size"`
	MaxSize     int `toml:"max_size"`
	// Timeout bounds each search.
	Timeout Duration `toml:"timeout"`
	// MaxSearches is the number of searches run at once; 0 means twice the CPUs.
	MaxSearches int `toml:"max_searches"`
	// MaxWait is how long a search waits for a free slot before it is
	// refused with 503; well below Timeout.
	MaxWait Duration `toml:"max_wait"`
	// Drain is how long a server lets requests in flight finish when it is
	// stopped, before it cuts them; below the systemd unit's TimeoutStopSec.
	Drain Duration `toml:"drain"`
	// Poll is how often serve checks for a newly published build.
	Poll Duration `toml:"poll"`
	// LogQueries puts search text in the access log; off by default.
	LogQueries bool `toml:"log_queries"`
	// Synonyms are groups of words or phrases that a search treats as one.
	Synonyms [][]string `toml:"synonyms"`
	// RecordGaps counts settled searches that found too little, for the
	// owners' gap report (package gaps); off by default.
	RecordGaps bool `toml:"record_gaps"`
	// GapsFile is where the counts are kept; its directory must be writable
	// by the server.
	GapsFile string `toml:"gaps_file"`
	// GapsMinCount is the fewest counts a query needs to be reported.
	GapsMinCount int `toml:"gaps_min_count"`
	// GapsMaxEntries caps the queries kept; the oldest and rarest go first.
	GapsMaxEntries int `toml:"gaps_max_entries"`
}

// Duration is a time.Duration written in TOML as a string such as "2s".
type Duration struct{ time.Duration }

// UnmarshalText parses a duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("not a duration like \"2s\": %w", err)
	}
	d.Duration = v
	return nil
}

// Defaults are used for settings config.toml leaves out.
func Defaults() Search {
	return Search{
		Builds:        "builds",
		KeepBuilds:    3,
		Addr:          "127.0.0.1:8080",
		MaxQueryBytes: 512,
		DefaultSize:   10,
		MaxSize:       50,
		Timeout:       Duration{2 * time.Second},
		MaxWait:       Duration{500 * time.Millisecond},
		Drain:         Duration{10 * time.Second},
		Poll:          Duration{500 * time.Millisecond},
		// Beside builds/, not in it: builds are immutable, and a replica's
		// builds directory is read-only.
		GapsFile:       "gaps/gaps.json",
		GapsMinCount:   3,
		GapsMaxEntries: 10000,
	}
}

// Load reads [params.search] from the config file at path, filling in defaults.
// Relative directories are resolved against the directory holding the file.
func Load(path string) (Search, error) {
	var file struct {
		Params struct {
			Search Search `toml:"search"`
		} `toml:"params"`
	}
	file.Params.Search = Defaults()
	if _, err := toml.DecodeFile(path, &file); err != nil {
		return Search{}, fmt.Errorf("reading settings from %s: %w", path, err)
	}
	s := file.Params.Search
	if err := s.check(); err != nil {
		return Search{}, fmt.Errorf("%s: [params.search]: %w", path, err)
	}
	root := filepath.Dir(path)
	s.Builds = resolve(root, s.Builds)
	s.GapsFile = resolve(root, s.GapsFile)
	return s, nil
}

// LoadForBuilds is Load for the commands that only serve or handle builds
// (servebuilds, and indexer's rollback, publish and builds): with path "",
// it takes the defaults, since a replica has builds and no source. builds,
// when not empty, names the builds directory either way.
func LoadForBuilds(path, builds string) (Search, error) {
	s := Defaults()
	if path != "" {
		var err error
		if s, err = Load(path); err != nil {
			return Search{}, err
		}
	} else if builds == "" {
		return Search{}, errors.New("no config file and no builds directory: give -config FILE or -builds DIR")
	}
	if builds != "" {
		s.Builds = builds
	}
	return s, nil
}

// Optional is path, or "" when it was not given and no such file exists
// while builds names the builds directory: then LoadForBuilds takes the
// defaults instead of failing on a file nobody asked for.
func Optional(path string, given bool, builds string) string {
	if _, err := os.Stat(path); err != nil && !given && builds != "" {
		return ""
	}
	return path
}

func (s Search) check() error {
	var errs []error
	if s.Builds == "" {
		errs = append(errs, errors.New("builds must name a directory"))
	}
	if s.KeepBuilds < 1 {
		errs = append(errs, fmt.Errorf("keep_builds = %d: keep at least 1", s.KeepBuilds))
	}
	if s.MaxSearches < 0 {
		errs = append(errs, fmt.Errorf("max_searches = %d: must be 0 (twice the CPUs) or more", s.MaxSearches))
	}
	if s.Poll.Duration <= 0 {
		errs = append(errs, fmt.Errorf("poll = %q: must be positive", s.Poll.Duration))
	}
	if s.MaxQueryBytes < 1 {
		errs = append(errs, fmt.Errorf("max_query_bytes = %d: must be at least 1", s.MaxQueryBytes))
	}
	if s.MaxSize < 1 || s.DefaultSize < 1 || s.DefaultSize > s.MaxSize {
		errs = append(errs, fmt.Errorf("default_size = %d, max_size = %d: need 1 <= default_size <= max_size", s.DefaultSize, s.MaxSize))
	}
	if s.Timeout.Duration <= 0 {
		errs = append(errs, fmt.Errorf("timeout = %q: must be positive", s.Timeout.Duration))
	}
	if s.MaxWait.Duration < 0 || s.MaxWait.Duration >= s.Timeout.Duration {
		errs = append(errs, fmt.Errorf("max_wait = %q: must be 0 or more and below timeout (%s)", s.MaxWait.Duration, s.Timeout.Duration))
	}
	if s.Drain.Duration <= 0 {
		errs = append(errs, fmt.Errorf("drain = %q: must be positive", s.Drain.Duration))
	}
	if s.GapsFile == "" {
		errs = append(errs, errors.New("gaps_file must name a file, in a directory the server may write"))
	}
	if s.GapsMinCount < 1 {
		errs = append(errs, fmt.Errorf("gaps_min_count = %d: must be at least 1", s.GapsMinCount))
	}
	if s.GapsMaxEntries < 1 {
		errs = append(errs, fmt.Errorf("gaps_max_entries = %d: must be at least 1", s.GapsMaxEntries))
	}
	for i, g := range s.Synonyms {
		if len(g) < 2 {
			errs = append(errs, fmt.Errorf("synonyms group %d (%v): list at least two words that mean the same", i+1, g))
		}
	}
	return errors.Join(errs...)
}

func resolve(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}
