package bot_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
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
	"briefbot/store/storetest"
)

// served is one InteractionServed report.
type served struct {
	kind, command, outcome string
	initial, total         time.Duration
}

// recordingObserver is a bot.Observer that keeps every report and signals
// each one.
type recordingObserver struct {
	mu         sync.Mutex
	served     []served
	deferred   []string
	reconnects int
	signal     chan string
}

func newObserver() *recordingObserver { return &recordingObserver{signal: make(chan string, 256)} }

func (o *recordingObserver) InteractionServed(kind, command, outcome string, initial, total time.Duration) {
	o.mu.Lock()
	o.served = append(o.served, served{kind, command, outcome, initial, total})
	o.mu.Unlock()
	o.signal <- "served"
}

func (o *recordingObserver) InteractionDeferred(kind, command string) {
	o.mu.Lock()
	o.deferred = append(o.deferred, kind+"/"+command)
	o.mu.Unlock()
	o.signal <- "deferred"
}

func (o *recordingObserver) GatewayReconnected() {
	o.mu.Lock()
	o.reconnects++
	o.mu.Unlock()
	o.signal <- "reconnected"
}

// wait returns when the observer has been told what, or fails the test.
func (o *recordingObserver) wait(t testing.TB, what string) {
	t.Helper()
	timeout := time.NewTimer(e2eWait)
	defer timeout.Stop()
	for {
		select {
		case got := <-o.signal:
			if got == what {
				return
			}
		case <-timeout.C:
			t.Fatalf("observer never told %q", what)
		}
	}
}

// waitServed waits until n interactions have been reported served.
func (o *recordingObserver) waitServed(t testing.TB, n int) []served {
	t.Helper()
	for {
		if s := o.servedList(); len(s) >= n {
			return s
		}
		o.wait(t, "served")
	}
}

func (o *recordingObserver) servedList() []served {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]served(nil), o.served...)
}

// httpBot is an InteractionsServer serving on 127.0.0.1 in front of the real
// service, with a fake Discord for the REST side.
type httpBot struct {
	fake *discordtest.Server
	svc  *briefs.Service
	srv  *bot.InteractionsServer
	url  string
	logs *testkit.LogBuffer
	obs  *recordingObserver
}

type httpSetup struct {
	wrap       func(bot.Briefs) bot.Briefs
	deferAfter time.Duration
	apiURL     string // "" means the fake's
	shareREST  bool   // edits go through a NewRESTSession given as REST
}

func startHTTP(t *testing.T, setup httpSetup) *httpBot {
	t.Helper()
	fake := discordtest.New(t)
	svc := newService(t)
	var b bot.Briefs = svc
	if setup.wrap != nil {
		b = setup.wrap(svc)
	}
	logs := &testkit.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	api := setup.apiURL
	if api == "" {
		api = fake.APIURL()
	}
	obs := newObserver()
	var rest *discordgo.Session
	if setup.shareREST {
		var err error
		if rest, err = bot.NewRESTSession(fake.Token(), api, 0); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := bot.NewInteractionsServer(bot.InteractionsConfig{
		REST:            rest,
		PublicKey:       fake.PublicKey(),
		Router:          bot.NewRouter(b, log),
		APIURL:          api,
		Token:           fake.Token(),
		Logger:          log,
		Observer:        obs,
		DeferAfter:      setup.deferAfter,
		ShutdownTimeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	h := &httpBot{fake: fake, svc: svc, srv: srv, url: "http://" + l.Addr().String() + "/interactions", logs: logs, obs: obs}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(e2eWait):
			t.Error("Serve did not return after cancellation")
		}
		if strings.Contains(logs.String(), fake.Token()) {
			t.Error("the bot token appears in the logs")
		}
		checkNoMentions(t, fake.Requests())
	})
	return h
}

func (h *httpBot) deliver(t *testing.T, i *discordgo.Interaction) (discordtest.Delivery, callbackBody) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	d, err := h.fake.Deliver(ctx, h.url, i)
	if err != nil {
		t.Fatal(err)
	}
	var cb callbackBody
	if d.Status == http.StatusOK {
		if err := json.Unmarshal(d.Body, &cb); err != nil {
			t.Fatalf("answer %s: %v", d.Body, err)
		}
	}
	return d, cb
}

