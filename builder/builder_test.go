package builder_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/buyin/playbook/builder"
	"github.com/buyin/playbook/internal/buildstore"
)

// TestBuildPublishesSiteAndIndexTogether builds the real playbook: one build
// holds the site, the index and build.json, and the search records are kept
// out of the site.
func TestBuildPublishesSiteAndIndexTogether(t *testing.T) {
	store, err := buildstore.Open(filepath.Join(t.TempDir(), "builds"))
	if err != nil {
		t.Fatal(err)
	}
	root, _ := filepath.Abs("..")
	res, err := builder.Build(context.Background(), builder.Config{Root: root, Store: store, Keep: 1})
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := store.Current()
	if cur.ID != res.ID || res.Documents < 100 {
		t.Fatalf("current %s, result %+v", cur.ID, res)
	}
	for _, p := range []string{"public/index.html", "index", "searchdocs.json"} {
		if _, err := os.Stat(filepath.Join(cur.Dir, p)); err != nil {
			t.Errorf("build lacks %s", p)
		}
	}
	if _, err := os.Stat(filepath.Join(cur.Public(), "searchdocs.json")); err == nil {
		t.Error("the search records are served with the site")
	}
	var info builder.Result
	b, _ := os.ReadFile(filepath.Join(cur.Dir, "build.json"))
	if err := json.Unmarshal(b, &info); err != nil || info.ID != res.ID || info.Documents != res.Documents {
		t.Errorf("build.json = %s (%v)", b, err)
	}
	for _, phase := range []string{"validate", "site", "index"} {
		if res.Phases[phase] <= 0 {
			t.Errorf("no time for phase %s: %v", phase, res.Phases)
		}
	}
	// Invalid content publishes nothing and says what is wrong.
	bad := t.TempDir()
	for _, name := range []string{"config.toml", "content", "data", "layouts", "static", "assets"} {
		if info, err := os.Stat(filepath.Join(root, name)); err == nil && info.IsDir() {
			os.CopyFS(filepath.Join(bad, name), os.DirFS(filepath.Join(root, name)))
		} else if err == nil {
			b, _ := os.ReadFile(filepath.Join(root, name))
			os.WriteFile(filepath.Join(bad, name), b, 0o644)
		}
	}
	os.WriteFile(filepath.Join(bad, "data", "questions", "zz.toml"), []byte("[[question]]\nid = \"Bad Id\"\n"), 0o644)
	if _, err := builder.Build(context.Background(), builder.Config{Root: bad, Store: store, Keep: 1}); err == nil || !strings.Contains(err.Error(), "zz.toml") {
		t.Errorf("invalid content: err = %v, want the file named", err)
	}
	if again, _ := store.Current(); again.ID != res.ID {
		t.Errorf("a failed build changed the current build to %s", again.ID)
	}
}
