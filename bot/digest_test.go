package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
	"briefbot/briefs"
	"briefbot/briefs/extractive"
)

// digestRouter is a router whose /digest is served by a scheduler on the
// rig (not running: the commands do not need the loop).
func (r *digestRig) router(mod ...func(*bot.SchedulerConfig)) (*bot.Router, *bot.Scheduler) {
	r.t.Helper()
	s := r.scheduler("router", r.dbs[0], mod...)
	svc := &briefs.Service{Store: r.dbs[0], Summarizer: extractive.New()}
	router := bot.NewRouter(svc, nil)
	router.SetDigests(s)
	return router, s
}

var digestSeq int

// digestCommand builds the interaction Discord sends for /digest sub, used
// in channel "here" by an admin; opts values are typed as Discord sends
// them (channel ids as strings, numbers as float64).
func digestCommand(sub string, opts map[string]any) *discordgo.Interaction {
	digestSeq++
	var options []*discordgo.ApplicationCommandInteractionDataOption
	for _, name := range []string{"cron", "channel", "timezone", "size", "post_empty"} {
		v, ok := opts[name]
		if !ok {
			continue
		}
		typ := discordgo.ApplicationCommandOptionString
		switch name {
		case "channel":
			typ = discordgo.ApplicationCommandOptionChannel
		case "size":
			typ = discordgo.ApplicationCommandOptionInteger
		case "post_empty":
			typ = discordgo.ApplicationCommandOptionBoolean
		}
		options = append(options, &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: typ, Value: v})
	}
	return &discordgo.Interaction{
		ID:        fmt.Sprintf("9%017d", digestSeq),
		Type:      discordgo.InteractionApplicationCommand,
		GuildID:   dgGuild,
		ChannelID: "here",
		Data: discordgo.ApplicationCommandInteractionData{Name: "digest", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: options},
		}},
		Member: &discordgo.Member{User: &discordgo.User{ID: "42"}, Permissions: discordgo.PermissionManageGuild},
	}
}

// digestReply is the text of a reply: its content and embed descriptions.
func digestReply(resp *discordgo.InteractionResponse) string {
	return bot.ResponseText(resp)
}

func wantEphemeralNoPing(t *testing.T, resp *discordgo.InteractionResponse) {
	t.Helper()
	if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("reply is not ephemeral: %s", digestReply(resp))
	}
	if am := resp.Data.AllowedMentions; am == nil || am.Parse == nil || len(am.Parse) != 0 {
		t.Errorf("reply allowed_mentions = %+v", am)
	}
}

func TestDigestCommandDefinition(t *testing.T) {
	router := bot.NewRouter(nil, nil)
	var def *discordgo.ApplicationCommand
	for _, c := range router.ApplicationCommands() {
		if c.Name == "digest" {
			def = c
		}
	}
	if def == nil {
		t.Fatal("no /digest command")
	}
	if def.DefaultMemberPermissions == nil || *def.DefaultMemberPermissions != discordgo.PermissionManageGuild {
		t.Errorf("default_member_permissions = %v; want Manage Server", def.DefaultMemberPermissions)
	}
	subs := map[string][]string{}
	for _, o := range def.Options {
		var names []string
		for _, oo := range o.Options {
			names = append(names, oo.Name)
		}
		subs[o.Name] = names
	}
	want := map[string][]string{
		"schedule": {"cron", "channel", "timezone", "size", "post_empty"},
		"off":      {"channel"}, "now": {"channel"}, "list": nil,
	}
	for k, v := range want {
		if got, ok := subs[k]; !ok || !slices.Equal(got, v) {
			t.Errorf("/digest %s options = %v; want %v", k, got, v)
		}
	}
	if o := def.Options[0].Options[0]; !o.Required || o.Type != discordgo.ApplicationCommandOptionString {
		t.Errorf("cron option = %+v; want a required string", o)
	}
}

