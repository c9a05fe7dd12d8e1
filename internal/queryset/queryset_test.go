package queryset_test

import (
	"strings"
	"testing"

	"github.com/buyin/playbook/internal/queryset"
)

func TestMix(t *testing.T) {
	set := queryset.Mix([]string{"customer upset", "partner not delivering"})
	seen := map[string]bool{}
	var prefixes, typos, filtered int
	for _, s := range set {
		if seen[s.Query()] {
			t.Errorf("search %q repeated", s.Query())
		}
		seen[s.Query()] = true
		switch {
		case len(s.Filters) > 0:
			filtered++
		case !strings.HasSuffix(s.Text, " "):
			prefixes++
		case s.Text != "customer upset " && s.Text != "partner not delivering ":
			typos++
		}
	}
	if prefixes < 10 || typos < 2 || filtered != 2 {
		t.Errorf("%d prefixes, %d typos, %d filtered; want many prefixes, a typo and a filtered copy of each", prefixes, typos, filtered)
	}
}

func TestLoadRealCases(t *testing.T) {
	qs, err := queryset.Load("../../cmd/indexer/testdata/relevance.toml")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(queryset.Mix(qs)); n < 200 {
		t.Errorf("the load set has %d distinct searches; the load target needs at least 200", n)
	}
}

func TestWorstFitsTheLimit(t *testing.T) {
	for _, s := range queryset.Worst(512) {
		if len(s.Text) > 512 {
			t.Errorf("worst case of %d bytes exceeds the limit", len(s.Text))
		}
	}
}
