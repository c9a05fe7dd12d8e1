// Package watch tells when an author changes the playbook's sources, so that
// `indexer serve -watch` can rebuild. It polls: a walk over a few hundred files
// every interval costs far less than a build, needs no platform-specific
// notification API, and sees edits made by any editor, on any file system.
package watch

import (
	"context"
	"errors"
	"hash/fnv"
	"io/fs"
	"path/filepath"
	"strconv"
	"time"
)

// Sources are the parts of the project a build reads, relative to its root.
var Sources = []string{"config.toml", "content", "data", "layouts", "static", "assets", "archetypes"}

// Changes sends on the returned channel each time the files under root's
// Sources change (a file added, removed, resized or touched), once they have
// been still for settle, so that an editor's several writes make one build.
// The channel is closed when ctx is done. Changes are counted from the state
// of the files when Changes is called, before it returns.
func Changes(ctx context.Context, root string, interval, settle time.Duration) <-chan struct{} {
	out := make(chan struct{})
	last := Fingerprint(root)
	go func() {
		defer close(out)
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
	}()
	return out
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
