package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNoBuildSaysHowToPublish(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, []byte("[params.search]\n"), 0o644)
	err := run(context.Background(), cfg, filepath.Join(t.TempDir(), "builds"), "127.0.0.1:0", false)
	if err == nil || !strings.Contains(err.Error(), "indexer build") {
		t.Errorf("err = %v, want a pointer to indexer build", err)
	}
}