// TestDigestScheduleReply: /digest schedule answers, ephemeral, with the
// next three runs in the schedule's timezone.
func TestDigestScheduleReply(t *testing.T) {
	r := newDigestRig(t, 1)
	r.clock.Set(time.Date(2025, 10, 24, 9, 0, 0, 0, time.UTC)) // a Friday, before Berlin's autumn change
	router, _ := r.router()
	ctx := context.Background()

	resp := router.Handle(ctx, digestCommand("schedule", map[string]any{"cron": "30 2 * * 1-5,0", "channel": "c1", "timezone": "Europe/Berlin", "size": float64(3)}))
	wantEphemeralNoPing(t, resp)
	want := "Digest scheduled for <#c1>: `30 2 * * 1-5,0` in Europe/Berlin, up to 3 briefs. When nothing is new it posts nothing.\n" +
		"Next runs:\n• Sun 26 Oct 2025, 02:30 CEST\n• Mon 27 Oct 2025, 02:30 CET\n• Tue 28 Oct 2025, 02:30 CET"
	if got := digestReply(resp); got != want {
		t.Errorf("reply\n got %q\nwant %q", got, want)
	}

	// Without a channel: the one the command was used in; without a
	// timezone: DIGEST_TIMEZONE.
	router2, _ := r.router(func(c *bot.SchedulerConfig) { c.DefaultTimezone = "America/New_York" })
	resp = router2.Handle(ctx, digestCommand("schedule", map[string]any{"cron": "@daily", "post_empty": true}))
	want = "Digest scheduled for <#here>: `@daily` in America/New_York, up to 5 briefs. When nothing is new it says so.\n" +
		"Next runs:\n• Sat 25 Oct 2025, 00:00 EDT\n• Sun 26 Oct 2025, 00:00 EDT\n• Mon 27 Oct 2025, 00:00 EDT"
	if got := digestReply(resp); got != want {
		t.Errorf("reply\n got %q\nwant %q", got, want)
	}

	// The console sends every option as text.
	resp = router.Handle(ctx, digestCommand("schedule", map[string]any{"cron": "0 9 * * *", "channel": "c2", "size": "2", "post_empty": "false"}))
	if got := digestReply(resp); !strings.HasPrefix(got, "Digest scheduled for <#c2>: `0 9 * * *` in UTC, up to 2 briefs.") {
		t.Errorf("reply to text options: %q", got)
	}

	resp = router.Handle(ctx, digestCommand("list", nil))
	wantEphemeralNoPing(t, resp)
	got := digestReply(resp)
	for _, line := range []string{
		"# Digests in this server (3)",
		"• <#c1> — `30 2 * * 1-5,0` in Europe/Berlin, up to 3 briefs — next Sun 26 Oct 2025, 02:30 CEST",
		"• <#c2> — `0 9 * * *` in UTC, up to 2 briefs — next Sat 25 Oct 2025, 09:00 UTC",
		"• <#here> — `@daily` in America/New_York, up to 5 briefs — next Sat 25 Oct 2025, 00:00 EDT",
	} {
		if !strings.Contains(got, line) {
			t.Errorf("list lacks %q:\n%s", line, got)
		}
	}

	resp = router.Handle(ctx, digestCommand("off", map[string]any{"channel": "c1"}))
	wantEphemeralNoPing(t, resp)
	if got := digestReply(resp); got != "Digest for <#c1> removed." {
		t.Errorf("off: %q", got)
	}
	resp = router.Handle(ctx, digestCommand("off", map[string]any{"channel": "c1"}))
	if got := digestReply(resp); got != "⚠️ No digest is scheduled for <#c1>." {
		t.Errorf("off again: %q", got)
	}
	if got := digestReply(router.Handle(ctx, digestCommand("list", nil))); !strings.Contains(got, "(2)") || strings.Contains(got, "<#c1>") {
		t.Errorf("list after off: %s", got)
	}
}

