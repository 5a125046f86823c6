package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// Limits of the HTTP interactions endpoint.
const (
	// DefaultMaxInteractionBytes bounds the body of one interaction;
	// Discord's are a few KiB (a pasted modal text at most 4000 characters).
	DefaultMaxInteractionBytes = 1 << 20
	// MaxTimestampSkew is how far X-Signature-Timestamp may be from now, in
	// either direction, before a request is refused as a replay.
	MaxTimestampSkew = 5 * time.Minute
	// seenCap bounds the interaction ids remembered against replays.
	seenCap = 1 << 16
)

// InteractionsConfig configures an InteractionsServer.
type InteractionsConfig struct {
	// PublicKey is the application's Ed25519 public key, in hex
	// (DISCORD_PUBLIC_KEY, from the developer portal).
	PublicKey string
	Router    *Router
	// APIURL is the REST base (DISCORD_API_URL) of the edits and follow-ups
	// that finish deferred answers; "" means DefaultAPIURL.
	APIURL string
	// Token is the bot token. Optional: interaction webhooks need none. It
	// is never logged.
	Token string
	// REST, when set, is the session the edits and follow-ups go through
	// (such as NewRESTSession's, shared with the digests so that one rate
	// limiter sees all of the process's requests); APIURL, Token and
	// HTTPTimeout are then unused.
	REST *discordgo.Session
	// Logger receives the endpoint's events; nil discards them. Neither
	// tokens nor bodies are logged.
	Logger *slog.Logger
	// Observer receives one report per interaction; nil: none.
	Observer Observer

	// DeferAfter is Deferral.After; 0 means DefaultDeferAfter.
	DeferAfter time.Duration
	// MaxBodyBytes bounds a request body (413 beyond); 0 means
	// DefaultMaxInteractionBytes.
	MaxBodyBytes int64
	// HTTPTimeout bounds one REST request; 0 means DefaultHTTPTimeout.
	HTTPTimeout time.Duration
	// ShutdownTimeout bounds the wait for the interactions in flight when
	// Serve's context is done; 0 means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// Now is the clock of the timestamp check; nil means time.Now.
	Now func() time.Time
	// Seen, when set, shares the interaction ids received against replays
	// with every process that uses the same store (and outlives a
	// restart); the server also remembers them itself. When it fails, the
	// server's own memory decides and a warning is logged.
	Seen SeenInteractions
}

// SeenInteractions remembers interaction ids across processes, as
// store.DB.FirstSight does with SET NX PX.
type SeenInteractions interface {
	// FirstSight records id for window and reports whether it was new.
	FirstSight(ctx context.Context, id string, window time.Duration) (bool, error)
}

// InteractionsServer is Discord's HTTP interactions endpoint: an
// http.Handler that checks each request's Ed25519 signature and timestamp,
// answers PING, and serves every other interaction through the same Router
// and Deferral as the gateway. A fast answer goes back in the HTTP response;
// a slow handler gets a deferred response (type 5, or 6 for a button) in the
// HTTP response and its answer is then edited into @original over REST.
//
// Answers: 405 for a method other than POST, 413 for a body over
// MaxBodyBytes, 401 for a missing or bad signature or a timestamp more than
// MaxTimestampSkew away, 400 for a body that is not an interaction or has no
// id, 409 for an interaction id seen before (a replay, by this process or,
// with cfg.Seen, by any process sharing the store), 503 while shutting down,
// else 200 with the interaction response.
type InteractionsServer struct {
	cfg      InteractionsConfig
	key      ed25519.PublicKey
	log      *slog.Logger
	rest     *discordgo.Session
	deferral *Deferral
	inflight *inFlight

	mu       sync.Mutex
	seen     map[string]time.Time
	seenFIFO []seenID
}

