// Package printtest prints the playbook's printable pages with headless Chromium
// and checks the paper: every checklist fits one A4 and one Letter sheet with all
// its items, its full address and a date, and prints the boxes ticked on screen
// (kept in the browser until cleared); the booklet puts each checklist on its own
// sheet, numbered as the contents say; a technique prints without navigation,
// each question whole, with its address and date; a card sheet holds every
// question it should, six to a sheet, labelled as the question's page is, and no
// card overflows; every "Print ... as cut-out cards" link and basket address
// prints exactly its questions; paper carries the site_address setting, or the
// address the page was loaded from.
//
// The package has only tests. They build the site once (site.Build), serve it
// with the basket handler (package printsheet) under the site's Content-Security-
// Policy, and read the PDFs with poppler's pdfinfo and pdftotext. Without
// Chromium or poppler the browser tests are skipped, unless BUYIN_REQUIRE_BROWSER
// is set, when they fail.
//
// # Looking at the paper
//
// With BUYIN_PRINT_OUT=DIR the tests also write the first sheet of one page of each
// kind to DIR as a PDF and a PNG (pdftoppm -r 60), to look at:
//
//	BUYIN_PRINT_OUT=/tmp/print go test ./printtest
package printtest
