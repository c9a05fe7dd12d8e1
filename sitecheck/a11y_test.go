package sitecheck_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeResult is what axe.run reports, as much as the test prints.
type axeResult struct {
	Violations []struct {
		ID, Impact, Help string
		Nodes            []struct {
			Target         []any
			FailureSummary string
		}
	}
}

// axe-core finds no violation on any kind of page, nor in the states of search
// (results, filters open, filtered, meeting mode, suggestions open), light or dark.
func TestAxe(t *testing.T) {
	source, err := os.ReadFile(npmFile(t, "axe-core", "axe.min.js"))
	if err != nil {
		missing(t, "axe-core: %v", err)
	}
	base := serve(t)
	for _, name := range []string{"light", "dark"} {
		t.Run(name, func(t *testing.T) {
			ctx := browser(t, desktop)
			do(t, ctx, scheme(name))
			check := func(state string) {
				t.Helper()
				var res axeResult
				var loaded bool
				if eval(t, ctx, `!!window.axe`, &loaded); !loaded {
					eval(t, ctx, string(source)+"\n;true", nil)
				}
				evalAsync(t, ctx, `axe.run(document, {resultTypes: ["violations"]})`, &res)
				for _, v := range res.Violations {
					var where []string
					for i, n := range v.Nodes {
						if i == 3 {
							where = append(where, "…")
							break
						}
						where = append(where, strings.TrimSpace(strings.ReplaceAll(n.FailureSummary, "\n", " "))+" at "+strings.Trim(strings.Join(anyStrings(n.Target), " "), " "))
					}
					t.Errorf("%s: %s (%s): %s\n\t%s", state, v.ID, v.Impact, v.Help, strings.Join(where, "\n\t"))
				}
			}
			for _, k := range kinds {
				open(t, ctx, base+k.path)
				check(k.name + " " + k.path)
			}
			searchStates(t, ctx, base, check)
		})
	}
}

// searchStates takes the search page and the suggestions through their states,
// calling check in each.
func searchStates(t *testing.T, ctx context.Context, base string, check func(state string)) {
	t.Helper()
	open(t, ctx, base+"/search/?q=customer+upset")
	do(t, ctx, chromedp.Click(".facets > summary", chromedp.ByQuery))
	check("search, filters open")
	do(t, ctx, chromedp.Click(`.facets a.chip[href*="type=question"]`, chromedp.ByQuery))
	until(t, ctx, "the filter", `location.search.includes("type=question") && !!document.querySelector(".facets a.chip[aria-current]")`)
	check("search, filtered")
	do(t, ctx, chromedp.Click(`.hits > li.hit-question [data-meeting-hit]`, chromedp.ByQuery))
	until(t, ctx, "meeting mode", `!!document.querySelector("dialog.meeting[open]")`)
	check("meeting mode")
	do(t, ctx, chromedp.KeyEvent(kb.Escape))
	for _, box := range []struct{ path, id string }{{"/techniques/invite-the-lions/", "site-search"}, {"/", "home-search"}} {
		open(t, ctx, base+box.path)
		do(t, ctx, chromedp.SendKeys("#"+box.id, "customer upset", chromedp.ByQuery))
		until(t, ctx, "suggestions", `!!document.querySelector("#`+box.id+`-hits [role=option]")`)
		do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
		check("suggestions open on " + box.path)
	}
}

func anyStrings(list []any) []string {
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
