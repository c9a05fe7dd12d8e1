// Package buildstore keeps the playbook's builds: each build (the site and its
// search index together) is an immutable directory, and one symbolic link names
// the build being served.
//
// # Layout
//
//	DIR/builds/<id>/      a complete build, never changed once published
//	DIR/builds/.tmp-<id>/ a build being made; never served
//	DIR/current           symbolic link to builds/<id>
//	DIR/.lock             held (flock) by the one process that is building
//
// A build is made in a .tmp directory under the lock and published by renaming
// it into builds/ and then replacing the current link with one rename(2), which
// is atomic: a reader sees the old build or the new one, never a mix and never
// nothing. A build that fails is removed and changes nothing that is served.
package buildstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// ErrNoBuild reports that nothing has been published yet.
var ErrNoBuild = errors.New("no build has been published")

// ErrLocked reports that another process holds the build lock.
var ErrLocked = errors.New("another build is running")

// Store is a directory of builds.
type Store struct {
	dir string
}

// Open returns the store in dir, creating the directory if need be.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "builds"), 0o755); err != nil {
		return nil, fmt.Errorf("opening build store: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Build is a published build.
type Build struct {
	ID  string
	Dir string
}

// Lock takes the store's build lock, waiting for it until ctx is done. The lock
// is an flock(2) on DIR/.lock, so it also excludes builds in other processes,
// and the kernel releases it if the holder dies.
func (s *Store) Lock(ctx context.Context) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(s.dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening build lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("taking build lock: %w", err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("%w in %s: %w", ErrLocked, s.dir, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Staging is a build being made. Write into Dir, then Publish or Discard.
type Staging struct {
	ID  string
	Dir string
	s   *Store
}

// Begin starts a new build. The caller must hold the lock.
func (s *Store) Begin() (*Staging, error) {
	// Ids sort in time order; the nanoseconds keep two builds in one second apart.
	id := time.Now().UTC().Format("20060102T150405.000000000Z")
	dir := filepath.Join(s.dir, "builds", ".tmp-"+id)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("starting build: %w", err)
	}
	return &Staging{ID: id, Dir: dir, s: s}, nil
}

// Discard removes a build that will not be published.
func (st *Staging) Discard() error { return os.RemoveAll(st.Dir) }

// Publish moves the build into builds/ and makes it current.
func (st *Staging) Publish() (Build, error) {
	final := filepath.Join(st.s.dir, "builds", st.ID)
	if err := os.Rename(st.Dir, final); err != nil {
		return Build{}, fmt.Errorf("publishing build %s: %w", st.ID, err)
	}
	if err := st.s.point(st.ID); err != nil {
		return Build{}, err
	}
	return Build{ID: st.ID, Dir: final}, nil
}

// point makes the build id current with one atomic rename of a new link.
func (s *Store) point(id string) error {
	tmp := filepath.Join(s.dir, ".current-"+id)
	os.Remove(tmp)
	if err := os.Symlink(filepath.Join("builds", id), tmp); err != nil {
		return fmt.Errorf("switching to build %s: %w", id, err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, "current")); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("switching to build %s: %w", id, err)
	}
	if d, err := os.Open(s.dir); err == nil {
		d.Sync() // make the switch durable before saying it happened
		d.Close()
	}
	return nil
}

// Current returns the build being served.
func (s *Store) Current() (Build, error) {
	target, err := os.Readlink(filepath.Join(s.dir, "current"))
	if errors.Is(err, os.ErrNotExist) {
		return Build{}, fmt.Errorf("%w in %s", ErrNoBuild, s.dir)
	}
	if err != nil {
		return Build{}, fmt.Errorf("reading current build: %w", err)
	}
	id := filepath.Base(target)
	return Build{ID: id, Dir: filepath.Join(s.dir, "builds", id)}, nil
}

// List returns the published builds, oldest first.
func (s *Store) List() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "builds"))
	if err != nil {
		return nil, fmt.Errorf("listing builds: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			ids = append(ids, e.Name())
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// Rollback makes the build published before the current one current again and
// returns it. The caller must hold the lock.
func (s *Store) Rollback() (Build, error) {
	cur, err := s.Current()
	if err != nil {
		return Build{}, err
	}
	ids, err := s.List()
	if err != nil {
		return Build{}, err
	}
	i := slices.Index(ids, cur.ID)
	if i <= 0 {
		return Build{}, fmt.Errorf("no build older than %s to roll back to (builds kept: %d)", cur.ID, len(ids))
	}
	prev := ids[i-1]
	if err := s.point(prev); err != nil {
		return Build{}, err
	}
	return Build{ID: prev, Dir: filepath.Join(s.dir, "builds", prev)}, nil
}

// Prune removes all but the newest keep builds, never the current one, and any
// unfinished build left by a process that died. The caller must hold the lock.
// A server still answering from a removed build keeps its open files: on Unix
// they stay readable until closed.
func (s *Store) Prune(keep int) error {
	cur, err := s.Current()
	if err != nil && !errors.Is(err, ErrNoBuild) {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, "builds"))
	if err != nil {
		return fmt.Errorf("pruning builds: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			os.RemoveAll(filepath.Join(s.dir, "builds", e.Name()))
		}
	}
	ids, err := s.List()
	if err != nil {
		return err
	}
	var errs []error
	for i, id := range ids {
		if i >= len(ids)-keep || id == cur.ID {
			continue
		}
		if err := os.RemoveAll(filepath.Join(s.dir, "builds", id)); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("pruning builds: %w", err)
	}
	return nil
}

// What a build holds, besides what its builder chooses to add.
const (
	publicDir = "public"
	indexDir  = "index"
)

// Public is the directory of the built site.
func (b Build) Public() string { return filepath.Join(b.Dir, publicDir) }

// Index is the directory of the search index.
func (b Build) Index() string { return filepath.Join(b.Dir, indexDir) }

// Public is where the site is built.
func (st *Staging) Public() string { return filepath.Join(st.Dir, publicDir) }

// Index is where the search index is built.
func (st *Staging) Index() string { return filepath.Join(st.Dir, indexDir) }
