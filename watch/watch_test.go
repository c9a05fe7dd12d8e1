package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/buyin/playbook/watch"
)

// TestChangesSeesAnEditOnce runs the same edits under both ways of watching:
// notification from the system and polling.
func TestChangesSeesAnEditOnce(t *testing.T) {
	for name, changes := range map[string]func(context.Context, string, time.Duration, time.Duration) <-chan struct{}{
		"notify": watch.Changes,
		"poll":   watch.PollChanges,
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			os.MkdirAll(filepath.Join(root, "content"), 0o755)
			file := filepath.Join(root, "content", "a.md")
			os.WriteFile(file, []byte("one"), 0o644)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ch := changes(ctx, root, 5*time.Millisecond, 250*time.Millisecond)
			expect := func(what string, want bool) {
				t.Helper()
				select {
				case <-ch:
					if !want {
						t.Fatalf("%s: reported, want no change", what)
					}
				case <-time.After(map[bool]time.Duration{true: 5 * time.Second, false: 600 * time.Millisecond}[want]):
					if want {
						t.Fatalf("%s: not reported", what)
					}
				}
			}
			expect("before any edit", false)
			// Several quick writes make one change. (Back to back: on a busy
			// machine even a short sleep can outlast the settling time.)
			for _, body := range []string{"two", "three!", "four!!"} {
				os.WriteFile(file, []byte(body), 0o644)
			}
			expect("a burst of edits", true)
			expect("the same burst again", false)
			// A file outside the sources is not a change.
			os.WriteFile(filepath.Join(root, "notes.txt"), []byte("x"), 0o644)
			expect("a file outside the sources", false)
			// A new directory of sources with a file, then another file
			// written in it later.
			dir := filepath.Join(root, "data", "questions")
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, "a.toml"), []byte("x"), 0o644)
			expect("a new directory", true)
			os.WriteFile(filepath.Join(dir, "b.toml"), []byte("x"), 0o644)
			expect("a file written later in the new directory", true)
			os.WriteFile(filepath.Join(root, "config.toml"), []byte("title = 'x'"), 0o644)
			expect("config.toml", true)
			cancel()
			for range ch {
			}
		})
	}
}