func TestHTTPInteractionsPing(t *testing.T) {
	t.Parallel()
	h := startHTTP(t, httpSetup{})
	d, _ := h.deliver(t, &discordgo.Interaction{Type: discordgo.InteractionPing})
	if d.Status != http.StatusOK || string(d.Body) != `{"type":1}` || !d.Accepted {
		t.Fatalf("PING answered %d %s (%s)", d.Status, d.Body, d.Problem)
	}
	if ct := d.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

// The same router answers over HTTP as over the gateway: inline, in the
// HTTP response, when the handler is fast.
func TestHTTPInteractionsAnswerInline(t *testing.T) {
	t.Parallel()
	h := startHTTP(t, httpSetup{deferAfter: time.Hour})
	g := discordtest.DefaultGuildID
	ctx := context.Background()
	if _, err := h.svc.Add(ctx, briefs.AddInput{GuildID: g, UserID: discordtest.MemberID, Text: sampleText(t), Slug: "putin-kim"}); err != nil {
		t.Fatal(err)
	}

	brief := discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "putin-kim"))
	d, cb := h.deliver(t, brief)
	if d.Status != http.StatusOK || !d.Accepted {
		t.Fatalf("/brief answered %d %s (%s)", d.Status, d.Body, d.Problem)
	}
	if cb.Type != discordgo.InteractionResponseChannelMessageWithSource || len(cb.Data.Embeds) != 1 ||
		!strings.Contains(cb.Data.Embeds[0].Title, "North Korea") || cb.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Errorf("/brief answer %s", d.Body)
	}
	if !strings.Contains(string(d.Body), `"allowed_mentions":{"parse":[]`) || !cb.Data.AllowedMentions.mentionsNone() {
		t.Errorf("/brief allowed_mentions: %s", d.Body)
	}

	_, ac := h.deliver(t, discordtest.Autocomplete(g, "brief", "topic", "put"))
	if ac.Type != discordgo.InteractionApplicationCommandAutocompleteResult || len(ac.Data.Choices) != 1 || ac.Data.Choices[0].Value != "putin-kim" {
		t.Errorf("autocomplete answered %+v", ac)
	}

	// A member without Manage Server is refused, ephemerally.
	_, refused := h.deliver(t, discordtest.Subcommand(g, discordgo.PermissionSendMessages, "article", "remove", discordtest.Opt("slug", "putin-kim")))
	if refused.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(refused.Data.Content, "Manage Server") || !refused.Data.AllowedMentions.mentionsNone() {
		t.Errorf("refusal %+v", refused.Data)
	}

	// Nothing went over REST: every answer was inline.
	for _, r := range h.fake.Requests() {
		t.Errorf("unexpected REST request %s", r)
	}
	var outcomes []string
	for _, s := range h.obs.waitServed(t, 3) {
		outcomes = append(outcomes, s.kind+"/"+s.command+"/"+s.outcome)
		if s.initial <= 0 || s.initial > s.total {
			t.Errorf("latencies of %+v", s)
		}
	}
	// The observer hears of each answer once it is written, so the order of
	// three quick answers is not fixed.
	slices.Sort(outcomes)
	if got := strings.Join(outcomes, ","); got != "autocomplete/brief/ok,command/article/refused,command/brief/ok" {
		t.Errorf("observed %s", got)
	}
}

// A slow handler gets a deferred response in the HTTP answer, and its answer
// is edited into @original over REST.
func TestHTTPInteractionsDeferSlowHandlerThenEdit(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	h := startHTTP(t, httpSetup{
		deferAfter: 20 * time.Millisecond,
		wrap: func(b bot.Briefs) bot.Briefs {
			return hookedBriefs{Briefs: b, beforeBrief: func(ctx context.Context, _ string) {
				select {
				case <-release:
				case <-ctx.Done():
				}
			}}
		},
	})
	g := discordtest.DefaultGuildID
	if _, err := h.svc.Add(context.Background(), briefs.AddInput{GuildID: g, UserID: discordtest.MemberID, Text: sampleText(t), Slug: "putin-kim"}); err != nil {
		t.Fatal(err)
	}
	i := discordtest.Slash(g, 0, "brief", discordtest.Opt("topic", "putin-kim"))
	d, cb := h.deliver(t, i)
	if d.Status != http.StatusOK || !d.Accepted {
		t.Fatalf("answered %d %s (%s)", d.Status, d.Body, d.Problem)
	}
	// A brief is public, so is its placeholder.
	if cb.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || cb.Data.Flags != 0 || !cb.Data.AllowedMentions.mentionsNone() {
		t.Fatalf("deferred answer %s", d.Body)
	}
	h.obs.wait(t, "deferred")
	close(release)

	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	want := "/api/v9/webhooks/" + h.fake.ApplicationID() + "/" + i.Token + "/messages/@original"
	edit, err := h.fake.WaitRequest(ctx, func(r discordtest.Request) bool { return r.Method == http.MethodPatch })
	if err != nil {
		t.Fatal(err)
	}
	if edit.Path != want || !edit.OK() {
		t.Fatalf("edit %s, want PATCH %s", edit, want)
	}
	var body struct {
		Embeds          []*discordgo.MessageEmbed `json:"embeds"`
		AllowedMentions *wireMentions             `json:"allowed_mentions"`
	}
	if err := edit.Decode(&body); err != nil {
		t.Fatal(err)
	}
	if len(body.Embeds) != 1 || !strings.Contains(body.Embeds[0].Title, "North Korea") || !body.AllowedMentions.mentionsNone() {
		t.Errorf("edit body %s", edit.Body)
	}
	if s := h.obs.waitServed(t, 1); len(s) != 1 || s[0].outcome != bot.OutcomeOK || s[0].command != "brief" || s[0].total < s[0].initial {
		t.Errorf("observed %+v", s)
	}
}

