// Package watch tells when an author changes the playbook's sources, so that
// `indexer serve -watch` can rebuild. It asks the operating system to report
// changes (fsnotify: inotify on Linux), which tells of an edit within a
// millisecond or so; where that cannot be set up (no inotify, too many
// directories for its limits) it polls instead: a walk over a few hundred files
// every interval, which sees edits made by any editor, on any file system.
package watch

import (
	"context"
	"errors"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Sources are the parts of the project a build reads, relative to its root.
var Sources = []string{"config.toml", "content", "data", "layouts", "static", "assets", "archetypes"}

// Changes sends on the returned channel each time the files under root's
// Sources change (a file added, removed, written or touched), once they have
// been still for settle, so that an editor's several writes make one build.
// Polling, used only when the system cannot report changes, looks every
// interval. The channel is closed when ctx is done. Changes are counted from
// the state of the files when Changes is called, before it returns.
func Changes(ctx context.Context, root string, interval, settle time.Duration) <-chan struct{} {
	out := make(chan struct{})
	w, err := newNotifier(root)
	if err != nil {
		go poll(ctx, root, interval, settle, out)
		return out
	}
	go w.run(ctx, settle, out)
	return out
}

// notifier is a watch on every directory of the sources, and on the root for
// config.toml and sources directories made later.
type notifier struct {
	root string
	w    *fsnotify.Watcher
}

func newNotifier(root string) (*notifier, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	n := &notifier{root: filepath.Clean(root), w: w}
	if err := w.Add(n.root); err != nil {
		w.Close()
		return nil, err
	}
	for _, src := range Sources {
		if err := n.addTree(filepath.Join(n.root, src)); err != nil {
			w.Close()
			return nil, err
		}
	}
	return n, nil
}

// addTree watches dir and every directory under it; a missing dir is not an
// error (it is seen when made, through its parent's watch).
func (n *notifier) addTree(dir string) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return n.w.Add(path)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// source reports whether path is config.toml or under one of the sources.
func (n *notifier) source(path string) bool {
	rel, err := filepath.Rel(n.root, path)
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	for _, src := range Sources {
		if first == src {
			return true
		}
	}
	return false
}

func (n *notifier) run(ctx context.Context, settle time.Duration, out chan<- struct{}) {
	defer close(out)
	defer n.w.Close()
	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	pending := false
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-n.w.Events:
			if !ok {
				return
			}
			if !n.source(ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
					n.addTree(ev.Name) // files made in it before the watch are in the build all the same
				}
			}
			pending = true
			quiet.Reset(settle)
		case err, ok := <-n.w.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: something changed.
				pending = true
				quiet.Reset(settle)
			}
		case <-quiet.C:
			if !pending {
				continue
			}
			pending = false
			select {
			case out <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}
}

// poll compares the fingerprint of the sources every interval.
func poll(ctx context.Context, root string, interval, settle time.Duration, out chan<- struct{}) {
	defer close(out)
	last := Fingerprint(root)
	var changedAt time.Time
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := Fingerprint(root)
		if now != last {
			last, changedAt = now, time.Now()
			continue
		}
		if !changedAt.IsZero() && time.Since(changedAt) >= settle {
			changedAt = time.Time{}
			select {
			case out <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}
}

// Fingerprint summarises the names, sizes and modification times of the files
// under root's Sources.
func Fingerprint(root string) uint64 {
	h := fnv.New64a()
	for _, src := range Sources {
		filepath.WalkDir(filepath.Join(root, src), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return nil // a file removed during the walk shows up next time
			}
			if d.IsDir() {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			h.Write([]byte(path))
			h.Write([]byte(strconv.FormatInt(info.Size(), 36)))
			h.Write([]byte(strconv.FormatInt(info.ModTime().UnixNano(), 36)))
			return nil
		})
	}
	return h.Sum64()
}
