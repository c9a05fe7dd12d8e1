package settings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/buyin/playbook/settings"
)

func write(tb testing.TB, body string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestLoadDefaultsAndResolves(t *testing.T) {
	path := write(t, "title = \"x\"\n[params.search]\n  timeout = \"3s\"\n  synonyms = [[\"a\", \"b\"]]\n")
	s, err := settings.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Builds, filepath.Join(filepath.Dir(path), "builds"); got != want {
		t.Errorf("Builds = %q, want %q (relative to the config file)", got, want)
	}
	if s.Timeout.Duration != 3*time.Second || s.MaxSize != 50 || s.KeepBuilds != 3 || s.LogQueries {
		t.Errorf("settings %+v: want timeout 3s and the defaults", s)
	}
	if got, want := s.GapsFile, filepath.Join(filepath.Dir(path), "gaps", "gaps.json"); got != want {
		t.Errorf("GapsFile = %q, want %q (beside builds)", got, want)
	}
	if s.RecordGaps || s.GapsMinCount != 3 || s.GapsMaxEntries != 10000 {
		t.Errorf("gap settings %v %d %d: want off, 3 and 10000", s.RecordGaps, s.GapsMinCount, s.GapsMaxEntries)
	}
	if len(s.Synonyms) != 1 {
		t.Errorf("synonyms = %v", s.Synonyms)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"bad duration", "[params.search]\ntimeout = \"soon\"", "duration"},
		{"sizes", "[params.search]\ndefault_size = 60\nmax_size = 50", "default_size"},
		{"lonely synonym", "[params.search]\nsynonyms = [[\"alone\"]]", "at least two"},
		{"keep none", "[params.search]\nkeep_builds = 0", "keep_builds"},
		{"not toml", "[params.search\n", "config.toml"},
		{"gaps min", "[params.search]\ngaps_min_count = 0", "gaps_min_count"},
		{"gaps cap", "[params.search]\ngaps_max_entries = -1", "gaps_max_entries"},
		{"gaps file", "[params.search]\ngaps_file = \"\"", "gaps_file"},
		{"gaps switch", "[params.search]\nrecord_gaps = \"yes\"", "record_gaps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := settings.Load(write(t, tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestRealConfigLoads(t *testing.T) {
	s, err := settings.Load("../config.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Synonyms) < 10 {
		t.Errorf("%d synonym groups in config.toml; expected the playbook's", len(s.Synonyms))
	}
}

func TestGapSettings(t *testing.T) {
	path := write(t, "[params.search]\nrecord_gaps = true\ngaps_file = \"/var/lib/buyin/gaps.json\"\ngaps_min_count = 5\ngaps_max_entries = 20\n")
	s, err := settings.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !s.RecordGaps || s.GapsFile != "/var/lib/buyin/gaps.json" || s.GapsMinCount != 5 || s.GapsMaxEntries != 20 {
		t.Errorf("gap settings = %v %q %d %d, want true, the absolute path, 5 and 20", s.RecordGaps, s.GapsFile, s.GapsMinCount, s.GapsMaxEntries)
	}
}

// TestLoadForBuilds: a replica with builds and no config file starts on the
// defaults; a config file that was asked for and is missing is an error.
func TestLoadForBuilds(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "config.toml")
	for _, c := range []struct {
		name    string
		given   bool
		builds  string
		wantErr bool
	}{
		{"builds alone", false, "/srv/b", false},
		{"config asked for and missing", true, "/srv/b", true},
		{"neither", false, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := settings.LoadForBuilds(settings.Optional(missing, c.given, c.builds), c.builds)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if err == nil && (s.Builds != c.builds || s.KeepBuilds != settings.Defaults().KeepBuilds) {
				t.Errorf("settings = %+v, want the defaults with builds %s", s, c.builds)
			}
		})
	}
}
