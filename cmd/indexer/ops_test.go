package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/buyin/playbook/internal/buildstore"
)

// TestBuildRefusesASiteNoServerCanServe: a search page without its result
// markers passes Hugo, but no server could open the build: build refuses it,
// names the file, and current stays where it was.
func TestBuildRefusesASiteNoServerCanServe(t *testing.T) {
	root := copyProject(t)
	args := []string{"-config", filepath.Join(root, "config.toml"), "-builds", filepath.Join(root, "builds")}
	if err := run(context.Background(), "build", args, io.Discard); err != nil {
		t.Fatal(err)
	}
	store, _ := buildstore.Open(filepath.Join(root, "builds"))
	first, _ := store.Current()
	page := filepath.Join(root, "layouts", "search.html")
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.ReplaceAll(string(b), "<span hidden data-results-start></span>", "")
	if broken == string(b) {
		t.Fatal("layouts/search.html has no result marker to remove")
	}
	os.WriteFile(page, []byte(broken), 0o644)
	err = run(context.Background(), "build", args, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "search/index.html") || !strings.Contains(err.Error(), "refused") {
		t.Errorf("build of a site without result markers: err = %v, want a refusal naming search/index.html", err)
	}
	if cur, _ := store.Current(); cur.ID != first.ID {
		t.Errorf("a refused build moved current to %s", cur.ID)
	}
	if ids, _ := store.List(); len(ids) != 1 {
		t.Errorf("builds after a refused build: %v", ids)
	}
}

// TestPublishOnAReplica installs a build made elsewhere the way a rollout
// does: with -builds alone (a replica has no config.toml), checked against its
// manifest, under the same id; twice is harmless; an incomplete copy is
// refused and changes nothing; rollback and builds work without a config too.
func TestPublishOnAReplica(t *testing.T) {
	src := playbookSite.build
	replica := filepath.Join(t.TempDir(), "builds")
	publish := func(dir string) error {
		return run(context.Background(), "publish", []string{"-builds", replica, dir}, io.Discard)
	}
	if err := publish(src.Dir); err != nil {
		t.Fatalf("publish: %v", err)
	}
	store, _ := buildstore.Open(replica)
	if cur, err := store.Current(); err != nil || cur.ID != src.ID {
		t.Fatalf("current after publish = %v (%v), want the same id %s", cur.ID, err, src.ID)
	}
	if err := publish(src.Dir); err != nil {
		t.Errorf("publishing the same build again: %v", err)
	}
	if _, err := os.Stat(filepath.Join(replica, src.ID, src.ID)); err == nil {
		t.Error("publishing twice nested the build in itself")
	}
	if ids, _ := store.List(); len(ids) != 1 {
		t.Errorf("builds after publishing one twice: %v", ids)
	}

	// A copy cut short: its stylesheet missing and a page truncated.
	cut := filepath.Join(t.TempDir(), "20990101T000000.000000000Z")
	if err := os.CopyFS(cut, os.DirFS(src.Dir)); err != nil {
		t.Fatal(err)
	}
	info, _ := os.ReadFile(filepath.Join(cut, "build.json"))
	os.WriteFile(filepath.Join(cut, "build.json"), []byte(strings.ReplaceAll(string(info), src.ID, filepath.Base(cut))), 0o644)
	css, _ := filepath.Glob(filepath.Join(cut, "public", "css", "site.min.*.css"))
	if len(css) != 1 {
		t.Fatalf("stylesheets: %v", css)
	}
	os.Remove(css[0])
	os.WriteFile(filepath.Join(cut, "public", "index.html"), []byte("<html>"), 0o644)
	err := publish(cut)
	if err == nil || !strings.Contains(err.Error(), filepath.Base(css[0])+" is missing") || !strings.Contains(err.Error(), "public/index.html has") {
		t.Errorf("publish of an incomplete copy: err = %v, want the missing stylesheet and the short page named", err)
	}
	if cur, _ := store.Current(); cur.ID != src.ID {
		t.Errorf("a refused publish moved current to %s", cur.ID)
	}
	if ids, _ := store.List(); len(ids) != 1 {
		t.Errorf("builds after a refused publish: %v", ids)
	}
	if err := publish(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a build directory") {
		t.Errorf("publish of an empty directory: %v", err)
	}

	// A second good build, then rollback with -builds alone.
	second := filepath.Join(t.TempDir(), "20990101T000001.000000000Z")
	os.CopyFS(second, os.DirFS(src.Dir))
	os.WriteFile(filepath.Join(second, "build.json"), []byte(strings.ReplaceAll(string(info), src.ID, filepath.Base(second))), 0o644)
	if err := publish(second); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), "rollback", []string{"-builds", replica}, io.Discard); err != nil {
		t.Fatalf("rollback with -builds and no config.toml: %v", err)
	}
	if cur, _ := store.Current(); cur.ID != src.ID {
		t.Errorf("after rollback current = %s, want %s", cur.ID, src.ID)
	}
}

// TestBuildsListsWhyEachIsKept checks the listing an operator reads.
func TestBuildsListsWhyEachIsKept(t *testing.T) {
	replica := filepath.Join(t.TempDir(), "builds")
	if err := run(context.Background(), "publish", []string{"-builds", replica, playbookSite.build.Dir}, io.Discard); err != nil {
		t.Fatal(err)
	}
	r, w, _ := os.Pipe()
	stdout := os.Stdout
	os.Stdout = w
	err := run(context.Background(), "builds", []string{"-builds", replica}, io.Discard)
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{playbookSite.build.ID, "yes", "current", "DOCUMENTS"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("builds output lacks %q:\n%s", want, out)
		}
	}
}
