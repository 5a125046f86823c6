package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/briefs"
	"briefbot/briefs/extractive"
	"briefbot/briefs/fetch"
	"briefbot/store"

	"github.com/bwmarrin/discordgo"
)

const guild = "111111111111111111"

// newRouter wires the real service on an embedded store, as the bot runs it.
func newRouter(t *testing.T) (*bot.Router, *briefs.Service) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataFile: filepath.Join(t.TempDir(), "data.json"), Prefix: "briefbot:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := &briefs.Service{Store: db, Summarizer: extractive.New(), MaxArticleBytes: 1 << 20}
	return bot.NewRouter(svc, nil), svc
}

// command builds the interaction Discord sends for a slash command.
func command(name, sub string, perms int64, opts map[string]string) *discordgo.Interaction {
	var options []*discordgo.ApplicationCommandInteractionDataOption
	for k, v := range opts {
		options = append(options, &discordgo.ApplicationCommandInteractionDataOption{Name: k, Type: discordgo.ApplicationCommandOptionString, Value: v})
	}
	if sub != "" {
		options = []*discordgo.ApplicationCommandInteractionDataOption{{Name: sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: options}}
	}
	return &discordgo.Interaction{
		ID:      "1",
		Type:    discordgo.InteractionApplicationCommand,
		GuildID: guild,
		Data:    discordgo.ApplicationCommandInteractionData{Name: name, Options: options},
		Member:  &discordgo.Member{User: &discordgo.User{ID: "42"}, Permissions: perms},
	}
}

const admin = discordgo.PermissionManageGuild

func article(headline, body string) string { return headline + "\n\n" + body }

var pactText = article("Putin and Kim Sign Defence Pact",
	"Vladimir Putin and Kim Jong Un signed a defence pact in Pyongyang on Wednesday. "+
		"The agreement promises mutual assistance if either country is attacked. "+
		"Neither side has published the text of the deal. "+
		"Analysts in Seoul said the pact could shift the balance of power in the region. "+
		"China has not commented on the agreement.")

func mustAdd(t *testing.T, r *bot.Router, text, slug string) *discordgo.InteractionResponse {
	t.Helper()
	resp := r.Handle(context.Background(), command("article", "add", admin, map[string]string{"text": text, "slug": slug}))
	if resp.Data == nil || !strings.Contains(resp.Data.Content, "Added") {
		t.Fatalf("add failed: %+v", resp.Data)
	}
	return resp
}

func TestBriefReturnsEmbedWithLinkAndFooter(t *testing.T) {
	r, svc := newRouter(t)
	_, err := svc.Add(context.Background(), briefs.AddInput{GuildID: guild, Text: pactText, Slug: "putin-kim", SourceURL: "https://news.example/pact?utm_source=x", Site: "News Example"})
	if err != nil {
		t.Fatal(err)
	}
	resp := r.Handle(context.Background(), command("brief", "", 0, map[string]string{"topic": "putin-kim"}))
	if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Fatalf("brief should be a visible message: %+v", resp)
	}
	e := resp.Data.Embeds[0]
	if e.Title != "Putin and Kim Sign Defence Pact" || e.URL != "https://news.example/pact" {
		t.Errorf("title/link = %q %q", e.Title, e.URL)
	}
	if !strings.Contains(e.Footer.Text, "News Example") || !strings.Contains(e.Footer.Text, "putin-kim") || !strings.Contains(e.Footer.Text, "min read") {
		t.Errorf("footer = %q", e.Footer.Text)
	}
	row := resp.Data.Components[0].(discordgo.ActionsRow)
	if btn := row.Components[0].(discordgo.Button); btn.Style != discordgo.LinkButton || btn.URL != "https://news.example/pact" {
		t.Errorf("link button = %+v", btn)
	}
}

func TestAdminCommandsCheckPermissionsAgain(t *testing.T) {
	r, svc := newRouter(t)
	resp := r.Handle(context.Background(), command("article", "add", discordgo.PermissionSendMessages, map[string]string{"text": pactText}))
	if resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Data.Content, "Manage Server") {
		t.Fatalf("refusal should be ephemeral and name the permission: %+v", resp.Data)
	}
	if _, total, _ := svc.Search(context.Background(), guild, "", 0, 10); total != 0 {
		t.Fatalf("a refused add stored %d articles", total)
	}
	// The definition hides the command from non-admins too.
	for _, def := range r.ApplicationCommands() {
		if def.Name == "article" && (def.DefaultMemberPermissions == nil || *def.DefaultMemberPermissions != admin) {
			t.Errorf("/article default_member_permissions = %v", def.DefaultMemberPermissions)
		}
	}
}

func TestDirectMessagesAreRefused(t *testing.T) {
	r, _ := newRouter(t)
	i := command("brief", "", 0, map[string]string{"topic": "x"})
	i.GuildID, i.Member, i.User = "", nil, &discordgo.User{ID: "42"}
	resp := r.Handle(context.Background(), i)
	if resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Data.Content, "server") {
		t.Fatalf("DM answer: %+v", resp.Data)
	}
}

