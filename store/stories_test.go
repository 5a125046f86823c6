package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
	"briefbot/store/storetest"
)

// storyReq is addReq for article n of a story test, carrying a signature
// (the store keeps it opaque) and joining the story of lead (nil = none).
func storyReq(guild string, n, length int, lead *briefs.AddRequest) briefs.AddRequest {
	req := addReq(guild, fmt.Sprintf("s%d", n), fmt.Sprintf("Report %d", n), fmt.Sprintf("Text of report %d.", n))
	req.Article.AddedAt = req.Article.AddedAt.Add(time.Duration(n) * time.Minute)
	req.Story = &briefs.StoryLink{
		Signature:    []byte{1, byte(n), 0, 0xff}, // not UTF-8: stored as bytes
		SignatureTTL: time.Hour,
		Source: briefs.Source{Site: fmt.Sprintf("outlet%d.example", n), URL: fmt.Sprintf("https://outlet%d.example/a", n),
			At: req.Article.AddedAt, Length: length},
	}
	if lead != nil {
		req.Story.Join, req.Story.LeadSource = lead.Article.ID, lead.Story.Source
	}
	return req
}

func sourceIDs(st briefs.Story) []string {
	var ids []string
	for _, s := range st.Sources {
		ids = append(ids, s.ArticleID)
	}
	return ids
}

// A story is kept with its articles: joining lists the source and takes a
// longer one as the best; only the lead enters the digests; removing
// sources hands the story on, and another guild sees none of it.
func TestStories(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		db := open(t)
		leadReq := storyReq("g", 1, 1000, nil)
		lead := mustAdd(t, db, leadReq)
		if _, ok, err := db.StoryOf(ctx, "g", lead.ID); err != nil || ok {
			t.Fatalf("a lone article's story: %v, %v", ok, err)
		}
		pool, err := db.StoryCandidates(ctx, "g", 10)
		cands := pool.Candidates
		if err != nil || len(cands) != 1 || cands[0].ArticleID != lead.ID || cands[0].StoryID != lead.ID || cands[0].LeadSlug != "s1" || string(cands[0].Signature) != string([]byte{1, 1, 0, 0xff}) {
			t.Fatalf("candidates: %+v, %v", cands, err)
		}
		a2 := mustAdd(t, db, storyReq("g", 2, 1050, &leadReq)) // not 10% longer
		a3 := mustAdd(t, db, storyReq("g", 3, 2000, &leadReq)) // the best
		other := mustAdd(t, db, storyReq("g", 4, 500, nil))
		mustAdd(t, db, storyReq("h", 1, 1000, nil)) // the same lead id in another guild

		st, ok, err := db.StoryOf(ctx, "g", a2.ID)
		if err != nil || !ok || st.ID != lead.ID || st.Best != a3.ID || !slices.Equal(sourceIDs(st), []string{lead.ID, a2.ID, a3.ID}) {
			t.Fatalf("story of a member: %+v, %v, %v", st, ok, err)
		}
		if s := st.Sources[0]; s.Slug != "s1" || s.Site != "outlet1.example" || s.URL != "https://outlet1.example/a" || s.Length != 1000 || s.At.IsZero() {
			t.Errorf("lead's source entry: %+v", s)
		}
		if st.Sources[2].Slug != "s3" {
			t.Errorf("the member's slug: %+v", st.Sources[2])
		}
		pool, _ = db.StoryCandidates(ctx, "g", 10)
		cands = pool.Candidates
		if len(cands) != 4 || cands[0].ArticleID != other.ID || cands[1].StoryID != lead.ID || cands[1].LeadSlug != "s1" || cands[3].StoryID != lead.ID {
			t.Errorf("candidates newest first with their stories: %+v", cands)
		}
		// Lists and searches mark each article with its story.
		ls, _, err := db.Recent(ctx, "g", 0, 10)
		if err != nil || len(ls) != 4 {
			t.Fatalf("recent: %v, %v", ls, err)
		}
		found, _ := db.FindByTerms(ctx, "g", []string{"report"}, 10)
		for _, list := range [][]briefs.Listing{ls, found} {
			marks := map[string]string{}
			for _, l := range list {
				marks[l.Slug] = fmt.Sprintf("%s/%d", l.StoryOf, l.StorySources)
			}
			if want := map[string]string{"s1": "/3", "s2": "s1/0", "s3": "s1/0", "s4": "/0"}; !maps.Equal(marks, want) {
				t.Errorf("story marks %v; want %v", marks, want)
			}
		}
		if pool, _ := db.StoryCandidates(ctx, "h", 10); len(pool.Candidates) != 1 {
			t.Errorf("guild h sees %d candidates", len(pool.Candidates))
		}
		if _, ok, _ := db.StoryOf(ctx, "h", lead.ID); ok {
			t.Error("guild h sees guild g's story")
		}

		// The digest shows the story once, as its best source's brief.
		slot := briefs.DigestSlot{GuildID: "g", ChannelID: "c1", Key: "now-1", Size: 10, Version: testVersion}
		c, err := db.ClaimDigest(ctx, slot, time.Minute)
		if err != nil || c.Status != briefs.ClaimTaken {
			t.Fatalf("claim: %+v, %v", c, err)
		}
		if c.Digest.Total != 2 || len(c.Digest.Items) != 2 {
			t.Fatalf("digest: total %d, items %+v", c.Digest.Total, c.Digest.Items)
		}
		it := c.Digest.Items[1]
		if it.Listing.Slug != "s3" || it.Brief == nil || it.Brief.Slug != "s3" || it.Story == nil || it.Story.ID != lead.ID || c.Digest.Items[0].Story != nil {
			t.Errorf("story item: %+v", it)
		}
		if err := db.ReleaseDigest(ctx, c); err != nil {
			t.Fatal(err)
		}

		// Removing the best source: the longest left is the best.
		if _, err := db.RemoveArticle(ctx, "g", "s3"); err != nil {
			t.Fatal(err)
		}
		st, _, _ = db.StoryOf(ctx, "g", lead.ID)
		if st.Best != a2.ID || len(st.Sources) != 2 {
			t.Errorf("after the best left: %+v", st)
		}
		// Removing the lead hands the story to the next source, with its
		// place in the digests; a story of one is no story.
		if _, err := db.RemoveArticle(ctx, "g", "s1"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := db.StoryOf(ctx, "g", a2.ID); ok {
			t.Error("a story of one article is still a story")
		}
		c, err = db.ClaimDigest(ctx, slot, time.Minute)
		if err != nil || c.Digest.Total != 2 || len(c.Digest.Items) != 2 || c.Digest.Items[1].Listing.Slug != "s2" {
			t.Errorf("digest after the lead left: %+v, %v", c.Digest, err)
		}
		_ = db.ReleaseDigest(ctx, c)
		if _, err := db.RemoveArticle(ctx, "g", "s2"); err != nil {
			t.Fatal(err)
		}
		// Joining a lead that is gone starts a story of its own.
		a5 := mustAdd(t, db, storyReq("g", 5, 100, &leadReq))
		if _, ok, _ := db.StoryOf(ctx, "g", a5.ID); ok {
			t.Error("joined a removed lead")
		}
	})
}

