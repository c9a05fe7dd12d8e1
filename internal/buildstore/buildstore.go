// Package buildstore keeps the playbook's builds: each build (the site and its
// search index together) is an immutable directory, and one symbolic link names
// the build being served.
//
// # Layout
//
//	DIR/<id>/         a complete build, never changed once published
//	DIR/current       symbolic link to <id>
//	DIR/journal       one line for each time current moved: when, to which build, how
//	DIR/.tmp-<id>/    a build being made or installed; never served
//	DIR/.trash-<id>/  a build being removed; never served
//	DIR/.lock         held (flock) by the one process that is building
//
// A build is made in a .tmp directory under the lock and published by renaming
// it into place and then replacing the current link with one rename(2), which
// is atomic: a reader sees the old build or the new one, never a mix and never
// nothing. A build that fails is removed and changes nothing that is served.
//
// # What is never removed
//
// Pruning keeps the current build, the build that was current before it (the
// rollback target, from the journal), the newest builds up to the number asked
// for, and every build a server holds: a server takes a shared flock(2) on the
// directory of each build it has open (Hold), and pruning skips a build whose
// lock it cannot take, to try again at the next build.
package buildstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
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

// ErrHeld reports that a server holds a build, so it may not be removed.
var ErrHeld = errors.New("build is held by a server")

// Names in the store's directory that are not builds.
const (
	currentLink   = "current"
	journalFile   = "journal"
	lockFile      = ".lock"
	stagingPrefix = ".tmp-"
	trashPrefix   = ".trash-"
)

// Store is a directory of builds.
type Store struct {
	dir string
}

// Open returns the store in dir, creating the directory if need be.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
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

// Build returns the build id in the store, whether or not it exists.
func (s *Store) Build(id string) Build { return Build{ID: id, Dir: filepath.Join(s.dir, id)} }

