package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/searchindex"
)

// build is one published build, opened for serving: its site directory, its
// search index and the pages the server fills in. A request holds one build from
// start to end, so no response mixes two builds.
type build struct {
	id    string
	root  *os.Root // the site; os.Root refuses paths and links that leave it
	index *searchindex.Index
	// searchPage is the site's search page split at the place for results.
	searchPage searchPage
	// vocab labels filters and kinds on the search page (the site's /vocab.json).
	vocab    vocab
	notFound []byte
	// release gives up the hold on the build's directory.
	release func()
	// gzipped holds each text file compressed, by name, the first time it is
	// asked for: the build never changes, so neither does the compressed copy.
	gzipped sync.Map

	mu     sync.RWMutex // read-held by each request using the build
	closed bool
}

// openBuild opens a build for serving. With store, it first holds the build
// (Store.Hold), so that no build or publish removes it while it is open.
func openBuild(store *buildstore.Store, b buildstore.Build, timeout time.Duration) (*build, error) {
	var release func()
	if store != nil {
		var err error
		if release, err = store.Hold(b); err != nil {
			return nil, err
		}
	}
	ob, err := openFiles(b, timeout)
	if err != nil {
		if release != nil {
			release()
		}
		return nil, fmt.Errorf("opening build %s: %w", b.ID, err)
	}
	ob.release = release
	return ob, nil
}

// openFiles opens what a server serves of build b.
func openFiles(b buildstore.Build, timeout time.Duration) (*build, error) {
	// Bleve reports a file it may not read as "metadata missing"; say which
	// file and why instead.
	if err := readable(b.Index()); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(b.Public())
	if err != nil {
		return nil, fmt.Errorf("the site: %w", err)
	}
	ix, err := searchindex.Open(b.Index(), searchindex.Options{Timeout: timeout})
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("the search index: %w", err)
	}
	ob := &build{id: b.ID, root: root, index: ix}
	page, err := root.ReadFile("search/index.html")
	if err == nil {
		ob.searchPage, err = splitSearchPage(page)
	}
	if err != nil {
		ob.close()
		return nil, fmt.Errorf("the search page: %w", err)
	}
	if ob.vocab, err = readVocab(root); err != nil {
		ob.close()
		return nil, err
	}
	ob.notFound, _ = root.ReadFile("404.html") // a site without one gets a plain 404
	return ob, nil
}

// readable checks that every file under dir can be opened for reading.
func readable(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			var f *os.File
			if f, err = os.Open(p); err == nil {
				f.Close()
			}
		}
		if err != nil {
			return fmt.Errorf("cannot read %s: %w (a build must be readable by the server's user: publish it readable by the group, or chmod -R g+rX it)", p, err)
		}
		return nil
	})
}

// Check opens build b with the code that serves it and probes it: the home
// page, the search page and its markers, the vocabulary, the index with a
// search, and the 404 page. A build that passes can be served; the error
// names the file and what is wrong. Builds are checked before they are
// published.
func Check(b buildstore.Build) error {
	ob, err := openFiles(b, 5*time.Second)
	if err != nil {
		return fmt.Errorf("build %s cannot be served: %w", b.ID, err)
	}
	defer ob.close()
	if err := ob.probe(); err != nil {
		return fmt.Errorf("build %s cannot be served: %w", b.ID, err)
	}
	if ob.notFound == nil {
		return fmt.Errorf("build %s cannot be served: public/404.html is missing: the site's layouts must make a 404 page", b.ID)
	}
	if _, err := ob.root.Stat("vocab.json"); err != nil {
		return fmt.Errorf("build %s cannot be served: public/vocab.json (the names of kinds and filters) is missing: the site's layouts must make it", b.ID)
	}
	if _, err := ob.index.Search(context.Background(), searchindex.Query{Text: probeQuery, Size: 1}); err != nil {
		return fmt.Errorf("build %s cannot be served: a probe search for %q failed: %w", b.ID, probeQuery, err)
	}
	return nil
}

// probeQuery is searched to check a build's index: any answer, even none, is
// a working index.
const probeQuery = "buy-in"

// probe checks what a health check asks of a build being served: a home page
// to read and an index with documents.
func (b *build) probe() error {
	info, err := b.root.Stat("index.html")
	if err != nil || !info.Mode().IsRegular() || info.Size() == 0 {
		return fmt.Errorf("public/index.html, the home page, is missing or empty")
	}
	if b.index.DocCount() == 0 {
		return fmt.Errorf("the search index has no documents")
	}
	return nil
}

func (b *build) close() {
	b.index.Close()
	b.root.Close()
	if b.release != nil {
		b.release()
	}
}

// builds holds the build being served and switches to a new one whole.
type builds struct {
	cur atomic.Pointer[build]
}

// acquire returns the current build, held until release is called. A build
// being retired waits for its last holder before it closes; a request that
// loaded it just as it was retired finds it closed and takes the new one.
func (bs *builds) acquire() (*build, func()) {
	for {
		b := bs.cur.Load()
		if b == nil {
			return nil, func() {} // the server has closed
		}
		b.mu.RLock()
		if !b.closed {
			return b, b.mu.RUnlock
		}
		b.mu.RUnlock()
	}
}

// swap serves next from now on and closes the previous build once the requests
// still using it have finished.
func (bs *builds) swap(next *build) {
	old := bs.cur.Swap(next)
	if old == nil {
		return
	}
	go old.retire()
}

// retire closes the build once the requests holding it have finished; a
// request that acquires it afterwards finds it closed and takes the current one.
func (b *build) retire() {
	b.mu.Lock()
	b.closed = true
	b.close()
	b.mu.Unlock()
}

