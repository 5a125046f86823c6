package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
	"briefbot/bot/discordtest"
	"briefbot/briefs"
	"briefbot/internal/testkit"
)

// The whole slash-command scenario, end to end: a real discordgo Session in bot.Gateway
// against the fake Discord, the real service on the real store.
func TestGatewayServesTheScenario(t *testing.T) {
	t.Parallel()
	u := startGateway(t, botSetup{})
	fake, g := u.fake, u.fake.GuildID()
	ctx := u.ctx(t)

	// The commands are registered with one bulk overwrite in the guild,
	// exactly as the router defines them.
	put, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool { return r.Method == http.MethodPut })
	if err != nil {
		t.Fatal(err)
	}
	if want := "/api/v9/applications/" + fake.ApplicationID() + "/guilds/" + g + "/commands"; put.Path != want || !put.OK() {
		t.Fatalf("registration %s %s -> %d, want PUT %s", put.Method, put.Path, put.Status, want)
	}
	want, _ := json.Marshal(u.router.ApplicationCommands())
	if string(put.Body) != string(want) {
		t.Errorf("registration body\n got %s\nwant %s", put.Body, want)
	}
	var defs []struct {
		Name        string  `json:"name"`
		Permissions *string `json:"default_member_permissions"`
		DM          *bool   `json:"dm_permission"`
	}
	if err := json.Unmarshal(put.Body, &defs); err != nil {
		t.Fatal(err)
	}
	perms := map[string]string{}
	var names []string
	for _, d := range defs {
		names = append(names, d.Name)
		if d.Permissions != nil {
			perms[d.Name] = *d.Permissions
		}
		if d.DM == nil || *d.DM {
			t.Errorf("/%s dm_permission = %v, want false", d.Name, d.DM)
		}
	}
	// Manage Server (32) on the admin commands, nothing on the others.
	if perms["article"] != "32" || perms["brief"] != "" || perms["briefs"] != "" {
		t.Errorf("default_member_permissions: %v", perms)
	}
	if got := strings.Join(names, ","); !strings.HasPrefix(got, "brief,briefs,article") || len(defs) != len(u.router.ApplicationCommands()) {
		t.Errorf("registered %s", got)
	}
	if cmds := fake.Commands(g); len(cmds) != len(defs) {
		t.Errorf("fake holds %d guild commands, want %d", len(cmds), len(defs))
	}
	if id, _ := fake.LastIdentify(); id.Intents != discordgo.IntentsNone {
		t.Errorf("identify intents = %d, want none", id.Intents)
	}

	// An admin adds the sample article.
	_, add := u.call(t, discordtest.Subcommand(g, manageGuild, "article", "add", discordtest.Opt("text", sampleText(t)), discordtest.Opt("slug", "putin-kim")))
	if add.Type != discordgo.InteractionResponseChannelMessageWithSource || add.Data.Flags&discordgo.MessageFlagsEphemeral == 0 ||
		!strings.Contains(add.Data.Content, "Added `putin-kim`") || len(add.Data.Embeds) != 1 {
		t.Fatalf("add answered %+v", add)
	}
	title := add.Data.Embeds[0].Title
	if !strings.Contains(title, "North Korea") {
		t.Errorf("brief title %q", title)
	}

	// /brief putin-kim answers with the embed, publicly, pinging no one.
	req, brief := u.call(t, discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "putin-kim")))
	if brief.Type != discordgo.InteractionResponseChannelMessageWithSource || brief.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Fatalf("brief answered %s", req.Body)
	}
	if len(brief.Data.Embeds) != 1 || brief.Data.Embeds[0].Title != title || !strings.Contains(brief.Data.Embeds[0].Footer.Text, "putin-kim") {
		t.Errorf("brief embed %s", req.Body)
	}
	if !strings.Contains(string(req.Body), `"allowed_mentions":{"parse":[]`) || !brief.Data.AllowedMentions.mentionsNone() {
		t.Errorf("brief allowed_mentions: %s", req.Body)
	}

	// Autocomplete on "put" offers it: label the title, value the slug.
	_, ac := u.call(t, discordtest.Autocomplete(g, "brief", "topic", "put"))
	if ac.Type != discordgo.InteractionApplicationCommandAutocompleteResult || len(ac.Data.Choices) != 1 ||
		ac.Data.Choices[0].Value != "putin-kim" || ac.Data.Choices[0].Name != title {
		t.Errorf("autocomplete answered %+v", ac)
	}

	// A member without Manage Server is refused, ephemerally, and nothing
	// changes.
	_, refused := u.call(t, discordtest.Subcommand(g, discordgo.PermissionSendMessages, "article", "add", discordtest.Opt("text", "Some other article. It says things. Many things."), discordtest.Opt("slug", "other")))
	if refused.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(refused.Data.Content, "Manage Server") {
		t.Errorf("refusal %+v", refused.Data)
	}
	_, removeRefused := u.call(t, discordtest.Subcommand(g, discordgo.PermissionSendMessages, "article", "remove", discordtest.Opt("slug", "putin-kim")))
	if removeRefused.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("remove refusal %+v", removeRefused.Data)
	}
	if _, total, err := u.svc.Search(ctx, g, "", 0, 10); err != nil || total != 1 {
		t.Errorf("after refusals the guild has %d articles (%v), want 1", total, err)
	}

	// An unknown topic gets a friendly, ephemeral not-found.
	_, nf := u.call(t, discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "zebra-crossing")))
	if nf.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(nf.Data.Content, "No brief matches") || !strings.Contains(nf.Data.Content, "/briefs") {
		t.Errorf("not found answered %+v", nf.Data)
	}

	// After op 7 the bot resumes (no new IDENTIFY) and keeps answering,
	// including what was dispatched while it reconnected.
	if err := fake.Reconnect(); err != nil {
		t.Fatal(err)
	}
	_, during := u.call(t, discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "putin-kim")))
	if len(during.Data.Embeds) != 1 {
		t.Errorf("answer during reconnect %+v", during)
	}
	if err := fake.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	_, after := u.call(t, discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "putin-kim")))
	if len(after.Data.Embeds) != 1 {
		t.Errorf("answer after reconnect %+v", after)
	}
	// (discordgo's heartbeat may cost one more RESUME after op 7.)
	if st := fake.Stats(); st.Identifies != 1 || st.Resumes < 1 {
		t.Errorf("gateway stats after op 7: %+v", st)
	}

	// A 429 on a callback is retried after retry_after, with the same body.
	const retry = 400 * time.Millisecond
	limited := discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "putin-kim"))
	limited.ID = "1300000000000000001"
	fake.FailNext(http.MethodPost, "/interactions/"+limited.ID+"/", http.StatusTooManyRequests, 1, retry)
	ok, _ := u.call(t, limited)
	var tries []discordtest.Request
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Route(), "/interactions/"+limited.ID+"/") {
			tries = append(tries, r)
		}
	}
	if len(tries) != 2 || tries[0].Status != http.StatusTooManyRequests || tries[1].Seq != ok.Seq {
		t.Fatalf("callbacks of the limited interaction: %v", tries)
	}
	if gap := tries[1].At.Sub(tries[0].At); gap < retry {
		t.Errorf("retried after %s, before retry_after %s", gap, retry)
	}
	if string(tries[0].Body) != string(tries[1].Body) {
		t.Errorf("retry changed the body")
	}

	// Still exactly one registration.
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPut {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d bulk overwrites, want 1", n)
	}
}

