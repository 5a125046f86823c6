package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"briefbot/briefs"
	"briefbot/internal/backoff"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Defaults of Gateway.
const (
	openTimeout       = 30 * time.Second
	maxReconnectDelay = time.Minute
	registerAttempts  = 3
)

// ShardCountAuto as Gateway.ShardCount (SHARD_COUNT=auto) takes the shard
// count that Discord recommends in GET /gateway/bot.
const ShardCountAuto = -1

// Gateway serves one Router over Discord's gateway: it connects with the bot
// token, registers the command table with one bulk overwrite once READY names
// the application, and answers every INTERACTION_CREATE in its own goroutine
// through Deferral. It is a thin adapter: the Router decides every answer.
//
// With ShardCount > 1 it serves one shard: Discord sends it the events of
// the guilds whose (guild_id >> 22) % ShardCount is ShardID. Any number of
// processes, one per shard, may share one store; only shard 0 registers the
// commands.
type Gateway struct {
	// Token is the bot token (DISCORD_TOKEN), with or without "Bot ". It is
	// never logged.
	Token string
	// APIURL is the REST base (DISCORD_API_URL); "" means DefaultAPIURL. The
	// gateway URL comes from its GET /gateway.
	APIURL string
	// GuildID registers the commands in this guild only (instant updates);
	// "" registers them globally.
	GuildID string
	Router  *Router
	// Logger receives the adapter's events; nil discards them.
	Logger *slog.Logger

	// DeferAfter is Deferral.After; 0 means DefaultDeferAfter.
	DeferAfter time.Duration
	// ShutdownTimeout bounds the wait for in-flight interactions when ctx is
	// done; 0 means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// HTTPTimeout bounds one REST request; 0 means DefaultHTTPTimeout.
	HTTPTimeout time.Duration

	// ShardID is the shard this Gateway serves (SHARD_ID), from 0.
	ShardID int
	// ShardCount is the number of shards (SHARD_COUNT); 0 and 1 mean no
	// sharding, ShardCountAuto asks Discord (GET /gateway/bot).
	ShardCount int

	// Observer receives the interactions served and the reconnections;
	// nil: none.
	Observer Observer

	connected atomic.Bool
}

// Connected reports whether the gateway connection is up: identified or
// resumed, and not lost since. For /healthz.
func (g *Gateway) Connected() bool { return g.connected.Load() }

