package builder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/buyin/playbook/internal/buildstore"
)

// Install publishes a build made elsewhere: src is a build directory that
// `indexer build` made, copied here by any means. The copy is staged in the
// store, checked file by file against the manifest in its build.json, opened
// and probed with verify (nil skips that), and only then made current, under
// the same id, and old builds pruned. A build that fails a check changes
// nothing. Installing a build that is already in place and intact only makes
// it current.
func Install(ctx context.Context, store *buildstore.Store, src string, keep int, verify func(buildstore.Build) error) (Result, error) {
	info, err := ReadInfo(buildstore.Build{ID: filepath.Base(src), Dir: src})
	if err != nil {
		return Result{}, fmt.Errorf("%s is not a build directory made by indexer build: %w", src, err)
	}
	if err := buildstore.ValidID(info.ID); err != nil {
		return Result{}, fmt.Errorf("%s: %s: %w", src, InfoFile, err)
	}
	if len(info.Files) == 0 {
		return Result{}, fmt.Errorf("%s: %s lists no files: the build was made by an older indexer; rebuild it", src, InfoFile)
	}
	unlock, err := store.Lock(ctx)
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	check := func(b buildstore.Build) error {
		if err := buildstore.Verify(b.Dir, InfoFile, info.Files); err != nil {
			return err
		}
		if verify != nil {
			return verify(b)
		}
		return nil
	}
	if b := store.Build(info.ID); exists(b.Dir) && check(b) == nil {
		if cur, err := store.Current(); err != nil || cur.ID != info.ID {
			if _, err := store.Switch(info.ID, "publish"); err != nil {
				return Result{}, err
			}
		}
		info.Build = b
		return info, prune(store, keep, b.ID)
	}
	st, err := store.BeginID(info.ID)
	if err != nil {
		return Result{}, err
	}
	if err := os.CopyFS(st.Dir, os.DirFS(src)); err != nil {
		st.Discard()
		return Result{}, diskFull(fmt.Errorf("copying %s into the store: %w", src, err), store)
	}
	if err := check(st.Build()); err != nil {
		st.Discard()
		return Result{}, fmt.Errorf("build %s from %s refused, nothing changed: %w", info.ID, src, err)
	}
	// The manifest checked is the one read before copying: the copy's own
	// must be the same (SRC was not rewritten while it was copied).
	if copied, err := ReadInfo(st.Build()); err != nil || copied.ID != info.ID || len(copied.Files) != len(info.Files) {
		st.Discard()
		return Result{}, fmt.Errorf("build %s from %s refused, nothing changed: its %s changed while it was copied; copy it again", info.ID, src, InfoFile)
	}
	b, err := st.Publish("publish")
	if err != nil && b.ID == "" {
		st.Discard()
		return Result{}, diskFull(err, store)
	}
	if err != nil {
		info.Build = b
		return info, err // published, but the journal was not written
	}
	info.Build = b
	return info, prune(store, keep, b.ID)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// prune removes old builds after id was published; failing to tidy is not a
// failed publish, but is said.
func prune(store *buildstore.Store, keep int, id string) error {
	if err := store.Prune(max(keep, 1)); err != nil {
		return fmt.Errorf("build %s published, but %w", id, err)
	}
	return nil
}
