package playbook

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestNearDuplicatesMatchesEveryPair checks the prefix filter against comparing
// every pair, on texts made to be near one another.
func TestNearDuplicatesMatchesEveryPair(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := []string{"partner", "customer", "meeting", "budget", "plan", "risk", "team", "board", "deadline", "fear", "trust", "value"}
	var texts []string
	for range 400 {
		n := 2 + r.IntN(5)
		var ws []string
		for range n {
			ws = append(ws, vocab[r.IntN(len(vocab))])
		}
		texts = append(texts, fmt.Sprint(ws))
	}
	got := NearDuplicates(texts)
	var want []Pair
	for i := range texts {
		for j := i + 1; j < len(texts); j++ {
			if s := Similarity(texts[i], texts[j]); s >= DuplicateThreshold {
				want = append(want, Pair{I: i, J: j, Similarity: s})
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("the test texts have no near-duplicates; the test proves nothing")
	}
	if !slices.Equal(got, want) {
		t.Errorf("NearDuplicates found %d pairs, comparing every pair finds %d", len(got), len(want))
	}
}
