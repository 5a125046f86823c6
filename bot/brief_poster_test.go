package bot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"briefbot/bot/discordtest"
	"briefbot/briefs"
)

// A brief posted as it arrives makes one message however often it is
// posted (retries, another instance), with mentions off; an answer Discord
// loses after storing the message is retried with the same nonce; a
// channel Discord refuses is EFORBIDDEN and one it cannot take now is
// EUNAVAILABLE.
func TestPostBriefOnce(t *testing.T) {
	r := newDigestRig(t, 2)
	a, b := r.scheduler("A", r.dbs[0]), r.scheduler("B", r.dbs[1])
	ctx := context.Background()
	brief := briefs.Brief{ArticleID: "a1", GuildID: dgGuild, Slug: "ferry", Title: "New ferry line @everyone",
		Gist: "The harbour gets a new ferry line.", Bullets: []string{"It starts in spring."}, SourceURL: "https://news.example/ferry"}
	for _, s := range []interface {
		PostBrief(context.Context, string, string, briefs.Brief) error
	}{a, b, a} {
		if err := s.PostBrief(ctx, "c9", "Harbour News", brief); err != nil {
			t.Fatal(err)
		}
	}
	msgs := r.fake.Messages("c9")
	if len(msgs) != 1 {
		t.Fatalf("%d messages for one brief posted three times; want 1", len(msgs))
	}
	var body struct {
		Content string `json:"content"`
		Embeds  []struct {
			Title string `json:"title"`
		} `json:"embeds"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(msgs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.AllowedMentions == nil || len(body.AllowedMentions.Parse) != 0 || !strings.Contains(body.Content, "Harbour News") ||
		len(body.Embeds) != 1 || !strings.Contains(body.Embeds[0].Title, "New ferry line") {
		t.Errorf("post body %s", msgs[0].Body)
	}

	// Stored, then the answer is lost: the retry with the same nonce gets
	// the stored message back.
	second := brief
	second.ArticleID, second.Slug, second.Title = "a2", "market", "Market hall reopens"
	r.fake.LoseNextAnswers("/channels/c9/messages", 1, discordtest.LoseBy502)
	if err := a.PostBrief(ctx, "c9", "Harbour News", second); err != nil {
		t.Fatal(err)
	}
	if n := len(r.fake.Messages("c9")); n != 2 {
		t.Errorf("%d messages after a lost answer; want 2", n)
	}

	third := brief
	third.ArticleID = "a3"
	r.fake.FailNext("POST", "/channels/c8/messages", http.StatusForbidden, 1, 0)
	if err := a.PostBrief(ctx, "c8", "", third); briefs.ErrorCode(err) != briefs.EFORBIDDEN {
		t.Errorf("refused channel: %v; want %s", err, briefs.EFORBIDDEN)
	}
	r.fake.FailNext("POST", "/channels/c8/messages", http.StatusInternalServerError, 100, 0)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := a.PostBrief(cctx, "c8", "", third); briefs.ErrorCode(err) != briefs.EUNAVAILABLE {
		t.Errorf("Discord failing: %v; want %s", err, briefs.EUNAVAILABLE)
	}
	if n := len(r.fake.Messages("c8")); n != 0 {
		t.Errorf("%d messages in the refusing channel", n)
	}
}
