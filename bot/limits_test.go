package bot_test

import (
	"context"
	"strings"
	"testing"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

var strikeText = article("Harbour Strike Ends After Ten Days",
	"Dock workers at the port of Kelby returned to work on Monday after a ten-day strike. "+
		"The union accepted a pay rise of six percent over two years. "+
		"Shipping companies said the backlog would take a week to clear. "+
		"The port handles a third of the region's container traffic. "+
		"Local shops had reported empty shelves during the strike.")

func TestAddToAFullServerIsAnEphemeralAdminError(t *testing.T) {
	r, svc := newRouter(t)
	svc.MaxArticlesPerGuild = 1
	mustAdd(t, r, pactText, "pact")
	resp := r.Handle(context.Background(), command("article", "add", admin, map[string]string{"text": strikeText, "slug": "strike"}))
	if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("refusal is not ephemeral: %+v", resp.Data)
	}
	for _, want := range []string{"⚠️", "limit of 1 articles", "/article remove"} {
		if !strings.Contains(resp.Data.Content, want) {
			t.Errorf("refusal %q lacks %q", resp.Data.Content, want)
		}
	}
	if got := r.Handle(context.Background(), command("brief", "", 0, map[string]string{"query": "strike"})); got.Data == nil || strings.Contains(got.Data.Content, "Harbour") {
		t.Errorf("the refused article was stored: %+v", got.Data)
	}
	if rm := r.Handle(context.Background(), command("article", "remove", admin, map[string]string{"slug": "pact"})); !strings.Contains(rm.Data.Content, "Removed") {
		t.Fatalf("remove: %+v", rm.Data)
	}
	mustAdd(t, r, strikeText, "strike")
}

func TestLinkToAFullServerIsNotFetched(t *testing.T) {
	r, svc := newRouter(t)
	svc.MaxArticlesPerGuild = 1
	var fetched int
	svc.Fetch = func(context.Context, string) (briefs.WebPage, error) {
		fetched++
		return briefs.WebPage{Title: "Harbour Strike Ends After Ten Days", Text: strikeText}, nil
	}
	mustAdd(t, r, pactText, "pact")
	resp := r.Handle(context.Background(), command("article", "add", admin, map[string]string{"url": "https://news.example/strike"}))
	if resp.Data == nil || !strings.Contains(resp.Data.Content, "limit of 1 articles") {
		t.Fatalf("link to a full server: %+v", resp.Data)
	}
	if fetched != 0 {
		t.Errorf("the link was fetched %d times", fetched)
	}
	svc.MaxArticlesPerGuild = 2
	if resp := r.Handle(context.Background(), command("article", "add", admin, map[string]string{"url": "https://news.example/strike"})); !strings.Contains(resp.Data.Content, "Added") || fetched != 1 {
		t.Errorf("with room: fetched %d, %+v", fetched, resp.Data)
	}
}