// A story lists at most MaxStorySources sources; later ones still join it
// (and stay out of the digests) without being listed.
func TestStorySourcesBounded(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	leadReq := storyReq("g", 0, 100, nil)
	lead := mustAdd(t, db, leadReq)
	for n := 1; n <= briefs.MaxStorySources+5; n++ {
		mustAdd(t, db, storyReq("g", n, 100, &leadReq))
	}
	st, ok, err := db.StoryOf(ctx, "g", lead.ID)
	if err != nil || !ok || len(st.Sources) != briefs.MaxStorySources {
		t.Fatalf("story: %d sources, %v, %v", len(st.Sources), ok, err)
	}
	_, total, _ := db.Recent(ctx, "g", 0, 1)
	c, err := db.ClaimDigest(ctx, briefs.DigestSlot{GuildID: "g", ChannelID: "c", Key: "now-1", Size: 10}, time.Minute)
	if err != nil || c.Digest.Total != 1 || total != briefs.MaxStorySources+6 {
		t.Errorf("digest total %d of %d articles, %v", c.Digest.Total, total, err)
	}
}

// The retention sweep takes expired articles out of their stories like a
// removal: an expired lead hands the story on.
func TestRetentionLeavesStories(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		db := open(t)
		leadReq := storyReq("g", 1, 1000, nil)
		leadReq.Article.AddedAt = leadReq.Article.AddedAt.Add(-48 * time.Hour)
		lead := mustAdd(t, db, leadReq)
		a2 := mustAdd(t, db, storyReq("g", 2, 1000, &leadReq))
		a3 := mustAdd(t, db, storyReq("g", 3, 1000, &leadReq))
		if n, err := db.RemoveOlderThan(ctx, leadReq.Article.AddedAt.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("sweep removed %d, %v", n, err)
		}
		st, ok, err := db.StoryOf(ctx, "g", a3.ID)
		if err != nil || !ok || st.ID != a2.ID || !slices.Equal(sourceIDs(st), []string{a2.ID, a3.ID}) {
			t.Errorf("story after its lead expired: %+v, %v, %v", st, ok, err)
		}
		if _, ok, _ := db.StoryOf(ctx, "g", lead.ID); ok {
			t.Error("the expired lead still has a story")
		}
	})
}

