// Package discordtest is a fake Discord for tests: REST under /api/v9 and the
// gateway websocket, both on 127.0.0.1, speaking what discordgo v0.29 expects.
//
// It records every REST request (method, path, headers without the token,
// the exact body bytes) so that tests assert what a bot really sent, and it
// can be told to misbehave: answer 429 or 500 to the next requests matching a
// route, store a channel message and then lose the answer (hang until the
// client gives up, or answer 502), enforce Discord's global limit of 50 requests a second, ask the
// client to reconnect (op 7), invalidate its session (op 9) or drop the
// connection. Channel message creates honour nonce with enforce_nonce as
// Discord documents it: a nonce used in the channel within the last few
// minutes returns the first message and creates nothing.
//
// A test drives it like this:
//
//	fake := discordtest.New(t)
//	// start the bot with Token fake.Token() and API URL fake.APIURL()
//	fake.WaitReady(ctx)
//	i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, ...}
//	fake.Dispatch(i) // fills in i.ID, i.Token and i.AppID
//	req, err := fake.WaitCallback(ctx, i.ID)
//	// req.Body is the exact body the bot sent
//
// Every wait is signal-based (a broadcast channel closed on each change) and
// bounded by the context it is given.
package discordtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// APIPrefix is the path under which the fake serves REST, as discordgo builds
// it (API version 9).
const APIPrefix = "/api/v9"

// Defaults of the options.
const (
	DefaultToken             = "fake-bot-token"
	DefaultApplicationID     = "1100000000000000001"
	DefaultGuildID           = "1100000000000000002"
	DefaultHeartbeatInterval = 500 * time.Millisecond
	// DefaultCallbackDeadline is Discord's: the initial response to an
	// interaction must arrive within 3 s of its creation.
	DefaultCallbackDeadline = 3 * time.Second
	// DefaultReplayBuffer is how many dispatches a session keeps for RESUME.
	DefaultReplayBuffer = 4096
)

// Option configures a Server.
type Option func(*config)

type config struct {
	addr             string
	token            string
	appID            string
	guilds           []string
	heartbeat        time.Duration
	callbackDeadline time.Duration
	globalLimit      int
	replay           int
	shards           int
}

// WithToken sets the bot token the fake accepts (with or without "Bot ").
func WithToken(token string) Option {
	return func(c *config) { c.token = strings.TrimPrefix(token, "Bot ") }
}

// WithApplicationID sets the application id sent in READY.
func WithApplicationID(id string) Option { return func(c *config) { c.appID = id } }

// WithAddr makes the fake listen on addr (default 127.0.0.1:0, a free port).
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithGuilds sets the guilds listed in READY (default: DefaultGuildID).
func WithGuilds(ids ...string) Option { return func(c *config) { c.guilds = ids } }

// WithHeartbeatInterval sets the interval announced in HELLO.
func WithHeartbeatInterval(d time.Duration) Option { return func(c *config) { c.heartbeat = d } }

// WithCallbackDeadline sets how long after its dispatch an interaction still
// accepts its initial response; 0 disables the check.
func WithCallbackDeadline(d time.Duration) Option {
	return func(c *config) { c.callbackDeadline = d }
}

// WithGlobalRateLimit enforces a global limit of n requests per second on the
// bot's REST calls (Discord's is 50); interaction callbacks and interaction
// webhooks are exempt, as on Discord. 0 disables it.
func WithGlobalRateLimit(n int) Option { return func(c *config) { c.globalLimit = n } }

// WithReplayBuffer sets how many past dispatches a session keeps for RESUME.
func WithReplayBuffer(n int) Option { return func(c *config) { c.replay = n } }

// WithRecommendedShards sets the shard count that GET /gateway/bot
// recommends (default 1).
func WithRecommendedShards(n int) Option { return func(c *config) { c.shards = n } }

// Request is one REST request the fake received.
type Request struct {
	// Seq numbers the requests in order of arrival, from 1.
	Seq    int
	Method string
	// Path is the URL path as sent, e.g. /api/v9/interactions/1/tok/callback.
	Path  string
	Query string
	// Header is the request's header with Authorization replaced by
	// "[redacted]".
	Header http.Header
	// Authorized reports whether the request carried the bot token.
	Authorized bool
	// Body is the exact body sent.
	Body []byte
	// Status is what the fake answered.
	Status int
	// At is when the request arrived.
	At time.Time
}