// TestDigestScheduleRefused: bad input and missing rights are refused with a
// clear ephemeral message, and nothing is stored.
func TestDigestScheduleRefused(t *testing.T) {
	r := newDigestRig(t, 1)
	router, s := r.router()
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		in   *discordgo.Interaction
		want string
	}{
		{"bad cron", digestCommand("schedule", map[string]any{"cron": "61 * * * *", "channel": "c1"}), "⚠️ `61 * * * *` is not a valid cron expression"},
		{"six fields", digestCommand("schedule", map[string]any{"cron": "0 0 8 * * *", "channel": "c1"}), "expected exactly 5 fields, found 6"},
		{"every", digestCommand("schedule", map[string]any{"cron": "@every 5m", "channel": "c1"}), "@every is not supported"},
		{"timezone", digestCommand("schedule", map[string]any{"cron": "@daily", "channel": "c1", "timezone": "Berlin"}), `Unknown timezone "Berlin"`},
		{"size", digestCommand("schedule", map[string]any{"cron": "@daily", "channel": "c1", "size": float64(11)}), "between 1 and 10"},
		{"size text", digestCommand("schedule", map[string]any{"cron": "@daily", "channel": "c1", "size": "many"}), "size must be a whole number"},
		{"not admin", func() *discordgo.Interaction {
			i := digestCommand("schedule", map[string]any{"cron": "@daily", "channel": "c1"})
			i.Member.Permissions = discordgo.PermissionSendMessages
			return i
		}(), "Manage Server"},
		{"channel of another server", func() *discordgo.Interaction {
			i := digestCommand("schedule", map[string]any{"cron": "@daily", "channel": "c9"})
			data := i.Data.(discordgo.ApplicationCommandInteractionData)
			data.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Channels: map[string]*discordgo.Channel{
				"c9": {ID: "c9", GuildID: "another-guild"},
			}}
			i.Data = data
			return i
		}(), "not in this server"},
		{"bot cannot post here", func() *discordgo.Interaction {
			i := digestCommand("schedule", map[string]any{"cron": "@daily"})
			i.AppPermissions = discordgo.PermissionViewChannel
			return i
		}(), "I cannot post in <#here>: I lack the Send Messages and Embed Links permission there"},
	} {
		resp := router.Handle(ctx, tc.in)
		wantEphemeralNoPing(t, resp)
		if got := digestReply(resp); !strings.Contains(got, tc.want) {
			t.Errorf("%s: reply %q; want it to contain %q", tc.name, got, tc.want)
		}
	}
	// Where the bot may post, scheduling works.
	i := digestCommand("schedule", map[string]any{"cron": "@daily"})
	i.AppPermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks
	if got := digestReply(router.Handle(ctx, i)); !strings.HasPrefix(got, "Digest scheduled for <#here>") {
		t.Errorf("with permissions: %q", got)
	}
	list, _ := s.ListDigests(ctx, dgGuild)
	if len(list) != 1 {
		t.Errorf("%d schedules stored; want only the valid one", len(list))
	}

	// A router without digests says so.
	plain := bot.NewRouter(&briefs.Service{Store: r.dbs[0], Summarizer: extractive.New()}, nil)
	if got := digestReply(plain.Handle(ctx, digestCommand("list", nil))); !strings.Contains(got, "Digests are not set up") {
		t.Errorf("without digests: %q", got)
	}
}

// TestDigestNowMovesCursor: /digest now posts at once and moves the cursor,
// so the next digest holds only newer briefs; nothing new posts nothing.
func TestDigestNowMovesCursor(t *testing.T) {
	r := newDigestRig(t, 1)
	router, _ := r.router()
	ctx := context.Background()
	r.addArticle("one")
	r.clock.Set(r.clock.Now().Add(time.Minute))
	r.addArticle("two")

	resp := router.Handle(ctx, digestCommand("now", map[string]any{"channel": "c1"}))
	wantEphemeralNoPing(t, resp)
	if got := digestReply(resp); got != "Posted a digest of 2 briefs to <#c1>." {
		t.Errorf("now: %q", got)
	}
	posts := r.posts("c1")
	if len(posts) != 1 || !slices.Equal(embedTitles(decodeDigestPost(t, posts[0])), []string{"Title of two", "Title of one"}) {
		t.Fatalf("posts: %v", posts)
	}

	resp = router.Handle(ctx, digestCommand("now", map[string]any{"channel": "c1"}))
	if got := digestReply(resp); got != "Nothing new for <#c1> since its last digest; nothing was posted." {
		t.Errorf("now with nothing new: %q", got)
	}

	r.clock.Set(r.clock.Now().Add(time.Minute))
	r.addArticle("three")
	router.Handle(ctx, digestCommand("now", map[string]any{"channel": "c1"}))
	posts = r.posts("c1")
	if len(posts) != 2 || !slices.Equal(embedTitles(decodeDigestPost(t, posts[1])), []string{"Title of three"}) {
		t.Fatalf("second digest: %v", posts)
	}
	// Another channel has its own cursor.
	router.Handle(ctx, digestCommand("now", map[string]any{"channel": "c2"}))
	if posts := r.posts("c2"); len(posts) != 1 || len(decodeDigestPost(t, posts[0]).Embeds) != 3 {
		t.Errorf("c2 digest: %v", posts)
	}
}

