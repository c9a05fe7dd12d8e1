package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/buyin/playbook/playbook"
)

// TestGeneratedBankIsValid makes a small generated playbook and validates it
// with the build's own rules: no near-duplicate, every reference known.
func TestGeneratedBankIsValid(t *testing.T) {
	out := filepath.Join(t.TempDir(), "corpus")
	if err := run("../..", out, 300, false, 0, 7); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "data", "questions", "generated.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "[[question]]"); n != 300 {
		t.Errorf("%d questions generated, want 300", n)
	}
	if err := playbook.Validate(os.DirFS(out)); err != nil {
		t.Errorf("the generated playbook does not validate: %v", err)
	}
	if err := run("../..", out, 1, false, 0, 7); err == nil {
		t.Error("writing over an existing directory was not refused")
	}
}
