package buildstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/buyin/playbook/internal/buildstore"
)

func mustOpen(tb testing.TB) *buildstore.Store {
	tb.Helper()
	s, err := buildstore.Open(filepath.Join(tb.TempDir(), "builds"))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// publish makes a build holding one file that names it.
func publish(tb testing.TB, s *buildstore.Store) buildstore.Build {
	tb.Helper()
	st, err := s.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(st.Public(), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(st.Public(), "id"), []byte(st.ID), 0o644); err != nil {
		tb.Fatal(err)
	}
	b, err := st.Publish("build")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestPublishAndCurrent(t *testing.T) {
	s := mustOpen(t)
	if _, err := s.Current(); !errors.Is(err, buildstore.ErrNoBuild) {
		t.Fatalf("Current on an empty store: %v, want ErrNoBuild", err)
	}
	a := publish(t, s)
	b := publish(t, s)
	cur, err := s.Current()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cur.ID, b.ID; got != want {
		t.Errorf("current = %s, want the newest %s", got, want)
	}
	if got, _ := os.ReadFile(filepath.Join(cur.Public(), "id")); string(got) != b.ID {
		t.Errorf("current build's file says %q, want %q", got, b.ID)
	}
	if ids, _ := s.List(); !slices.Equal(ids, []string{a.ID, b.ID}) {
		t.Errorf("List = %v, want [%s %s]", ids, a.ID, b.ID)
	}
}

func TestDiscardLeavesNothing(t *testing.T) {
	s := mustOpen(t)
	a := publish(t, s)
	st, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(st.Dir, "half"), []byte("x"), 0o644)
	if err := st.Discard(); err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.Current(); cur.ID != a.ID {
		t.Errorf("current = %s after a discarded build, want %s", cur.ID, a.ID)
	}
	if ids, _ := s.List(); len(ids) != 1 {
		t.Errorf("List = %v, want only %s", ids, a.ID)
	}
}

func TestRollbackFollowsHistory(t *testing.T) {
	s := mustOpen(t)
	a := publish(t, s)
	b := publish(t, s)
	rollback := func(want buildstore.Build) {
		t.Helper()
		got, err := s.Rollback(nil)
		if err != nil {
			t.Fatalf("Rollback: %v", err)
		}
		if cur, _ := s.Current(); got.ID != want.ID || cur.ID != want.ID {
			t.Fatalf("Rollback = %s (current %s), want %s", got.ID, cur.ID, want.ID)
		}
	}
	rollback(a)
	c := publish(t, s)
	// By id order the build before c is b, the build rolled back from; by
	// history it is a, the build that was current before c.
	rollback(a)
	// The build current before a is now c: a second rollback undoes the first.
	rollback(c)
	// A build that no longer opens is skipped.
	refuse := func(x buildstore.Build) error {
		if x.ID == a.ID {
			return errors.New("broken")
		}
		return nil
	}
	got, err := s.Rollback(refuse)
	if err != nil || got.ID != b.ID {
		t.Fatalf("Rollback skipping %s = %s, %v; want %s", a.ID, got.ID, err, b.ID)
	}
	if _, err := s.Switch(c.ID, "rollback"); err != nil {
		t.Fatal(err)
	}
	j, err := s.Journal()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range j {
		ids = append(ids, e.ID+" "+e.How)
	}
	want := []string{a.ID + " build", b.ID + " build", a.ID + " rollback", c.ID + " build", a.ID + " rollback", c.ID + " rollback", b.ID + " rollback", c.ID + " rollback"}
	if !slices.Equal(ids, want) {
		t.Errorf("journal = %v, want %v", ids, want)
	}
}

func TestRollbackWithNothingBefore(t *testing.T) {
	s := mustOpen(t)
	publish(t, s)
	if _, err := s.Rollback(nil); !errors.Is(err, buildstore.ErrNoBuild) {
		t.Errorf("Rollback with one build: %v, want ErrNoBuild", err)
	}
}

// TestPruneKeepsWhatMayBeServed is the repro of a build after two rollbacks:
// with keep 1, the rollback target and every held build must survive.
func TestPruneKeepsWhatMayBeServed(t *testing.T) {
	s := mustOpen(t)
	a := publish(t, s)
	b := publish(t, s)
	if _, err := s.Rollback(nil); err != nil { // a
		t.Fatal(err)
	}
	if _, err := s.Rollback(nil); err != nil { // b
		t.Fatal(err)
	}
	release, err := s.Hold(b) // a server still serves b
	if err != nil {
		t.Fatal(err)
	}
	c := publish(t, s)
	d := publish(t, s)
	if err := s.Prune(1); err != nil {
		t.Fatal(err)
	}
	ids, _ := s.List()
	// d current, c its rollback target, b held, a free to go.
	if want := []string{b.ID, c.ID, d.ID}; !slices.Equal(ids, want) {
		t.Errorf("after Prune(1): %v, want %v", ids, want)
	}
	kept, _ := s.Keeping(1)
	for _, k := range kept {
		if k.ID == b.ID && !slices.Contains(k.Reasons, "held by a server") {
			t.Errorf("Keeping says %v for the held build", k.Reasons)
		}
	}
	release()
	if err := s.Prune(1); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.List(); !slices.Equal(ids, []string{c.ID, d.ID}) {
		t.Errorf("after release and Prune(1): %v, want [%s %s]", ids, c.ID, d.ID)
	}
	if _, err := s.Hold(a); err == nil {
		t.Error("Hold of a removed build succeeded")
	}
}

// TestBeginClearsLeftovers: a killed build's staging directory is removed
// when the next build starts, not only after it succeeds.
func TestBeginClearsLeftovers(t *testing.T) {
	s := mustOpen(t)
	st, _ := s.Begin()
	os.WriteFile(filepath.Join(st.Dir, "big"), make([]byte, 1<<20), 0o644)
	if _, err := s.Begin(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftover staging directory %s survived Begin", st.Dir)
	}
}

func TestPublishSameIDReplaces(t *testing.T) {
	s := mustOpen(t)
	a := publish(t, s)
	st, err := s.BeginID(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(st.Public(), 0o755)
	os.WriteFile(filepath.Join(st.Public(), "id"), []byte("again"), 0o644)
	b, err := st.Publish("publish")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(b.Public(), "id")); string(got) != "again" {
		t.Errorf("file after republishing = %q", got)
	}
	if _, err := os.Stat(filepath.Join(b.Dir, a.ID)); err == nil {
		t.Error("republishing nested the build in itself")
	}
	for _, bad := range []string{"", "current", ".tmp-x", "a/b", "..", "journal"} {
		if _, err := s.BeginID(bad); err == nil {
			t.Errorf("BeginID(%q) succeeded", bad)
		}
	}
}

func TestManifest(t *testing.T) {
	s := mustOpen(t)
	b := publish(t, s)
	os.MkdirAll(b.Index(), 0o700)
	os.WriteFile(filepath.Join(b.Index(), "store"), []byte("index data"), 0o600)
	files, err := buildstore.Manifest(b.Dir, "build.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Path != "index/store" || files[0].SHA256 == "" {
		t.Fatalf("manifest = %+v", files)
	}
	if info, _ := os.Stat(filepath.Join(b.Index(), "store")); info.Mode().Perm()&0o040 == 0 {
		t.Errorf("index file mode %v: not readable by the group", info.Mode())
	}
	if err := buildstore.Verify(b.Dir, "build.json", files); err != nil {
		t.Fatalf("Verify of the build itself: %v", err)
	}
	for _, c := range []struct {
		name, want string
		change     func()
		undo       func()
	}{
		{"missing", "public/id is missing",
			func() { os.Rename(filepath.Join(b.Public(), "id"), filepath.Join(b.Dir, "id.bak")) },
			func() { os.Rename(filepath.Join(b.Dir, "id.bak"), filepath.Join(b.Public(), "id")) }},
		{"cut short", "index/store has 4 bytes",
			func() { os.WriteFile(filepath.Join(b.Index(), "store"), []byte("inde"), 0o640) },
			func() { os.WriteFile(filepath.Join(b.Index(), "store"), []byte("index data"), 0o640) }},
		{"changed", "index/store differs",
			func() { os.WriteFile(filepath.Join(b.Index(), "store"), []byte("INDEX DATA"), 0o640) },
			func() { os.WriteFile(filepath.Join(b.Index(), "store"), []byte("index data"), 0o640) }},
		{"extra", "public/stray is not in the manifest",
			func() { os.WriteFile(filepath.Join(b.Public(), "stray"), nil, 0o640) },
			func() { os.Remove(filepath.Join(b.Public(), "stray")) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.change()
			defer c.undo()
			err := buildstore.Verify(b.Dir, "build.json", files)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Verify = %v, want an error saying %q", err, c.want)
			}
		})
	}
	if err := buildstore.Verify(b.Dir, "build.json", nil); err == nil {
		t.Error("Verify without a manifest succeeded")
	}
}

func TestLockExcludes(t *testing.T) {
	s := mustOpen(t)
	unlock, err := s.Lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := s.Lock(ctx); !errors.Is(err, buildstore.ErrLocked) {
		t.Errorf("second Lock while held: %v, want ErrLocked", err)
	}
	unlock()
	unlock2, err := s.Lock(context.Background())
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	unlock2()
}

// TestHoldWaitsOutAProbe: a server opening a build while pruning or
// `indexer builds` checks whether it is held must get it, not an error.
func TestHoldWaitsOutAProbe(t *testing.T) {
	s := mustOpen(t)
	old := publish(t, s)
	publish(t, s)
	publish(t, s)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				s.Keeping(1) // probes old, which nothing else keeps
			}
		}
	}()
	failed := 0
	for range 2000 {
		release, err := s.Hold(old)
		if err != nil {
			failed++
			continue
		}
		release()
	}
	close(stop)
	<-done
	if failed > 0 {
		t.Errorf("Hold failed %d times of 2000 while another process probed the build", failed)
	}
}