// Route returns the path without the /api/v9 prefix.
func (r Request) Route() string { return strings.TrimPrefix(r.Path, APIPrefix) }

// Decode unmarshals the body into v.
func (r Request) Decode(v any) error { return json.Unmarshal(r.Body, v) }

// OK reports whether the fake answered with a 2xx status.
func (r Request) OK() bool { return r.Status >= 200 && r.Status < 300 }

func (r Request) String() string {
	return fmt.Sprintf("#%d %s %s -> %d %s", r.Seq, r.Method, r.Path, r.Status, r.Body)
}

// Stats counts gateway activity.
type Stats struct {
	Connections int // websocket connections accepted
	Identifies  int // IDENTIFY payloads received
	Resumes     int // successful RESUMEs
	Heartbeats  int // HEARTBEATs received
	Readies     int // READY events sent
	Dispatches  int // dispatches sent over a socket (replays included)
}

// Server is a fake Discord. Its methods are safe for concurrent use.
type Server struct {
	tb  TB
	cfg config
	srv *httptest.Server

	// mu guards REST state and the broadcast channel.
	mu           sync.Mutex
	changed      chan struct{}
	requests     []Request
	reqSeq       int
	callbacks    map[string]int // interaction id -> index of first accepted callback
	failures     []*failure
	losses       []*failure                   // stored, then the answer is lost
	channelMsgs  map[string][]*channelMessage // by channel id, oldest first
	quit         chan struct{}                // closed by Close: lost answers stop hanging
	window       time.Time                    // start of the current global rate-limit second
	windowCount  int
	commands     map[string][]*discordgo.ApplicationCommand // by guild id; "" global
	interactions map[string]*interactionState               // by id
	tokens       map[string]*interactionState               // by token
	nextID       int64

	// gwMu guards the gateway; it may be held while taking mu, never the
	// reverse.
	gwMu  sync.Mutex
	conns map[*gwConn]struct{}
	// shards holds each shard's live connection (the one that receives
	// its dispatches) and session. A client that sends no shard array is
	// shard 0 of 1.
	shards     map[int]*shardState
	shardCount int // the shard count of the last IDENTIFY, 1 without a shard array
	stats      Stats
	identifies []discordgo.Identify // every IDENTIFY, tokens removed
	failIdent  int                  // close code for the next IDENTIFY, 0 for none
	noACK      bool
	closed     bool
	wg         sync.WaitGroup
	gatewayURL string

	// signKey signs the interactions delivered over HTTP (Deliver).
	signKey ed25519.PrivateKey
}

// shardState is one shard's gateway state.
type shardState struct {
	live    *gwConn
	session *session
}

type interactionState struct {
	id, token  string
	typ        discordgo.InteractionType
	channelID  string
	created    time.Time
	responded  bool
	respType   discordgo.InteractionResponseType
	originalID string
}

type failure struct {
	method, prefix string
	status         int
	left           int
	retryAfter     time.Duration
	lose           LostAnswer
}

// channelMessage is a message the fake created in a channel.
type channelMessage struct {
	msg   map[string]any
	nonce string
	at    time.Time
}

// Message is a message the fake created in a channel.
type Message struct {
	ID    string
	Nonce string
	// Body is the exact body of the request that created it.
	Body []byte
	At   time.Time
}

// LostAnswer is how the answer to a stored message gets lost.
type LostAnswer int

const (
	// LoseByHanging stores the message, then never answers: the client
	// times out (the fake gives up when the client goes or the fake closes).
	LoseByHanging LostAnswer = iota + 1
	// LoseBy502 stores the message, then answers 502 Bad Gateway, as a
	// proxy in front of Discord does when the answer does not reach it.
	LoseBy502
)

