// Package site builds the playbook's Hugo site with the Hugo linked into this
// program, and reads what Hugo rendered back as search documents.
//
// # Building
//
// [Build] runs Hugo into a directory that must not exist yet. Validation comes
// before it and publishing after it (package builder), so a failed build never
// touches what is served.
//
// # Documents
//
// Hugo writes searchdocs.json beside the HTML (layouts/home.searchdocs.json): one
// record per page, with the page's rendered HTML. [Documents] makes one document
// of each page with all its text, and one of each h2 and h3 section, so that a
// hit can land on the heading that matched.
package site
