package buildstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
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
	b, err := st.Publish()
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

func TestRollbackAndPrune(t *testing.T) {
	s := mustOpen(t)
	var bs []buildstore.Build
	for range 4 {
		bs = append(bs, publish(t, s))
	}
	// A build that died half-way is cleared by Prune.
	st, _ := s.Begin()
	if err := s.Prune(2); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unfinished build %s survived Prune", st.Dir)
	}
	if ids, _ := s.List(); !slices.Equal(ids, []string{bs[2].ID, bs[3].ID}) {
		t.Errorf("after Prune(2): %v, want the newest two", ids)
	}
	prev, err := s.Rollback()
	if err != nil || prev.ID != bs[2].ID {
		t.Fatalf("Rollback = %v, %v; want %s", prev.ID, err, bs[2].ID)
	}
	if _, err := s.Rollback(); err == nil {
		t.Error("Rollback past the oldest kept build succeeded")
	}
	// Prune never removes the current build, even when it is old.
	publish(t, s)
	publish(t, s)
	if _, err := s.Rollback(); err != nil {
		t.Fatal(err)
	}
	cur, _ := s.Current()
	if err := s.Prune(1); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cur.Dir); err != nil {
		t.Errorf("Prune removed the current build: %v", err)
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