// TB is what the fake needs of its user: where to report misuse and when
// to close. *testing.T and *testing.B provide it; cmd/fakediscord provides
// its own so the fake can also run by hand.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// New starts a fake Discord on 127.0.0.1 (WithAddr picks the address); it is
// closed when tb's test ends.
func New(tb TB, opts ...Option) *Server {
	tb.Helper()
	cfg := config{
		token:            DefaultToken,
		appID:            DefaultApplicationID,
		guilds:           []string{DefaultGuildID},
		heartbeat:        DefaultHeartbeatInterval,
		callbackDeadline: DefaultCallbackDeadline,
		replay:           DefaultReplayBuffer,
		shards:           1,
		addr:             "127.0.0.1:0",
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		tb:           tb,
		cfg:          cfg,
		changed:      make(chan struct{}),
		callbacks:    map[string]int{},
		channelMsgs:  map[string][]*channelMessage{},
		quit:         make(chan struct{}),
		commands:     map[string][]*discordgo.ApplicationCommand{},
		interactions: map[string]*interactionState{},
		tokens:       map[string]*interactionState{},
		nextID:       1200000000000000000,
		conns:        map[*gwConn]struct{}{},
		shards:       map[int]*shardState{},
		shardCount:   1,
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatalf("discordtest: signing key: %v", err)
	}
	s.signKey = key
	l, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		tb.Fatalf("discordtest: listen: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc(APIPrefix+"/", s.serveREST)
	mux.HandleFunc("/gateway", s.serveGateway)
	mux.HandleFunc("/gateway/", s.serveGateway)
	s.srv = httptest.NewUnstartedServer(mux)
	s.srv.Listener = l
	s.srv.Start()
	s.gatewayURL = "ws://" + l.Addr().String() + "/gateway"
	tb.Cleanup(s.Close)
	return s
}

// Close shuts the fake down: it closes every gateway connection and the
// HTTP server, and waits for its goroutines. Tests need not call it.
func (s *Server) Close() {
	s.gwMu.Lock()
	if s.closed {
		s.gwMu.Unlock()
		return
	}
	s.closed = true
	close(s.quit)
	for c := range s.conns {
		c.ws.Close()
	}
	for _, sh := range s.shards {
		sh.live = nil
	}
	s.gwMu.Unlock()
	s.srv.Close()
	s.wg.Wait()
}

// URL is the fake's base URL, http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.srv.URL }

// APIURL is the REST base, http://127.0.0.1:PORT/api/v9 (DISCORD_API_URL).
func (s *Server) APIURL() string { return s.srv.URL + APIPrefix }

// GatewayURL is the websocket URL that GET /gateway returns.
func (s *Server) GatewayURL() string { return s.gatewayURL }

// Token is the bot token the fake accepts, without "Bot ".
func (s *Server) Token() string { return s.cfg.token }

// ApplicationID is the application id sent in READY.
func (s *Server) ApplicationID() string { return s.cfg.appID }

// GuildID is the first guild listed in READY.
func (s *Server) GuildID() string {
	if len(s.cfg.guilds) == 0 {
		return ""
	}
	return s.cfg.guilds[0]
}

// BotUser is the bot's user, as /users/@me and READY describe it.
func (s *Server) BotUser() *discordgo.User {
	return &discordgo.User{ID: s.cfg.appID, Username: "briefbot", Discriminator: "0", Bot: true}
}

// HTTPClient returns a client that sends requests for discord.com to the
// fake, for tests that drive a discordgo Session directly.
func (s *Server) HTTPClient() *http.Client {
	u, _ := url.Parse(s.srv.URL)
	return &http.Client{Timeout: 10 * time.Second, Transport: redirect{host: u.Host}}
}

type redirect struct{ host string }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != "discord.com" {
		return nil, fmt.Errorf("discordtest: refusing request to %s", req.URL.Host)
	}
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = "http", r.host, ""
	return http.DefaultTransport.RoundTrip(req)
}

// notify wakes every waiter; the caller holds s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) notify() {
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
}

// WaitFor waits until cond holds, re-checking it after every recorded
// request and gateway event, or until ctx is done.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Requests returns a copy of every request recorded so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the recorded requests (for long benchmarks).
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.callbacks = map[string]int{}
}

// WaitRequest returns the first recorded request (earlier ones included) for
// which match is true, waiting for it until ctx is done.
func (s *Server) WaitRequest(ctx context.Context, match func(Request) bool) (Request, error) {
	from := 0
	for {
		s.mu.Lock()
		for ; from < len(s.requests); from++ {
			if r := s.requests[from]; match(r) {
				s.mu.Unlock()
				return r, nil
			}
		}
		ch, n := s.changed, len(s.requests)
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Request{}, fmt.Errorf("discordtest: no matching request among %d recorded: %w", n, ctx.Err())
		}
	}
}

