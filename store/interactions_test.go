package store_test

import (
	"context"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
)

// TestFirstSight: an interaction id is new once per window, for every
// process sharing the store, and an empty id is refused.
func TestFirstSight(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		db := open(t)
		if ok, err := db.FirstSight(ctx, "123", time.Minute); !ok || err != nil {
			t.Fatalf("first = %v, %v", ok, err)
		}
		if ok, err := db.FirstSight(ctx, "123", time.Minute); ok || err != nil {
			t.Errorf("second = %v, %v; want false", ok, err)
		}
		if ok, err := db.FirstSight(ctx, "124", time.Minute); !ok || err != nil {
			t.Errorf("another id = %v, %v", ok, err)
		}
		_, err := db.FirstSight(ctx, "", time.Minute)
		wantCode(t, err, briefs.EINVALID)
		if ok, _ := db.FirstSight(ctx, "short", 150*time.Millisecond); !ok {
			t.Fatal("short: not first")
		}
		eventually(t, 5*time.Second, "the mark expires", func() bool {
			ok, _ := db.FirstSight(ctx, "short", 150*time.Millisecond)
			return ok
		})
	})
}
