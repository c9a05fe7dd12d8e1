package server_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/searchindex"
)

// fixtureDir is a build of part of the real site with all its search
// documents, made by the real build (cmd/indexer's TestServerFixture checks
// that it is fresh), so that this package's tests and its fuzz target need no
// Hugo: the test binary builds and starts in seconds.
const fixtureDir = "testdata/build"

// publishFixture publishes a build of the fixture into store, indexed with
// the project's synonyms. change, if not nil, may alter the build's files and
// documents first.
func publishFixture(tb testing.TB, store *buildstore.Store, change func(dir string, docs *[]searchindex.Document)) buildstore.Build {
	tb.Helper()
	b, err := makeFixture(store, change)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func makeFixture(store *buildstore.Store, change func(dir string, docs *[]searchindex.Document)) (buildstore.Build, error) {
	unlock, err := store.Lock(context.Background())
	if err != nil {
		return buildstore.Build{}, err
	}
	defer unlock()
	st, err := store.Begin()
	if err != nil {
		return buildstore.Build{}, err
	}
	defer st.Discard()
	if err := os.CopyFS(st.Public(), os.DirFS(filepath.Join(fixtureDir, "public"))); err != nil {
		return buildstore.Build{}, err
	}
	data, err := os.ReadFile(filepath.Join(fixtureDir, "documents.json"))
	if err != nil {
		return buildstore.Build{}, err
	}
	var docs []searchindex.Document
	if err := json.Unmarshal(data, &docs); err != nil {
		return buildstore.Build{}, err
	}
	if change != nil {
		change(st.Dir, &docs)
	}
	if err := searchindex.Build(context.Background(), st.Index(), docs, searchindex.BuildOptions{Synonyms: project.settings.Synonyms}); err != nil {
		return buildstore.Build{}, err
	}
	files, err := buildstore.Manifest(st.Dir, "build.json")
	if err != nil {
		return buildstore.Build{}, err
	}
	info, _ := json.Marshal(map[string]any{"id": st.ID, "documents": len(docs), "files": files})
	if err := os.WriteFile(filepath.Join(st.Dir, "build.json"), info, 0o644); err != nil {
		return buildstore.Build{}, err
	}
	b, err := st.Publish("build")
	if err != nil {
		return buildstore.Build{}, err
	}
	return b, store.Prune(5)
}

// rollback rolls store back as indexer rollback does.
func rollback(tb testing.TB, store *buildstore.Store) buildstore.Build {
	tb.Helper()
	unlock, err := store.Lock(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	defer unlock()
	b, err := store.Rollback(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