func TestAutocompleteOffersSlugsWithTitles(t *testing.T) {
	r, _ := newRouter(t)
	for i := range 30 {
		mustAdd(t, r, article(fmt.Sprintf("Story number %d about budgets", i), fmt.Sprintf("Budget story %d says spending rose. Officials in the capital agreed the plan on Monday. Critics said the numbers did not add up %d times.", i, i)), fmt.Sprintf("budget-%02d", i))
	}
	i := command("brief", "", 0, nil)
	i.Type = discordgo.InteractionApplicationCommandAutocomplete
	i.Data = discordgo.ApplicationCommandInteractionData{Name: "brief", Options: []*discordgo.ApplicationCommandInteractionDataOption{{Name: "topic", Type: discordgo.ApplicationCommandOptionString, Value: "budget-1", Focused: true}}}
	resp := r.Handle(context.Background(), i)
	if resp.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
		t.Fatalf("type = %v", resp.Type)
	}
	// Slug prefix matches come first, in slug order: budget-10 .. budget-19.
	if len(resp.Data.Choices) < 10 {
		t.Fatalf("budget-1 prefix should offer budget-10..19, got %d choices", len(resp.Data.Choices))
	}
	for n, c := range resp.Data.Choices[:10] {
		if c.Value != fmt.Sprintf("budget-%d", 10+n) || !strings.HasPrefix(c.Name, fmt.Sprintf("Story number %d ", 10+n)) {
			t.Errorf("choice %d = %+v", n, c)
		}
	}
	i.Data = discordgo.ApplicationCommandInteractionData{Name: "brief", Options: []*discordgo.ApplicationCommandInteractionDataOption{{Name: "topic", Type: discordgo.ApplicationCommandOptionString, Value: "budget", Focused: true}}}
	if n := len(r.Handle(context.Background(), i).Data.Choices); n != 25 {
		t.Errorf("choices = %d, want the cap of 25", n)
	}
}

func TestBriefsPagesWithButtons(t *testing.T) {
	r, _ := newRouter(t)
	for i := range 12 {
		mustAdd(t, r, article(fmt.Sprintf("Harbour report %d", i), fmt.Sprintf("The harbour moved %d ships on Friday. Dock workers in Hamburg said traffic was heavy. The port authority expects record numbers this year.", i)), "")
	}
	resp := r.Handle(context.Background(), command("briefs", "", 0, nil))
	if !strings.Contains(resp.Data.Embeds[0].Footer.Text, "Page 1 of 2") {
		t.Fatalf("footer = %q", resp.Data.Embeds[0].Footer.Text)
	}
	next := resp.Data.Components[0].(discordgo.ActionsRow).Components[1].(discordgo.Button)
	click := &discordgo.Interaction{ID: "2", Type: discordgo.InteractionMessageComponent, GuildID: guild,
		Data: discordgo.MessageComponentInteractionData{CustomID: next.CustomID, ComponentType: discordgo.ButtonComponent}}
	page2 := r.Handle(context.Background(), click)
	if page2.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(page2.Data.Embeds[0].Footer.Text, "Page 2 of 2") {
		t.Fatalf("page 2: %+v", page2.Data)
	}
	if n := strings.Count(page2.Data.Embeds[0].Description, "\n") + 1; n != 2 {
		t.Errorf("page 2 lists %d articles, want 2", n)
	}
}

func TestAddWithoutTextOpensModalAndModalAdds(t *testing.T) {
	r, _ := newRouter(t)
	resp := r.Handle(context.Background(), command("article", "add", admin, nil))
	if resp.Type != discordgo.InteractionResponseModal {
		t.Fatalf("type = %v, want modal", resp.Type)
	}
	submit := &discordgo.Interaction{ID: "3", Type: discordgo.InteractionModalSubmit, GuildID: guild,
		Member: &discordgo.Member{User: &discordgo.User{ID: "42"}, Permissions: admin},
		Data: discordgo.ModalSubmitInteractionData{CustomID: resp.Data.CustomID, Components: []discordgo.MessageComponent{
			&discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: "text", Value: pactText}}},
			&discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: "slug", Value: "pact"}}},
		}}}
	done := r.Handle(context.Background(), submit)
	if !strings.Contains(done.Data.Content, "Added `pact`") {
		t.Fatalf("modal add: %+v", done.Data)
	}
	submit.Member.Permissions = 0
	if refused := r.Handle(context.Background(), submit); !strings.Contains(refused.Data.Content, "Manage Server") {
		t.Fatalf("modal submit without permission: %+v", refused.Data)
	}
}

// panicky is a Briefs whose every method panics, to prove the router survives.
type panicky struct{ bot.Briefs }

func (panicky) Brief(context.Context, string, string) (briefs.Lookup, error) { panic("boom") }