// An admin separates an article merged into a story by mistake: it stands
// alone, keeps its signature, and enters the digests; the rest stay one
// story.
func TestSeparateArticle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		db := open(t)
		leadReq := storyReq("g", 1, 1000, nil)
		lead := mustAdd(t, db, leadReq)
		a2 := mustAdd(t, db, storyReq("g", 2, 1000, &leadReq))
		a3 := mustAdd(t, db, storyReq("g", 3, 5000, &leadReq))
		digestTotal := func() int {
			t.Helper()
			c, err := db.ClaimDigest(ctx, briefs.DigestSlot{GuildID: "g", ChannelID: "c", Key: "now-" + storetest.RandomPrefix(), Size: 10}, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			db.ReleaseDigest(ctx, c)
			return c.Digest.Total
		}
		if n := digestTotal(); n != 1 {
			t.Fatalf("digest total %d before", n)
		}
		a, err := db.SeparateArticle(ctx, "g", "s3")
		if err != nil || a.ID != a3.ID {
			t.Fatalf("separate: %v, %v", a.ID, err)
		}
		if _, ok, _ := db.StoryOf(ctx, "g", a3.ID); ok {
			t.Error("the separated article is still in a story")
		}
		st, ok, _ := db.StoryOf(ctx, "g", lead.ID)
		if !ok || st.Best != lead.ID || !slices.Equal(sourceIDs(st), []string{lead.ID, a2.ID}) {
			t.Errorf("the rest of the story: %+v", st)
		}
		if n := digestTotal(); n != 2 {
			t.Errorf("digest total %d; want the separated article as news of its own", n)
		}
		pool, _ := db.StoryCandidates(ctx, "g", 10)
		if len(pool.Candidates) != 3 {
			t.Errorf("%d candidates; the separated article keeps its signature", len(pool.Candidates))
		}
		_, err = db.SeparateArticle(ctx, "g", "s3")
		wantCode(t, err, briefs.EINVALID)
		_, err = db.SeparateArticle(ctx, "g", "nope")
		wantCode(t, err, briefs.ENOTFOUND)
		// Separating a lead leaves the other article standing alone, in the
		// digests under the lead's place.
		if _, err := db.SeparateArticle(ctx, "g", "s1"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := db.StoryOf(ctx, "g", a2.ID); ok {
			t.Error("a story of one is left")
		}
		if n := digestTotal(); n != 3 {
			t.Errorf("digest total %d after separating the lead; want 3", n)
		}
	})
}

// An add whose story check went stale (another article came into the
// guild after the candidates were read) is refused before anything is
// written, so the check can run again; a fresh check goes through.
func TestAddRefusesStaleStoryCheck(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		db := open(t)
		mustAdd(t, db, storyReq("g", 1, 1000, nil))
		pool, err := db.StoryCandidates(ctx, "g", 10)
		if err != nil {
			t.Fatal(err)
		}
		mustAdd(t, db, storyReq("g", 2, 1000, nil)) // came in meanwhile
		stale := storyReq("g", 3, 1000, nil)
		stale.Story.Seen = pool.Seen
		if _, _, err := db.AddArticle(ctx, stale); !errors.Is(err, briefs.ErrStoryMoved) {
			t.Fatalf("add with a stale check: %v; want ErrStoryMoved", err)
		}
		if _, total, _ := db.Recent(ctx, "g", 0, 10); total != 2 {
			t.Errorf("the refused add wrote an article: %d", total)
		}
		if pool, _ := db.StoryCandidates(ctx, "g", 10); len(pool.Candidates) != 2 {
			t.Errorf("the refused add kept a signature: %d candidates", len(pool.Candidates))
		}
		again, _ := db.StoryCandidates(ctx, "g", 10)
		stale.Story.Seen = again.Seen
		mustAdd(t, db, stale)
	})
}