// WaitCallback returns the accepted initial response (POST
// /interactions/{id}/{token}/callback answered 204) to the interaction.
func (s *Server) WaitCallback(ctx context.Context, interactionID string) (Request, error) {
	for {
		s.mu.Lock()
		if i, ok := s.callbacks[interactionID]; ok {
			r := s.requests[i]
			s.mu.Unlock()
			return r, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Request{}, fmt.Errorf("discordtest: no callback for interaction %s: %w", interactionID, ctx.Err())
		}
	}
}

// FailNext makes the next n requests whose method is method ("" for any) and
// whose path starts with pathPrefix (with or without /api/v9) answer status.
// A 429 carries retryAfter in the JSON body (retry_after, seconds) and in the
// headers discordgo reads (X-RateLimit-Reset-After, Retry-After).
func (s *Server) FailNext(method, pathPrefix string, status, n int, retryAfter time.Duration) {
	if !strings.HasPrefix(pathPrefix, APIPrefix) {
		pathPrefix = APIPrefix + pathPrefix
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{method: method, prefix: pathPrefix, status: status, left: n, retryAfter: retryAfter})
}

// LoseNextAnswers makes the next n message creates (POST) whose path starts
// with pathPrefix (with or without /api/v9) store their message as usual
// and then lose the answer as how says: the client does not learn that the
// message exists. A later create with the same nonce and enforce_nonce
// returns it.
func (s *Server) LoseNextAnswers(pathPrefix string, n int, how LostAnswer) {
	if !strings.HasPrefix(pathPrefix, APIPrefix) {
		pathPrefix = APIPrefix + pathPrefix
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.losses = append(s.losses, &failure{method: "POST", prefix: pathPrefix, left: n, lose: how})
}

// Messages returns the messages created in a channel, oldest first: what
// people see there, however many requests it took.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.channelMsgs[channelID] {
		body, _ := m.msg["_body"].([]byte)
		out = append(out, Message{ID: m.msg["id"].(string), Nonce: m.nonce, Body: body, At: m.at})
	}
	return out
}

// SetGlobalRateLimit changes the global limit (requests per second; 0 off).
func (s *Server) SetGlobalRateLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.globalLimit = n
	s.window, s.windowCount = time.Time{}, 0
}

// Commands returns the commands registered by the last bulk overwrite, for
// a guild or, with "", the global ones.
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*discordgo.ApplicationCommand(nil), s.commands[guildID]...)
}

// Stats returns the gateway counters.
func (s *Server) Stats() Stats {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	return s.stats
}

// Identifies is the number of IDENTIFY payloads received.
func (s *Server) Identifies() int { return s.Stats().Identifies }

// Resumes is the number of successful RESUMEs.
func (s *Server) Resumes() int { return s.Stats().Resumes }

// LastIdentify returns the last IDENTIFY payload with its token removed.
func (s *Server) LastIdentify() (discordgo.Identify, bool) {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	if len(s.identifies) == 0 {
		return discordgo.Identify{}, false
	}
	return s.identifies[len(s.identifies)-1], true
}

// IdentifyLog returns every IDENTIFY payload received, in order, with their
// tokens removed (Shard says which shard each one asked for).
func (s *Server) IdentifyLog() []discordgo.Identify {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	return append([]discordgo.Identify(nil), s.identifies...)
}

// SessionID is the id of shard 0's gateway session, "" before READY.
func (s *Server) SessionID() string {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	if sh := s.shards[0]; sh != nil && sh.session != nil {
		return sh.session.id
	}
	return ""
}

// Ready reports whether a client is connected and identified or resumed: on
// every shard that has a session, when it is sharded.
func (s *Server) Ready() bool {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	ready := false
	for _, sh := range s.shards {
		if sh.session == nil {
			continue
		}
		if sh.live == nil {
			return false
		}
		ready = true
	}
	return ready
}

// ShardReady reports whether shard id has a live, identified connection.
func (s *Server) ShardReady(id int) bool {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	sh := s.shards[id]
	return sh != nil && sh.live != nil
}

// WaitReady waits until a client has identified (or resumed) on a live
// connection.
func (s *Server) WaitReady(ctx context.Context) error {
	if err := s.WaitFor(ctx, s.Ready); err != nil {
		return fmt.Errorf("discordtest: gateway not ready: %w", err)
	}
	return nil
}

// WaitStats waits until cond holds for the gateway counters.
func (s *Server) WaitStats(ctx context.Context, cond func(Stats) bool) error {
	return s.WaitFor(ctx, func() bool { return cond(s.Stats()) })
}

// newID returns a fresh snowflake-like id.
func (s *Server) newID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