// ValidID reports whether id can name a build: a single path element that is
// not hidden and not the current link.
func ValidID(id string) error {
	if id == "" || id == currentLink || id == journalFile || strings.HasPrefix(id, ".") ||
		strings.ContainsAny(id, `/\`) || filepath.Base(id) != id {
		return fmt.Errorf("%q is not a build id (a name such as 20261206T051736.123456789Z)", id)
	}
	return nil
}

// Lock takes the store's build lock, waiting for it until ctx is done. The lock
// is an flock(2) on DIR/.lock, so it also excludes builds in other processes,
// and the kernel releases it if the holder dies.
func (s *Store) Lock(ctx context.Context) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(s.dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
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

// Hold takes a shared lock on build b for as long as a server has it open, so
// that no build or publish in any process removes it. release gives it up. It
// waits while a prune or another check has the build locked, then makes sure
// the directory it locked is still the build (not one renamed away for removal).
func (s *Store) Hold(b Build) (release func(), err error) {
	f, err := os.Open(b.Dir)
	if err != nil {
		return nil, fmt.Errorf("holding build %s: %w", b.ID, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH); err != nil {
		f.Close()
		return nil, fmt.Errorf("holding build %s: %w", b.ID, err)
	}
	locked, err1 := f.Stat()
	named, err2 := os.Stat(b.Dir)
	if err1 != nil || err2 != nil || !os.SameFile(locked, named) {
		f.Close()
		return nil, fmt.Errorf("holding build %s: it was removed or replaced while being opened", b.ID)
	}
	return func() { f.Close() }, nil // closing the last descriptor drops the lock
}

// Staging is a build being made. Write into Dir, then Publish or Discard.
type Staging struct {
	ID  string
	Dir string
	s   *Store
}

// Begin starts a new build, with a new id. The caller must hold the lock. What
// a build that died left behind is removed first, so that it cannot fill the disk.
func (s *Store) Begin() (*Staging, error) {
	// Ids sort in time order; the nanoseconds keep two builds in one second apart.
	return s.BeginID(time.Now().UTC().Format("20060102T150405.000000000Z"))
}

// BeginID starts installing the build id, made elsewhere. The caller must hold the lock.
func (s *Store) BeginID(id string) (*Staging, error) {
	if err := ValidID(id); err != nil {
		return nil, err
	}
	if err := s.removeLeftovers(); err != nil {
		return nil, err
	}
	dir := filepath.Join(s.dir, stagingPrefix+id)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("starting build: %w", err)
	}
	return &Staging{ID: id, Dir: dir, s: s}, nil
}

// removeLeftovers removes the staging and trash directories of builds that
// were killed. The caller holds the lock, so none of them is in use.
func (s *Store) removeLeftovers() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("reading build store: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), stagingPrefix) || strings.HasPrefix(e.Name(), trashPrefix) {
			if err := os.RemoveAll(filepath.Join(s.dir, e.Name())); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("removing what earlier builds left: %w", err)
	}
	return nil
}

// Discard removes a build that will not be published.
func (st *Staging) Discard() error { return os.RemoveAll(st.Dir) }

// Build is the staged build, to be opened and checked before it is published.
func (st *Staging) Build() Build { return Build{ID: st.ID, Dir: st.Dir} }

// Publish moves the build into place and makes it current; how ("build",
// "publish") goes into the journal. If a build with the same id is already in
// place, the caller has decided which to keep: the staged copy replaces it,
// unless a server holds it. Once current has moved, Publish returns the build
// even with an error (the journal could not be written): it is published.
func (st *Staging) Publish(how string) (Build, error) {
	final := filepath.Join(st.s.dir, st.ID)
	var trash string
	if _, err := os.Lstat(final); err == nil {
		// Out of the way in one rename, so that the id is missing for no
		// longer than the next rename; deleted once the new copy is in place.
		unlock, err := st.s.lockForRemoval(st.ID)
		if err != nil {
			return Build{}, fmt.Errorf("publishing build %s: replacing the copy in place: %w", st.ID, err)
		}
		defer unlock()
		trash = filepath.Join(st.s.dir, trashPrefix+st.ID)
		if err := os.Rename(final, trash); err != nil {
			return Build{}, fmt.Errorf("publishing build %s: replacing the copy in place: %w", st.ID, err)
		}
	}
	if err := os.Rename(st.Dir, final); err != nil {
		return Build{}, fmt.Errorf("publishing build %s: %w", st.ID, err)
	}
	if trash != "" {
		os.RemoveAll(trash) // what is left goes with the next build's leftovers
	}
	b := Build{ID: st.ID, Dir: final}
	if err := st.s.point(st.ID, how); err != nil {
		if cur, cerr := st.s.Current(); cerr == nil && cur.ID == st.ID {
			return b, err
		}
		return Build{}, err
	}
	return b, nil
}

// Switch makes the published build id current. The caller must hold the lock.
func (s *Store) Switch(id, how string) (Build, error) {
	b := s.Build(id)
	if err := ValidID(id); err != nil {
		return Build{}, err
	}
	if info, err := os.Stat(b.Dir); err != nil || !info.IsDir() {
		return Build{}, fmt.Errorf("no build %s in %s", id, s.dir)
	}
	if err := s.point(id, how); err != nil {
		return Build{}, err
	}
	return b, nil
}

// point makes the build id current with one atomic rename of a new link, and
// writes it in the journal.
func (s *Store) point(id, how string) error {
	tmp := filepath.Join(s.dir, ".current-"+id)
	os.Remove(tmp)
	if err := os.Symlink(id, tmp); err != nil {
		return fmt.Errorf("switching to build %s: %w", id, err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, currentLink)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("switching to build %s: %w", id, err)
	}
	syncDir(s.dir) // make the switch durable before saying it happened
	if err := s.record(id, how); err != nil {
		return fmt.Errorf("build %s is current, but %w", id, err)
	}
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Current returns the build being served.
func (s *Store) Current() (Build, error) {
	target, err := os.Readlink(filepath.Join(s.dir, currentLink))
	if errors.Is(err, os.ErrNotExist) {
		return Build{}, fmt.Errorf("%w in %s", ErrNoBuild, s.dir)
	}
	if err != nil {
		return Build{}, fmt.Errorf("reading current build: %w", err)
	}
	return s.Build(filepath.Base(target)), nil
}

// List returns the published builds, oldest first.
func (s *Store) List() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("listing builds: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && ValidID(e.Name()) == nil {
			ids = append(ids, e.Name())
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// Entry is one line of the journal: build ID became current at Time, by How
// ("build", "publish", "rollback").
type Entry struct {
	Time time.Time
	ID   string
	How  string
}

// record appends an entry to the journal.
func (s *Store) record(id, how string) error {
	f, err := os.OpenFile(filepath.Join(s.dir, journalFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("writing the journal: %w", err)
	}
	_, err = fmt.Fprintf(f, "%s\t%s\t%s\n", time.Now().UTC().Format(time.RFC3339Nano), id, how)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the journal: %w", err)
	}
	return nil
}

// Journal returns what was current and when, oldest first. A store made
// before the journal existed has none: its history is the order of the ids.
func (s *Store) Journal() ([]Entry, error) {
	f, err := os.Open(filepath.Join(s.dir, journalFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the journal: %w", err)
	}
	defer f.Close()
	var entries []Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			continue // a line cut by a crash
		}
		t, err := time.Parse(time.RFC3339Nano, fields[0])
		if err != nil {
			continue
		}
		entries = append(entries, Entry{Time: t, ID: fields[1], How: fields[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the journal: %w", err)
	}
	return entries, nil
}

// history lists build ids, most recently current first, each once, without
// the current build, and only those still in the store. Without a journal it
// is the builds older than the current one, newest first.
func (s *Store) history(cur string) ([]string, error) {
	ids, err := s.List()
	if err != nil {
		return nil, err
	}
	entries, err := s.Journal()
	if err != nil {
		return nil, err
	}
	var order []string
	seen := map[string]bool{cur: true}
	for i := len(entries) - 1; i >= 0; i-- {
		id := entries[i].ID
		if !seen[id] && slices.Contains(ids, id) {
			order = append(order, id)
		}
		seen[id] = true
	}
	if len(entries) == 0 {
		for i := len(ids) - 1; i >= 0; i-- {
			if ids[i] < cur {
				order = append(order, ids[i])
			}
		}
	}
	return order, nil
}

// Previous is the rollback target: the build that was current before the
// current one and is still in the store, skipping those ok refuses (ok may be
// nil). It is ErrNoBuild when there is none.
func (s *Store) Previous(ok func(Build) error) (Build, error) {
	cur, err := s.Current()
	if err != nil {
		return Build{}, err
	}
	order, err := s.history(cur.ID)
	if err != nil {
		return Build{}, err
	}
	var refused []error
	for _, id := range order {
		b := s.Build(id)
		if ok != nil {
			if err := ok(b); err != nil {
				refused = append(refused, fmt.Errorf("build %s skipped: %w", id, err))
				continue
			}
		}
		return b, nil
	}
	err = fmt.Errorf("%w before %s to roll back to", ErrNoBuild, cur.ID)
	return Build{}, errors.Join(append([]error{err}, refused...)...)
}

// Rollback makes the build that was current before the current one current
// again, skipping builds that ok refuses, and returns it. The caller must hold
// the lock.
func (s *Store) Rollback(ok func(Build) error) (Build, error) {
	prev, err := s.Previous(ok)
	if err != nil {
		return Build{}, err
	}
	return s.Switch(prev.ID, "rollback")
}

// Kept says why a build is kept, or "" when the next prune may remove it.
type Kept struct {
	ID      string
	Current bool
	// Reasons are why pruning keeps it: "current", "rollback target",
	// "newest N", "held by a server".
	Reasons []string
}

// Keeping lists every build with the reasons it is kept when keep builds are
// to be kept, oldest first.
func (s *Store) Keeping(keep int) ([]Kept, error) {
	ids, err := s.List()
	if err != nil {
		return nil, err
	}
	cur, err := s.Current()
	if err != nil && !errors.Is(err, ErrNoBuild) {
		return nil, err
	}
	prev, err := s.Previous(nil)
	if err != nil && !errors.Is(err, ErrNoBuild) {
		return nil, err
	}
	var out []Kept
	for i, id := range ids {
		k := Kept{ID: id, Current: id == cur.ID}
		if id == cur.ID {
			k.Reasons = append(k.Reasons, "current")
		}
		if id == prev.ID {
			k.Reasons = append(k.Reasons, "rollback target")
		}
		if i >= len(ids)-keep {
			k.Reasons = append(k.Reasons, fmt.Sprintf("newest %d", keep))
		}
		// Only a build with no other reason is probed: the probe locks it for
		// a moment, and a server opening the current build should not wait.
		if len(k.Reasons) == 0 && s.held(id) {
			k.Reasons = append(k.Reasons, "held by a server")
		}
		out = append(out, k)
	}
	return out, nil
}

// held reports whether a server holds build id.
func (s *Store) held(id string) bool {
	f, err := os.Open(filepath.Join(s.dir, id))
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return true
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}

// Prune removes every build that Keeping does not keep, and what builds that
// died left behind. A build a server holds is skipped and tried again at the
// next prune. The caller must hold the lock.
func (s *Store) Prune(keep int) error {
	if err := s.removeLeftovers(); err != nil {
		return err
	}
	kept, err := s.Keeping(max(keep, 1))
	if err != nil {
		return fmt.Errorf("pruning builds: %w", err)
	}
	var errs []error
	for _, k := range kept {
		if len(k.Reasons) > 0 {
			continue
		}
		if err := s.remove(k.ID); err != nil && !errors.Is(err, ErrHeld) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("pruning builds: %w", err)
	}
	return nil
}

// lockForRemoval takes an exclusive lock on build id, which fails with
// ErrHeld while a server holds it; unlock gives it up.
func (s *Store) lockForRemoval(id string) (unlock func(), err error) {
	f, err := os.Open(filepath.Join(s.dir, id))
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, ErrHeld
	}
	return func() { f.Close() }, nil
}

// remove takes build id out of the store unless a server holds it: under an
// exclusive lock it is renamed out of the list in one step, then deleted.
func (s *Store) remove(id string) error {
	dir := filepath.Join(s.dir, id)
	unlock, err := s.lockForRemoval(id)
	if err != nil {
		return fmt.Errorf("removing build %s: %w", id, err)
	}
	defer unlock()
	trash := filepath.Join(s.dir, trashPrefix+id)
	if err := os.Rename(dir, trash); err != nil {
		return fmt.Errorf("removing build %s: %w", id, err)
	}
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("removing build %s: %w", id, err)
	}
	return nil
}

// Size is the number of bytes the files of build b take.
func Size(b Build) (int64, error) {
	var n int64
	err := filepath.WalkDir(b.Dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	return n, err
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