// hookedBriefs runs hooks before the calls of the real service.
type hookedBriefs struct {
	bot.Briefs
	beforeBrief func(ctx context.Context, query string)
	beforeAdd   func(ctx context.Context, in briefs.AddInput)
}

func (h hookedBriefs) Brief(ctx context.Context, guildID, query string) (briefs.Lookup, error) {
	if h.beforeBrief != nil {
		h.beforeBrief(ctx, query)
	}
	return h.Briefs.Brief(ctx, guildID, query)
}

func (h hookedBriefs) Add(ctx context.Context, in briefs.AddInput) (briefs.AddResult, error) {
	if h.beforeAdd != nil {
		h.beforeAdd(ctx, in)
	}
	return h.Briefs.Add(ctx, in)
}

func TestGatewayPanicDoesNotStopTheNextInteraction(t *testing.T) {
	t.Parallel()
	u := startGateway(t, botSetup{wrap: func(b bot.Briefs) bot.Briefs {
		return hookedBriefs{Briefs: b, beforeBrief: func(_ context.Context, q string) {
			if q == "boom" {
				panic("boom")
			}
		}}
	}})
	g := u.fake.GuildID()
	_, crashed := u.call(t, discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "boom")))
	if crashed.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(crashed.Data.Content, "Something went wrong") {
		t.Errorf("panicking handler answered %+v", crashed.Data)
	}
	_, next := u.call(t, discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "nothing-here")))
	if !strings.Contains(next.Data.Content, "No brief matches") {
		t.Errorf("next interaction answered %+v", next.Data)
	}
	if !strings.Contains(u.logs.String(), "panic") {
		t.Error("the panic was not logged")
	}
}

