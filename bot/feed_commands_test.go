package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/briefs/feeds"
	"briefbot/briefs/fetch"
	"briefbot/store/storetest"
)

// /feed through the router, with the real feed service over the embedded
// store and a loopback site: follow, list, pause, resume, remove; members
// without Manage Server are refused; bad input is an ephemeral message.
func TestFeedCommands(t *testing.T) {
	body := strings.Repeat("The harbour ferry line was approved by the council on Monday after a long debate. ", 6)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/rss":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour @everyone News</title>`+
				`<item><title>Ferry approved</title><link>/s/1</link><guid>1</guid></item></channel></rss>`)
		case "/s/1":
			fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Ferry approved</title></head><body><article><h1>Ferry approved</h1><p>`+body+`</p></article></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	db := storetest.Open(t)
	f := fetch.New(fetch.Config{AllowPrivate: true, Timeout: 5 * time.Second})
	svc := &briefs.Service{Store: db, Summarizer: extractive.New(), MaxArticleBytes: 1 << 20,
		Fetch: func(ctx context.Context, u string) (briefs.WebPage, error) {
			p, err := f.Fetch(ctx, u)
			return briefs.WebPage{URL: p.URL, CanonicalURL: p.CanonicalURL, Title: p.Title, Text: p.Text}, err
		}}
	r := bot.NewRouter(svc, nil)
	r.SetFeeds(&briefs.Feeds{Service: svc, Store: db, Parse: feeds.ParseFeed, Discover: feeds.Discover,
		Fetch: func(ctx context.Context, url, etag, lm string) (briefs.FeedDocument, error) {
			d, err := f.FetchFeed(ctx, url, fetch.Conditional{ETag: etag, LastModified: lm})
			return briefs.FeedDocument{URL: d.URL, Body: d.Body, NotModified: d.NotModified, ETag: d.Next.ETag, LastModified: d.Next.LastModified}, err
		}})
	ctx := context.Background()
	do := func(sub string, perms int64, opts map[string]string) *discordgo.InteractionResponseData {
		t.Helper()
		in := command("feed", sub, perms, opts)
		in.ChannelID = "c1"
		resp := r.Handle(ctx, in)
		if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Fatalf("/feed %s: want an ephemeral answer, got %+v", sub, resp)
		}
		if am := resp.Data.AllowedMentions; am == nil || len(am.Parse) != 0 {
			t.Errorf("/feed %s: mentions not disabled: %+v", sub, am)
		}
		return resp.Data
	}
	text := func(d *discordgo.InteractionResponseData) string {
		s := d.Content
		for _, e := range d.Embeds {
			s += "\n" + e.Title + "\n" + e.Description
		}
		return s
	}
	feedURL := srv.URL + "/rss"

	if got := text(do("add", discordgo.PermissionSendMessages, map[string]string{"url": feedURL})); !strings.Contains(got, "Manage Server") {
		t.Errorf("a member without Manage Server: %q", got)
	}
	if got := text(do("add", admin, map[string]string{"url": feedURL, "backfill": "1"})); !strings.Contains(got, "Following **Harbour @everyone News** ("+feedURL+") for <#c1>") ||
		!strings.Contains(got, "Briefed now (1)") {
		t.Errorf("/feed add: %q", got)
	}
	if got := text(do("list", admin, nil)); !strings.Contains(got, "Feeds this server follows (1)") || !strings.Contains(got, "1 story") || !strings.Contains(got, "next poll <t:") || !strings.Contains(got, "last read <t:") {
		t.Errorf("/feed list: %q", got)
	}
	if got := text(do("pause", admin, map[string]string{"url": feedURL})); !strings.Contains(got, "Paused") {
		t.Errorf("/feed pause: %q", got)
	}
	if got := text(do("list", admin, nil)); !strings.Contains(got, "paused by an admin") {
		t.Errorf("/feed list after pause: %q", got)
	}
	if got := text(do("resume", admin, map[string]string{"url": feedURL})); !strings.Contains(got, "Resumed") {
		t.Errorf("/feed resume: %q", got)
	}
	if got := text(do("add", admin, map[string]string{"url": srv.URL + "/nothing"})); !strings.HasPrefix(got, "⚠️") {
		t.Errorf("a link that is no feed: %q", got)
	}
	if got := text(do("remove", admin, map[string]string{"url": feedURL})); !strings.Contains(got, "No longer following") {
		t.Errorf("/feed remove: %q", got)
	}
	if got := text(do("remove", admin, map[string]string{"url": feedURL})); !strings.Contains(got, "does not follow") {
		t.Errorf("/feed remove twice: %q", got)
	}
	if got := text(do("list", admin, nil)); !strings.Contains(got, "follows no feeds") {
		t.Errorf("/feed list when empty: %q", got)
	}
}
