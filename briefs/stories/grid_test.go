package stories_test

import (
	"os"
	"testing"
	"time"

	"briefbot/briefs/stories"
)

// TestClustersGrid prints the best thresholds of other parameters (set
// STORIES_GRID=1): for tuning DefaultParams.
func TestClustersGrid(t *testing.T) {
	if os.Getenv("STORIES_GRID") == "" {
		t.Skip("set STORIES_GRID=1")
	}
	sigs, gold := signClusters(t)
	// Tune on two thirds of the events only (the others are held out by
	// TestClustersPrecisionRecall).
	seen := map[string]int{}
	var ts []stories.Signature
	var tg []string
	for i, e := range gold {
		if _, ok := seen[e]; !ok {
			seen[e] = len(seen)
		}
		if seen[e]%3 != 2 {
			ts, tg = append(ts, sigs[i]), append(tg, e)
		}
	}
	sigs, gold = ts, tg
	for _, w := range [][3]float64{{0.5, 0.2, 0.3}, {0.6, 0.2, 0.2}, {0.4, 0.3, 0.3}, {0.7, 0.1, 0.2}, {0.5, 0.3, 0.2}, {0.6, 0.4, 0}, {1, 0, 0}} {
		for _, hl := range []time.Duration{12 * time.Hour, 24 * time.Hour, 48 * time.Hour} {
			for _, win := range []time.Duration{48 * time.Hour, 72 * time.Hour, 7 * 24 * time.Hour} {
				p := stories.Params{Lead: w[0], Title: w[1], Names: w[2], Window: win, HalfLife: hl}
				for th := 0.1; th < 0.5; th += 0.025 {
					pr, rc := pairwise(gold, p.Cluster(sigs, th))
					if pr >= 0.95 && rc >= 0.8 {
						t.Logf("w=%v hl=%s win=%s th=%.3f: P %.3f R %.3f", w, hl, win, th, pr, rc)
					}
				}
			}
		}
	}
}