// NewInteractionsServer checks the configuration and builds the endpoint.
// Errors: EINVALID (a public key that is not 32 bytes of hex, a bad API
// URL, no router).
func NewInteractionsServer(cfg InteractionsConfig) (*InteractionsServer, error) {
	key, err := hex.DecodeString(strings.TrimSpace(cfg.PublicKey))
	if err != nil || len(key) != ed25519.PublicKeySize {
		return nil, briefs.Errorf(briefs.EINVALID, "%s must be the application's public key: %d hex digits, as the developer portal shows it", briefs.SettingDiscordPublicKey, 2*ed25519.PublicKeySize)
	}
	if cfg.Router == nil {
		return nil, errors.New("bot: InteractionsConfig.Router is nil")
	}
	rest := cfg.REST
	if rest == nil {
		auth := ""
		if token := botToken(cfg.Token); token != "" {
			auth = "Bot " + token
		}
		if rest, err = newRESTSession(auth, cfg.APIURL, cfg.HTTPTimeout); err != nil {
			return nil, err
		}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &InteractionsServer{
		cfg:      cfg,
		key:      ed25519.PublicKey(key),
		log:      log,
		rest:     rest,
		deferral: &Deferral{Router: cfg.Router, After: cfg.DeferAfter, Logger: log, Observer: cfg.Observer},
		inflight: newInFlight(context.Background(), log),
		seen:     map[string]time.Time{},
	}, nil
}

func (s *InteractionsServer) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// ServeHTTP answers one interaction request.
func (s *InteractionsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i, signedAt, ok := s.readInteraction(w, r)
	if !ok {
		return
	}
	if !s.firstSight(i.ID) || !s.firstSightShared(r.Context(), i.ID, signedAt) {
		s.log.Warn("interaction delivered twice; the repeat is refused", "interaction", i.ID)
		http.Error(w, "interaction already received", http.StatusConflict)
		return
	}
	if !s.inflight.admit() {
		w.Header().Set("Retry-After", "5")
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}

	out := &httpResponder{
		sessionResponder: sessionResponder{s: s.rest, i: i},
		initial:          make(chan initialAnswer),
		gone:             make(chan struct{}),
	}
	served := make(chan struct{})
	go s.serve(i, out, served)
	defer close(out.gone)

	wait := time.NewTimer(s.deferral.deadline() + time.Second)
	defer wait.Stop()
	select {
	case a := <-out.initial:
		a.ack <- writeJSON(w, a.body)
	case <-served:
		http.Error(w, "the interaction was not answered", http.StatusServiceUnavailable)
	case <-wait.C:
		s.log.Warn("no initial response within Discord's deadline", "interaction", i.ID)
		http.Error(w, "no answer in time", http.StatusServiceUnavailable)
	case <-r.Context().Done():
	}
}

// readInteraction reads a genuine interaction from the request, with the
// time it was signed, or answers the request itself (an error status, or
// PING's pong) and reports false.
func (s *InteractionsServer) readInteraction(w http.ResponseWriter, r *http.Request) (*discordgo.Interaction, time.Time, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, time.Time{}, false
	}
	limit := s.cfg.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxInteractionBytes
	}
	if r.ContentLength > limit {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, time.Time{}, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return nil, time.Time{}, false
		}
		http.Error(w, "cannot read the request body", http.StatusBadRequest)
		return nil, time.Time{}, false
	}
	signedAt, reason := s.verify(r.Header, body)
	if reason != "" {
		// Discord itself probes the endpoint with bad signatures, and so
		// does anyone on the internet: not worth more than debug.
		s.log.Debug("interaction request refused", "reason", reason, "remote", r.RemoteAddr)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return nil, time.Time{}, false
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil || i.Type == 0 {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return nil, time.Time{}, false
	}
	if i.Type == discordgo.InteractionPing {
		writeJSON(w, []byte(`{"type":1}`))
		return nil, time.Time{}, false
	}
	if i.ID == "" {
		http.Error(w, "the interaction has no id", http.StatusBadRequest)
		return nil, time.Time{}, false
	}
	return &i, signedAt, true
}

// serve answers i through out in the background: the HTTP handler returns
// with the initial response while a deferred answer is still being made.
func (s *InteractionsServer) serve(i *discordgo.Interaction, out *httpResponder, served chan<- struct{}) {
	defer close(served)
	s.inflight.answer(s.deferral, i, out)
}

// writeJSON writes a 200 JSON answer and flushes it.
func writeJSON(w http.ResponseWriter, body []byte) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(body); err != nil {
		return err
	}
	if err := http.NewResponseController(w).Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// Shutdown stops taking interactions (new ones get 503) and waits for those
// in flight, the edits of deferred answers included, until ctx is done; it
// then cancels them and waits at most a second more. It returns ctx's error
// when the wait ran out.
func (s *InteractionsServer) Shutdown(ctx context.Context) error {
	return s.inflight.drain(ctx)
}

// Serve serves the endpoint on l until ctx is done, then shuts down: it
// stops accepting connections, lets the requests in progress finish, and
// waits for the interactions in flight (at most ShutdownTimeout in all). It
// returns nil after such a shutdown.
func (s *InteractionsServer) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	s.log.Info("serving Discord HTTP interactions", "addr", l.Addr().String())
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), orDefault(s.cfg.ShutdownTimeout, DefaultShutdownTimeout))
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.log.Warn("HTTP interactions: requests still open at shutdown", "err", err)
		srv.Close()
	}
	if serveErr == nil {
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			serveErr = err
		}
	}
	_ = s.Shutdown(sctx)
	s.log.Info("HTTP interactions endpoint closed")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve HTTP interactions: %w", serveErr)
	}
	return nil
}

// ListenAndServe listens on addr (INTERACTIONS_ADDR, host:port) and serves
// the endpoint until ctx is done, as Serve does. Errors: EUNAVAILABLE (the
// address cannot be listened on).
func (s *InteractionsServer) ListenAndServe(ctx context.Context, addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return briefs.Errorf(briefs.EUNAVAILABLE, "cannot listen for HTTP interactions on %s: %v", addr, err)
	}
	return s.Serve(ctx, l)
}
