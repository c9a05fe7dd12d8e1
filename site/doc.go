// Package site builds the playbook's Hugo site with the Hugo linked into this
// program, and reads what Hugo rendered back as search documents.
//
// # Building
//
// [Build] validates the structured content first (package playbook), so that a bad
// question or checklist fails with its file and field, then runs Hugo into a staging
// directory and swaps it into place: a failed build leaves the previous site whole.
//
// # Documents
//
// Hugo writes searchdocs.json beside the HTML (layouts/home.searchdocs.json): one
// record per page, with the page's rendered HTML. [Documents] splits each page at
// its h2 and h3 headings, so that a hit lands on the heading that matched.
package site