// TestDigestNowRefused: a channel that refuses the post is reported and its
// schedule paused.
func TestDigestNowRefused(t *testing.T) {
	r := newDigestRig(t, 1)
	router, s := r.router()
	ctx := context.Background()
	r.addArticle("one")
	router.Handle(ctx, digestCommand("schedule", map[string]any{"cron": "@daily", "channel": "c1"}))
	r.fake.FailNext("POST", "/channels/c1/messages", 403, 1, 0)
	resp := router.Handle(ctx, digestCommand("now", map[string]any{"channel": "c1"}))
	wantEphemeralNoPing(t, resp)
	if got := digestReply(resp); !strings.Contains(got, "I cannot post in <#c1> (Discord answered 403") || !strings.Contains(got, "paused") {
		t.Errorf("refused now: %q", got)
	}
	list, _ := s.ListDigests(ctx, dgGuild)
	if len(list) != 1 || !list[0].Schedule.Paused {
		t.Fatalf("schedule after a refused post: %+v", list)
	}
	if got := digestReply(router.Handle(ctx, digestCommand("list", nil))); !strings.Contains(got, "⏸ paused: Discord answered 403") {
		t.Errorf("list does not report the pause: %s", got)
	}
}

func digestItem(slug, gist, url string) briefs.DigestItem {
	title := "Title of " + slug
	return briefs.DigestItem{
		Listing: briefs.Listing{Slug: slug, Title: title},
		Brief:   &briefs.Brief{Slug: slug, Title: title, Gist: gist, SourceURL: url},
	}
}

