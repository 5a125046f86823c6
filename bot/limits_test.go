package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"briefbot/briefs"
)

var strikeText = article("Harbour Strike Ends After Ten Days",
	"Dock workers at the port of Kelby returned to work on Monday after a ten-day strike. "+
		"The union accepted a pay rise of six percent over two years. "+
		"Shipping companies said the backlog would take a week to clear. "+
		"The port handles a third of the region's container traffic. "+
		"Local shops had reported empty shelves during the strike.")

// tickingClock is a clock that moves a minute at each reading, so that
// articles added one after another have distinct AddedAt.
func tickingClock() func() time.Time {
	t := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(time.Minute)
		return t
	}
}

// A server at MAX_ARTICLES_PER_GUILD keeps its newest articles: adding one
// more is not refused, it drops the oldest.
func TestAddToAFullServerDropsTheOldest(t *testing.T) {
	r, svc := newRouter(t)
	ctx := context.Background()
	svc.Now = tickingClock()
	svc.MaxArticlesPerGuild = 1
	mustAdd(t, r, pactText, "pact")
	mustAdd(t, r, strikeText, "strike")
	if _, err := svc.Store.ArticleBySlug(ctx, guild, "pact"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
		t.Errorf("the oldest article is still there: %v", err)
	}
	if got := r.Handle(ctx, command("brief", "", 0, map[string]string{"topic": "strike"})); got.Data == nil || len(got.Data.Embeds) == 0 || !strings.Contains(got.Data.Embeds[0].Title, "Harbour") {
		t.Errorf("the new article's brief: %+v", got.Data)
	}
	if _, total, err := svc.Store.Recent(ctx, guild, 0, 0); err != nil || total != 1 {
		t.Errorf("total = %d, %v; want 1", total, err)
	}
	// Adding the kept story again drops nothing.
	resp := r.Handle(ctx, command("article", "add", admin, map[string]string{"text": strikeText}))
	if resp.Data == nil || strings.Contains(resp.Data.Content, "⚠️") {
		t.Fatalf("re-adding: %+v", resp.Data)
	}
	if _, err := svc.Store.ArticleBySlug(ctx, guild, "strike"); err != nil {
		t.Errorf("re-adding dropped the article: %v", err)
	}
}

// A link is fetched and added to a full server too (the oldest makes room).
func TestLinkToAFullServerIsFetched(t *testing.T) {
	r, svc := newRouter(t)
	ctx := context.Background()
	svc.Now = tickingClock()
	svc.MaxArticlesPerGuild = 1
	var fetched int
	svc.Fetch = func(context.Context, string) (briefs.WebPage, error) {
		fetched++
		return briefs.WebPage{Title: "Harbour Strike Ends After Ten Days", Text: strikeText}, nil
	}
	mustAdd(t, r, pactText, "pact")
	resp := r.Handle(ctx, command("article", "add", admin, map[string]string{"url": "https://news.example/strike"}))
	if resp.Data == nil || !strings.Contains(resp.Data.Content, "Added") || fetched != 1 {
		t.Fatalf("link to a full server: fetched %d, %+v", fetched, resp.Data)
	}
	if _, err := svc.Store.ArticleBySlug(ctx, guild, "pact"); briefs.ErrorCode(err) != briefs.ENOTFOUND {
		t.Errorf("the oldest article is still there: %v", err)
	}
}
