package store_test

import (
	"context"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
)

// Answers are kept by key; a guild's calls a day are bounded in one step
// and counted apart from other guilds and days.
func TestWrittenBriefsAndBudget(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		db := open(t)
		ctx := context.Background()
		if _, ok, err := db.WrittenBrief(ctx, "k1"); ok || err != nil {
			t.Fatalf("nothing kept yet: %v, %v", ok, err)
		}
		w := briefs.Written{Summary: briefs.Summary{Gist: "A gist.", Bullets: []string{"a", "b", "c"}}, Rejected: "number: 9"}
		if err := db.KeepWrittenBrief(ctx, "k1", w, time.Hour); err != nil {
			t.Fatal(err)
		}
		got, ok, err := db.WrittenBrief(ctx, "k1")
		if err != nil || !ok || got.Summary.Gist != "A gist." || got.Rejected != "number: 9" || len(got.Summary.Bullets) != 3 {
			t.Fatalf("kept answer: %+v, %v, %v", got, ok, err)
		}
		day := time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)
		for i := range 3 {
			ok, err := db.SpendWriterCall(ctx, "g", day, 2)
			if err != nil || ok != (i < 2) {
				t.Errorf("call %d: %v, %v", i+1, ok, err)
			}
		}
		if n, err := db.WriterCalls(ctx, "g", day); err != nil || n != 2 {
			t.Errorf("calls counted %d, %v; want 2", n, err)
		}
		if ok, _ := db.SpendWriterCall(ctx, "h", day, 2); !ok {
			t.Error("another guild's budget was spent by g")
		}
		if ok, _ := db.SpendWriterCall(ctx, "g", day.Add(2*time.Hour), 2); !ok {
			t.Error("the next day's budget was spent the day before")
		}
	})
}
