package searchindex

// Document is one searchable thing: a page, a section of a page, a question or a
// checklist. Its ID is its URL, with the #anchor for a section, so it is unique.
type Document struct {
	ID   string `json:"id"`
	Type string `json:"type"` // technique, question, checklist, situation or page
	// Title is the page title, the section heading, or a question's own text.
	Title string `json:"title"`
	URL   string `json:"url"`
	// Page is the title of the page a section belongs to; empty for whole pages.
	Page string `json:"page,omitempty"`
	// Body is the plain text a reader sees under the title.
	Body string `json:"body,omitempty"`
	// Phrases are the words people type for what this document is about (a
	// situation page's own phrases). They weigh as much as the title.
	Phrases []string `json:"phrases,omitempty"`
	// Situations are the situations the document answers, with the words people
	// use for them, so that a question is found by the situation it helps in.
	Situations []Situation `json:"situations,omitempty"`
	Stage      []string    `json:"stage,omitempty"`
	Audience   []string    `json:"audience,omitempty"`
	Technique  []string    `json:"technique,omitempty"`
	// TechniqueTitles are the readable names of Technique, in the same order.
	TechniqueTitles []string `json:"technique_titles,omitempty"`
	// AskFirst are, for a situation, the questions to ask first, in order.
	AskFirst []Question `json:"ask_first,omitempty"`
}

// Question is a question of the bank as a situation names it: enough to link it.
type Question struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	URL  string `json:"url"`
}

// Situation is a situation a document helps in.
type Situation struct {
	Title   string   `json:"title"`
	Phrases []string `json:"phrases,omitempty"`
}

// Facet fields: the keyword fields a query can filter on and the response counts.
var facetFields = []string{"type", "stage", "audience", "technique"}

// FacetFields returns the names of the fields a Query can filter on, in the order
// the response lists them.
func FacetFields() []string { return append([]string(nil), facetFields...) }

// Query is a search as a person asks it.
type Query struct {
	// Text is what was typed, in plain language. No character has a special meaning.
	// A text that does not end in a space is still being typed: its last word
	// also matches the words it begins.
	Text string
	// Filters maps a facet field (type, stage, audience, technique) to the values
	// wanted. Values of one field are alternatives; different fields must all match.
	Filters map[string][]string
	// Size is the number of hits wanted and From the number to skip.
	Size, From int
	// Facets asks for the counts per facet value; they cost a little, so a
	// search that shows no filters need not pay for them.
	Facets bool
}

// Result is the answer to a Query.
type Result struct {
	Query string `json:"query"`
	Total uint64 `json:"total"`
	// Matched says how many of the searched words the best hit has: "all",
	// "most" (two thirds or more), "any", or "none" when nothing was found.
	Matched string `json:"matched"`
	// Searched are the words looked for, after dropping stop words; Corrected
	// maps a typed word the index lacks to the words searched instead; Ignored
	// lists words past the limit of words a search looks for.
	Searched  []string            `json:"searched"`
	Corrected map[string][]string `json:"corrected,omitempty"`
	Ignored   []string            `json:"ignored,omitempty"`
	From      int                 `json:"from"`
	Size      int                 `json:"size"`
	Hits      []Hit               `json:"hits"`
	// Facets maps each facet field to the count of matching documents per value,
	// when the query asked for them. A field's counts ignore that field's own
	// filter, so they show what choosing another value would give.
	Facets map[string]map[string]int `json:"facets,omitempty"`
	// TookMS is how long the search took, in milliseconds.
	TookMS float64 `json:"took_ms"`
}

// Hit is one document found.
type Hit struct {
	ID    string  `json:"id"`
	Type  string  `json:"type"`
	Title string  `json:"title"`
	URL   string  `json:"url"`
	Page  string  `json:"page,omitempty"`
	Score float64 `json:"score"`
	// Snippet is HTML: text escaped, with the matched words in <mark> elements.
	Snippet string `json:"snippet"`
	// TitleHTML is the title, escaped, with matched words marked.
	TitleHTML string `json:"title_html"`
	// Via names, when some searched words are not in the title or snippet, the
	// situation whose words they matched, so the reader sees why the hit is here.
	Via             string   `json:"via,omitempty"`
	Stage           []string `json:"stage,omitempty"`
	Audience        []string `json:"audience,omitempty"`
	Technique       []string `json:"technique,omitempty"`
	TechniqueTitles []string `json:"technique_titles,omitempty"`
	// AskFirst are, on a situation's hit, its three questions to ask first.
	AskFirst []Question `json:"ask_first,omitempty"`
}
