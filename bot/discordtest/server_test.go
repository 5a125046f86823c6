package discordtest_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot/discordtest"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// wait bounds every wait of these tests.
const wait = 10 * time.Second

func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return ctx
}

// client is a real discordgo Session connected to the fake, with the events
// it received.
type client struct {
	s      *discordgo.Session
	ready  chan *discordgo.Ready
	events chan *discordgo.Event // INTERACTION_CREATE events, in order
}

func newSession(t *testing.T, fake *discordtest.Server, token string) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = fake.HTTPClient()
	s.Identify.Intents = discordgo.IntentsNone
	s.LogLevel = -1 // quiet: failures show up in the assertions
	return s
}

func connect(t *testing.T, fake *discordtest.Server) *client {
	t.Helper()
	c := &client{
		s:      newSession(t, fake, fake.Token()),
		ready:  make(chan *discordgo.Ready, 8),
		events: make(chan *discordgo.Event, 64),
	}
	c.s.SyncEvents = true // keeps events in arrival order
	c.s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { c.ready <- r })
	c.s.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
		if e.Type == "INTERACTION_CREATE" {
			c.events <- e
		}
	})
	if err := c.s.Open(); err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { c.s.Close() })
	return c
}

func (c *client) nextInteraction(t *testing.T) (*discordgo.Interaction, int64) {
	t.Helper()
	select {
	case e := <-c.events:
		return e.Struct.(*discordgo.InteractionCreate).Interaction, e.Sequence
	case <-time.After(wait):
		t.Fatal("no INTERACTION_CREATE received")
		return nil, 0
	}
}

func slash(name string) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type:    discordgo.InteractionApplicationCommand,
		GuildID: discordtest.DefaultGuildID,
		Data:    discordgo.ApplicationCommandInteractionData{Name: name},
		Member:  &discordgo.Member{User: &discordgo.User{ID: "42"}, Permissions: discordgo.PermissionManageGuild},
	}
}

func TestIdentifyReadyAndHeartbeats(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.WithHeartbeatInterval(50*time.Millisecond))
	c := connect(t, fake)
	ctx := ctxFor(t)
	r := <-c.ready
	if r.Application == nil || r.Application.ID != fake.ApplicationID() || r.SessionID == "" || r.SessionID != fake.SessionID() {
		t.Fatalf("READY = %+v", r)
	}
	if r.User == nil || r.User.ID != fake.BotUser().ID || len(r.Guilds) != 1 || r.Guilds[0].ID != fake.GuildID() {
		t.Fatalf("READY user/guilds = %+v %+v", r.User, r.Guilds)
	}
	if err := fake.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitStats(ctx, func(s discordtest.Stats) bool { return s.Heartbeats >= 3 }); err != nil {
		t.Fatal(err)
	}
	c.s.RLock()
	acked := c.s.LastHeartbeatAck.After(c.s.LastHeartbeatSent.Add(-time.Second))
	c.s.RUnlock()
	if !acked {
		t.Error("heartbeats were not acknowledged")
	}
	id, ok := fake.LastIdentify()
	if !ok || id.Intents != discordgo.IntentsNone || id.Token != "" {
		t.Errorf("identify = %+v (token must be stripped)", id)
	}
	reqs := fake.Requests()
	if len(reqs) == 0 || reqs[0].Method != "GET" || reqs[0].Path != "/api/v9/gateway" {
		t.Fatalf("first request = %v", reqs)
	}
	if got := reqs[0].Header.Get("Authorization"); got != "[redacted]" || !reqs[0].Authorized {
		t.Errorf("recorded Authorization = %q, authorized %v", got, reqs[0].Authorized)
	}
	if gb, err := c.s.GatewayBot(); err != nil || gb.URL != fake.GatewayURL()+"/" || gb.Shards != 1 {
		t.Errorf("GET /gateway/bot = %+v, %v", gb, err)
	}
	if me, err := c.s.User("@me"); err != nil || me.ID != fake.BotUser().ID || !me.Bot {
		t.Errorf("GET /users/@me = %+v, %v", me, err)
	}
	if st := fake.Stats(); st.Identifies != 1 || st.Readies != 1 || st.Connections != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestDispatchRisingSequenceAndCallbacks(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	c := connect(t, fake)
	ctx := ctxFor(t)
	if err := fake.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	var last int64
	for n := 0; n < 3; n++ {
		in := slash("brief")
		seq := fake.Dispatch(in)
		got, gotSeq := c.nextInteraction(t)
		if got.ID != in.ID || got.Token != in.Token || got.AppID != fake.ApplicationID() || int(gotSeq) != seq || gotSeq <= last {
			t.Fatalf("interaction %d: got id %s seq %d, dispatched %s seq %d (last %d)", n, got.ID, gotSeq, in.ID, seq, last)
		}
		if got.Member.Permissions != discordgo.PermissionManageGuild || got.ApplicationCommandData().Name != "brief" {
			t.Fatalf("interaction decoded as %+v", got)
		}
		last = gotSeq
		resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "hi", AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}}}
		if err := c.s.InteractionRespond(got, resp); err != nil {
			t.Fatal(err)
		}
		req, err := fake.WaitCallback(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(resp)
		if string(req.Body) != string(want) || req.Status != http.StatusNoContent {
			t.Fatalf("callback body %s (status %d), want %s", req.Body, req.Status, want)
		}
		// Only one initial response per interaction.
		var rerr *discordgo.RESTError
		if err := c.s.InteractionRespond(got, resp); !errors.As(err, &rerr) || rerr.Message == nil || rerr.Message.Code != 40060 {
			t.Fatalf("second response: %v", err)
		}
		content := "edited"
		if _, err := c.s.InteractionResponseEdit(got, &discordgo.WebhookEdit{Content: &content}); err != nil {
			t.Fatalf("edit @original: %v", err)
		}
		if _, err := c.s.FollowupMessageCreate(got, true, &discordgo.WebhookParams{Content: "more"}); err != nil {
			t.Fatalf("follow-up: %v", err)
		}
		if err := c.s.InteractionResponseDelete(got); err != nil {
			t.Fatalf("delete @original: %v", err)
		}
	}
	if _, err := c.s.ChannelMessageSend("123", "hello"); err != nil {
		t.Fatalf("channel message: %v", err)
	}
	var methods []string
	for _, r := range fake.Requests()[1:] {
		methods = append(methods, r.Method+" "+strings.Join(strings.Split(r.Route(), "/")[:2], "/"))
	}
	if got := strings.Join(methods, ","); !strings.HasPrefix(got, "POST /interactions,POST /interactions,PATCH /webhooks,POST /webhooks,DELETE /webhooks") || !strings.HasSuffix(got, "POST /channels") {
		t.Errorf("requests: %s", got)
	}
}

func TestCallbackRules(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.WithCallbackDeadline(time.Nanosecond))
	c := connect(t, fake)
	if err := fake.WaitReady(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	in := slash("brief")
	fake.Dispatch(in)
	got, _ := c.nextInteraction(t)
	content := "x"
	// An edit before any response has no message to edit.
	if _, err := c.s.InteractionResponseEdit(got, &discordgo.WebhookEdit{Content: &content}); restCode(err) != 10008 {
		t.Errorf("edit before response: %v", err)
	}
	// Past the deadline the interaction is unknown.
	err := c.s.InteractionRespond(got, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Content: "late"}})
	if restCode(err) != 10062 {
		t.Errorf("late response: %v", err)
	}
	// An unknown token is refused.
	bad := *got
	bad.Token = "nope"
	if err := c.s.InteractionRespond(&bad, &discordgo.InteractionResponse{Type: 4}); restCode(err) != 10062 {
		t.Errorf("bad token: %v", err)
	}
}

func TestResponseTypeMustFitInteraction(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	c := connect(t, fake)
	if err := fake.WaitReady(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	in := slash("brief")
	in.Type = discordgo.InteractionApplicationCommandAutocomplete
	fake.Dispatch(in)
	got, _ := c.nextInteraction(t)
	if err := c.s.InteractionRespond(got, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "x"}}); restCode(err) != 50035 {
		t.Errorf("message answer to autocomplete: %v", err)
	}
	if err := c.s.InteractionRespond(got, &discordgo.InteractionResponse{Type: 8, Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}); err != nil {
		t.Errorf("choices: %v", err)
	}
}

func restCode(err error) int {
	var rerr *discordgo.RESTError
	if errors.As(err, &rerr) && rerr.Message != nil {
		return rerr.Message.Code
	}
	return -1
}

func TestReconnectResumesAndReplays(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	c := connect(t, fake)
	ctx := ctxFor(t)
	if err := fake.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	before := slash("before")
	fake.Dispatch(before)
	c.nextInteraction(t)
	if err := fake.Reconnect(); err != nil {
		t.Fatal(err)
	}
	// Dispatched while the client reconnects: replayed after RESUME.
	during := slash("during")
	seq := fake.Dispatch(during)
	got, gotSeq := c.nextInteraction(t)
	if got.ID != during.ID || int(gotSeq) != seq {
		t.Fatalf("after reconnect got %s seq %d, want %s seq %d", got.ID, gotSeq, during.ID, seq)
	}
	if err := fake.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	after := slash("after")
	fake.Dispatch(after)
	if got, _ := c.nextInteraction(t); got.ID != after.ID {
		t.Fatalf("got %s, want %s", got.ID, after.ID)
	}
	// discordgo's heartbeat goroutine may close the new connection after
	// op 7 (it writes to the old one and closes the session's current
	// socket on failure), which costs one more RESUME: at least one.
	if st := fake.Stats(); st.Identifies != 1 || st.Resumes < 1 || st.Connections < 2 {
		t.Errorf("stats = %+v", st)
	}
}

func TestDropConnectionResumes(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	c := connect(t, fake)
	ctx := ctxFor(t)
	if err := fake.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if err := fake.DropConnection(); err != nil {
		t.Fatal(err)
	}
	in := slash("x")
	fake.Dispatch(in)
	if got, _ := c.nextInteraction(t); got.ID != in.ID {
		t.Fatalf("got %s", got.ID)
	}
	if err := fake.WaitStats(ctx, func(s discordtest.Stats) bool { return s.Resumes >= 1 }); err != nil {
		t.Fatal(err)
	}
	if n := fake.Identifies(); n != 1 {
		t.Errorf("identifies = %d", n)
	}
}

func TestInvalidSessionReidentifies(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	c := connect(t, fake)
	ctx := ctxFor(t)
	<-c.ready
	first := fake.SessionID()
	if err := fake.InvalidSession(false); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-c.ready:
		if r.SessionID == first || r.SessionID != fake.SessionID() {
			t.Errorf("new session %q, old %q", r.SessionID, first)
		}
	case <-ctx.Done():
		t.Fatal("no second READY")
	}
	if n := fake.Identifies(); n != 2 {
		t.Errorf("identifies = %d", n)
	}
}

func TestBadTokenRefused(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake, "wrong")
	_, err := s.User("@me")
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET /users/@me with a bad token: %v", err)
	}
	err = s.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4004 {
		t.Fatalf("Open with a bad token: %v", err)
	}
	fake.FailNextIdentify(4014)
	good := newSession(t, fake, fake.Token())
	if err := good.Open(); !errors.As(err, &ce) || ce.Code != 4014 {
		t.Fatalf("Open with FailNextIdentify(4014): %v", err)
	}
}

// discordgo retries a 429 itself after retry_after: verified here, since the
// bot relies on it for edits and follow-ups.
func TestDiscordgoRetries429AfterRetryAfter(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	c := connect(t, fake)
	ctx := ctxFor(t)
	if err := fake.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	in := slash("x")
	fake.Dispatch(in)
	got, _ := c.nextInteraction(t)
	const retry = 300 * time.Millisecond
	fake.FailNext("POST", "/interactions/"+in.ID+"/", http.StatusTooManyRequests, 1, retry)
	if err := c.s.InteractionRespond(got, &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{Content: "x"}}); err != nil {
		t.Fatal(err)
	}
	var calls []discordtest.Request
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/callback") {
			calls = append(calls, r)
		}
	}
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 204 {
		t.Fatalf("callbacks: %v", calls)
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < retry {
		t.Errorf("retried after %v, before retry_after %v", gap, retry)
	}
	if string(calls[0].Body) != string(calls[1].Body) {
		t.Error("the retry sent a different body")
	}

	// Without retries discordgo reports the limit, with retry_after.
	fake.FailNext("", "/users/@me", http.StatusTooManyRequests, 1, 2*time.Second)
	_, err := c.s.User("@me", discordgo.WithRetryOnRatelimit(false))
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Fatalf("429 without retry: %v", err)
	}
	fake.FailNext("GET", "/users/", http.StatusInternalServerError, 1, 0)
	_, err = c.s.User("@me")
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != 500 {
		t.Fatalf("500: %v", err)
	}
}

func TestGlobalRateLimit(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.WithGlobalRateLimit(50))
	hc := &http.Client{Timeout: wait}
	get := func(path string) *http.Response {
		req, _ := http.NewRequest("GET", fake.APIURL()+path, nil)
		req.Header.Set("Authorization", "Bot "+fake.Token())
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	limited := 0
	start := time.Now()
	for n := 0; n < 60; n++ {
		if resp := get("/users/@me"); resp.StatusCode == 429 {
			limited++
			if resp.Header.Get("X-RateLimit-Global") != "true" {
				t.Fatalf("global 429 headers: %v", resp.Header)
			}
		}
	}
	if time.Since(start) < time.Second && limited != 10 {
		t.Errorf("%d of 60 requests in a second were limited, want 10", limited)
	}
	// Interaction callbacks are exempt (they answer 404 here: no interaction).
	if resp := get("/interactions/1/t/callback"); resp.StatusCode == 429 {
		t.Error("interaction callback hit the global limit")
	}
	fake.SetGlobalRateLimit(0)
	if resp := get("/users/@me"); resp.StatusCode != 200 {
		t.Errorf("limit off: %d", resp.StatusCode)
	}
}

func TestCommandsBulkOverwrite(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake, fake.Token())
	cmds := []*discordgo.ApplicationCommand{{Name: "brief", Description: "Show a brief"}, {Name: "briefs", Description: "List"}}
	created, err := s.ApplicationCommandBulkOverwrite(fake.ApplicationID(), fake.GuildID(), cmds)
	if err != nil {
		t.Fatal(err)
	}
	if len(created) != 2 || created[0].ID == "" || created[0].GuildID != fake.GuildID() {
		t.Fatalf("created = %+v", created)
	}
	again, err := s.ApplicationCommandBulkOverwrite(fake.ApplicationID(), fake.GuildID(), cmds[:1])
	if err != nil || len(again) != 1 || again[0].ID != created[0].ID {
		t.Fatalf("overwrite kept ids? %+v %v", again, err)
	}
	if got := fake.Commands(fake.GuildID()); len(got) != 1 || got[0].Name != "brief" {
		t.Errorf("Commands = %+v", got)
	}
	if got := fake.Commands(""); len(got) != 0 {
		t.Errorf("global commands = %+v", got)
	}
	_, err = s.ApplicationCommandBulkOverwrite(fake.ApplicationID(), "", []*discordgo.ApplicationCommand{{Name: "Bad Name", Description: "x"}})
	if restCode(err) != 50035 {
		t.Errorf("invalid command accepted: %v", err)
	}
	_, err = s.ApplicationCommandBulkOverwrite("999", "", cmds)
	if restCode(err) != 50001 {
		t.Errorf("other application: %v", err)
	}
}

func TestWaitRequestIsBounded(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := fake.WaitRequest(ctx, func(discordtest.Request) bool { return true }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	// A request made while waiting wakes the waiter.
	var wg sync.WaitGroup
	wg.Add(1)
	var got discordtest.Request
	var werr error
	go func() {
		defer wg.Done()
		got, werr = fake.WaitRequest(ctxFor(t), func(r discordtest.Request) bool { return r.Route() == "/gateway" })
	}()
	resp, err := http.Get(fake.APIURL() + "/gateway")
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ URL string }
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	wg.Wait()
	if werr != nil || got.Method != "GET" || body.URL != fake.GatewayURL() {
		t.Fatalf("got %v %v, url %q", got, werr, body.URL)
	}
}

// Deliver posts an interaction signed as Discord signs it, and takes a valid
// answer as the initial response: the token's webhooks work afterwards.
func TestDeliverSignsAndAcceptsTheAnswer(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	key, err := hex.DecodeString(fake.PublicKey())
	if err != nil || len(key) != ed25519.PublicKeySize {
		t.Fatalf("PublicKey %q", fake.PublicKey())
	}
	var verified bool
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig, _ := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		ts := r.Header.Get("X-Signature-Timestamp")
		verified = ed25519.Verify(key, append([]byte(ts), body...), sig)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"type":4,"data":{"content":"hi","allowed_mentions":{"parse":[]}}}`))
	}))
	defer bot.Close()
	i := slash("brief")
	d, err := fake.Deliver(ctxFor(t), bot.URL+"/interactions", i)
	if err != nil {
		t.Fatal(err)
	}
	if !verified || d.Status != http.StatusOK || !d.Accepted || i.Token == "" {
		t.Fatalf("delivery %+v, signature verified %v", d, verified)
	}
	s := newSession(t, fake, fake.Token())
	if _, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "more"}); err != nil {
		t.Errorf("follow-up after an accepted delivery: %v", err)
	}
	// An answer that does not fit the interaction is not accepted.
	d, err = fake.Deliver(ctxFor(t), bot.URL, &discordgo.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete,
		GuildID: discordtest.DefaultGuildID, Data: discordgo.ApplicationCommandInteractionData{Name: "brief"}})
	if err != nil || d.Accepted || d.Problem == "" {
		t.Errorf("a message answering autocomplete: %+v, %v", d, err)
	}
	if _, err := fake.Deliver(ctxFor(t), "http://192.0.2.1/", slash("brief")); err == nil {
		t.Error("Deliver posted off loopback")
	}
}

// A sharded client gets each guild's events on the guild's shard.
func TestShardedSessions(t *testing.T) {
	t.Parallel()
	g0, g1 := strconv.Itoa(10<<22), strconv.Itoa(11<<22)
	fake := discordtest.New(t, discordtest.WithGuilds(g0, g1), discordtest.WithRecommendedShards(2))
	clients := make([]*client, 2)
	for shard := range 2 {
		c := &client{s: newSession(t, fake, fake.Token()), ready: make(chan *discordgo.Ready, 8), events: make(chan *discordgo.Event, 64)}
		c.s.ShardID, c.s.ShardCount = shard, 2
		c.s.SyncEvents = true
		c.s.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
			if e.Type == "INTERACTION_CREATE" {
				c.events <- e
			}
		})
		if err := c.s.Open(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.s.Close() })
		clients[shard] = c
	}
	if !fake.ShardReady(0) || !fake.ShardReady(1) || !fake.Ready() {
		t.Fatal("both shards should be live")
	}
	if gb, err := clients[0].s.GatewayBot(); err != nil || gb.Shards != 2 {
		t.Errorf("GET /gateway/bot = %+v, %v", gb, err)
	}
	for shard, g := range []string{g0, g1} {
		i := slash("brief")
		i.GuildID = g
		fake.Dispatch(i)
		got, _ := clients[shard].nextInteraction(t)
		if got.GuildID != g {
			t.Errorf("shard %d got guild %s's interaction", shard, got.GuildID)
		}
	}
	if n := len(fake.IdentifyLog()); n != 2 {
		t.Errorf("%d identifies", n)
	}
}

// TestEnforceNonce: a create that repeats a nonce with enforce_nonce gets
// the first message back and creates nothing; without enforce_nonce, or with
// another nonce, it creates one; a lost answer still stores the message.
func TestEnforceNonce(t *testing.T) {
	fake := discordtest.New(t)
	post := func(body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("POST", fake.APIURL()+"/channels/c1/messages", strings.NewReader(body))
		req.Header.Set("Authorization", "Bot "+fake.Token())
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	fake.LoseNextAnswers("/channels/c1/messages", 1, discordtest.LoseBy502)
	if code, _ := post(`{"content":"a","nonce":"n1","enforce_nonce":true}`); code != http.StatusBadGateway {
		t.Fatalf("lost answer: %d; want 502", code)
	}
	code, m := post(`{"content":"a","nonce":"n1","enforce_nonce":true}`)
	msgs := fake.Messages("c1")
	if code != 200 || len(msgs) != 1 || m["id"] != msgs[0].ID || m["nonce"] != "n1" {
		t.Fatalf("repeat: %d %v; messages %+v", code, m, msgs)
	}
	post(`{"content":"a","nonce":"n1"}`)
	post(`{"content":"a","nonce":"n2","enforce_nonce":true}`)
	if n := len(fake.Messages("c1")); n != 3 {
		t.Errorf("%d messages; want 3", n)
	}
	if code, _ := post(`{"content":"a","nonce":"12345678901234567890123456","enforce_nonce":true}`); code != http.StatusBadRequest {
		t.Errorf("26-character nonce: %d; want 400", code)
	}
}