// An admin command that is slow defers ephemerally, as Deferral does on the
// gateway.
func TestHTTPInteractionsDeferAdminCommandEphemerally(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	h := startHTTP(t, httpSetup{
		deferAfter: 20 * time.Millisecond,
		shareREST:  true,
		wrap: func(b bot.Briefs) bot.Briefs {
			return hookedBriefs{Briefs: b, beforeAdd: func(ctx context.Context, _ briefs.AddInput) {
				select {
				case <-release:
				case <-ctx.Done():
				}
			}}
		},
	})
	i := discordtest.Subcommand(discordtest.DefaultGuildID, manageGuild, "article", "add", discordtest.Opt("text", sampleText(t)), discordtest.Opt("slug", "putin-kim"))
	d, cb := h.deliver(t, i)
	if cb.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || cb.Data.Flags != discordgo.MessageFlagsEphemeral {
		t.Fatalf("deferred answer %d %s", d.Status, d.Body)
	}
	close(release)
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	edit, err := h.fake.WaitRequest(ctx, func(r discordtest.Request) bool { return r.Method == http.MethodPatch })
	if err != nil {
		t.Fatal(err)
	}
	if !edit.OK() || !strings.Contains(string(edit.Body), "Added `putin-kim`") || !edit.Authorized {
		t.Errorf("edit %s (through the shared session, with the bot token: %v)", edit, edit.Authorized)
	}
}

