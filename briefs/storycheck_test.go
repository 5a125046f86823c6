package briefs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/briefs/stories"
	"briefbot/store/storetest"
)

const quakeText = "A magnitude 6.1 earthquake struck the mountains of central Albania on Monday morning, damaging hundreds of houses in villages near the town of Elbasan, officials said. " +
	"Emergency services said at least 12 people were injured and taken to hospital in Elbasan and Tirana. " +
	"The quake was felt across the capital, where residents ran into the streets. " +
	"Prime Minister Edi Rama said the government would send tents and food to the villages overnight."

// A signature is kept only while a later article could match it: an
// article that came out longer ago than the window keeps none, and a
// report of the same event added later joins the story of the article
// that still has one, with the lead's source written down.
func TestStoryCheckWindow(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	db := storetest.Open(t)
	svc := &briefs.Service{Store: db, Summarizer: extractive.New(), Stories: stories.NewMatcher(), Now: func() time.Time { return now }}
	add := func(url string, published time.Time, text string) briefs.AddResult {
		t.Helper()
		res, err := svc.Add(ctx, briefs.AddInput{GuildID: "g", Text: text, SourceURL: url, PublishedAt: published})
		if err != nil || !res.Created {
			t.Fatalf("add %s: %v", url, err)
		}
		return res
	}
	add("https://old.example/quake", now.Add(-80*time.Hour), quakeText)
	if pool, err := db.StoryCandidates(ctx, "g", 10); err != nil || len(pool.Candidates) != 0 {
		t.Fatalf("an article older than the window keeps a signature: %d, %v", len(pool.Candidates), err)
	}
	first := add("https://one.example/quake", now.Add(-time.Hour), quakeText+" Aftershocks continued into the afternoon.")
	if pool, _ := db.StoryCandidates(ctx, "g", 10); len(pool.Candidates) != 1 {
		t.Fatalf("%d candidates after a fresh article", len(pool.Candidates))
	}
	second := add("https://two.example/quake", now, "Albania earthquake injures 12 near Elbasan\n\n"+
		"At least 12 people were injured when a magnitude 6.1 earthquake hit central Albania on Monday, damaging houses in villages around Elbasan. "+
		"Prime Minister Edi Rama promised tents and food for the villages. Residents of Tirana ran into the streets as the quake was felt in the capital.")
	if second.StoryNote == "" {
		t.Fatalf("the second report joined no story: %+v", second)
	}
	lk, err := svc.Brief(ctx, "g", second.Brief.Slug)
	if err != nil || lk.Story == nil || len(lk.Story.Sources) != 2 {
		t.Fatalf("story: %+v, %v", lk.Story, err)
	}
	if src := lk.Story.Sources[0]; src.ArticleID != first.Brief.ArticleID || src.URL != "https://one.example/quake" || src.Length == 0 || !src.At.Equal(now.Add(-time.Hour)) {
		t.Errorf("the lead's entry: %+v", src)
	}
}

// Reports of one event added at the same moment (feeds polled together,
// several instances) still make one story: an add whose story check went
// stale meanwhile checks again.
func TestStoryCheckConcurrentAdds(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	db := storetest.Open(t)
	svc := &briefs.Service{Store: db, Summarizer: extractive.New(), Stories: stories.NewMatcher(), Now: func() time.Time { return now }}
	const reports = 8
	start := make(chan struct{})
	errs := make(chan error, reports)
	for i := range reports {
		go func() {
			<-start
			_, err := svc.Add(ctx, briefs.AddInput{GuildID: "g", SourceURL: fmt.Sprintf("https://outlet%d.example/quake", i),
				Text: fmt.Sprintf("Report %d from our correspondent. ", i) + quakeText})
			errs <- err
		}()
	}
	close(start)
	for range reports {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	ls, total, err := db.Recent(ctx, "g", 0, reports)
	if err != nil || total != reports {
		t.Fatalf("%d articles, %v", total, err)
	}
	st, ok, err := db.StoryOf(ctx, "g", ls[0].ArticleID)
	if err != nil || !ok || len(st.Sources) != reports {
		t.Fatalf("%d reports at once make a story of %d sources (%v, %v)", reports, len(st.Sources), ok, err)
	}
	c, err := db.ClaimDigest(ctx, briefs.DigestSlot{GuildID: "g", ChannelID: "c", Key: "now-1", Size: 10}, time.Minute)
	if err != nil || c.Digest.Total != 1 {
		t.Errorf("the digest counts %d, want one story (%v)", c.Digest.Total, err)
	}
}