func (g *Gateway) log() *slog.Logger {
	if g.Logger != nil {
		return g.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Run connects and serves until ctx is done, then closes the gateway and
// waits (at most ShutdownTimeout) for the interactions in flight; it returns
// nil after such a shutdown. A refused token (401, or gateway close 4004),
// other fatal gateway close codes (4010-4014) and a refused command
// registration end Run with an EINVALID error saying what to fix; an
// unreachable API at start-up is EUNAVAILABLE. A lost connection is resumed,
// with backoff, without ending Run.
func (g *Gateway) Run(ctx context.Context) error {
	token := botToken(g.Token)
	if err := g.check(token); err != nil {
		return err
	}
	defer g.connected.Store(false)
	r, err := g.newRun(ctx, token)
	if err != nil {
		return err
	}
	defer r.inflight.cancel()
	// Once ctx is done, a failure is the stop itself: Run ends quietly.
	unlessStopped := func(err error) error {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	if _, err := r.s.User("@me", discordgo.WithContext(ctx)); err != nil {
		return unlessStopped(apiError("check the bot token", err))
	}
	if err := r.shards(ctx); err != nil {
		return unlessStopped(err)
	}
	r.log.Info("connecting to the Discord gateway", "api", redactURL(g.APIURL), "shard", r.s.ShardID, "shards", r.s.ShardCount)
	err = r.connect(ctx)
	if err == nil {
		err = r.follow(ctx)
	}
	r.shutdown()
	return unlessStopped(err)
}

// check refuses a configuration that Run cannot serve.
func (g *Gateway) check(token string) error {
	if token == "" {
		return briefs.Errorf(briefs.EINVALID, "%s is required to connect to Discord", briefs.SettingDiscordToken)
	}
	if g.Router == nil {
		return errors.New("bot: Gateway.Router is nil")
	}
	if g.ShardID < 0 || g.ShardCount < ShardCountAuto || (g.ShardCount != ShardCountAuto && g.ShardID >= max(g.ShardCount, 1)) {
		return briefs.Errorf(briefs.EINVALID, "%s %d must be at least 0 and below %s %d", briefs.SettingShardID, g.ShardID, briefs.SettingShardCount, max(g.ShardCount, 1))
	}
	return nil
}

// newRun builds the session of one Run, with the run's event handlers.
func (g *Gateway) newRun(ctx context.Context, token string) (*gatewayRun, error) {
	s, err := newRESTSession("Bot "+token, g.APIURL, g.HTTPTimeout)
	if err != nil {
		return nil, err
	}
	conns := &connTracker{conns: map[net.Conn]struct{}{}}
	s.Dialer = conns.dialer()
	// Interactions arrive without any intent.
	s.Identify.Intents = discordgo.IntentsNone
	// Run resumes lost connections itself, so that a fatal close code ends
	// it instead of looping inside discordgo.
	s.ShouldReconnectOnError = false
	s.ShouldReconnectVoiceOnSessionError = false
	// Handlers run on the gateway's reader in order; each interaction then
	// gets its own goroutine, counted for shutdown.
	s.SyncEvents = true

	r := &gatewayRun{
		g:     g,
		s:     s,
		log:   g.log(),
		conns: conns,
		// In-flight answers outlive Run's ctx, so that they complete.
		inflight:     newInFlight(context.WithoutCancel(ctx), g.log()),
		ready:        make(chan *discordgo.Ready, 4),
		disconnected: make(chan struct{}, 1),
		deferral:     &Deferral{Router: g.Router, After: g.DeferAfter, Logger: g.log(), Observer: g.Observer},
	}
	s.AddHandler(r.onReady)
	s.AddHandler(r.onResumed)
	s.AddHandler(r.onConnect)
	s.AddHandler(r.onDisconnect)
	s.AddHandler(r.onInteraction)
	return r, nil
}

// follow handles the connection's events until ctx is done: it registers
// the commands on the first READY and resumes a lost connection. It
// returns nil when ctx is done, else the error that ends Run.
func (r *gatewayRun) follow(ctx context.Context) error {
	registered := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case ready := <-r.ready:
			if registered {
				continue
			}
			if r.s.ShardID != 0 {
				// One bulk overwrite per deployment, not one per shard.
				r.log.Info("commands are registered by shard 0", "shard", r.s.ShardID)
			} else if err := r.register(ctx, ready); err != nil {
				return err
			}
			registered = true
		case <-r.disconnected:
			if ctx.Err() != nil {
				continue
			}
			r.log.Warn("gateway connection lost; resuming", "shard", r.s.ShardID)
			if err := r.connect(ctx); err != nil {
				return err
			}
			if r.g.Observer != nil {
				r.g.Observer.GatewayReconnected()
			}
		}
	}
}

// shards sets the session's shard, asking Discord for the count when it is
// ShardCountAuto.
func (r *gatewayRun) shards(ctx context.Context) error {
	id, count := r.g.ShardID, r.g.ShardCount
	if count == ShardCountAuto {
		gb, err := r.s.GatewayBot(discordgo.WithContext(ctx))
		if err != nil {
			return apiError("get the recommended shard count (GET /gateway/bot)", err)
		}
		count = max(gb.Shards, 1)
		r.log.Info("Discord recommends shards", "shards", count)
		if id >= count {
			return briefs.Errorf(briefs.EINVALID, "%s %d is not below the %d shard(s) Discord recommends (%s=auto)", briefs.SettingShardID, id, count, briefs.SettingShardCount)
		}
	}
	r.s.ShardID, r.s.ShardCount = id, max(count, 1)
	return nil
}

// gatewayRun is the state of one Run.
type gatewayRun struct {
	g            *Gateway
	s            *discordgo.Session
	log          *slog.Logger
	conns        *connTracker
	inflight     *inFlight
	ready        chan *discordgo.Ready
	disconnected chan struct{}
	deferral     *Deferral
}

func (r *gatewayRun) onReady(_ *discordgo.Session, ev *discordgo.Ready) {
	r.log.Info("gateway ready", "guilds", len(ev.Guilds))
	select {
	case r.ready <- ev:
	default:
	}
}

func (r *gatewayRun) onResumed(*discordgo.Session, *discordgo.Resumed) {
	r.log.Info("gateway session resumed")
}

func (r *gatewayRun) onConnect(*discordgo.Session, *discordgo.Connect) {
	r.g.connected.Store(true)
}

func (r *gatewayRun) onDisconnect(*discordgo.Session, *discordgo.Disconnect) {
	r.g.connected.Store(false)
	select {
	case r.disconnected <- struct{}{}:
	default:
	}
}

func (r *gatewayRun) onInteraction(s *discordgo.Session, ev *discordgo.InteractionCreate) {
	if ev.Interaction == nil {
		return
	}
	if !r.inflight.admit() {
		r.log.Warn("interaction arrived during shutdown; not answered", "interaction", ev.ID)
		return
	}
	go r.inflight.answer(r.deferral, ev.Interaction, sessionResponder{s: s, i: ev.Interaction})
}

// connect opens the gateway (IDENTIFY the first time, RESUME afterwards),
// retrying with backoff until ctx is done; fatal close codes end it.
func (r *gatewayRun) connect(ctx context.Context) error {
	tries := backoff.Exponential(0, time.Second, maxReconnectDelay).Start()
	for {
		err := r.open(ctx)
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			return nil
		}
		if fatal := gatewayFatal(err); fatal != nil {
			return fatal
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r.log.Warn("cannot connect to the Discord gateway; retrying", "attempt", tries.Attempt(), "retry_in", tries.Delay(), "err", err)
		if !tries.Wait(ctx) {
			return ctx.Err()
		}
	}
}

// open runs Session.Open, which has no context: when ctx is done or the
// handshake hangs, the sockets it dialled are closed under it.
func (r *gatewayRun) open(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- r.s.Open() }()
	t := time.NewTimer(openTimeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	case <-t.C:
	}
	r.conns.closeAll()
	err := <-done
	if err == nil {
		// Opened just before being cut: close it properly.
		r.s.Close()
		err = errors.New("gateway connection abandoned")
	}
	return err
}