func digestJSON(t *testing.T, m *discordgo.MessageSend) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"allowed_mentions":{"parse":[]`)) {
		t.Errorf("body lacks empty allowed_mentions: %s", b)
	}
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	return v
}

func embedChars(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

func TestDigestMessage(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := time.Date(2025, 6, 2, 6, 0, 0, 0, time.UTC)

	t.Run("one embed per brief", func(t *testing.T) {
		d := briefs.Digest{Total: 7, Items: []briefs.DigestItem{
			digestItem("a", "Gist a.", "https://news.example/a"), digestItem("b", "Gist b.", ""), {Listing: briefs.Listing{Slug: "c", Title: "Title of c"}},
		}}
		m := bot.DigestMessage(d, at, berlin)
		digestJSON(t, m)
		if m.Content != "📰 **Digest** — 7 new briefs" || len(m.Embeds) != 3 {
			t.Fatalf("content %q, %d embeds", m.Content, len(m.Embeds))
		}
		if e := m.Embeds[0]; e.Title != "Title of a" || e.URL != "https://news.example/a" || e.Description != "Gist a.\n`/brief a`" {
			t.Errorf("first embed = %+v", e)
		}
		if e := m.Embeds[1]; e.URL != "" {
			t.Errorf("a brief without a source has a link: %q", e.URL)
		}
		if e := m.Embeds[2]; e.Description != "`/brief c`" {
			t.Errorf("an article without a brief: %q", e.Description)
		}
		if f := m.Embeds[2].Footer; f == nil || f.Text != "+4 more new briefs · /briefs lists them · Digest of Mon 2 Jun 2025, 08:00 CEST" {
			t.Errorf("footer = %+v", f)
		}
	})

	t.Run("a gist that is the title is printed once", func(t *testing.T) {
		it := digestItem("snow", "Snow closed schools across Denver.", "")
		it.Brief.Title = "Snow closed schools across Denver"
		m := bot.DigestMessage(briefs.Digest{Total: 1, Items: []briefs.DigestItem{it}}, at, berlin)
		if e := m.Embeds[0]; e.Title != it.Brief.Title || e.Description != "`/brief snow`" {
			t.Errorf("embed = %+v", e)
		}
		d := briefs.Digest{Total: 12}
		for range 12 {
			d.Items = append(d.Items, it)
		}
		m = bot.DigestMessage(d, at, berlin)
		digestJSON(t, m)
		all, _ := json.Marshal(m)
		if n := strings.Count(string(all), "Snow closed schools across Denver"); n != 12 {
			t.Errorf("compact digest shows the sentence %d times for 12 briefs:\n%s", n, all)
		}
	})

	t.Run("compact when many, within the limits", func(t *testing.T) {
		long := strings.Repeat("word ", 59) + "end." // 300 characters
		d := briefs.Digest{Total: 40}
		for i := range 10 {
			it := digestItem(fmt.Sprintf("story-%d", i), long, "https://news.example/a_(b)/"+strings.Repeat("x", 400))
			it.Brief.Title = strings.Repeat("[T]*", 64) // 256 characters of markdown
			d.Items = append(d.Items, it)
		}
		m := bot.DigestMessage(d, time.Time{}, nil)
		digestJSON(t, m)
		if len(m.Embeds) != 1 {
			t.Fatalf("%d embeds; want one compact embed", len(m.Embeds))
		}
		e := m.Embeds[0]
		if n := embedChars(e); n > 6000 || utf8.RuneCountInString(e.Description) > 4096 {
			t.Errorf("compact embed is %d characters, description %d", n, utf8.RuneCountInString(e.Description))
		}
		shown := strings.Count(e.Description, "`/brief story-")
		if shown == 0 || shown == 10 {
			t.Fatalf("%d entries shown; want some, not all, of these long ones", shown)
		}
		if want := fmt.Sprintf("+%d more new briefs · /briefs lists them · Digest", 40-shown); e.Footer.Text != want {
			t.Errorf("footer %q; want %q", e.Footer.Text, want)
		}
		if strings.Contains(e.Description, "[T]") || !strings.Contains(e.Description, `\[T\]\*`) || !strings.Contains(e.Description, "a_%28b%29") {
			t.Errorf("titles or links not escaped: %.300s", e.Description)
		}
		if strings.HasSuffix(e.Description, "…") {
			t.Error("an entry was cut instead of counted")
		}
	})

	t.Run("nothing new", func(t *testing.T) {
		m := bot.DigestMessage(briefs.Digest{}, at, berlin)
		v := digestJSON(t, m)
		if m.Content != "📭 Nothing new since the last digest (Mon 2 Jun 2025, 08:00 CEST)." || len(m.Embeds) != 0 {
			t.Errorf("empty digest = %+v", m)
		}
		if emb, ok := v["embeds"].([]any); !ok || len(emb) != 0 {
			t.Errorf("embeds = %v; want []", v["embeds"])
		}
	})

	t.Run("six briefs are compact", func(t *testing.T) {
		d := briefs.Digest{Total: 6}
		for i := range 6 {
			d.Items = append(d.Items, digestItem(fmt.Sprintf("s%d", i), "Gist.", "https://news.example/s"))
		}
		m := bot.DigestMessage(d, at, berlin)
		if len(m.Embeds) != 1 || m.Embeds[0].Title != "6 new briefs" || strings.Count(m.Embeds[0].Description, "`/brief s") != 6 {
			t.Errorf("compact digest = %+v", m.Embeds)
		}
		if m.Embeds[0].Footer.Text != "Digest of Mon 2 Jun 2025, 08:00 CEST" {
			t.Errorf("footer %q", m.Embeds[0].Footer.Text)
		}
	})
}

// TestDigestConsole: in the console, /digest schedule cron:"* * * * *"
// posts (as text) within the minute.
func TestDigestConsole(t *testing.T) {
	r := newDigestRig(t, 1)
	var out digestOutput
	s, _ := r.start("console", r.dbs[0], func(c *bot.SchedulerConfig) { c.Poster = &bot.TextPoster{W: &out} })
	r.addArticle("console-story")
	svc := &briefs.Service{Store: r.dbs[0], Summarizer: extractive.New()}
	router := bot.NewRouter(svc, nil)
	router.SetDigests(s)
	c := &bot.Console{Router: router, GuildID: dgGuild, UserID: "1"}
	var reply bytes.Buffer
	if err := c.Run(context.Background(), strings.NewReader(`/digest schedule cron:"* * * * *" channel:news`+"\n"), &reply); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reply.String(), "Digest scheduled for <#news>: `* * * * *` in UTC") {
		t.Fatalf("console reply: %s", reply.String())
	}
	next := r.clock.Now().Truncate(time.Minute).Add(time.Minute)
	r.clock.Set(next)
	r.events.wait(t, "console digest", func(evs []taggedEvent) bool { return countEvents(evs, "console", atSlot(next, bot.EventPosted)) == 1 })
	if got := out.String(); !strings.Contains(got, "[digest to channel news]") || !strings.Contains(got, "# Title of console-story") {
		t.Errorf("console output: %s", got)
	}
}

type digestOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *digestOutput) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}
func (b *digestOutput) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }
