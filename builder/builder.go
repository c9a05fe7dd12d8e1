// Package builder makes one build of the playbook: it validates the content,
// renders the site with the linked-in Hugo, indexes what Hugo rendered, and
// publishes site and index together as one immutable build (package buildstore).
// Either half failing publishes nothing: what is being served stays as it was.
package builder

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/playbook"
	"github.com/buyin/playbook/searchindex"
	"github.com/buyin/playbook/site"
)

// Config says what to build and where.
type Config struct {
	// Root is the project directory, where config.toml, content/ and layouts/ are.
	Root string
	// Store receives the build.
	Store *buildstore.Store
	// Synonyms are kept in the index; see searchindex.BuildOptions.
	Synonyms [][]string
	// Keep is the number of builds kept after publishing (at least 1).
	Keep int
	// Incremental makes the index from the current build's index, writing
	// only the documents that changed (searchindex.Update): for an author's
	// edits under serve -watch.
	Incremental bool
	// Verify opens a staged build the way a server will serve it, and probes
	// it (server.Check). A build it refuses is not published. Nil skips it.
	Verify func(buildstore.Build) error
	// Analyses, when not nil, keeps each document's analysis from one build
	// to the next, so that only the documents that changed are analysed
	// again: give the same one to every build of a serve -watch.
	Analyses *searchindex.Analyses
}

// Result describes a published build.
type Result struct {
	Build     buildstore.Build `json:"-"`
	ID        string           `json:"id"`
	Documents int              `json:"documents"`
	// Changed is the number of documents the index wrote or deleted.
	Changed int           `json:"changed"`
	Took    time.Duration `json:"took_ns"`
	// Phases says how long each part took: validate, site, index.
	Phases map[string]time.Duration `json:"phases_ns"`
	// Files is the build's manifest: every file with its size and hash, so
	// that a copy can be checked before it is published (Install).
	Files []buildstore.File `json:"files,omitempty"`
}

// InfoFile is where a build describes itself (a Result).
const InfoFile = "build.json"

// docsFile is where the search records go, beside the site and not in it.
const docsFile = "searchdocs.json"