// gatewayFatal turns the close codes that no retry can fix into errors.
func gatewayFatal(err error) error {
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		return nil
	}
	switch ce.Code {
	case 4004:
		return briefs.Errorf(briefs.EINVALID, "Discord refused the bot token (gateway close 4004, authentication failed): check %s", briefs.SettingDiscordToken)
	case 4010, 4011, 4012, 4013, 4014:
		return briefs.Errorf(briefs.EINVALID, "Discord closed the gateway for good (close %d: %s)", ce.Code, ce.Text)
	}
	return nil
}

// register overwrites the command set, in the guild or globally, with one
// request; a server error is retried, a refusal is fatal.
func (r *gatewayRun) register(ctx context.Context, ready *discordgo.Ready) error {
	appID := ""
	if ready.Application != nil {
		appID = ready.Application.ID
	}
	if appID == "" && ready.User != nil {
		r.log.Warn("READY names no application; using the bot's user id")
		appID = ready.User.ID
	}
	if appID == "" {
		return briefs.Errorf(briefs.EINVALID, "Discord's READY named no application: cannot register the commands")
	}
	scope := "global"
	if r.g.GuildID != "" {
		scope = "guild " + r.g.GuildID
	}
	cmds := r.g.Router.ApplicationCommands()
	var err error
	for tries := backoff.Linear(registerAttempts, time.Second).Start(); ; {
		_, err = r.s.ApplicationCommandBulkOverwrite(appID, r.g.GuildID, cmds, discordgo.WithContext(ctx))
		if err == nil {
			r.log.Info("commands registered", "count", len(cmds), "scope", scope)
			return nil
		}
		// Only Discord's own failures (5xx) are worth another try.
		if code, _ := restStatus(err); ctx.Err() != nil || code < 500 || !tries.Wait(ctx) {
			break
		}
	}
	hint := ""
	if r.g.GuildID != "" {
		hint = fmt.Sprintf(" (is the bot in guild %s, invited with the applications.commands scope?)", r.g.GuildID)
	}
	return apiError("register the slash commands ("+scope+")"+hint, err)
}

// shutdown stops taking interactions, closes the gateway and waits (at
// most ShutdownTimeout) for the interactions in flight, cancelling them
// when the wait runs out.
func (r *gatewayRun) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), orDefault(r.g.ShutdownTimeout, DefaultShutdownTimeout))
	defer cancel()
	r.inflight.refuseNew()
	r.s.Close()
	if r.inflight.drain(ctx) == nil {
		r.log.Info("gateway closed")
	}
}

// apiError describes a failed REST call at start-up for the operator.
func apiError(doing string, err error) error {
	var rerr *discordgo.RESTError
	if errors.As(err, &rerr) && rerr.Response != nil {
		msg := ""
		if rerr.Message != nil && rerr.Message.Message != "" {
			msg = ": " + rerr.Message.Message
		}
		switch code := rerr.Response.StatusCode; {
		case code == http.StatusUnauthorized:
			return briefs.Errorf(briefs.EINVALID, "Discord refused the bot token (HTTP 401 Unauthorized): check %s", briefs.SettingDiscordToken)
		case code >= 400 && code < 500:
			return briefs.Errorf(briefs.EINVALID, "Discord refused to %s: HTTP %d%s", doing, code, msg)
		default:
			return briefs.Errorf(briefs.EUNAVAILABLE, "Discord could not %s: HTTP %d%s", doing, code, msg)
		}
	}
	if _, ok := RetryAfter(err); ok {
		return briefs.Errorf(briefs.EUNAVAILABLE, "Discord rate-limited the attempt to %s: %v", doing, err)
	}
	return briefs.Errorf(briefs.EUNAVAILABLE, "cannot reach the Discord API to %s: %v", doing, err)
}

// redactURL drops credentials from a URL for the logs.
func redactURL(raw string) string {
	if raw == "" {
		return DefaultAPIURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}
