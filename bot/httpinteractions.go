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
	// editRetryWindow is how long after the initial response an edit or
	// follow-up answered 404 is retried: Discord may not have processed the
	// HTTP answer yet when a handler finishes just after its deferral.
	editRetryWindow = 5 * time.Second
	editAttempts    = 3
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

	// base is the parent of the interactions' contexts; it outlives the
	// requests (deferred answers finish after them) and is cancelled when
	// the shutdown wait runs out.
	base       context.Context
	cancelBase context.CancelFunc

	mu       sync.Mutex
	closing  bool
	inflight sync.WaitGroup
	seen     map[string]time.Time
	seenFIFO []seenID
}

type seenID struct {
	id string
	at time.Time
}

// NewInteractionsServer checks the configuration and builds the endpoint.
// Errors: EINVALID (a public key that is not 32 bytes of hex, a bad API
// URL, no router).
func NewInteractionsServer(cfg InteractionsConfig) (*InteractionsServer, error) {
	key, err := hex.DecodeString(strings.TrimSpace(cfg.PublicKey))
	if err != nil || len(key) != ed25519.PublicKeySize {
		return nil, briefs.Errorf(briefs.EINVALID, "DISCORD_PUBLIC_KEY must be the application's public key: %d hex digits, as the developer portal shows it", 2*ed25519.PublicKeySize)
	}
	if cfg.Router == nil {
		return nil, errors.New("bot: InteractionsConfig.Router is nil")
	}
	rest := cfg.REST
	if rest == nil {
		client, err := NewHTTPClient(cfg.APIURL, orDefault(cfg.HTTPTimeout, DefaultHTTPTimeout))
		if err != nil {
			return nil, err
		}
		auth := ""
		if token := strings.TrimPrefix(strings.TrimSpace(cfg.Token), "Bot "); token != "" {
			auth = "Bot " + token
		}
		if rest, err = discordgo.New(auth); err != nil {
			return nil, fmt.Errorf("interactions endpoint: %w", err)
		}
		rest.Client = client
		rest.LogLevel = -1
		rest.StateEnabled = false
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	base, cancel := context.WithCancel(context.Background())
	return &InteractionsServer{
		cfg:        cfg,
		key:        ed25519.PublicKey(key),
		log:        log,
		rest:       rest,
		deferral:   &Deferral{Router: cfg.Router, After: cfg.DeferAfter, Logger: log, Observer: cfg.Observer},
		base:       base,
		cancelBase: cancel,
		seen:       map[string]time.Time{},
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
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	limit := s.cfg.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxInteractionBytes
	}
	if r.ContentLength > limit {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read the request body", http.StatusBadRequest)
		return
	}
	if reason := s.verify(r.Header, body); reason != "" {
		// Discord itself probes the endpoint with bad signatures, and so
		// does anyone on the internet: not worth more than debug.
		s.log.Debug("interaction request refused", "reason", reason, "remote", r.RemoteAddr)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil || i.Type == 0 {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	if i.Type == discordgo.InteractionPing {
		writeJSON(w, []byte(`{"type":1}`))
		return
	}
	if i.ID == "" {
		http.Error(w, "the interaction has no id", http.StatusBadRequest)
		return
	}
	if !s.firstSight(i.ID) || !s.firstSightShared(r.Context(), i.ID, r.Header.Get("X-Signature-Timestamp")) {
		s.log.Warn("interaction delivered twice; the repeat is refused", "interaction", i.ID)
		http.Error(w, "interaction already received", http.StatusConflict)
		return
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		w.Header().Set("Retry-After", "5")
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	s.inflight.Add(1)
	s.mu.Unlock()

	out := &httpResponder{
		sessionResponder: sessionResponder{s: s.rest, i: &i},
		initial:          make(chan initialAnswer),
		gone:             make(chan struct{}),
	}
	served := make(chan struct{})
	go s.serve(&i, out, served)
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

// serve answers i through out in the background: the HTTP handler returns
// with the initial response while a deferred answer is still being made.
func (s *InteractionsServer) serve(i *discordgo.Interaction, out *httpResponder, served chan<- struct{}) {
	defer s.inflight.Done()
	defer close(served)
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic serving interaction", "interaction", i.ID, "panic", fmt.Sprint(p))
		}
	}()
	ctx, cancel := context.WithTimeout(s.base, interactionTimeout)
	defer cancel()
	if err := s.deferral.Serve(ctx, i, out); err != nil {
		s.log.Warn("interaction not answered", "interaction", i.ID, "type", i.Type.String(), "err", err)
	}
}

// verify checks the signature of timestamp + body and the timestamp's age;
// it returns why the request is refused, "" when it is genuine.
func (s *InteractionsServer) verify(h http.Header, body []byte) string {
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return "missing or malformed X-Signature-Ed25519"
	}
	ts := h.Get("X-Signature-Timestamp")
	if ts == "" {
		return "missing X-Signature-Timestamp"
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(s.key, msg, sig) {
		return "bad signature"
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "malformed X-Signature-Timestamp"
	}
	if skew := s.now().Sub(time.Unix(sec, 0)); skew > MaxTimestampSkew || skew < -MaxTimestampSkew {
		return fmt.Sprintf("timestamp %s away from now, beyond %s", skew.Round(time.Second), MaxTimestampSkew)
	}
	return ""
}

// seenTimeout bounds the shared replay check, which must leave time for the
// answer within Discord's 3 seconds.
const seenTimeout = 500 * time.Millisecond

// firstSightShared asks cfg.Seen whether the interaction id is new, for as
// long as its signed timestamp ts (checked by verify) can still be accepted:
// a replay must carry the same timestamp, and fails verify after that.
func (s *InteractionsServer) firstSightShared(ctx context.Context, id, ts string) bool {
	if s.cfg.Seen == nil {
		return true
	}
	window := MaxTimestampSkew
	if sec, err := strconv.ParseInt(ts, 10, 64); err == nil {
		window = max(time.Unix(sec, 0).Add(MaxTimestampSkew).Sub(s.now()), 0) + time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, seenTimeout)
	defer cancel()
	ok, err := s.cfg.Seen.FirstSight(ctx, id, window)
	if err != nil {
		s.log.Warn("cannot check the interaction id against other instances; this process's memory decides", "interaction", id, "err", err)
		return true
	}
	return ok
}

// firstSight reports whether the interaction id is new to this process, and
// remembers it for MaxTimestampSkew (a replay older than that fails the
// timestamp check), at most seenCap ids.
func (s *InteractionsServer) firstSight(id string) bool {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.seenFIFO) > 0 && (len(s.seenFIFO) >= seenCap || now.Sub(s.seenFIFO[0].at) > MaxTimestampSkew) {
		delete(s.seen, s.seenFIFO[0].id)
		s.seenFIFO = s.seenFIFO[1:]
	}
	if _, dup := s.seen[id]; dup {
		return false
	}
	s.seen[id] = now
	s.seenFIFO = append(s.seenFIFO, seenID{id: id, at: now})
	return true
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
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancelBase()
		return nil
	case <-ctx.Done():
	}
	s.log.Warn("interactions still running at shutdown; cancelling them")
	s.cancelBase()
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		s.log.Error("interactions did not stop after cancellation")
	}
	return ctx.Err()
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

// initialAnswer hands the encoded initial response to the HTTP handler;
// ack carries the result of writing it.
type initialAnswer struct {
	body []byte
	ack  chan error
}

// httpResponder answers one interaction of the HTTP endpoint: the initial
// response goes into the HTTP response (handed to the waiting ServeHTTP),
// the rest over REST with the interaction's token.
type httpResponder struct {
	sessionResponder
	initial chan initialAnswer
	gone    chan struct{} // closed when ServeHTTP has returned
	at      time.Time     // when the initial response was written
}

// Respond hands resp to ServeHTTP and returns once it is written. It fails
// when ServeHTTP has given up (Discord's deadline passed, the client left).
func (h *httpResponder) Respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	body, err := json.Marshal(resp)
	if err != nil {
		return fmt.Errorf("encode the interaction response: %w", err)
	}
	a := initialAnswer{body: body, ack: make(chan error, 1)}
	select {
	case h.initial <- a:
	case <-h.gone:
		return errors.New("the HTTP request was closed before the initial response")
	case <-ctx.Done():
		return fmt.Errorf("initial response: %w", ctx.Err())
	}
	if err := <-a.ack; err != nil {
		return fmt.Errorf("write the initial response: %w", err)
	}
	h.at = time.Now()
	return nil
}

func (h *httpResponder) EditOriginal(ctx context.Context, edit *discordgo.WebhookEdit) error {
	return h.retryEarly404(ctx, func() error { return h.sessionResponder.EditOriginal(ctx, edit) })
}

func (h *httpResponder) DeleteOriginal(ctx context.Context) error {
	return h.retryEarly404(ctx, func() error { return h.sessionResponder.DeleteOriginal(ctx) })
}

func (h *httpResponder) Followup(ctx context.Context, msg *discordgo.WebhookParams) error {
	return h.retryEarly404(ctx, func() error { return h.sessionResponder.Followup(ctx, msg) })
}

// retryEarly404 retries a webhook call answered 404 shortly after the
// initial response, which Discord may still be processing.
func (h *httpResponder) retryEarly404(ctx context.Context, call func() error) error {
	for attempt := 1; ; attempt++ {
		err := call()
		var rerr *discordgo.RESTError
		if err == nil || attempt == editAttempts || !errors.As(err, &rerr) || rerr.Response == nil ||
			rerr.Response.StatusCode != http.StatusNotFound || time.Since(h.at) > editRetryWindow {
			return err
		}
		t := time.NewTimer(time.Duration(attempt) * 250 * time.Millisecond)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
	}
}
