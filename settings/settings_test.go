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