// Build makes and publishes one build under the store's lock, so that builds in
// any number of processes follow one another and never share a directory.
func Build(ctx context.Context, cfg Config) (Result, error) {
	start := time.Now()
	if err := playbook.Validate(os.DirFS(cfg.Root)); err != nil {
		return Result{}, err
	}
	validated := time.Since(start)
	unlock, err := cfg.Store.Lock(ctx)
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	st, err := cfg.Store.Begin()
	if err != nil {
		return Result{}, err
	}
	res, err := render(ctx, cfg, st)
	if err == nil && cfg.Verify != nil {
		if err = cfg.Verify(st.Build()); err != nil {
			err = fmt.Errorf("build %s refused, nothing published: %w", st.ID, err)
		}
	}
	if err != nil {
		st.Discard()
		return Result{}, diskFull(err, cfg.Store)
	}
	res.Phases["validate"] = validated
	b, err := st.Publish("build")
	if err != nil && b.ID == "" {
		st.Discard()
		return Result{}, diskFull(err, cfg.Store)
	}
	res.Build, res.ID = b, b.ID
	if err != nil {
		return res, err // published, but the journal was not written
	}
	if err := prune(cfg.Store, cfg.Keep, b.ID); err != nil {
		// The new build is served; failing to tidy old ones is not a failed build.
		return res, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// render renders and indexes into the staging directory.
func render(ctx context.Context, cfg Config, st *buildstore.Staging) (Result, error) {
	phases := map[string]time.Duration{}
	start := time.Now()
	if err := site.Build(ctx, cfg.Root, st.Public()); err != nil {
		return Result{}, err
	}
	phases["site"] = time.Since(start)
	// The search records are for the indexer, not for readers: keep them with
	// the build, outside the directory that is served.
	docsPath := filepath.Join(st.Dir, docsFile)
	if err := os.Rename(filepath.Join(st.Public(), site.DocsFile), docsPath); err != nil {
		return Result{}, fmt.Errorf("moving search records out of the site: %w", err)
	}
	start = time.Now()
	docs, err := site.Documents(docsPath)
	if err != nil {
		return Result{}, err
	}
	opts := searchindex.BuildOptions{Synonyms: cfg.Synonyms, Analyses: cfg.Analyses}
	changed := len(docs)
	if prev, err := cfg.Store.Current(); cfg.Incremental && err == nil {
		changed, err = searchindex.Update(ctx, prev.Index(), st.Index(), docs, opts)
		if err != nil {
			return Result{}, fmt.Errorf("updating the search index: %w", err)
		}
	} else if err := searchindex.Build(ctx, st.Index(), docs, opts); err != nil {
		return Result{}, fmt.Errorf("building the search index: %w", err)
	}
	phases["index"] = time.Since(start)
	res := Result{ID: st.ID, Documents: len(docs), Changed: changed, Phases: phases}
	if res.Files, err = buildstore.Manifest(st.Dir, InfoFile); err != nil {
		return Result{}, err
	}
	info, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return Result{}, err
	}
	if err := os.WriteFile(filepath.Join(st.Dir, InfoFile), info, 0o644); err != nil {
		return Result{}, fmt.Errorf("writing %s: %w", InfoFile, err)
	}
	res.Files = nil // in the file, not in every caller's memory
	return res, nil
}

// ReadInfo reads what build b says of itself.
func ReadInfo(b buildstore.Build) (Result, error) {
	data, err := os.ReadFile(filepath.Join(b.Dir, InfoFile))
	if err != nil {
		return Result{}, fmt.Errorf("build %s: %w", b.ID, err)
	}
	var res Result
	if err := json.Unmarshal(data, &res); err != nil {
		return Result{}, fmt.Errorf("build %s: %s: %w", b.ID, InfoFile, err)
	}
	res.Build = b
	return res, nil
}

// diskFull adds to an error caused by a full disk how much room a build takes
// (the size of the current one) and what to do.
func diskFull(err error, store *buildstore.Store) error {
	if !errors.Is(err, syscall.ENOSPC) {
		return err
	}
	need := "a build's size"
	if cur, cerr := store.Current(); cerr == nil {
		if n, serr := buildstore.Size(cur); serr == nil {
			need = fmt.Sprintf("about %d MB (the size of the current build)", (n+1<<20-1)>>20)
		}
	}
	return fmt.Errorf("%w: the disk holding %s is full; a new build needs %s free, and the store keeps keep_builds + 1 builds: free space or lower keep_builds", err, store.Dir(), need)
}

// Rollback makes the build that was current before the current one current
// again, under the lock, skipping builds that verify refuses (nil: none). With
// to, it makes that build current instead, if verify accepts it.
func Rollback(ctx context.Context, store *buildstore.Store, to string, verify func(buildstore.Build) error) (buildstore.Build, error) {
	unlock, err := store.Lock(ctx)
	if err != nil {
		return buildstore.Build{}, err
	}
	defer unlock()
	if to == "" {
		b, err := store.Rollback(verify)
		if err != nil {
			return buildstore.Build{}, fmt.Errorf("rolling back: %w", err)
		}
		return b, nil
	}
	if err := buildstore.ValidID(to); err != nil {
		return buildstore.Build{}, fmt.Errorf("rolling back: %w", err)
	}
	if verify != nil {
		if err := verify(store.Build(to)); err != nil {
			return buildstore.Build{}, fmt.Errorf("rolling back to %s: %w", to, err)
		}
	}
	b, err := store.Switch(to, "rollback")
	if err != nil {
		return buildstore.Build{}, fmt.Errorf("rolling back: %w", err)
	}
	return b, nil
}
