package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/buyin/playbook/watch"
)

func TestChangesSeesAnEditOnce(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "content"), 0o755)
	file := filepath.Join(root, "content", "a.md")
	os.WriteFile(file, []byte("one"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := watch.Changes(ctx, root, 5*time.Millisecond, 20*time.Millisecond)
	select {
	case <-ch:
		t.Fatal("a change reported before any edit")
	case <-time.After(50 * time.Millisecond):
	}
	// Several quick writes make one change.
	for _, body := range []string{"two", "three!", "four!!"} {
		os.WriteFile(file, []byte(body), 0o644)
		time.Sleep(2 * time.Millisecond)
	}
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("an edit was not reported")
	}
	select {
	case <-ch:
		t.Fatal("one burst of edits reported twice")
	case <-time.After(100 * time.Millisecond):
	}
	// A file outside the sources is not a change.
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("x"), 0o644)
	select {
	case <-ch:
		t.Fatal("a file outside the sources was reported")
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	if _, ok := <-ch; ok {
		t.Error("channel not closed when the context ended")
	}
}
