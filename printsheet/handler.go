package printsheet

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"html/template"
	"log"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// MaxIDs is the most questions one sheet prints.
const MaxIDs = 60

// validID is the shape of a question id (package playbook checks ids the same way).
var validID = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// maxIDLen bounds one id, so that a long address cannot make a long error page.
const maxIDLen = 100

// NewHandler returns the basket handler. readFile reads a file of the current
// build's public directory by its slash-separated name (for example
// fs.ReadFile on os.DirFS(public)), on every request, so that a new build is
// picked up at once.
//
//   - GET /basket/ with no ids: the site's basket page, [BasketFile].
//   - GET /basket/?ids=a,b,c or ?id=a&id=b: those questions as cut-out cards.
//   - add &as=list: the same questions as one list to tick off.
//
// A malformed, unknown or repeated-beyond-[MaxIDs] id list gets 400 with the sheet
// page saying what was wrong; other methods than GET and HEAD get 405.
func NewHandler(readFile func(name string) ([]byte, error)) http.Handler {
	return &handler{readFile: readFile}
}

type handler struct {
	readFile func(name string) ([]byte, error)
}

// request is what a basket address asks for.
type request struct {
	ids    []string
	asList bool
}

// badRequest is a problem with the address, told to the client.
type badRequest string

func (e badRequest) Error() string { return string(e) }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	req, err := parseRequest(r.URL.RawQuery)
	if err == nil && len(req.ids) == 0 {
		h.serveFile(w, BasketFile)
		return
	}
	page, rerr := h.readFile(AllCardsFile)
	if rerr != nil {
		log.Printf("printsheet: %v", rerr)
		http.Error(w, "the card sheet is missing: rebuild the site", http.StatusInternalServerError)
		return
	}
	code := http.StatusOK
	var out []byte
	if err == nil {
		out, err = Select(page, req.ids)
		var unknown *UnknownIDsError
		if errors.As(err, &unknown) {
			err = badRequest(unknown.Error() + ". Check the address, or build the basket again from the questions' pages.")
		}
	}
	if err == nil {
		out, err = fill(out, req, r.URL.Path)
	}
	if bad := badRequest(""); errors.As(err, &bad) {
		code = http.StatusBadRequest
		out, err = problem(page, string(bad), r.URL.Path)
	}
	if err != nil {
		log.Printf("printsheet: %s: %v", AllCardsFile, err)
		http.Error(w, "the card sheet cannot be printed: rebuild the site", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(out)
}

func (h *handler) serveFile(w http.ResponseWriter, name string) {
	page, err := h.readFile(name)
	if err != nil {
		log.Printf("printsheet: %v", err)
		http.Error(w, "the basket page is missing: rebuild the site", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

// parseRequest reads the ids (comma-separated in ids, or one per id, in any mix)
// and the layout from a query string.
func parseRequest(rawQuery string) (request, error) {
	var req request
	vals, err := url.ParseQuery(rawQuery)
	if err != nil {
		return req, badRequest("The address is malformed: " + err.Error() + ".")
	}
	switch as := vals.Get("as"); as {
	case "", "cards":
	case "list":
		req.asList = true
	default:
		return req, badRequest(fmt.Sprintf("as=%q is not a layout: use as=cards or as=list.", as))
	}
	var raw []string
	for _, v := range vals["ids"] {
		raw = append(raw, strings.Split(v, ",")...)
	}
	raw = append(raw, vals["id"]...)
	seen := map[string]bool{}
	for _, id := range raw {
		id = strings.TrimSpace(id)
		if id == "" || seen[id] {
			continue
		}
		if len(id) > maxIDLen {
			return req, badRequest(fmt.Sprintf("%.40q... is not a question id: ids are at most %d characters.", id, maxIDLen))
		}
		if !validID.MatchString(id) {
			return req, badRequest(fmt.Sprintf("%q is not a question id: ids are lowercase letters, digits and hyphens, as in /questions/<id>/.", id))
		}
		seen[id] = true
		req.ids = append(req.ids, id)
	}
	if len(req.ids) > MaxIDs {
		return req, badRequest(fmt.Sprintf("%d questions is too many for one sheet: ask for at most %d.", len(req.ids), MaxIDs))
	}
	return req, nil
}

var intro = template.Must(template.New("intro").Parse(`
{{- if .Problem}}<p class="sheet-error" role="alert">{{.Problem}}</p>
<p>Go to <a href="{{.Basket}}">your basket</a>, or print a ready-made set of <a href="/cards/">question cards</a>.</p>
{{- else}}<p class="lead">{{.Count}} question{{if ne .Count 1}}s{{end}} from a basket.
{{- if .AsList}} One list to tick off.{{else}} Print on A4 or Letter: six cards to a sheet. Cut along the dashed lines.{{end}}</p>
<p class="no-print basket-actions"><button type="button" data-print>Print {{if .AsList}}the list{{else}}the cards{{end}}</button>
  {{if .AsList}}<a href="{{.Cards}}">Show them as cut-out cards</a>{{else}}<a href="{{.List}}">Show them as one list</a>{{end}}
  · <a href="{{.Basket}}">Your basket</a></p>
<p class="no-print">The address of this sheet, to share or bookmark: <a href="{{.Link}}" data-address>{{.Address}}</a></p>
<p class="print-foot">{{.Site}} · <span class="print-foot-url" data-address>{{.Address}}</span></p>
{{- end}}`))

type introView struct {
	Problem           string
	Count             int
	AsList            bool
	Cards, List, Link string
	Basket, Site      string
	// Address is Link in full: the site's address (see [siteAddress]) and Link,
	// or Link alone, which static/js/paper.js completes with the address the page
	// was loaded from (the elements marked data-address).
	Address string
}

// fill turns the selected sheet into the basket's: its title, intro and layout.
func fill(sheet []byte, req request, path string) ([]byte, error) {
	ids := strings.Join(req.ids, ",")
	v := introView{
		Count:  len(req.ids),
		AsList: req.asList,
		Cards:  "?ids=" + ids,
		List:   "?ids=" + ids + "&as=list",
		Basket: path,
		Site:   siteTitle(sheet),
	}
	v.Link = path + v.Cards
	if req.asList {
		v.Link = path + v.List
	}
	v.Address = siteAddress(sheet) + v.Link
	title := fmt.Sprintf("Basket: %d question card", v.Count)
	if req.asList {
		title = fmt.Sprintf("Basket: %d question", v.Count)
	}
	if v.Count != 1 {
		title += "s"
	}
	return rewrite(sheet, title, v, req.asList)
}

// problem is the sheet with no cards and the problem in place of the intro.
func problem(page []byte, msg, path string) ([]byte, error) {
	cards, err := findCards(page)
	if err != nil {
		return nil, err
	}
	empty := append(append([]byte{}, page[:cards[0].start]...), page[cards[len(cards)-1].end:]...)
	return rewrite(empty, "Basket: not printed", introView{Problem: msg, Basket: path}, false)
}

// rewrite sets the page's title and heading, puts the intro between its markers
// and, for a list, switches the sheet's layout.
func rewrite(page []byte, title string, v introView, asList bool) ([]byte, error) {
	var b bytes.Buffer
	if err := intro.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("rendering the intro: %w", err)
	}
	page, err := between(page, introStart, introEnd, b.Bytes())
	if err != nil {
		return nil, err
	}
	esc := []byte(template.HTMLEscapeString(title))
	if page, err = between(page, titleStart, titleEnd, esc); err != nil {
		return nil, err
	}
	// Keep the site's name after the page's in <title>.
	if i, j := bytes.Index(page, []byte("<title>")), bytes.Index(page, []byte("</title>")); i >= 0 && j > i {
		head := append([]byte{}, page[:i+len("<title>")]...)
		head = append(head, esc...)
		if k := bytes.Index(page[i:j], []byte(" · ")); k >= 0 {
			head = append(head, page[i+k:j]...)
		}
		page = append(head, page[j:]...)
	}
	if asList {
		old := []byte(`<article class="card-sheet"`)
		if !bytes.Contains(page, old) {
			return nil, fmt.Errorf("the card sheet lacks %s", old)
		}
		page = bytes.Replace(page, old, []byte(`<article class="card-sheet as-list"`), 1)
	}
	return page, nil
}

// between replaces what lies between the first start marker and the end marker
// after it.
func between(page, start, end, with []byte) ([]byte, error) {
	i := bytes.Index(page, start)
	if i < 0 {
		return nil, fmt.Errorf("the card sheet lacks the marker %s", start)
	}
	i += len(start)
	j := bytes.Index(page[i:], end)
	if j < 0 {
		return nil, fmt.Errorf("the card sheet lacks the marker %s", end)
	}
	out := append([]byte{}, page[:i]...)
	out = append(out, with...)
	return append(out, page[i+j:]...), nil
}

// siteTitle is the site's name, from the part of <title> after " · ".
func siteTitle(page []byte) string {
	i, j := bytes.Index(page, []byte("<title>")), bytes.Index(page, []byte("</title>"))
	if i < 0 || j < i {
		return ""
	}
	t := string(page[i+len("<title>") : j])
	if _, site, ok := strings.Cut(t, " · "); ok {
		return html.UnescapeString(site)
	}
	return html.UnescapeString(t)
}

// siteAddressRE finds the site_address setting that Hugo writes on the card sheet
// (layouts/cards/page.html).
var siteAddressRE = regexp.MustCompile(`<article class="card-sheet"[^>]*\sdata-site-address="([^"]*)"`)

// siteAddress is the site_address setting, the scheme and host the site is
// reached at, without a trailing slash; "" when it is not set.
func siteAddress(page []byte) string {
	m := siteAddressRE.FindSubmatch(page)
	if m == nil {
		return ""
	}
	return strings.TrimSuffix(html.UnescapeString(string(m[1])), "/")
}
