package store_test

import (
	"context"
	"fmt"
	"testing"

	"briefbot/briefs"
)

// benchText is an article of realistic size (about 4 KB).
var benchText = func() string {
	s := ""
	for len(s) < 4000 {
		s += "Officials met on Tuesday to discuss the agreement, which covers trade, energy and security. "
	}
	return s
}()

// BenchmarkAdd measures AddArticle of distinct articles (with brief and
// terms, distinct slugs), on the embedded server and, with REDIS_URL, on
// real Redis. On the embedded server the background saver, which writes the
// whole data file at most once a second, runs during the benchmark.
func BenchmarkAdd(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			db := be.open(b)
			ctx := context.Background()
			reqs := make([]briefs.AddRequest, b.N)
			for i := range reqs {
				reqs[i] = addReq("g1", fmt.Sprintf("officials-meet-on-day-%d", i), fmt.Sprintf("Officials meet on day %d", i),
					fmt.Sprintf("%d %s", i, benchText), "Officials", "Tuesday")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if _, _, err := db.AddArticle(ctx, reqs[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBriefCached measures a CachedBrief hit, the path of every /brief.
func BenchmarkBriefCached(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			db := be.open(b)
			ctx := context.Background()
			mustAdd(b, db, addReq("g1", "officials-meet", "Officials meet on trade", benchText, "Officials"))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, ok, err := db.CachedBrief(ctx, "g1", "officials-meet", testVersion); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}