// Requests that are not Discord's, or not fresh, are refused before any
// routing.
func TestHTTPInteractionsRefuseBadRequests(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Unix(1_700_000_000, 0)
	routed := 0
	var mu sync.Mutex
	b := funcBriefs{brief: func(context.Context, string) (briefs.Lookup, error) {
		mu.Lock()
		routed++
		mu.Unlock()
		return briefs.Lookup{Brief: &testBrief}, nil
	}}
	srv, err := bot.NewInteractionsServer(bot.InteractionsConfig{
		PublicKey:    hex.EncodeToString(pub),
		Router:       bot.NewRouter(b, nil),
		APIURL:       "http://127.0.0.1:1/api/v9", // never called
		MaxBodyBytes: 64 << 10,
		DeferAfter:   time.Hour,
		Now:          func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	brief := discordtest.Slash("1", 0, "brief", discordtest.Opt("topic", "putin-kim"))
	brief.ID, brief.Token, brief.AppID = "77", "itok-secret", "5"
	body, _ := json.Marshal(brief)
	sign := func(key ed25519.PrivateKey, ts string, body []byte) string {
		return hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...)))
	}
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	type req struct {
		name   string
		method string
		body   io.Reader
		ts     string
		sig    string
		want   int
	}
	huge := bytes.Repeat([]byte("x"), 1<<20)
	cases := []req{
		{"no signature", "POST", bytes.NewReader(body), at(0), "", http.StatusUnauthorized},
		{"malformed signature", "POST", bytes.NewReader(body), at(0), "zz", http.StatusUnauthorized},
		{"signed by another key", "POST", bytes.NewReader(body), at(0), sign(otherKey, at(0), body), http.StatusUnauthorized},
		{"signature of another body", "POST", bytes.NewReader(append([]byte(" "), body...)), at(0), sign(priv, at(0), body), http.StatusUnauthorized},
		{"timestamp not signed", "POST", bytes.NewReader(body), at(-time.Second), sign(priv, at(0), body), http.StatusUnauthorized},
		{"stale timestamp", "POST", bytes.NewReader(body), at(-5*time.Minute - time.Second), sign(priv, at(-5*time.Minute-time.Second), body), http.StatusUnauthorized},
		{"future timestamp", "POST", bytes.NewReader(body), at(5*time.Minute + time.Second), sign(priv, at(5*time.Minute+time.Second), body), http.StatusUnauthorized},
		{"huge body with length", "POST", bytes.NewReader(huge), at(0), sign(priv, at(0), huge), http.StatusRequestEntityTooLarge},
		{"huge body without length", "POST", io.MultiReader(bytes.NewReader(huge)), at(0), sign(priv, at(0), huge), http.StatusRequestEntityTooLarge},
		{"not an interaction", "POST", strings.NewReader(`{"x":1}`), at(0), sign(priv, at(0), []byte(`{"x":1}`)), http.StatusBadRequest},
		{"GET", "GET", nil, at(0), "", http.StatusMethodNotAllowed},
		{"fresh enough", "POST", bytes.NewReader(body), at(-4*time.Minute - 59*time.Second), sign(priv, at(-4*time.Minute-59*time.Second), body), http.StatusOK},
		{"replayed", "POST", bytes.NewReader(body), at(0), sign(priv, at(0), body), http.StatusConflict},
	}
	for _, c := range cases {
		r := httptest.NewRequest(c.method, "/interactions", c.body)
		r.Header.Set("X-Signature-Timestamp", c.ts)
		if c.sig != "" {
			r.Header.Set("X-Signature-Ed25519", c.sig)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("%s: status %d %q, want %d", c.name, w.Code, w.Body.String(), c.want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if routed != 1 {
		t.Errorf("the router saw %d requests, want 1 (the genuine one)", routed)
	}
	if _, err := bot.NewInteractionsServer(bot.InteractionsConfig{PublicKey: "abc", Router: bot.NewRouter(b, nil)}); briefs.ErrorCode(err) != briefs.EINVALID || !strings.Contains(err.Error(), "DISCORD_PUBLIC_KEY") {
		t.Errorf("a short key: %v", err)
	}
}

// No token, the bot's or an interaction's, reaches the logs, at debug level,
// even when a REST error quotes a URL that holds an interaction token.
func TestHTTPInteractionsKeepTokensOutOfLogs(t *testing.T) {
	t.Parallel()
	// Nothing listens on the API URL's port: the edit fails with an error
	// that quotes its URL, token included.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String() + "/api/v9"
	l.Close()
	release := make(chan struct{})
	h := startHTTP(t, httpSetup{
		apiURL:     dead,
		deferAfter: 10 * time.Millisecond,
		wrap: func(b bot.Briefs) bot.Briefs {
			return hookedBriefs{Briefs: b, beforeBrief: func(ctx context.Context, _ string) {
				select {
				case <-release:
				case <-ctx.Done():
				}
			}}
		},
	})
	i := discordtest.Slash(discordtest.DefaultGuildID, 0, "brief", discordtest.Opt("topic", "nothing-here"))
	d, cb := h.deliver(t, i)
	if cb.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("answer %d %s", d.Status, d.Body)
	}
	close(release)
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	if err := h.logs.WaitFor(ctx, "interaction not answered"); err != nil {
		t.Fatal(err)
	}
	h.obs.waitServed(t, 1)
	logs := h.logs.String()
	if strings.Contains(logs, i.Token) {
		t.Errorf("the interaction token appears in the logs:\n%s", logs)
	}
	if !strings.Contains(logs, "[token]") {
		t.Errorf("the failure was not logged with its URL redacted:\n%s", logs)
	}
	if s := h.obs.servedList(); len(s) != 1 || s[0].outcome != bot.OutcomeUndelivered {
		t.Errorf("observed %+v", s)
	}
}

// Shutdown lets a deferred answer finish, and refuses new interactions.
func TestHTTPInteractionsShutdownFinishesDeferredAnswers(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	h := startHTTP(t, httpSetup{
		deferAfter: 10 * time.Millisecond,
		wrap: func(b bot.Briefs) bot.Briefs {
			return hookedBriefs{Briefs: b, beforeBrief: func(ctx context.Context, _ string) {
				select {
				case <-release:
				case <-ctx.Done():
				}
			}}
		},
	})
	i := discordtest.Slash(discordtest.DefaultGuildID, 0, "brief", discordtest.Opt("topic", "zebra"))
	if _, cb := h.deliver(t, i); cb.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("answer %+v", cb)
	}
	shut := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	go func() { shut <- h.srv.Shutdown(ctx) }()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) with an answer in flight", err)
	default:
	}
	close(release)
	if err := <-shut; err != nil {
		t.Fatal(err)
	}
	// The answer (a not-found, ephemeral, after a public placeholder) was
	// completed before Shutdown returned.
	var followup bool
	for _, r := range h.fake.Requests() {
		followup = followup || (r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/"+i.Token) && r.OK())
	}
	if !followup {
		t.Errorf("no follow-up before Shutdown returned: %v", h.fake.Requests())
	}
	d, _ := h.deliver(t, discordtest.Slash(discordtest.DefaultGuildID, 0, "brief", discordtest.Opt("topic", "zebra")))
	if d.Status != http.StatusServiceUnavailable {
		t.Errorf("after Shutdown: %d %s", d.Status, d.Body)
	}
}

// BenchmarkHTTPInteractionInline measures the endpoint's own cost for a
// /brief answered inline: signature check, decoding, routing, rendering and
// encoding (the signing by "Discord" is included; the store is a stub).
func BenchmarkHTTPInteractionInline(b *testing.B) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := bot.NewInteractionsServer(bot.InteractionsConfig{
		PublicKey: hex.EncodeToString(pub),
		Router: bot.NewRouter(funcBriefs{brief: func(context.Context, string) (briefs.Lookup, error) {
			return briefs.Lookup{Brief: &testBrief}, nil
		}}, nil),
		APIURL:     "http://127.0.0.1:1/api/v9", // never called
		DeferAfter: time.Hour,
	})
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		n++
		in := discordtest.Slash("1", 0, "brief", discordtest.Opt("topic", "putin-kim"))
		in.ID, in.Token, in.AppID = strconv.Itoa(n), "itok", "5"
		body, _ := json.Marshal(in)
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		r := httptest.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
		r.Header.Set("X-Signature-Timestamp", ts)
		r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...))))
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d %s", w.Code, w.Body)
		}
	}
}

// failingSeen is a SeenInteractions whose store does not answer.
type failingSeen struct{}

func (failingSeen) FirstSight(context.Context, string, time.Duration) (bool, error) {
	return false, briefs.Errorf(briefs.EUNAVAILABLE, "store unavailable")
}

// Replays are refused across instances and restarts when they share a
// store; an interaction without an id is refused; a store that does not
// answer leaves the decision to the process's own memory.
func TestHTTPInteractionsSharedReplayProtection(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	b := funcBriefs{brief: func(context.Context, string) (briefs.Lookup, error) {
		return briefs.Lookup{Brief: &testBrief}, nil
	}}
	db := storetest.Open(t)
	newServer := func(seen bot.SeenInteractions) *bot.InteractionsServer {
		srv, err := bot.NewInteractionsServer(bot.InteractionsConfig{
			PublicKey:  hex.EncodeToString(pub),
			Router:     bot.NewRouter(b, nil),
			APIURL:     "http://127.0.0.1:1/api/v9", // never called
			DeferAfter: time.Hour,
			Now:        func() time.Time { return now },
			Seen:       seen,
		})
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	post := func(srv *bot.InteractionsServer, id string) int {
		t.Helper()
		i := discordtest.Slash("1", 0, "brief", discordtest.Opt("topic", "putin-kim"))
		i.ID, i.Token, i.AppID = id, "itok", "5"
		body, _ := json.Marshal(i)
		ts := strconv.FormatInt(now.Unix(), 10)
		r := httptest.NewRequest("POST", "/interactions", bytes.NewReader(body))
		r.Header.Set("X-Signature-Timestamp", ts)
		r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...))))
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w.Code
	}
	one, two := newServer(db), newServer(db)
	if got := post(one, "501"); got != http.StatusOK {
		t.Fatalf("first delivery: %d", got)
	}
	if got := post(two, "501"); got != http.StatusConflict {
		t.Errorf("replay to another instance: %d, want 409", got)
	}
	if got := post(newServer(db), "501"); got != http.StatusConflict {
		t.Errorf("replay after a restart: %d, want 409", got)
	}
	if got := post(two, "502"); got != http.StatusOK {
		t.Errorf("another interaction: %d", got)
	}
	if got := post(one, ""); got != http.StatusBadRequest {
		t.Errorf("no id: %d, want 400", got)
	}
	down := newServer(failingSeen{})
	if got := post(down, "503"); got != http.StatusOK {
		t.Errorf("store down, first delivery: %d", got)
	}
	if got := post(down, "503"); got != http.StatusConflict {
		t.Errorf("store down, replay to the same process: %d, want 409", got)
	}
}
