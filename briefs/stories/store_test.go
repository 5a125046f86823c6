package stories_test

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

// The labelled clusters added one by one to a guild as the bot adds them
// (summary, story check against the store's newest signatures, the add
// script joining stories), each at its publication time: the stories the
// store ends up with meet the same pairwise targets as the offline
// clustering.
func TestClustersThroughTheStore(t *testing.T) {
	arts := loadClusters(t)
	if testing.Short() {
		t.Skip("adds every labelled article; not with -short")
	}
	ctx := context.Background()
	db := storetest.Open(t)
	var now time.Time
	svc := &briefs.Service{Store: db, Summarizer: extractive.New(), Stories: stories.NewMatcher(), Now: func() time.Time { return now }}
	ids := make([]string, len(arts))
	gold := make([]string, len(arts))
	for i, a := range arts {
		published := publishedAt(a.Published)
		now = published.Add(12 * time.Hour) // the set gives days, not times
		res, err := svc.Add(ctx, briefs.AddInput{GuildID: "g", Title: a.Title, Text: a.Text, SourceURL: a.URL, Site: a.Outlet, PublishedAt: published})
		if err != nil {
			t.Fatalf("add %s: %v", a.ID, err)
		}
		ids[i], gold[i] = res.Brief.ArticleID, a.Event
	}
	story := map[string]int{}
	pred := make([]int, len(arts))
	joined := 0
	for i, id := range ids {
		key := id
		if st, ok, err := db.StoryOf(ctx, "g", id); err != nil {
			t.Fatal(err)
		} else if ok {
			key = st.ID
			if st.ID != id {
				joined++
			}
		}
		if _, ok := story[key]; !ok {
			story[key] = len(story)
		}
		pred[i] = story[key]
	}
	p, r := pairwise(gold, pred)
	t.Log(fmt.Sprintf("%d articles in %d stories (%d joined one): pairwise precision %.3f recall %.3f", len(arts), len(story), joined, p, r))
	if p < 0.95 || r < 0.85 {
		t.Errorf("through the store: precision %.3f recall %.3f; want >= 0.95 and >= 0.85", p, r)
	}
}
