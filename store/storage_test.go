package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
)

// TestStorage is the briefs.Storage contract, run on the embedded server and,
// with REDIS_URL, on real Redis.
func TestStorage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		t.Run("AddAndRead", func(t *testing.T) { testAddAndRead(t, open(t)) })
		t.Run("DedupByURL", func(t *testing.T) { testDedupByURL(t, open(t)) })
		t.Run("DedupByHash", func(t *testing.T) { testDedupByHash(t, open(t)) })
		t.Run("SlugSuffix", func(t *testing.T) { testSlugSuffix(t, open(t)) })
		t.Run("SlugTopic", func(t *testing.T) { testSlugTopic(t, open(t)) })
		t.Run("ExactSlugConflict", func(t *testing.T) { testExactSlugConflict(t, open(t)) })
		t.Run("InvalidInput", func(t *testing.T) { testInvalidInput(t, open(t)) })
		t.Run("GuildIsolation", func(t *testing.T) { testGuildIsolation(t, open(t)) })
		t.Run("NotFound", func(t *testing.T) { testNotFound(t, open(t)) })
		t.Run("CachedBrief", func(t *testing.T) { testCachedBrief(t, open(t)) })
		t.Run("CachedBriefExpires", func(t *testing.T) { testCachedBriefExpires(t, open(t)) })
		t.Run("FindByTerms", func(t *testing.T) { testFindByTerms(t, open(t)) })
		t.Run("SuggestSlugPrefix", func(t *testing.T) { testSuggestSlugPrefix(t, open(t)) })
		t.Run("Recent", func(t *testing.T) { testRecent(t, open(t)) })
		t.Run("Remove", func(t *testing.T) { testRemove(t, open(t)) })
		t.Run("ConcurrentSameText", func(t *testing.T) { testConcurrentSameText(t, open(t)) })
		t.Run("ConcurrentSameSlug", func(t *testing.T) { testConcurrentSameSlug(t, open(t)) })
		t.Run("OneRoundTrip", func(t *testing.T) { testOneRoundTrip(t, open(t)) })
	})
}

func testAddAndRead(t *testing.T, db *store.DB) {
	ctx := context.Background()
	req := addReq("g1", "putin-kim", "Putin meets Kim", "Putin met Kim in Pyongyang.", "Putin", "Kim")
	req.Article.SourceURL = "https://news.example/putin-kim"
	req.Article.Site = "news.example"
	req.Article.PublishedAt = time.Date(2024, 6, 19, 9, 13, 0, 0, time.UTC)
	req.Article.ImageURL, req.Article.Lang = "https://news.example/putin-kim.jpg", "en"
	req.Brief.ImageURL, req.Brief.Lang = req.Article.ImageURL, "en"
	a, created, err := db.AddArticle(ctx, req)
	if err != nil || !created {
		t.Fatalf("AddArticle = %v, %v", created, err)
	}
	if !reflect.DeepEqual(a, req.Article) {
		t.Errorf("returned article\n got %+v\nwant %+v", a, req.Article)
	}
	got, err := db.ArticleBySlug(ctx, "g1", "putin-kim")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, req.Article) {
		t.Errorf("ArticleBySlug\n got %+v\nwant %+v", got, req.Article)
	}
	b, ok, err := db.CachedBrief(ctx, "g1", "putin-kim", testVersion)
	if err != nil || !ok {
		t.Fatalf("CachedBrief = %v, %v", ok, err)
	}
	want := req.Brief
	want.ArticleID, want.GuildID, want.Slug = a.ID, "g1", "putin-kim"
	if !reflect.DeepEqual(b, want) {
		t.Errorf("CachedBrief\n got %+v\nwant %+v", b, want)
	}
	ls, total, err := db.Recent(ctx, "g1", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	wantL := briefs.Listing{ArticleID: a.ID, Slug: "putin-kim", Title: "Putin meets Kim", Site: "news.example",
		Entities: []string{"Putin", "Kim"}, AddedAt: req.Article.AddedAt}
	if total != 1 || len(ls) != 1 || !reflect.DeepEqual(ls[0], wantL) {
		t.Errorf("Recent = %+v, %d; want [%+v], 1", ls, total, wantL)
	}

	// An empty id is derived from the content hash, a zero AddedAt is now.
	req2 := addReq("g1", "second", "Second", "Another text entirely.")
	req2.Article.ID, req2.Article.AddedAt = "", time.Time{}
	a2 := mustAdd(t, db, req2)
	if a2.ID != req2.Article.ContentHash[:16] {
		t.Errorf("derived id = %q, want %q", a2.ID, req2.Article.ContentHash[:16])
	}
	if time.Since(a2.AddedAt) > time.Minute {
		t.Errorf("AddedAt = %v, want about now", a2.AddedAt)
	}
}