func TestPanicInHandlerIsRecovered(t *testing.T) {
	r := bot.NewRouter(panicky{}, nil)
	resp := r.Handle(context.Background(), command("brief", "", 0, map[string]string{"topic": "x"}))
	if resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Data.Content, "Something went wrong") {
		t.Fatalf("panic answer: %+v", resp.Data)
	}
}

// Every message the router returns must carry allowed_mentions {"parse":[]}.
func TestEveryResponseForbidsMentions(t *testing.T) {
	r, _ := newRouter(t)
	everyone := article("@everyone Big News @here", "@everyone the council voted to close the bridge on Monday. <@&123> The mayor said repairs will take a year. Residents in the town were angry about the decision.")
	cases := []*discordgo.Interaction{
		command("article", "add", admin, map[string]string{"text": everyone, "slug": "bridge"}),
		command("brief", "", 0, map[string]string{"topic": "bridge"}),
		command("brief", "", 0, map[string]string{"topic": "nothing"}),
		command("briefs", "", 0, nil),
		command("article", "add", 0, map[string]string{"text": "x"}),
		command("article", "separate", admin, map[string]string{"slug": "bridge"}),
		command("article", "separate", 0, map[string]string{"slug": "bridge"}),
		command("article", "remove", admin, map[string]string{"slug": "bridge"}),
		command("nope", "", 0, nil),
		{ID: "9", Type: discordgo.InteractionMessageComponent, GuildID: guild, Data: discordgo.MessageComponentInteractionData{CustomID: "stale:1"}},
	}
	for _, i := range cases {
		resp := r.Handle(context.Background(), i)
		body, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var sent struct {
			Data struct {
				AllowedMentions *struct {
					Parse *[]string `json:"parse"`
				} `json:"allowed_mentions"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &sent); err != nil {
			t.Fatal(err)
		}
		if am := sent.Data.AllowedMentions; am == nil || am.Parse == nil || len(*am.Parse) != 0 {
			t.Errorf("response without empty allowed_mentions: %s", body)
		}
	}
}

func TestMessagesFitDiscordLimits(t *testing.T) {
	long := strings.Repeat("word ", 2000)
	b := briefs.Brief{Title: long, Gist: long, Bullets: []string{long, long, long}, Byline: long, Site: long, Slug: "s", ReadingMinutes: 3}
	text := bot.BriefText(b)
	if strings.Count(text, "…") == 0 {
		t.Fatal("oversized brief was not cut")
	}
	for _, line := range strings.Split(text, "\n") {
		if n := len([]rune(line)); n > 4096 {
			t.Errorf("a rendered part has %d characters", n)
		}
	}
}

// Autocomplete finds an article by the word being typed, even when its slug
// starts with another word.
func TestAutocompleteMatchesTheWordBeingTyped(t *testing.T) {
	r, _ := newRouter(t)
	mustAdd(t, r, pactText, "ambiguous-pact")
	i := command("brief", "", 0, nil)
	i.Type = discordgo.InteractionApplicationCommandAutocomplete
	i.Data = discordgo.ApplicationCommandInteractionData{Name: "brief", Options: []*discordgo.ApplicationCommandInteractionDataOption{{Name: "topic", Type: discordgo.ApplicationCommandOptionString, Value: "put", Focused: true}}}
	resp := r.Handle(context.Background(), i)
	if len(resp.Data.Choices) != 1 || resp.Data.Choices[0].Value != "ambiguous-pact" {
		t.Fatalf("choices for \"put\": %+v", resp.Data.Choices)
	}
}

// A site that does not answer in time is reported as the site's fault, not
// the store's; a store that does not answer still reads as the store.
func TestArticleAddSiteTimeout(t *testing.T) {
	stop := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(stop)
	r, svc := newRouter(t)
	f := fetch.New(fetch.Config{Timeout: 200 * time.Millisecond, AllowPrivate: true})
	svc.Fetch = func(ctx context.Context, rawURL string) (briefs.WebPage, error) {
		p, err := f.Fetch(ctx, rawURL)
		return briefs.WebPage{URL: p.URL, Text: p.Text, Title: p.Title}, err
	}
	resp := r.Handle(context.Background(), command("article", "add", admin, map[string]string{"url": slow.URL + "/story"}))
	got := resp.Data.Content
	if !strings.Contains(got, "The site did not answer in time (FETCH_TIMEOUT") || strings.Contains(got, "store") {
		t.Errorf("reply = %q", got)
	}

	svc.Fetch = func(context.Context, string) (briefs.WebPage, error) {
		return briefs.WebPage{}, fmt.Errorf("add: %w", briefs.Errorf(briefs.EUNAVAILABLE, "store unavailable: cannot reach Redis at 10.0.0.1:6379"))
	}
	resp = r.Handle(context.Background(), command("article", "add", admin, map[string]string{"url": "https://news.example/x"}))
	if got := resp.Data.Content; !strings.Contains(got, "The brief store is unavailable") || strings.Contains(got, "10.0.0.1") {
		t.Errorf("store failure reply = %q", got)
	}
}
