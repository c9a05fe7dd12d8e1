package sitecheck_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// builtPage is a built HTML page, parsed.
type builtPage struct {
	path  string // its address: /techniques/ for techniques/index.html
	doc   *html.Node
	ids   map[string]bool
	links []link
}

// link is a reference from a page: an element, its attribute and the value.
type link struct{ tag, attr, value string }

// builtPages parses every HTML file of the built site.
func builtPages(t *testing.T) map[string]*builtPage {
	t.Helper()
	pages := map[string]*builtPage{}
	err := filepath.WalkDir(site.public, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel, _ := filepath.Rel(site.public, p)
		addr := "/" + filepath.ToSlash(rel)
		addr = strings.TrimSuffix(addr, "index.html")
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		pg, err := parsePage(addr, b)
		if err != nil {
			return err
		}
		pages[addr] = pg
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

func parsePage(addr string, b []byte) (*builtPage, error) {
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	pg := &builtPage{path: addr, doc: doc, ids: map[string]bool{}}
	walk(doc, func(n *html.Node) {
		for _, a := range n.Attr {
			switch {
			case a.Key == "id" || (n.Data == "a" && a.Key == "name"):
				pg.ids[a.Val] = true
			case a.Key == "href" || a.Key == "src" || (n.Data == "form" && a.Key == "action"):
				pg.links = append(pg.links, link{n.Data, a.Key, a.Val})
			}
		}
	})
	return pg, nil
}

func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// target is the file in the built site that an address names, if any.
func target(addr string) (string, bool) {
	name := filepath.Join(site.public, filepath.FromSlash(path.Clean("/"+addr)))
	if strings.HasSuffix(addr, "/") {
		name = filepath.Join(name, "index.html")
	}
	info, err := os.Stat(name)
	return name, err == nil && info.Mode().IsRegular()
}

// No internal link or anchor in the built site is broken: every address names a
// file of the site, and every #anchor an id on the page it points to. So do the
// addresses in the listings the site publishes.
func TestInternalLinks(t *testing.T) {
	pages := builtPages(t)
	if len(pages) < 100 {
		t.Fatalf("only %d pages built", len(pages))
	}
	broken := 0
	check := func(from, ref string) {
		t.Helper()
		u, err := url.Parse(ref)
		if err != nil {
			t.Errorf("%s: unparsable address %q", from, ref)
			return
		}
		if u.Scheme != "" || u.Host != "" {
			return // not ours; the site links nowhere else anyway
		}
		base, _ := url.Parse(from)
		abs := base.ResolveReference(u)
		file, ok := target(abs.Path)
		if !ok {
			broken++
			t.Errorf("%s: link to %s: no such page or file", from, ref)
			return
		}
		if abs.Fragment == "" {
			return
		}
		to := pages[abs.Path]
		if to == nil && strings.HasSuffix(file, ".html") {
			to = pages[strings.TrimSuffix(abs.Path, "index.html")]
		}
		if to == nil || !to.ids[abs.Fragment] {
			broken++
			t.Errorf("%s: link to %s: no id %q on %s", from, ref, abs.Fragment, abs.Path)
		}
	}
	for _, pg := range pages {
		for _, l := range pg.links {
			if broken > 50 {
				t.Fatal("too many broken links")
			}
			check(pg.path, l.value)
		}
	}
	// The listings: every question and page they name exists.
	for _, file := range []string{"questions/index.json", "pages/index.json"} {
		b, err := os.ReadFile(filepath.Join(site.public, file))
		if err != nil {
			t.Fatal(err)
		}
		var v struct{ Questions, Pages []struct{ URL string } }
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		entries := append(v.Questions, v.Pages...)
		if len(entries) == 0 {
			t.Errorf("%s lists nothing", file)
		}
		for _, e := range entries {
			check("/"+file, e.URL)
		}
	}
}

// The Nu Html Checker finds no error in any built page, nor in the pages the
// server renders: search results (filtered, paged, none, refused) and not found.
func TestHTMLValid(t *testing.T) {
	java := need(t, "java", "apt-get install -y openjdk-17-jre-headless")
	jar := npmFile(t, "vnu-jar", "build/dist/vnu.jar")
	base := serve(t)
	rendered := t.TempDir()
	for name, addr := range map[string]string{
		"search-blank":    "/search/",
		"search-results":  "/search/?q=customer+upset",
		"search-filtered": "/search/?q=customer+upset&type=question&stage=clarifying",
		"search-page-2":   "/search/?q=customer&from=10",
		"search-none":     "/search/?q=qqqqzzzz+xxxxwww",
		"search-refused":  "/search/?q=" + strings.Repeat("x", site.settings.MaxQueryBytes+1),
		"not-found":       "/no/such/page/",
	} {
		res, err := http.Get(base + addr)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if err := os.WriteFile(filepath.Join(rendered, name+".html"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(java, "-jar", jar, "--errors-only", "--format", "json", "--skip-non-html", site.public, rendered)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	var report struct {
		Messages []struct {
			Type, SubType, URL, Message, Extract string
			LastLine                             int
		}
	}
	if err := json.Unmarshal(stderr.Bytes(), &report); err != nil {
		t.Fatalf("vnu.jar: %v (%v)\n%s", err, runErr, stderr.String())
	}
	errors := 0
	for _, m := range report.Messages {
		if m.Type != "error" && m.SubType != "fatal" {
			continue
		}
		if errors++; errors > 50 {
			t.Fatalf("more than 50 errors")
		}
		where := strings.TrimPrefix(strings.TrimPrefix(m.URL, "file:"+site.public), "file:"+rendered)
		t.Errorf("%s:%d: %s\n\t%s", where, m.LastLine, m.Message, strings.TrimSpace(m.Extract))
	}
	if errors == 0 && runErr != nil {
		t.Errorf("vnu.jar: %v\n%s", runErr, stderr.String())
	}
}

// fingerprinted is a Hugo Pipes name: name.<sha256 hex>.ext.
var fingerprinted = regexp.MustCompile(`\.[0-9a-f]{64}\.(css|js)$`)

// Every page loads the site's CSS and JavaScript minified, fingerprinted and with
// their integrity; has no inline script or style a strict Content-Security-Policy
// would block; links the favicon and the OpenSearch description; and has one
// search box. The search page's script stays small, and the server caches the
// fingerprinted files for a year.
func TestAssets(t *testing.T) {
	pages := builtPages(t)
	integrity := map[string]string{} // fingerprinted address -> integrity, as pages give it
	for _, pg := range pages {
		var icon, opensearch bool
		forms := 0
		walk(pg.doc, func(n *html.Node) {
			for _, a := range n.Attr {
				if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
					t.Errorf("%s: <%s %s=%q>: inline %s, which the Content-Security-Policy blocks", pg.path, n.Data, a.Key, a.Val, a.Key)
				}
			}
			rel, _ := attr(n, "rel")
			src, hasSrc := attr(n, "src")
			href, _ := attr(n, "href")
			switch {
			case n.Data == "style":
				t.Errorf("%s: a <style> element, which the Content-Security-Policy blocks", pg.path)
			case n.Data == "script" && !hasSrc:
				if typ, _ := attr(n, "type"); typ != "application/json" {
					t.Errorf("%s: an inline <script> (type %q), which the Content-Security-Policy blocks", pg.path, typ)
				}
			case n.Data == "form":
				if role, _ := attr(n, "role"); role == "search" {
					forms++
				}
			case n.Data == "link" && rel == "icon":
				icon = true
			case n.Data == "link" && rel == "search":
				opensearch = href == "/opensearch.xml"
			}
			ref := src
			if n.Data == "link" && rel == "stylesheet" {
				ref = href
			}
			if fingerprinted.MatchString(ref) {
				sri, _ := attr(n, "integrity")
				integrity[ref] = sri
			}
		})
		if !icon || !opensearch {
			t.Errorf("%s: favicon linked %v, OpenSearch description linked %v; want both", pg.path, icon, opensearch)
		}
		if forms != 1 {
			t.Errorf("%s: %d search boxes, want one", pg.path, forms)
		}
	}
	var css, js bool
	for addr, sri := range integrity {
		b, err := os.ReadFile(filepath.Join(site.public, filepath.FromSlash(addr)))
		if err != nil {
			t.Errorf("%s: %v", addr, err)
			continue
		}
		sum := sha256.Sum256(b)
		if want := "sha256-" + base64.StdEncoding.EncodeToString(sum[:]); sri != want {
			t.Errorf("%s: integrity %q, want %q", addr, sri, want)
		}
		switch {
		case strings.HasPrefix(addr, "/css/site.min."):
			css = true
		case strings.HasPrefix(addr, "/js/search.min."):
			js = true
			// 18 kB minified (6 kB gzipped): search as you type, the answer's and
			// the situations' meeting mode, retrying a busy server, the offline fallback.
			if len(b) >= 18000 {
				t.Errorf("%s: %d bytes, want under 18 kB", addr, len(b))
			}
		}
	}
	if !css || !js {
		t.Errorf("pages load the site's CSS fingerprinted: %v, its script: %v; want both (%v)", css, js, integrity)
	}
	for _, f := range []string{"favicon.ico", "favicon.svg", "opensearch.xml", "vocab.json", "pages/index.json"} {
		if _, ok := target("/" + f); !ok {
			t.Errorf("/%s is missing", f)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(site.public, "opensearch.xml")); !bytes.Contains(b, []byte(`template="/search/?q={searchTerms}"`)) {
		t.Errorf("opensearch.xml does not point at /search/?q={searchTerms}")
	}

	base := serve(t)
	for addr := range integrity {
		res, err := http.Head(base + addr)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if cc := res.Header.Get("Cache-Control"); res.StatusCode != 200 || !strings.Contains(cc, "immutable") {
			t.Errorf("HEAD %s: %d, Cache-Control %q; want 200, immutable", addr, res.StatusCode, cc)
		}
	}
}

// text is the text of a node and its descendants.
func text(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// hasClass reports whether an element has the class.
func hasClass(n *html.Node, class string) bool {
	v, _ := attr(n, "class")
	return n.Type == html.ElementNode && strings.Contains(" "+v+" ", " "+class+" ")
}

// fragment fetches the server's rendered results for a query string and parses them.
func fragment(t *testing.T, base, query string) *html.Node {
	t.Helper()
	res, err := http.Get(base + "/search/?" + query + "&fragment=1")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := html.Parse(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// Hits read as people think: a section hit names its page ("Page › Section"), a
// question says which situation it matched when the words are not on show, and
// kinds and filters have their names from the vocabularies, not their ids.
func TestHitsReadable(t *testing.T) {
	base := serve(t)
	var pageSection bool
	walk(fragment(t, base, "q=customers+internal+external"), func(n *html.Node) {
		if hasClass(n, "hit-page") && strings.HasSuffix(text(n), "›") && len(text(n)) > 2 {
			pageSection = true
		}
	})
	if !pageSection {
		t.Errorf("no section hit says which page it is in (Page › Section)")
	}
	var via bool
	walk(fragment(t, base, "q=key+person+left&type=question"), func(n *html.Node) {
		if hasClass(n, "hit-meta") && strings.Contains(text(n), "A key person left") {
			via = true
		}
	})
	if !via {
		t.Errorf("no question hit says it matched the situation it was found by")
	}

	var vocab struct {
		Labels   map[string]map[string]string
		Singular map[string]string
	}
	b, err := os.ReadFile(filepath.Join(site.public, "vocab.json"))
	if err == nil {
		err = json.Unmarshal(b, &vocab)
	}
	if err != nil {
		t.Fatalf("vocab.json: %v", err)
	}
	labels := map[string]bool{}
	for _, m := range vocab.Labels {
		for _, l := range m {
			labels[l] = true
		}
	}
	kindNames := map[string]bool{}
	for _, l := range vocab.Singular {
		kindNames[l] = true
	}
	doc := fragment(t, base, "q=customer+upset")
	var named bool
	walk(doc, func(n *html.Node) { named = named || hasClass(n, "facet-name") })
	if !named {
		t.Fatal("the server's results do not name their filter groups (p.facet-name)")
	}
	chips := 0
	walk(doc, func(n *html.Node) {
		switch {
		case hasClass(n, "chip"):
			chips++
			name := strings.TrimSpace(regexp.MustCompile(`\s*\d+$`).ReplaceAllString(text(n), ""))
			if !labels[name] {
				t.Errorf("filter %q is not a name from the vocabularies", name)
			}
		case hasClass(n, "hit-meta"):
			if kind, _, _ := strings.Cut(text(n), " · "); !kindNames[kind] {
				t.Errorf("hit kind %q is not a name from the vocabularies", kind)
			}
		}
	})
	if chips == 0 {
		t.Errorf("no filters for customer upset")
	}
}
