package printtest

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/buyin/playbook/internal/browsertest"
	"github.com/buyin/playbook/printsheet"
	"github.com/buyin/playbook/server"
	"github.com/buyin/playbook/site"
)

// root is the project, relative to this package.
const root = ".."

// public is the site built once for all the tests.
var public string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "buyin-printtest-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	public = filepath.Join(dir, "public")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := site.Build(ctx, root, public); err != nil {
		fmt.Fprintf(os.Stderr, "printtest: building the site: %v\n", err)
		return 1
	}
	return m.Run()
}

// csp is the policy the server sends: no inline script or style.
const csp = server.ContentSecurityPolicy

// serve serves the built site as the service will: the files, and the basket
// handler on /basket/.
func serve(t *testing.T) *httptest.Server {
	t.Helper()
	return serveDir(t, public)
}

// serveDir serves a site built in dir as serve does.
func serveDir(t *testing.T, dir string) *httptest.Server {
	t.Helper()
	files := os.DirFS(dir)
	mux := http.NewServeMux()
	mux.Handle("GET /basket/{$}", printsheet.NewHandler(func(name string) ([]byte, error) { return fs.ReadFile(files, name) }))
	mux.Handle("GET /", http.FileServer(http.Dir(dir)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func need(t *testing.T, prog, pkg string) string {
	t.Helper()
	return browsertest.Need(t, prog, "apt-get install -y "+pkg)
}

// browser starts Debian's headless Chromium for a test, with poppler to read
// what it prints.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := need(t, "chromium", "chromium")
	need(t, "pdfinfo", "poppler-utils")
	need(t, "pdftotext", "poppler-utils")
	return browsertest.Start(t, path, 1200, 900, 5*time.Minute)
}

// paper is a sheet size, in inches, as Chromium's print dialog has them.
type paper struct {
	name          string
	width, height float64
}

var (
	a4     = paper{"A4", 8.27, 11.69}
	letter = paper{"Letter", 8.5, 11}
	papers = []paper{a4, letter}
)

// pdf is a printed page.
type pdf struct {
	data  []byte
	file  string
	pages int
}

// defaultMargin is Chromium's default print margin, 1 cm, in inches. The DevTools
// protocol would otherwise send 0: a page's own @page margins still win.
const defaultMargin = 1 / 2.54

// printPage loads url and prints it on the paper at Chromium's default margins.
func printPage(t *testing.T, ctx context.Context, url string, p paper) *pdf {
	t.Helper()
	var data []byte
	err := chromedp.Run(ctx,
		chromedp.Navigate(url),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			data, _, err = page.PrintToPDF().WithPaperWidth(p.width).WithPaperHeight(p.height).
				WithMarginTop(defaultMargin).WithMarginBottom(defaultMargin).
				WithMarginLeft(defaultMargin).WithMarginRight(defaultMargin).Do(ctx)
			return err
		}),
	)
	if err != nil {
		t.Fatalf("printing %s on %s: %v", url, p.name, err)
	}
	f, err := os.CreateTemp(t.TempDir(), "*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	f.Close()
	doc := &pdf{data: data, file: f.Name()}
	out, err := exec.Command("pdfinfo", doc.file).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	doc.pages, _ = strconv.Atoi(string(m[1]))
	return doc
}

// text is the text of the PDF's pages first to last (1-based; 0, 0 for all).
func (d *pdf) text(t *testing.T, first, last int) string {
	t.Helper()
	args := []string{}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	out, err := exec.Command("pdftotext", append(args, d.file, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// keep writes the PDF and a PNG of its first page (or the page given) to
// BUYIN_PRINT_OUT, to look at.
func (d *pdf) keep(t *testing.T, name string, pageNo int) {
	t.Helper()
	dir := outDir(t)
	if dir == "" {
		return
	}
	base := filepath.Join(dir, name)
	if err := os.WriteFile(base+".pdf", d.data, 0o644); err != nil {
		t.Fatal(err)
	}
	n := strconv.Itoa(pageNo)
	if out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", n, "-l", n, "-singlefile", d.file, base).CombinedOutput(); err != nil {
		t.Errorf("pdftoppm: %v\n%s", err, out)
	}
}

// outDir is BUYIN_PRINT_OUT, made if need be, or "" when it is not set.
func outDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("BUYIN_PRINT_OUT")
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// squash drops whitespace, hyphens (pdftotext joins a word hyphenated at a line's
// end) and writing lines ("____"), and undoes ligatures, so that text set in lines
// on paper compares with the text it came from.
func squash(s string) string {
	s = strings.NewReplacer("ﬁ", "fi", "ﬂ", "fl", "ﬀ", "ff", "ﬃ", "ffi", "ﬄ", "ffl", "\u00ad", "").Replace(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || r == '_' || r == '-' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ---- The content, read as the validator reads it.

type checklist struct {
	Slug   string
	Title  string
	Groups []struct {
		Title string
		Items []string
	}
}

func checklists(t *testing.T) []checklist {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "content", "checklists", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []checklist
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "_") {
			continue
		}
		var c checklist
		frontMatter(t, f, &c)
		c.Slug = strings.TrimSuffix(filepath.Base(f), ".md")
		out = append(out, c)
	}
	if len(out) == 0 {
		t.Fatal("no checklists found")
	}
	return out
}

func frontMatter(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	parts := bytes.SplitN(b, []byte("+++"), 3)
	if len(parts) < 3 {
		t.Fatalf("%s: no TOML front matter", file)
	}
	if _, err := toml.Decode(string(parts[1]), v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

type question struct {
	ID         string   `toml:"id"`
	Text       string   `toml:"text"`
	Why        string   `toml:"why"`
	Technique  string   `toml:"technique"`
	Situations []string `toml:"situations"`
	FollowUp   []string `toml:"follow_up"`
}

// questions are the questions of data/questions/*.toml, by technique, in file order.
func questions(t *testing.T) map[string][]question {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "data", "questions", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]question{}
	for _, f := range files {
		var data struct{ Question []question }
		if _, err := toml.DecodeFile(f, &data); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, q := range data.Question {
			out[q.Technique] = append(out[q.Technique], q)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkQuestions reports which of want are not on the paper, and which of the
// others are (unless their text is part of a wanted card's).
func checkQuestions(t *testing.T, where, text string, want, all []question) {
	t.Helper()
	got := squash(text)
	var wanted strings.Builder
	for _, q := range want {
		if !strings.Contains(got, squash(q.Text)) {
			t.Errorf("%s: question %q (%s) is not on the paper", where, q.Text, q.ID)
		}
		wanted.WriteString(squash(q.Text + q.Why + strings.Join(q.FollowUp, "")))
	}
	in := map[string]bool{}
	for _, q := range want {
		in[q.ID] = true
	}
	for _, q := range all {
		s := squash(q.Text)
		if !in[q.ID] && strings.Contains(got, s) && !strings.Contains(wanted.String(), s) {
			t.Errorf("%s: question %q (%s) is on the paper but was not asked for", where, q.Text, q.ID)
		}
	}
}
