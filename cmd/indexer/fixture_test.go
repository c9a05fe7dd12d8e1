package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/buyin/playbook/site"
)

var updateFixture = flag.Bool("update-fixture", false, "rewrite server/testdata/build from the real build")

// serverFixture is the build the server package's tests serve (and fuzz)
// without linking Hugo: part of the real site and all of its search documents.
const serverFixture = "../../server/testdata/build"

// fixturePages are the pages of the real site the server's tests ask for;
// every file of css/ and js/ comes too.
var fixturePages = []string{
	"index.html", "404.html", "vocab.json", "favicon.ico", "favicon.svg", "opensearch.xml",
	"search/index.html", "basket/index.html", "cards/all/index.html", "questions/index.json",
	"techniques/invite-the-lions/index.html", "situations/customer-upset/index.html",
}

// fromContent are the fixture's files that the content makes (pages listing
// questions, the search documents): an edit of the content changes them, and
// nothing the server does, so they are not compared. The others come from
// the layouts, assets, vocabulary and config, which the server depends on.
var fromContent = map[string]bool{
	"documents.json": true, "public/index.html": true, "public/cards/all/index.html": true,
	"public/questions/index.json": true, "public/techniques/invite-the-lions/index.html": true,
	"public/situations/customer-upset/index.html": true,
}

// TestServerFixture fails when the server's fixture build is not what the
// layouts, assets, vocabulary and config build today (see fromContent);
// -update-fixture rewrites it from today's build, content included:
//
//	go test ./cmd/indexer -run TestServerFixture -update-fixture
func TestServerFixture(t *testing.T) {
	want := map[string][]byte{}
	for _, p := range fixturePages {
		b, err := os.ReadFile(filepath.Join(playbookSite.public, filepath.FromSlash(p)))
		if err != nil {
			t.Fatalf("the real build lacks %s, which the server fixture needs: %v", p, err)
		}
		want["public/"+p] = b
	}
	for _, d := range []string{"css", "js"} {
		entries, err := os.ReadDir(filepath.Join(playbookSite.public, d))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(playbookSite.public, d, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			want["public/"+d+"/"+e.Name()] = b
		}
	}
	docs, err := site.Documents(filepath.Join(playbookSite.build.Dir, "searchdocs.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want["documents.json"], err = json.MarshalIndent(docs, "", " "); err != nil {
		t.Fatal(err)
	}
	if *updateFixture {
		os.RemoveAll(serverFixture)
		for p, b := range want {
			dst := filepath.Join(serverFixture, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("wrote %d files to %s", len(want), serverFixture)
		return
	}
	have := map[string]bool{}
	var stale []string
	filepath.WalkDir(serverFixture, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(serverFixture, p)
		rel = filepath.ToSlash(rel)
		have[rel] = true
		b, _ := os.ReadFile(p)
		if w, ok := want[rel]; !ok {
			stale = append(stale, rel+" is no longer built")
		} else if !fromContent[rel] && !bytes.Equal(b, w) {
			stale = append(stale, rel+" differs")
		}
		return nil
	})
	for p := range want {
		if !have[p] {
			stale = append(stale, p+" is missing")
		}
	}
	if len(stale) > 0 {
		slices.Sort(stale)
		t.Fatalf("server/testdata/build is stale (%s): rewrite it with\n\tgo test ./cmd/indexer -run TestServerFixture -update-fixture", strings.Join(stale, "; "))
	}
}
