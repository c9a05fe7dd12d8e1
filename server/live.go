package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
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
	// gzipped holds each text file compressed, by name, the first time it is
	// asked for: the build never changes, so neither does the compressed copy.
	gzipped sync.Map

	mu     sync.RWMutex // read-held by each request using the build
	closed bool
}

// openBuild opens a published build for serving.
func openBuild(b buildstore.Build, timeout time.Duration) (*build, error) {
	root, err := os.OpenRoot(b.Public())
	if err != nil {
		return nil, fmt.Errorf("opening build %s: %w", b.ID, err)
	}
	ix, err := searchindex.Open(b.Index(), searchindex.Options{Timeout: timeout})
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("opening build %s: %w", b.ID, err)
	}
	ob := &build{id: b.ID, root: root, index: ix}
	page, err := root.ReadFile("search/index.html")
	if err == nil {
		ob.searchPage, err = splitSearchPage(page)
	}
	if err != nil {
		ob.close()
		return nil, fmt.Errorf("opening build %s: the search page: %w", b.ID, err)
	}
	if ob.vocab, err = readVocab(root); err != nil {
		ob.close()
		return nil, fmt.Errorf("opening build %s: %w", b.ID, err)
	}
	ob.notFound, _ = root.ReadFile("404.html") // a site without one gets a plain 404
	return ob, nil
}

func (b *build) close() {
	b.index.Close()
	b.root.Close()
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
// store's current link, which costs one readlink(2) per interval.
func (s *Server) watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	failed := ""
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
		if cur.ID == s.builds.id() || cur.ID == failed {
			continue
		}
		if err := s.Switch(cur); err != nil {
			// Keep serving the build we have; say so once per bad build.
			failed = cur.ID
			s.log.Error("new build not served; still serving the previous one", "build", cur.ID, "err", err)
		}
	}
}

// Switch opens b and serves it from now on.
func (s *Server) Switch(b buildstore.Build) error {
	next, err := openBuild(b, s.cfg.SearchTimeout)
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