// gates block the handlers that wait on a key until the test releases it.
type gates struct {
	mu      sync.Mutex
	open    map[string]chan struct{}
	entered chan string
}

func newGates(t testing.TB) *gates {
	g := &gates{open: map[string]chan struct{}{}, entered: make(chan string, 64)}
	t.Cleanup(g.releaseAll)
	return g
}

func (g *gates) ch(key string) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.open[key]
	if !ok {
		c = make(chan struct{})
		g.open[key] = c
	}
	return c
}

// wait blocks until key is released or ctx is done.
func (g *gates) wait(ctx context.Context, key string) {
	select {
	case g.entered <- key:
	default:
	}
	select {
	case <-g.ch(key):
	case <-ctx.Done():
	}
}

func (g *gates) release(key string) {
	c := g.ch(key)
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-c:
	default:
		close(c)
	}
}

func (g *gates) releaseAll() {
	g.mu.Lock()
	keys := make([]string, 0, len(g.open))
	for k := range g.open {
		keys = append(keys, k)
	}
	g.mu.Unlock()
	for _, k := range keys {
		g.release(k)
	}
}

func TestGatewayDefersSlowHandlerThenEditsOriginal(t *testing.T) {
	t.Parallel()
	slow := newGates(t)
	u := startGateway(t, botSetup{
		deferAfter: 50 * time.Millisecond,
		wrap: func(b bot.Briefs) bot.Briefs {
			return hookedBriefs{Briefs: b,
				beforeBrief: func(ctx context.Context, q string) { slow.wait(ctx, q) },
				beforeAdd:   func(ctx context.Context, in briefs.AddInput) { slow.wait(ctx, "add:"+in.Slug) },
			}
		},
	})
	fake, g := u.fake, u.fake.GuildID()
	ctx := u.ctx(t)
	slow.release("add:putin-kim")
	u.call(t, discordtest.Subcommand(g, manageGuild, "article", "add", discordtest.Opt("text", sampleText(t)), discordtest.Opt("slug", "putin-kim")))

	// A public answer: type 5 placeholder, then the embed in an edit.
	i := discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "putin-kim"))
	req, deferred := u.call(t, i)
	if deferred.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || deferred.Data.Flags != 0 || !deferred.Data.AllowedMentions.mentionsNone() {
		t.Fatalf("deferred response %s", req.Body)
	}
	slow.release("putin-kim")
	edit, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
		return r.Method == http.MethodPatch && r.Route() == "/webhooks/"+fake.ApplicationID()+"/"+i.Token+"/messages/@original"
	})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Content         *string                   `json:"content"`
		Embeds          []*discordgo.MessageEmbed `json:"embeds"`
		AllowedMentions *wireMentions             `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(edit.Body, &body); err != nil {
		t.Fatal(err)
	}
	if !edit.OK() || len(body.Embeds) != 1 || !strings.Contains(body.Embeds[0].Title, "North Korea") || body.Content == nil || *body.Content != "" || !body.AllowedMentions.mentionsNone() {
		t.Errorf("edit of @original: %s -> %d", edit.Body, edit.Status)
	}

	// An ephemeral answer after a public placeholder: the placeholder goes,
	// the answer comes as an ephemeral follow-up.
	i = discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "slow-nothing"))
	if _, d := u.call(t, i); d.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("deferred %+v", d)
	}
	slow.release("slow-nothing")
	follow, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
		return r.Method == http.MethodPost && r.Route() == "/webhooks/"+fake.ApplicationID()+"/"+i.Token
	})
	if err != nil {
		t.Fatal(err)
	}
	var fb callbackBody
	_ = json.Unmarshal(follow.Body, &fb.Data)
	if fb.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(fb.Data.Content, "No brief matches") {
		t.Errorf("follow-up %s", follow.Body)
	}
	var deleted bool
	for _, r := range fake.Requests() {
		deleted = deleted || r.Method == http.MethodDelete && strings.Contains(r.Path, i.Token+"/messages/@original")
	}
	if !deleted {
		t.Error("the public placeholder was not deleted")
	}

	// An admin command defers ephemerally.
	i = discordtest.Subcommand(g, manageGuild, "article", "add", discordtest.Opt("text", "Slow news day. Nothing at all happened in town today. People stayed at home."), discordtest.Opt("slug", "slow-news"))
	if req, d := u.call(t, i); d.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || d.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("admin deferral %s", req.Body)
	}
	slow.release("add:slow-news")
	if _, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
		return r.Method == http.MethodPatch && strings.Contains(r.Path, i.Token) && strings.Contains(string(r.Body), "Added `slow-news`")
	}); err != nil {
		t.Fatal(err)
	}
}

func TestGatewayAutocompleteIsNeverDeferred(t *testing.T) {
	t.Parallel()
	slow := newGates(t)
	u := startGateway(t, botSetup{
		deferAfter: 10 * time.Millisecond,
		wrap:       func(b bot.Briefs) bot.Briefs { return slowSuggest{Briefs: b, gate: slow} },
	})
	i := discordtest.Autocomplete(u.fake.GuildID(), "brief", "topic", "put")
	u.fake.Dispatch(i)
	select {
	case <-slow.entered:
	case <-time.After(e2eWait):
		t.Fatal("autocomplete never reached Suggest")
	}
	// Well past DeferAfter: still no callback until the handler answers.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := u.fake.WaitCallback(ctx, i.ID); err == nil {
		t.Fatal("autocomplete was answered before its handler finished")
	}
	slow.release("put")
	req, err := u.fake.WaitCallback(u.ctx(t), i.ID)
	if err != nil {
		t.Fatal(err)
	}
	var cb callbackBody
	_ = json.Unmarshal(req.Body, &cb)
	if cb.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
		t.Errorf("autocomplete answered %s", req.Body)
	}
}

type slowSuggest struct {
	bot.Briefs
	gate *gates
}

func (s slowSuggest) Suggest(ctx context.Context, guildID, partial string) ([]briefs.Listing, error) {
	s.gate.wait(ctx, partial)
	return s.Briefs.Suggest(ctx, guildID, partial)
}

func TestGatewayShutdownWaitsForInflightInteractions(t *testing.T) {
	t.Parallel()
	slow := newGates(t)
	u := startGateway(t, botSetup{
		deferAfter: 50 * time.Millisecond,
		wrap: func(b bot.Briefs) bot.Briefs {
			return hookedBriefs{Briefs: b, beforeBrief: func(ctx context.Context, q string) { slow.wait(ctx, q) }}
		},
	})
	fake := u.fake
	i := discordtest.Slash(fake.GuildID(), 0, "brief", discordtest.Opt("topic", "anything"))
	u.call(t, i) // the deferral
	u.cancel()
	// The gateway closes while the interaction is still being answered ...
	if err := fake.WaitFor(u.ctx(t), func() bool { return !fake.Ready() }); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-u.done:
		t.Fatalf("Run returned (%v) with an interaction in flight", err)
	default:
	}
	// ... and Run returns once the answer is complete.
	slow.release("anything")
	if err := u.stop(); err != nil {
		t.Fatal(err)
	}
	var edited bool
	for _, r := range fake.Requests() {
		// The answer (not found, ephemeral) replaces the public placeholder
		// with a follow-up.
		edited = edited || r.Method == http.MethodPost && strings.HasPrefix(r.Route(), "/webhooks/") && strings.Contains(r.Path, i.Token)
	}
	if !edited {
		t.Error("Run returned before the in-flight interaction was answered")
	}
}

func TestGatewayShutdownIsBounded(t *testing.T) {
	t.Parallel()
	stuck := newGates(t) // never released before Run returns
	u := startGateway(t, botSetup{
		deferAfter: 50 * time.Millisecond,
		shutdown:   200 * time.Millisecond,
		wrap: func(b bot.Briefs) bot.Briefs {
			return hookedBriefs{Briefs: b, beforeBrief: func(ctx context.Context, q string) { stuck.wait(ctx, q) }}
		},
	})
	u.call(t, discordtest.Slash(u.fake.GuildID(), 0, "brief", discordtest.Opt("topic", "anything")))
	start := time.Now()
	if err := u.stop(); err != nil {
		t.Fatal(err)
	}
	// discordgo's Close takes a second; then at most ShutdownTimeout.
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("shutdown took %s", took)
	}
}

func TestGatewayRegistersGloballyWithoutGuild(t *testing.T) {
	t.Parallel()
	none := ""
	u := startGateway(t, botSetup{guildID: &none})
	put, err := u.fake.WaitRequest(u.ctx(t), func(r discordtest.Request) bool { return r.Method == http.MethodPut })
	if err != nil {
		t.Fatal(err)
	}
	if want := "/api/v9/applications/" + u.fake.ApplicationID() + "/commands"; put.Path != want {
		t.Errorf("registration at %s, want %s", put.Path, want)
	}
	if len(u.fake.Commands("")) != len(u.router.ApplicationCommands()) || len(u.fake.Commands(u.fake.GuildID())) != 0 {
		t.Errorf("global %d, guild %d", len(u.fake.Commands("")), len(u.fake.Commands(u.fake.GuildID())))
	}
}

// runToEnd runs a Gateway that is expected to fail by itself.
func runToEnd(t *testing.T, gw *bot.Gateway) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	err := gw.Run(ctx)
	if ctx.Err() != nil {
		t.Fatalf("Run kept going until the test's deadline (%v): a retry loop?", err)
	}
	return err
}

func TestGatewayBadTokenIsFatal(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	router := bot.NewRouter(hookedBriefs{}, nil)
	err := runToEnd(t, &bot.Gateway{Token: "not-the-token", APIURL: fake.APIURL(), Router: router})
	if briefs.ErrorCode(err) != briefs.EINVALID || !strings.Contains(briefs.ErrorMessage(err), "refused the bot token") {
		t.Fatalf("Run = %v", err)
	}
	if strings.Contains(err.Error(), "not-the-token") {
		t.Error("the error quotes the token")
	}
	if st := fake.Stats(); st.Connections != 0 {
		t.Errorf("connected to the gateway with a refused token: %+v", st)
	}

	// A token the gateway refuses (close 4004) ends Run too, after one try.
	fake.FailNextIdentify(4004)
	err = runToEnd(t, &bot.Gateway{Token: fake.Token(), APIURL: fake.APIURL(), Router: router})
	if briefs.ErrorCode(err) != briefs.EINVALID || !strings.Contains(briefs.ErrorMessage(err), "4004") {
		t.Fatalf("Run = %v", err)
	}
	if n := fake.Identifies(); n != 1 {
		t.Errorf("%d identifies, want 1", n)
	}
}

func TestGatewayRefusedRegistrationIsFatal(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	fake.FailNext(http.MethodPut, "/applications/", http.StatusForbidden, 1, 0)
	err := runToEnd(t, &bot.Gateway{Token: fake.Token(), APIURL: fake.APIURL(), GuildID: "999", Router: bot.NewRouter(hookedBriefs{}, nil)})
	if briefs.ErrorCode(err) != briefs.EINVALID || !strings.Contains(briefs.ErrorMessage(err), "refused to register") || !strings.Contains(briefs.ErrorMessage(err), "403") {
		t.Fatalf("Run = %v", err)
	}
}

func TestGatewayNeedsTokenAndValidAPIURL(t *testing.T) {
	t.Parallel()
	r := bot.NewRouter(hookedBriefs{}, nil)
	if err := (&bot.Gateway{Router: r}).Run(context.Background()); briefs.ErrorCode(err) != briefs.EINVALID {
		t.Errorf("no token: %v", err)
	}
	if err := (&bot.Gateway{Token: "t", APIURL: "ftp://x", Router: r}).Run(context.Background()); briefs.ErrorCode(err) != briefs.EINVALID {
		t.Errorf("bad URL: %v", err)
	}
}

func TestNewHTTPClientRedirectsTheDiscordAPIOnly(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.EscapedPath()+" "+r.URL.RawQuery+" "+r.Host)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c, err := bot.NewHTTPClient(srv.URL+"/proxy/api/v9/", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{
		"https://discord.com/api/v9/users/@me",
		"https://discord.com/api/v9/webhooks/1/a%2Fb/messages/@original?wait=true",
	} {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		resp.Body.Close()
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	want := []string{
		"GET /proxy/api/v9/users/@me  " + host,
		"GET /proxy/api/v9/webhooks/1/a%2Fb/messages/@original wait=true " + host,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests arrived as\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, u := range []string{"https://cdn.discordapp.com/avatars/1/2.png", "https://discord.com/other", "https://example.com/api/v9/users/@me"} {
		if resp, err := c.Get(u); err == nil {
			resp.Body.Close()
			t.Errorf("GET %s was not refused", u)
		}
	}
	for _, bad := range []string{"discord.com/api/v9", "ftp://x/api", "http://user:pw@host/api", "http://host/api?x=1"} {
		if _, err := bot.NewHTTPClient(bad, time.Second); briefs.ErrorCode(err) != briefs.EINVALID {
			t.Errorf("NewHTTPClient(%q) = %v", bad, err)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("error quotes a password: %v", err)
		}
	}
	if _, err := bot.NewHTTPClient("", time.Second); err != nil {
		t.Errorf("default URL: %v", err)
	}
}

// Every message the bot sends, whatever the path (responses, buttons, forms,
// deferrals, follow-ups), carries allowed_mentions {"parse":[]}; the
// harness checks every recorded body when each end-to-end test ends, and
// this test drives the remaining paths and checks the checker.
func TestEveryOutgoingMessageForbidsMentions(t *testing.T) {
	t.Parallel()
	u := startGateway(t, botSetup{})
	g := u.fake.GuildID()
	for n := range 7 {
		text := fmt.Sprintf("Headline number %d about @everyone\n\nThe council met on day %d and agreed on a budget. Members argued for hours. The vote was close.", n, n)
		u.call(t, discordtest.Subcommand(g, manageGuild, "article", "add", discordtest.Opt("text", text), discordtest.Opt("slug", fmt.Sprintf("news-%d", n))))
	}
	_, list := u.call(t, discordtest.Slash(g, 0, "briefs"))
	if len(list.Data.Embeds) != 1 {
		t.Fatalf("/briefs answered %+v", list)
	}
	page := &discordgo.Interaction{Type: discordgo.InteractionMessageComponent, GuildID: g,
		Data:   discordgo.MessageComponentInteractionData{CustomID: "briefs:5:", ComponentType: discordgo.ButtonComponent},
		Member: &discordgo.Member{User: &discordgo.User{ID: discordtest.MemberID}}}
	if _, cb := u.call(t, page); cb.Type != discordgo.InteractionResponseUpdateMessage {
		t.Errorf("paging answered %+v", cb)
	}
	if _, cb := u.call(t, discordtest.Subcommand(g, manageGuild, "article", "add")); cb.Type != discordgo.InteractionResponseModal {
		t.Errorf("/article add without text answered %+v", cb)
	}
	modal := &discordgo.Interaction{Type: discordgo.InteractionModalSubmit, GuildID: g,
		Data: discordgo.ModalSubmitInteractionData{CustomID: "article-add", Components: []discordgo.MessageComponent{
			&discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: "text", Value: sampleText(t)}}},
			&discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: "slug", Value: "putin-kim"}}},
		}},
		Member: &discordgo.Member{User: &discordgo.User{ID: discordtest.MemberID}, Permissions: manageGuild}}
	if _, cb := u.call(t, modal); !strings.Contains(cb.Data.Content, "Added `putin-kim`") {
		t.Errorf("modal submit answered %+v", cb.Data)
	}
	if _, cb := u.call(t, discordtest.Subcommand(g, manageGuild, "article", "remove", discordtest.Opt("slug", "news-0"))); !strings.Contains(cb.Data.Content, "Removed") {
		t.Errorf("remove answered %+v", cb.Data)
	}
	dm := discordtest.Slash("", 0, "brief", discordtest.Opt("topic", "x"))
	dm.Member, dm.User = nil, &discordgo.User{ID: discordtest.MemberID}
	u.call(t, dm)
	checkNoMentions(t, u.fake.Requests())

	// The check itself fails on a body without the empty parse list.
	for _, body := range []string{`{"type":4,"data":{"content":"hi"}}`, `{"type":4,"data":{"content":"hi","allowed_mentions":{"parse":null}}}`} {
		bad := []discordtest.Request{{Method: http.MethodPost, Path: "/api/v9/interactions/1/t/callback", Body: []byte(body)}}
		if len(mentionProblems(bad)) != 1 {
			t.Errorf("checkNoMentions accepted %s", body)
		}
	}
}

// The bot stays up through a dropped socket (RESUME), a zombie connection
// whose heartbeats go unanswered (reconnect and RESUME) and an invalid
// session (new IDENTIFY), registering its commands only once.
func TestGatewaySurvivesConnectionTrouble(t *testing.T) {
	t.Parallel()
	u := startGateway(t, botSetup{fakeOpts: []discordtest.Option{discordtest.WithHeartbeatInterval(100 * time.Millisecond)}})
	fake, g := u.fake, u.fake.GuildID()
	ctx := u.ctx(t)
	answers := func(stage string) {
		t.Helper()
		if _, cb := u.call(t, discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "nothing"))); !strings.Contains(cb.Data.Content, "No brief matches") {
			t.Fatalf("%s: answered %+v", stage, cb.Data)
		}
	}
	answers("start")

	if err := fake.DropConnection(); err != nil {
		t.Fatal(err)
	}
	answers("after a dropped connection")
	if err := fake.WaitStats(ctx, func(s discordtest.Stats) bool { return s.Resumes >= 1 }); err != nil {
		t.Fatal(err)
	}

	fake.SetHeartbeatACK(false)
	if err := fake.WaitStats(ctx, func(s discordtest.Stats) bool { return s.Connections >= 3 }); err != nil {
		t.Fatal(err)
	}
	fake.SetHeartbeatACK(true)
	if err := fake.WaitStats(ctx, func(s discordtest.Stats) bool { return s.Resumes >= 2 }); err != nil {
		t.Fatal(err)
	}
	answers("after a zombie connection")

	if err := fake.InvalidSession(false); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitStats(ctx, func(s discordtest.Stats) bool { return s.Identifies >= 2 }); err != nil {
		t.Fatal(err)
	}
	answers("after an invalid session")

	puts := 0
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPut {
			puts++
		}
	}
	if puts != 1 {
		t.Errorf("%d bulk overwrites, want 1", puts)
	}
}

// guildOnShard returns a guild id that Discord's formula,
// (guild_id >> 22) % count, puts on shard.
func guildOnShard(shard, count int) string {
	return strconv.FormatUint(uint64(1000*count+shard)<<22, 10)
}

// runGateway runs g until the test ends and returns Run's result channel.
func runGateway(t *testing.T, g *bot.Gateway) <-chan error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run of shard %d: %v", g.ShardID, err)
			}
			done <- err
		case <-time.After(e2eWait):
			t.Errorf("Run of shard %d did not return", g.ShardID)
		}
	})
	return done
}

// Two processes serving shards 0 and 1 of 2 against one Discord and one
// store: both identify with their shard, each answers its own guilds'
// interactions, and only shard 0 registers the commands.
func TestGatewayShardsShareTheWork(t *testing.T) {
	t.Parallel()
	g0, g1 := guildOnShard(0, 2), guildOnShard(1, 2)
	fake := discordtest.New(t, discordtest.WithGuilds(g0, g1))
	svc := newService(t)
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	logs := [2]*testkit.LogBuffer{{}, {}}
	obs := [2]*recordingObserver{newObserver(), newObserver()}
	for shard := range 2 {
		log := slog.New(slog.NewTextHandler(logs[shard], &slog.HandlerOptions{Level: slog.LevelDebug}))
		runGateway(t, &bot.Gateway{
			Token: fake.Token(), APIURL: fake.APIURL(), Router: bot.NewRouter(svc, log), Logger: log,
			ShardID: shard, ShardCount: 2, Observer: obs[shard],
		})
	}
	if err := fake.WaitFor(ctx, func() bool { return fake.ShardReady(0) && fake.ShardReady(1) }); err != nil {
		t.Fatal(err)
	}
	var shards []string
	for _, id := range fake.IdentifyLog() {
		if id.Shard == nil {
			t.Fatalf("IDENTIFY without a shard array: %+v", id)
		}
		shards = append(shards, fmt.Sprint(*id.Shard))
	}
	sort.Strings(shards)
	if got := strings.Join(shards, " "); got != "[0 2] [1 2]" {
		t.Errorf("identified shards %s, want [0 2] [1 2]", got)
	}
	if err := logs[1].WaitFor(ctx, "commands are registered by shard 0"); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool { return r.Method == http.MethodPut }); err != nil {
		t.Fatal(err)
	}

	// Each guild's interaction reaches, and is answered by, its shard.
	for shard, g := range []string{g0, g1} {
		if got := fake.ShardOf(g); got != shard {
			t.Fatalf("the fake puts guild %s on shard %d, want %d", g, got, shard)
		}
		i := discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "nothing-here"))
		fake.Dispatch(i)
		req, err := fake.WaitCallback(ctx, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(req.Body), "No brief matches") {
			t.Errorf("guild %s answered %s", g, req.Body)
		}
		obs[shard].waitServed(t, 1)
	}
	for shard := range 2 {
		if n := len(obs[shard].servedList()); n != 1 {
			t.Errorf("shard %d served %d interactions, want 1", shard, n)
		}
	}
	puts := 0
	for _, r := range fake.Requests() {
		if r.Method == http.MethodPut {
			puts++
			if r.Path != "/api/v9/applications/"+fake.ApplicationID()+"/commands" {
				t.Errorf("registration %s", r)
			}
		}
	}
	if puts != 1 {
		t.Errorf("%d bulk overwrites, want 1 (by shard 0 only)", puts)
	}
}

// SHARD_COUNT=auto takes Discord's recommendation from GET /gateway/bot; a
// shard beyond it, or beyond SHARD_COUNT, is a configuration error.
func TestGatewayShardCountAuto(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.WithRecommendedShards(3))
	svc := newService(t)
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	logs := &testkit.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	gw := &bot.Gateway{Token: fake.Token(), APIURL: fake.APIURL(), Router: bot.NewRouter(svc, log), Logger: log,
		ShardID: 2, ShardCount: bot.ShardCountAuto}
	runGateway(t, gw)
	if err := fake.WaitFor(ctx, func() bool { return fake.ShardReady(2) }); err != nil {
		t.Fatal(err)
	}
	if id, _ := fake.LastIdentify(); id.Shard == nil || *id.Shard != [2]int{2, 3} {
		t.Errorf("identified as shard %v, want [2 3]", id.Shard)
	}
	if err := logs.WaitFor(ctx, "commands are registered by shard 0"); err != nil {
		t.Fatal(err)
	}
	asked := false
	for _, r := range fake.Requests() {
		asked = asked || (r.Method == http.MethodGet && r.Route() == "/gateway/bot" && r.Authorized)
		if r.Method == http.MethodPut {
			t.Errorf("shard 2 registered the commands: %s", r)
		}
	}
	if !asked {
		t.Error("GET /gateway/bot was not asked")
	}

	for _, c := range []struct{ id, count int }{{3, bot.ShardCountAuto}, {1, 0}, {2, 2}, {-1, 2}} {
		g := &bot.Gateway{Token: fake.Token(), APIURL: fake.APIURL(), Router: bot.NewRouter(svc, nil), ShardID: c.id, ShardCount: c.count}
		err := g.Run(ctx)
		if briefs.ErrorCode(err) != briefs.EINVALID || !strings.Contains(err.Error(), "SHARD_ID") {
			t.Errorf("shard %d of %d: Run = %v, want EINVALID naming SHARD_ID", c.id, c.count, err)
		}
	}
}

// Connected follows the connection, and each reconnection is reported.
func TestGatewayConnectedAndReconnects(t *testing.T) {
	t.Parallel()
	obs := newObserver()
	u := startGateway(t, botSetup{observer: obs})
	// An answer means the session is past READY and reading events.
	u.call(t, discordtest.Slash(u.fake.GuildID(), 0, "brief", discordtest.Opt("topic", "nothing-here")))
	if !u.gw.Connected() {
		t.Fatal("Connected() = false while answering")
	}
	if err := u.fake.DropConnection(); err != nil {
		t.Fatal(err)
	}
	obs.wait(t, "reconnected")
	if !u.gw.Connected() {
		t.Error("Connected() = false after the reconnection")
	}
	if err := u.fake.Reconnect(); err != nil {
		t.Fatal(err)
	}
	obs.wait(t, "reconnected")
	u.call(t, discordtest.Slash(u.fake.GuildID(), 0, "brief", discordtest.Opt("topic", "nothing-here")))
	if err := u.stop(); err != nil {
		t.Fatal(err)
	}
	if u.gw.Connected() {
		t.Error("Connected() = true after Run returned")
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.reconnects < 2 {
		t.Errorf("%d reconnections reported, want at least 2", obs.reconnects)
	}
}

// No token reaches the logs at debug level, even when a REST error quotes
// the callback URL, which holds the interaction token.
func TestGatewayKeepsTokensOutOfLogs(t *testing.T) {
	t.Parallel()
	u := startGateway(t, botSetup{})
	i := discordtest.Slash(u.fake.GuildID(), 0, "brief", discordtest.Opt("topic", "nothing-here"))
	i.ID, i.Token = "1300000000000000077", "itok-"+randHex(24)
	// A rate limit longer than the deadline: the answer is given up with
	// discordgo's error, which names the URL.
	u.fake.FailNext(http.MethodPost, "/interactions/"+i.ID+"/", http.StatusTooManyRequests, 1, 5*time.Second)
	u.fake.Dispatch(i)
	if err := u.logs.WaitFor(u.ctx(t), "interaction not answered"); err != nil {
		t.Fatal(err)
	}
	logs := u.logs.String()
	if strings.Contains(logs, i.Token) {
		t.Errorf("the interaction token appears in the logs:\n%s", logs)
	}
	if !strings.Contains(logs, "[token]") {
		t.Errorf("the failure was not logged with its URL redacted:\n%s", logs)
	}
	// (startGateway checks the bot token when the test ends.)
}