// id is the current build's id, or "" once the server has closed.
func (bs *builds) id() string {
	if b := bs.cur.Load(); b != nil {
		return b.id
	}
	return ""
}

// closeAll closes the current build; the server must have stopped serving.
func (bs *builds) closeAll() {
	if b := bs.cur.Swap(nil); b != nil {
		b.retire()
	}
}

// watch switches to each newly published build until ctx is done. It polls the
// store's current link, which costs one readlink(2) per interval. A build that
// cannot be opened is tried again when its files change (a repaired copy, a
// fixed permission) and every retryEvery in any case; the failure is logged
// once for each different error.
func (s *Server) watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	type failure struct {
		id, stamp, msg string
		at             time.Time
	}
	var failed failure
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cur, err := s.cfg.Store.Current()
		if err != nil {
			if !errors.Is(err, buildstore.ErrNoBuild) {
				s.log.Error("checking for a new build", "err", err)
			}
			continue
		}
		if cur.ID == s.builds.id() {
			s.fallback.Store(nil)
			continue
		}
		stamp := fingerprint(cur)
		if cur.ID == failed.id && stamp == failed.stamp && time.Since(failed.at) < retryEvery {
			continue
		}
		if err := s.Switch(cur); err != nil {
			if cur.ID != failed.id || err.Error() != failed.msg {
				s.log.Error("new build not served; still serving the previous one", "build", cur.ID, "serving", s.builds.id(), "err", err)
			}
			failed = failure{cur.ID, stamp, err.Error(), time.Now()}
			msg := fmt.Sprintf("current build %s cannot be opened: %v", cur.ID, err)
			s.fallback.Store(&msg)
			continue
		}
		failed = failure{}
		s.fallback.Store(nil)
	}
}

// retryEvery is how often a build that would not open is tried again even
// when nothing about its files seems to have changed.
const retryEvery = 30 * time.Second

// fingerprint sums up the state of a build's top directories: a copy, a
// deletion or a change of permission changes it.
func fingerprint(b buildstore.Build) string {
	var sb strings.Builder
	for _, p := range []string{b.Dir, b.Public(), b.Index(), filepath.Join(b.Public(), "index.html"), filepath.Join(b.Public(), "search", "index.html")} {
		info, err := os.Stat(p)
		if err != nil {
			sb.WriteString("-;")
			continue
		}
		var ctime int64
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			ctime = st.Ctim.Nano()
		}
		fmt.Fprintf(&sb, "%d,%d,%d,%v;", info.Size(), info.ModTime().UnixNano(), ctime, info.Mode())
	}
	if entries, err := os.ReadDir(b.Index()); err == nil {
		for _, e := range entries {
			if info, err := e.Info(); err == nil {
				fmt.Fprintf(&sb, "%s,%d,%v;", e.Name(), info.Size(), info.Mode())
			}
		}
	}
	return sb.String()
}

// Switch opens b and serves it from now on. Once the server is closing it
// refuses, so that no build is opened that nothing would close.
func (s *Server) Switch(b buildstore.Build) error {
	s.switching.Lock()
	defer s.switching.Unlock()
	if s.closing {
		return errors.New("the server is shutting down")
	}
	next, err := openBuild(s.cfg.Store, b, s.cfg.SearchTimeout)
	if err != nil {
		return err
	}
	prev := ""
	if cur := s.builds.cur.Load(); cur != nil {
		prev = cur.id
	}
	s.builds.swap(next)
	s.log.Info("serving build", "build", b.ID, "previous", prev, "documents", next.index.DocCount())
	return nil
}

// start opens the store's current build or, if it cannot be opened, the
// newest other build that can, saying so in the log and in /healthz.
func (s *Server) start() error {
	cur, err := s.cfg.Store.Current()
	if err != nil {
		return err
	}
	curErr := s.Switch(cur)
	if curErr == nil {
		return nil
	}
	ids, err := s.cfg.Store.List()
	if err != nil {
		return errors.Join(curErr, err)
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if ids[i] == cur.ID {
			continue
		}
		if err := s.Switch(s.cfg.Store.Build(ids[i])); err == nil {
			msg := fmt.Sprintf("current build %s cannot be opened: %v", cur.ID, curErr)
			s.fallback.Store(&msg)
			s.log.Error("the current build cannot be opened; serving the newest build that can", "current", cur.ID, "serving", ids[i], "err", curErr)
			return nil
		}
	}
	return fmt.Errorf("%w, and no other build in %s can be opened: publish a good build (indexer build, or indexer publish)", curErr, s.cfg.Store.Dir())
}

// splitSearchPage finds the markers in the site's search page where the server
// puts the query and the results.
func splitSearchPage(page []byte) (searchPage, error) {
	i := bytes.Index(page, []byte(resultsStart))
	j := bytes.Index(page, []byte(resultsEnd))
	if i < 0 || j < i {
		return searchPage{}, fmt.Errorf("search/index.html lacks the result markers %s and %s: rebuild the site", resultsStart, resultsEnd)
	}
	head := page[:i+len(resultsStart)]
	k := bytes.Index(head, []byte(valueMarker))
	if k < 0 {
		return searchPage{}, fmt.Errorf("search/index.html lacks the query marker %s: rebuild the site", valueMarker)
	}
	return searchPage{
		beforeQuery: head[:k],
		afterQuery:  head[k+len(valueMarker):],
		hint:        page[i+len(resultsStart) : j],
		tail:        page[j:],
	}, nil
}

// newLogger is the server's structured log: l, or text on stderr.
func newLogger(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}
