// Package sitecheck checks the built playbook the way its readers meet it: in
// a browser, served by the real server (its Content-Security-Policy included),
// on a phone and a desktop, light and dark.
//
// The package has only tests. They build the site and its index once
// (builder.Build into a temporary store), serve the build with server.New, and
// drive Debian's headless Chromium with chromedp:
//
//   - search: results above the fold on a phone, the server's results kept until
//     new ones replace them, paging, filters that keep focus, Escape that keeps
//     what was typed, meeting mode that holds focus, failures that say so, and
//     the offline fallback over the site's own listings, a busy server retried
//     once as its Retry-After says;
//   - in a meeting: a situation that is the best match answers with its
//     questions to ask first on the first phone screen, other results compact;
//     meeting mode follows the situation and fits the longest question on short
//     screens; the search page's title names the query; no results and bad
//     queries say what to do; the arrow keys move through the results;
//   - a one-row header with a menu on phones and a wide search box at 1280 px;
//     an "On this page" list on technique pages; snippets that keep their
//     structure; forced colours; no layout shift from late scripts; no button
//     that needs JavaScript shown without it;
//   - no Content-Security-Policy violation on any kind of page;
//   - no horizontal scrolling down to 320 px, and the header on one row at 1280 px;
//   - axe-core finds no accessibility violation on any kind of page or search
//     state, light or dark;
//   - the Nu Html Checker (vnu.jar) finds no error in any built page or any
//     page the server renders;
//   - no internal link or anchor in the built site is broken, and the assets are
//     minified, fingerprinted and carry their integrity.
//
// # What the tests need
//
// Chromium (apt-get install chromium), Java 17 or later for vnu.jar (apt-get
// install openjdk-17-jre-headless) and npm, with which the tests install axe-core
// and vnu-jar (versions pinned in npm_test.go) into $BUYIN_NPM_DIR, by default
// the user's cache directory (buyin-sitecheck). Without one of them a test that
// needs it is skipped, unless BUYIN_REQUIRE_BROWSER is set (as .ci/run does),
// when it fails.
//
//	go test ./sitecheck
//	BUYIN_SHOTS=/tmp/shots go test -run TestScreenshots ./sitecheck  # pictures to look at
package sitecheck