func testDedupByURL(t *testing.T, db *store.DB) {
	ctx := context.Background()
	req := addReq("g1", "first", "First", "The first text.")
	req.Article.SourceURL = "https://News.Example:443/story?id=7&utm_source=x#top"
	first := mustAdd(t, db, req)

	again := addReq("g1", "other", "Other", "A text fetched later: the page changed.")
	again.Article.SourceURL = "https://news.example/story?id=7"
	a, created, err := db.AddArticle(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if created || a.ID != first.ID || a.Slug != "first" {
		t.Errorf("same URL: got %q (%s), created %v; want the first article, not created", a.Slug, a.ID, created)
	}
	if _, err := db.ArticleBySlug(ctx, "g1", "other"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
		t.Errorf("a deduplicated add wrote its slug: %v", err)
	}
	// Another page of the same site is another article.
	other := addReq("g1", "other", "Other", "A third text.")
	other.Article.SourceURL = "https://news.example/story?id=8"
	mustAdd(t, db, other)
}

func testDedupByHash(t *testing.T, db *store.DB) {
	ctx := context.Background()
	first := mustAdd(t, db, addReq("g1", "first", "First", "Same text, pasted twice."))
	req := addReq("g1", "second", "Second", "Same text, pasted twice.")
	a, created, err := db.AddArticle(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if created || a.ID != first.ID || a.Slug != "first" {
		t.Errorf("same text: got %q, created %v; want the first article, not created", a.Slug, created)
	}
	// The same text with ExactSlug is still the existing article, not a
	// conflict.
	req.ExactSlug = true
	req.Article.Slug = "first"
	if _, created, err := db.AddArticle(ctx, req); err != nil || created {
		t.Errorf("same text, exact slug: created %v, err %v", created, err)
	}
}

func testSlugSuffix(t *testing.T, db *store.DB) {
	var got []string
	for i := range 4 {
		a := mustAdd(t, db, addReq("g1", "news", "News", fmt.Sprintf("Text number %d.", i)))
		got = append(got, a.Slug)
	}
	if want := []string{"news", "news-2", "news-3", "news-4"}; !slices.Equal(got, want) {
		t.Errorf("slugs = %q, want %q", got, want)
	}
	// The stored article and brief carry the final slug.
	a, err := db.ArticleBySlug(context.Background(), "g1", "news-3")
	if err != nil || a.Slug != "news-3" || a.Text != "Text number 2." {
		t.Errorf("ArticleBySlug(news-3) = %+v, %v", a, err)
	}
	b, ok, err := db.CachedBrief(context.Background(), "g1", "news-3", testVersion)
	if err != nil || !ok || b.Slug != "news-3" {
		t.Errorf("CachedBrief(news-3) = %+v, %v, %v", b, ok, err)
	}
	// A freed suffix is reused.
	if _, err := db.RemoveArticle(context.Background(), "g1", "news-2"); err != nil {
		t.Fatal(err)
	}
	if a := mustAdd(t, db, addReq("g1", "news", "News", "Text number 9.")); a.Slug != "news-2" {
		t.Errorf("slug after removing news-2 = %q, want news-2", a.Slug)
	}
}

func testSlugTopic(t *testing.T, db *store.DB) {
	add := func(text, topic string) string {
		req := addReq("g1", "putin-kim", "Putin and Kim", text)
		req.SlugTopic = topic
		return mustAdd(t, db, req).Slug
	}
	var got []string
	for i, topic := range []string{"deal", "deal", "deal", "pact", "", "Große Pläne!"} {
		got = append(got, add(fmt.Sprintf("Story number %d.", i), topic))
	}
	// The topic word first, numbers once it is taken too; a topic is
	// folded into a slug word.
	want := []string{"putin-kim", "putin-kim-deal", "putin-kim-2", "putin-kim-pact", "putin-kim-3", "putin-kim-grosse-plane"}
	if !slices.Equal(got, want) {
		t.Errorf("slugs = %q, want %q", got, want)
	}
	// The stored article and brief carry the final slug.
	a, err := db.ArticleBySlug(context.Background(), "g1", "putin-kim-deal")
	if err != nil || a.Text != "Story number 1." {
		t.Errorf("ArticleBySlug(putin-kim-deal) = %+v, %v", a, err)
	}
	b, ok, err := db.CachedBrief(context.Background(), "g1", "putin-kim-deal", testVersion)
	if err != nil || !ok || b.Slug != "putin-kim-deal" {
		t.Errorf("CachedBrief(putin-kim-deal) = %+v, %v, %v", b, ok, err)
	}
	// A free slug ignores the topic; an exact slug never takes it.
	req := addReq("g1", "fresh", "Fresh", "A fresh story.")
	req.SlugTopic = "deal"
	if a := mustAdd(t, db, req); a.Slug != "fresh" {
		t.Errorf("free slug = %q, want fresh", a.Slug)
	}
	req = addReq("g1", "fresh", "Fresh", "Another fresh story.")
	req.SlugTopic, req.ExactSlug = "deal", true
	_, _, err = db.AddArticle(context.Background(), req)
	wantCode(t, err, briefs.ECONFLICT)
	// A topic that would make the slug too long is skipped.
	long := strings.Repeat("a", briefs.MaxSlugLen-3)
	mustAdd(t, db, addReq("g1", long, "Long", "Long one."))
	req = addReq("g1", long, "Long", "Long two.")
	req.SlugTopic = "deal"
	if a := mustAdd(t, db, req); a.Slug != long+"-2" {
		t.Errorf("long slug = %q, want %q", a.Slug, long+"-2")
	}
}

func testExactSlugConflict(t *testing.T, db *store.DB) {
	ctx := context.Background()
	mustAdd(t, db, addReq("g1", "x", "X", "The first x."))
	req := addReq("g1", "x", "X", "Another x.")
	req.ExactSlug = true
	_, created, err := db.AddArticle(ctx, req)
	wantCode(t, err, briefs.ECONFLICT)
	if created {
		t.Error("created = true on conflict")
	}
	if msg := briefs.ErrorMessage(err); msg != `slug "x" is taken by another article` {
		t.Errorf("message = %q", msg)
	}
	// Nothing of the rejected article was written.
	if _, total, _ := db.Recent(ctx, "g1", 0, 0); total != 1 {
		t.Errorf("total after conflict = %d, want 1", total)
	}
	req.ExactSlug = false
	if a := mustAdd(t, db, req); a.Slug != "x-2" {
		t.Errorf("slug = %q, want x-2", a.Slug)
	}
}

func testInvalidInput(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for name, mod := range map[string]func(*briefs.AddRequest){
		"no guild":     func(r *briefs.AddRequest) { r.Article.GuildID = "" },
		"brace guild":  func(r *briefs.AddRequest) { r.Article.GuildID = "a}b" },
		"no slug":      func(r *briefs.AddRequest) { r.Article.Slug = "" },
		"space slug":   func(r *briefs.AddRequest) { r.Article.Slug = "a b" },
		"no id":        func(r *briefs.AddRequest) { r.Article.ID, r.Article.ContentHash = "", "" },
		"control slug": func(r *briefs.AddRequest) { r.Article.Slug = "a\x00b" },
		"colon slug":   func(r *briefs.AddRequest) { r.Article.Slug = "a:b" },
	} {
		req := addReq("g1", "ok", "OK", "Text of "+name)
		mod(&req)
		_, _, err := db.AddArticle(ctx, req)
		if briefs.ErrorCode(err) != briefs.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	if keyCount(t, db) != 0 {
		t.Error("invalid adds wrote keys")
	}
	_, err := db.ArticleBySlug(ctx, "", "x")
	wantCode(t, err, briefs.EINVALID)
	err = db.CacheBrief(ctx, briefs.Brief{GuildID: "g1", ArticleID: "a"}, time.Hour)
	wantCode(t, err, briefs.EINVALID)
}

func testGuildIsolation(t *testing.T, db *store.DB) {
	ctx := context.Background()
	req := addReq("A", "shared", "Shared story", "A story that guild A added.", "Zurich")
	a := mustAdd(t, db, req)

	if _, err := db.ArticleBySlug(ctx, "B", "shared"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
		t.Errorf("B sees A's article: %v", err)
	}
	if _, ok, err := db.CachedBrief(ctx, "B", "shared", testVersion); ok || err != nil {
		t.Errorf("B sees A's brief: %v, %v", ok, err)
	}
	if ls, err := db.FindByTerms(ctx, "B", []string{"zurich"}, 10); err != nil || len(ls) != 0 {
		t.Errorf("B finds A's terms: %v, %v", ls, err)
	}
	if ls, err := db.Suggest(ctx, "B", briefs.SuggestQuery{SlugPrefix: "sh"}, 10); err != nil || len(ls) != 0 {
		t.Errorf("B sees A's slugs: %v, %v", ls, err)
	}
	if ls, total, err := db.Recent(ctx, "B", 0, 10); err != nil || len(ls) != 0 || total != 0 {
		t.Errorf("B's recent: %v, %d, %v", ls, total, err)
	}
	if _, err := db.RemoveArticle(ctx, "B", "shared"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
		t.Errorf("B removes A's article: %v", err)
	}
	// B can add the same text under the same slug: dedup and slugs are
	// per guild.
	req.Article.GuildID = "B"
	b := mustAdd(t, db, req)
	if b.Slug != "shared" || b.ID != a.ID {
		t.Errorf("B's copy = %q %q", b.Slug, b.ID)
	}
	// A's brief stays A's; caching B's brief does not touch A's.
	bb := req.Brief
	bb.ArticleID, bb.GuildID, bb.Gist = b.ID, "B", "B's own gist."
	if err := db.CacheBrief(ctx, bb, time.Hour); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := db.CachedBrief(ctx, "A", "shared", testVersion); got.Gist == "B's own gist." || got.GuildID != "A" {
		t.Errorf("A's brief = %+v", got)
	}
	if _, err := db.RemoveArticle(ctx, "B", "shared"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ArticleBySlug(ctx, "A", "shared"); err != nil {
		t.Errorf("removing B's copy removed A's: %v", err)
	}
}

func testNotFound(t *testing.T, db *store.DB) {
	ctx := context.Background()
	_, err := db.ArticleBySlug(ctx, "g1", "nope")
	wantCode(t, err, briefs.ENOTFOUND)
	if msg := briefs.ErrorMessage(err); msg != `no article with slug "nope"` {
		t.Errorf("message = %q", msg)
	}
	_, err = db.RemoveArticle(ctx, "g1", "nope")
	wantCode(t, err, briefs.ENOTFOUND)
}

func testCachedBrief(t *testing.T, db *store.DB) {
	ctx := context.Background()
	req := addReq("g1", "story", "Story", "The story text.")
	a := mustAdd(t, db, req)

	if _, ok, err := db.CachedBrief(ctx, "g1", "story", testVersion); !ok || err != nil {
		t.Fatalf("hit: %v, %v", ok, err)
	}
	if _, ok, err := db.CachedBrief(ctx, "g1", "story", "test/2"); ok || err != nil {
		t.Errorf("other version: %v, %v; want a miss", ok, err)
	}
	if _, ok, err := db.CachedBrief(ctx, "g1", "unknown", testVersion); ok || err != nil {
		t.Errorf("unknown slug: %v, %v; want a miss", ok, err)
	}
	// A brief of a new version is cached beside the old one.
	b2 := req.Brief
	b2.ArticleID, b2.GuildID, b2.Slug, b2.Summarizer, b2.Gist = a.ID, "g1", "story", "test/2", "Version two."
	if err := db.CacheBrief(ctx, b2, time.Hour); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.CachedBrief(ctx, "g1", "story", "test/2")
	if err != nil || !ok || !reflect.DeepEqual(got, b2) {
		t.Errorf("after CacheBrief: %+v, %v, %v", got, ok, err)
	}
	// An article added without a brief has none cached.
	nob := addReq("g1", "bare", "Bare", "No brief yet.")
	nob.Brief = briefs.Brief{}
	mustAdd(t, db, nob)
	if _, ok, err := db.CachedBrief(ctx, "g1", "bare", testVersion); ok || err != nil {
		t.Errorf("article without brief: %v, %v", ok, err)
	}
	// Caching for a removed article stores nothing.
	if _, err := db.RemoveArticle(ctx, "g1", "story"); err != nil {
		t.Fatal(err)
	}
	if err := db.CacheBrief(ctx, b2, time.Hour); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, db, addReq("g1", "story", "Story", "A different story text."))
	if _, ok, _ := db.CachedBrief(ctx, "g1", "story", "test/2"); ok {
		t.Error("a brief cached after its article was removed shows up")
	}
}

func testCachedBriefExpires(t *testing.T, db *store.DB) {
	ctx := context.Background()
	req := addReq("g1", "brief-ttl", "Short-lived", "A brief that expires soon.")
	req.BriefTTL = 300 * time.Millisecond
	a := mustAdd(t, db, req)
	if _, ok, _ := db.CachedBrief(ctx, "g1", "brief-ttl", testVersion); !ok {
		t.Fatal("miss right after adding")
	}
	eventually(t, 5*time.Second, "added brief expires", func() bool {
		_, ok, err := db.CachedBrief(ctx, "g1", "brief-ttl", testVersion)
		return err == nil && !ok
	})
	b := req.Brief
	b.ArticleID, b.GuildID = a.ID, "g1"
	if err := db.CacheBrief(ctx, b, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.CachedBrief(ctx, "g1", "brief-ttl", testVersion); !ok {
		t.Fatal("miss right after caching")
	}
	eventually(t, 5*time.Second, "cached brief expires", func() bool {
		_, ok, err := db.CachedBrief(ctx, "g1", "brief-ttl", testVersion)
		return err == nil && !ok
	})
	// The article outlives its brief.
	if _, err := db.ArticleBySlug(ctx, "g1", "brief-ttl"); err != nil {
		t.Error(err)
	}
}

// addAt adds an article at a given minute of a fixed day, so that order by
// time is known.
func addAt(t *testing.T, db *store.DB, guild, slug, title string, minute int, entities ...string) {
	t.Helper()
	req := addReq(guild, slug, title, "Text of "+slug+".", entities...)
	req.Article.AddedAt = time.Date(2025, 3, 1, 12, minute, 0, 0, time.UTC)
	mustAdd(t, db, req)
}

func testFindByTerms(t *testing.T, db *store.DB) {
	ctx := context.Background()
	addAt(t, db, "g1", "putin-kim-summit", "Putin and Kim meet", 1, "Putin", "Kim Jong Un")
	addAt(t, db, "g1", "putin-visits-zurich", "Putin visits Zürich", 3, "Putin", "Zürich")
	addAt(t, db, "g1", "kim-fires-missile", "Kim fires a missile", 2, "Kim Jong Un")
	addAt(t, db, "g1", "putin-kim-again", "Putin and Kim, again", 4, "Putin", "Kim Jong Un")

	find := func(terms []string, limit int) []string {
		t.Helper()
		ls, err := db.FindByTerms(ctx, "g1", terms, limit)
		if err != nil {
			t.Fatal(err)
		}
		return slugsOf(ls)
	}
	for _, tc := range []struct {
		terms []string
		limit int
		want  []string
	}{
		{[]string{"putin", "kim"}, 10, []string{"putin-kim-again", "putin-kim-summit"}},
		{[]string{"putin"}, 10, []string{"putin-kim-again", "putin-visits-zurich", "putin-kim-summit"}},
		{[]string{"putin"}, 2, []string{"putin-kim-again", "putin-visits-zurich"}},
		{[]string{"kim"}, 10, []string{"putin-kim-again", "kim-fires-missile", "putin-kim-summit"}},
		{[]string{"Zürich"}, 10, []string{"putin-visits-zurich"}}, // folded like the index
		{[]string{"jong", "missile"}, 10, []string{"kim-fires-missile"}},
		{[]string{"putin", "nobody"}, 10, []string{}},
		{[]string{"nobody"}, 10, []string{}},
		{[]string{"putin"}, 0, []string{}},
		{nil, 2, []string{"putin-kim-again", "putin-visits-zurich"}}, // no terms: newest
	} {
		if got := find(tc.terms, tc.limit); !slices.Equal(got, tc.want) {
			t.Errorf("FindByTerms(%q, %d) = %q, want %q", tc.terms, tc.limit, got, tc.want)
		}
	}
}

func testSuggestSlugPrefix(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for i, s := range []string{"putin-kim", "putin", "putin-kim-2", "pyongyang", "kim-jong-un", "putin-zurich", "apple"} {
		addAt(t, db, "g1", s, "Title "+s, i)
	}
	for _, tc := range []struct {
		prefix string
		limit  int
		want   []string
	}{
		{"put", 25, []string{"putin", "putin-kim", "putin-kim-2", "putin-zurich"}},
		{"put", 2, []string{"putin", "putin-kim"}},
		{"putin-kim", 25, []string{"putin-kim", "putin-kim-2"}},
		{"Putin Kim", 25, []string{"putin-kim", "putin-kim-2"}}, // typed as words
		{"p", 25, []string{"putin", "putin-kim", "putin-kim-2", "putin-zurich", "pyongyang"}},
		{"", 3, []string{"apple", "kim-jong-un", "putin"}},
		{"zzz", 25, []string{}},
		{"put", 0, []string{}},
	} {
		ls, err := db.Suggest(ctx, "g1", briefs.SuggestQuery{SlugPrefix: tc.prefix}, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if got := slugsOf(ls); !slices.Equal(got, tc.want) {
			t.Errorf("Suggest(slug prefix %q, %d) = %q, want %q", tc.prefix, tc.limit, got, tc.want)
		}
		for _, l := range ls {
			if l.Title != "Title "+l.Slug || l.ArticleID == "" {
				t.Errorf("listing %+v", l)
			}
		}
	}
}

func testRecent(t *testing.T, db *store.DB) {
	ctx := context.Background()
	var want []string
	for i := range 7 {
		s := fmt.Sprintf("story-%d", i)
		addAt(t, db, "g1", s, "Story", i)
		want = append([]string{s}, want...) // newest first
	}
	var got []string
	for off := 0; ; off += 3 {
		ls, total, err := db.Recent(ctx, "g1", off, 3)
		if err != nil {
			t.Fatal(err)
		}
		if total != 7 {
			t.Errorf("total = %d, want 7", total)
		}
		if len(ls) == 0 {
			break
		}
		if len(ls) > 3 {
			t.Errorf("page of %d, limit 3", len(ls))
		}
		got = append(got, slugsOf(ls)...)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %q, want %q", got, want)
	}
	if ls, total, err := db.Recent(ctx, "g1", 100, 3); err != nil || len(ls) != 0 || total != 7 {
		t.Errorf("past the end: %v, %d, %v", ls, total, err)
	}
	if ls, total, err := db.Recent(ctx, "g1", 0, 0); err != nil || len(ls) != 0 || total != 7 {
		t.Errorf("limit 0: %v, %d, %v", ls, total, err)
	}
}

func testRemove(t *testing.T, db *store.DB) {
	ctx := context.Background()
	req := addReq("g1", "gone", "Gone soon", "This article will be removed.", "Zurich")
	req.Article.SourceURL = "https://news.example/gone"
	a := mustAdd(t, db, req)
	b2 := req.Brief
	b2.ArticleID, b2.GuildID, b2.Summarizer = a.ID, "g1", "test/2"
	if err := db.CacheBrief(ctx, b2, time.Hour); err != nil {
		t.Fatal(err)
	}
	b3 := b2
	b3.Summarizer = "test/3"
	if err := db.CacheBrief(ctx, b3, 0); err != nil {
		t.Fatal(err)
	}
	kreq := addReq("g1", "kept", "Kept", "This one stays.", "Zurich")
	kreq.Article.SourceURL = "https://news.example/kept"
	keep := mustAdd(t, db, kreq)
	before := keyCount(t, db)

	got, err := db.RemoveArticle(ctx, "g1", "gone")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, a) {
		t.Errorf("removed\n got %+v\nwant %+v", got, a)
	}
	if _, err := db.ArticleBySlug(ctx, "g1", "gone"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
		t.Errorf("ArticleBySlug after remove: %v", err)
	}
	for _, v := range []string{testVersion, "test/2", "test/3"} {
		if _, ok, _ := db.CachedBrief(ctx, "g1", "gone", v); ok {
			t.Errorf("brief %s survives", v)
		}
	}
	if ls, _ := db.FindByTerms(ctx, "g1", []string{"zurich"}, 10); !slices.Equal(slugsOf(ls), []string{"kept"}) {
		t.Errorf("FindByTerms after remove = %q", slugsOf(ls))
	}
	if ls, _ := db.Suggest(ctx, "g1", briefs.SuggestQuery{SlugPrefix: ""}, 10); !slices.Equal(slugsOf(ls), []string{"kept"}) {
		t.Errorf("Suggest after remove = %q", slugsOf(ls))
	}
	if _, total, _ := db.Recent(ctx, "g1", 0, 10); total != 1 {
		t.Errorf("total after remove = %d", total)
	}
	// Keys that belonged only to the removed article are gone: its record,
	// three briefs and the term sets of "gone" and "soon".
	if after := keyCount(t, db); after != before-6 {
		t.Errorf("keys %d -> %d, want %d", before, after, before-6)
	}
	if _, err := db.RemoveArticle(ctx, "g1", "gone"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
		t.Errorf("second remove: %v", err)
	}
	// Re-adding the same text and URL works: the dedup entries are gone.
	if again := mustAdd(t, db, req); again.Slug != "gone" || again.ID != a.ID {
		t.Errorf("re-added = %q %q", again.Slug, again.ID)
	}
	// Removing everything leaves no key behind.
	for _, s := range []string{"gone", keep.Slug} {
		if _, err := db.RemoveArticle(ctx, "g1", s); err != nil {
			t.Fatal(err)
		}
	}
	if n := keyCount(t, db); n != 0 {
		var buf strings.Builder
		_, _ = db.Backup(ctx, &buf)
		t.Errorf("%d keys left after removing every article:\n%s", n, buf.String())
	}
}

func testConcurrentSameText(t *testing.T, db *store.DB) {
	ctx := context.Background()
	const n = 8
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created int
		ids     = map[string]bool{}
		errs    []error
	)
	// briefs.IndexTerms (in addReq) is not safe for concurrent use: build the
	// requests first.
	reqs := make([]briefs.AddRequest, n)
	for i := range reqs {
		reqs[i] = addReq("g1", fmt.Sprintf("copy-%d", i), "Copy", "One text, sent by several admins at once.")
	}
	for _, req := range reqs {
		wg.Go(func() {
			a, c, err := db.AddArticle(ctx, req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			if c {
				created++
			}
			ids[a.ID+" "+a.Slug] = true
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if created != 1 || len(ids) != 1 {
		t.Errorf("created %d times, %d distinct results; want 1 and 1", created, len(ids))
	}
	if _, total, _ := db.Recent(ctx, "g1", 0, 0); total != 1 {
		t.Errorf("total = %d, want 1", total)
	}
}

func testConcurrentSameSlug(t *testing.T, db *store.DB) {
	ctx := context.Background()
	const n = 8
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		slugs []string
	)
	reqs := make([]briefs.AddRequest, n)
	for i := range reqs {
		reqs[i] = addReq("g1", "hot", "Hot", fmt.Sprintf("Hot take %d.", i))
	}
	for _, req := range reqs {
		wg.Go(func() {
			a, _, err := db.AddArticle(ctx, req)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			slugs = append(slugs, a.Slug)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(slugs)
	want := []string{"hot", "hot-2", "hot-3", "hot-4", "hot-5", "hot-6", "hot-7", "hot-8"}
	if !slices.Equal(slugs, want) {
		t.Errorf("slugs = %q, want %q", slugs, want)
	}
}

func testOneRoundTrip(t *testing.T, db *store.DB) {
	mustAdd(t, db, addReq("g1", "story", "Story", "A story.", "Kim"))
	other := addReq("g1", "other", "Other", "Another story.")
	var rt roundTrips
	db.AddHook(&rt)
	for _, c := range []struct {
		name string
		fn   func(ctx context.Context)
	}{
		{"CachedBrief hit", func(ctx context.Context) { _, _, _ = db.CachedBrief(ctx, "g1", "story", testVersion) }},
		{"CachedBrief miss", func(ctx context.Context) { _, _, _ = db.CachedBrief(ctx, "g1", "nope", testVersion) }},
		{"ArticleBySlug", func(ctx context.Context) { _, _ = db.ArticleBySlug(ctx, "g1", "story") }},
		{"FindByTerms", func(ctx context.Context) { _, _ = db.FindByTerms(ctx, "g1", []string{"kim"}, 10) }},
		{"Suggest", func(ctx context.Context) { _, _ = db.Suggest(ctx, "g1", briefs.SuggestQuery{SlugPrefix: "st"}, 25) }},
		{"Recent", func(ctx context.Context) { _, _, _ = db.Recent(ctx, "g1", 0, 10) }},
		{"AddArticle", func(ctx context.Context) { _, _, _ = db.AddArticle(ctx, other) }},
		{"RemoveArticle", func(ctx context.Context) { _, _ = db.RemoveArticle(ctx, "g1", "other") }},
	} {
		if n := rt.count(c.fn); n != 1 {
			t.Errorf("%s: %d round trips, want 1", c.name, n)
		}
	}
	b, ok, err := db.CachedBrief(context.Background(), "g1", "story", testVersion)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if n := rt.count(func(ctx context.Context) { _ = db.CacheBrief(ctx, b, time.Hour) }); n != 1 {
		t.Errorf("CacheBrief: %d round trips, want 1", n)
	}
	// The hit costs exactly one round trip, and it is a hit.
	var hit bool
	if n := rt.count(func(ctx context.Context) { _, hit, _ = db.CachedBrief(ctx, "g1", "story", testVersion) }); n != 1 || !hit {
		t.Errorf("CachedBrief: %d round trips, hit %v; want 1, true", n, hit)
	}
}
