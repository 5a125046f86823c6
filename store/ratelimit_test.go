package store_test

import (
	"context"
	"testing"
	"time"

	"briefbot/store"
)

func TestAllowCountsPerUserAndGuild(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		db := open(t)
		ctx := context.Background()
		for i := range 3 {
			ok, _, err := db.Allow(ctx, "g1", "u1", "fetch", 3, time.Hour)
			if err != nil || !ok {
				t.Fatalf("use %d: ok=%v err=%v", i+1, ok, err)
			}
		}
		ok, wait, err := db.Allow(ctx, "g1", "u1", "fetch", 3, time.Hour)
		if err != nil || ok {
			t.Fatalf("4th use within the hour: ok=%v err=%v", ok, err)
		}
		if wait <= 0 || wait > time.Hour {
			t.Errorf("retry after %v, want within the hour", wait)
		}
		// Another member, and the same member in another guild, have their own counts.
		for _, who := range [][2]string{{"g1", "u2"}, {"g2", "u1"}} {
			if ok, _, err := db.Allow(ctx, who[0], who[1], "fetch", 3, time.Hour); err != nil || !ok {
				t.Errorf("%v: ok=%v err=%v", who, ok, err)
			}
		}
	})
}
