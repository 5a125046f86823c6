package discordtest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresenceUpdate = 3
	opVoiceState     = 4
	opResume         = 6
	opReconnect      = 7
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11
)

// DefaultChannelID is the channel of dispatched interactions that name none.
const DefaultChannelID = "1100000000000000003"

var closeReasons = map[int]string{
	4000: "Unknown error.",
	4001: "Unknown opcode.",
	4002: "Decode error.",
	4003: "Not authenticated.",
	4004: "Authentication failed.",
	4005: "Already authenticated.",
	4007: "Invalid seq.",
	4008: "Rate limited.",
	4009: "Session timed out.",
	4010: "Invalid shard.",
	4011: "Sharding required.",
	4012: "Invalid API version.",
	4013: "Invalid intent(s).",
	4014: "Disallowed intent(s).",
}

var upgrader = websocket.Upgrader{
	CheckOrigin: func(*http.Request) bool { return true },
}

// ErrNotConnected is returned by the gateway controls when no client is
// connected and ready.
var ErrNotConnected = errors.New("discordtest: no live gateway connection")

type gwConn struct {
	ws  *websocket.Conn
	wmu sync.Mutex
}

func (c *gwConn) writeRaw(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *gwConn) write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.writeRaw(b)
}

// close sends a close frame with code and closes the connection.
func (c *gwConn) close(code int) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, closeReasons[code]), time.Now().Add(time.Second))
	_ = c.ws.Close()
}

type session struct {
	id      string
	seq     int64
	events  []event
	invalid bool
}

type event struct {
	seq   int64
	frame []byte
}

// canResumeFrom reports whether every dispatch after seq is still kept.
func (ss *session) canResumeFrom(seq int64) bool {
	if ss.invalid || seq > ss.seq || seq < 0 {
		return false
	}
	if len(ss.events) == 0 {
		return seq == ss.seq
	}
	return ss.events[0].seq <= seq+1
}

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	s.gwMu.Lock()
	if s.closed {
		s.gwMu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.gwMu.Unlock()
	defer s.wg.Done()

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	s.gwMu.Lock()
	if s.closed {
		s.gwMu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.stats.Connections++
	s.gwMu.Unlock()
	s.notify()
	defer func() {
		ws.Close()
		s.gwMu.Lock()
		delete(s.conns, c)
		for _, sh := range s.shards {
			if sh.live == c {
				sh.live = nil
			}
		}
		s.gwMu.Unlock()
		s.notify()
	}()

	hello := map[string]any{"op": opHello, "s": nil, "t": nil, "d": map[string]any{"heartbeat_interval": s.cfg.heartbeat.Milliseconds()}}
	if err := c.write(hello); err != nil {
		return
	}
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var f frame
		if err := json.Unmarshal(msg, &f); err != nil {
			c.close(4002)
			return
		}
		switch f.Op {
		case opHeartbeat:
			s.gwMu.Lock()
			s.stats.Heartbeats++
			ack := !s.noACK
			s.gwMu.Unlock()
			s.notify()
			if ack {
				if err := c.write(map[string]any{"op": opHeartbeatACK, "d": nil}); err != nil {
					return
				}
			}
		case opIdentify:
			if !s.identify(c, f.D) {
				return
			}
		case opResume:
			if !s.resume(c, f.D) {
				return
			}
		case opPresenceUpdate, opVoiceState, opRequestMembers:
			// Accepted and ignored.
		default:
			c.close(4001)
			return
		}
	}
}

// identify answers IDENTIFY with READY on a new session; false when the
// connection was closed.
func (s *Server) identify(c *gwConn, d json.RawMessage) bool {
	// discordgo's Identify does not decode what it encodes (presence), so
	// only the fields that matter are read.
	var in struct {
		Token          string                       `json:"token"`
		Properties     discordgo.IdentifyProperties `json:"properties"`
		Compress       bool                         `json:"compress"`
		LargeThreshold int                          `json:"large_threshold"`
		Shard          *[2]int                      `json:"shard"`
		Intents        discordgo.Intent             `json:"intents"`
	}
	if err := json.Unmarshal(d, &in); err != nil {
		c.close(4002)
		return false
	}
	id := discordgo.Identify{Token: in.Token, Properties: in.Properties, Compress: in.Compress,
		LargeThreshold: in.LargeThreshold, Shard: in.Shard, Intents: in.Intents}
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	defer s.notify()
	s.stats.Identifies++
	token := id.Token
	id.Token = ""
	s.identifies = append(s.identifies, id)
	if code := s.failIdent; code != 0 {
		s.failIdent = 0
		c.close(code)
		return false
	}
	if strings.TrimPrefix(token, "Bot ") != s.cfg.token {
		c.close(4004)
		return false
	}
	shard, count := 0, 1
	if id.Shard != nil {
		shard, count = id.Shard[0], id.Shard[1]
		if count < 1 || shard < 0 || shard >= count {
			c.close(4010)
			return false
		}
	}
	s.shardCount = count
	sh := s.shardLocked(shard)
	if sh.live != nil && sh.live != c {
		sh.live.ws.Close()
	}
	sh.session = &session{id: randomHex(16)}
	guilds := make([]map[string]any, 0, len(s.cfg.guilds))
	for _, g := range s.cfg.guilds {
		guilds = append(guilds, map[string]any{"id": g, "unavailable": true})
	}
	ready := map[string]any{
		"v":                  9,
		"user":               s.BotUser(),
		"guilds":             guilds,
		"session_id":         sh.session.id,
		"resume_gateway_url": s.gatewayURL,
		"application":        map[string]any{"id": s.cfg.appID, "flags": 0},
		"private_channels":   []any{},
	}
	if id.Shard != nil {
		ready["shard"] = id.Shard
	}
	s.dispatchLocked(sh.session, c, "READY", ready)
	s.stats.Readies++
	if id.Intents&discordgo.IntentsGuilds != 0 {
		for _, g := range s.cfg.guilds {
			s.dispatchLocked(sh.session, c, "GUILD_CREATE", map[string]any{"id": g, "name": "Guild " + g, "unavailable": false, "channels": []any{}, "members": []any{}, "roles": []any{}})
		}
	}
	sh.live = c
	return true
}

// shardLocked returns the state of shard id, creating it; the caller holds
// gwMu.
func (s *Server) shardLocked(id int) *shardState {
	sh := s.shards[id]
	if sh == nil {
		sh = &shardState{}
		s.shards[id] = sh
	}
	return sh
}

// shardOfLocked is the shard that receives a guild's events, by Discord's
// formula (guild_id >> 22) % shard_count; DMs go to shard 0. The caller
// holds gwMu.
func (s *Server) shardOfLocked(guildID string) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if s.shardCount <= 1 || err != nil {
		return 0
	}
	return int((id >> 22) % uint64(s.shardCount))
}

// ShardOf returns the shard that receives the events of a guild, given the
// shard count of the clients connected so far.
func (s *Server) ShardOf(guildID string) int {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	return s.shardOfLocked(guildID)
}

// resume replays the dispatches after the client's sequence and sends
// RESUMED, or answers op 9 when the session cannot be resumed.
func (s *Server) resume(c *gwConn, d json.RawMessage) bool {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(d, &r); err != nil {
		c.close(4002)
		return false
	}
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	defer s.notify()
	if strings.TrimPrefix(r.Token, "Bot ") != s.cfg.token {
		c.close(4004)
		return false
	}
	var sh *shardState
	for _, cand := range s.shards {
		if cand.session != nil && cand.session.id == r.SessionID {
			sh = cand
		}
	}
	if sh == nil || !sh.session.canResumeFrom(r.Seq) {
		return c.write(map[string]any{"op": opInvalidSession, "d": false}) == nil
	}
	ss := sh.session
	for _, e := range ss.events {
		if e.seq > r.Seq {
			if c.writeRaw(e.frame) != nil {
				return false
			}
			s.stats.Dispatches++
		}
	}
	s.dispatchLocked(ss, c, "RESUMED", map[string]any{})
	s.stats.Resumes++
	if sh.live != nil && sh.live != c {
		sh.live.ws.Close()
	}
	sh.live = c
	return true
}

// dispatchLocked numbers an event in session ss, keeps it for RESUME and
// sends it to c when c is not nil; the caller holds gwMu.
func (s *Server) dispatchLocked(ss *session, c *gwConn, name string, data any) int64 {
	ss.seq++
	d, err := json.Marshal(data)
	if err != nil {
		s.tb.Errorf("discordtest: encode %s: %v", name, err)
		d = []byte("{}")
	}
	seq := ss.seq
	b, _ := json.Marshal(frame{Op: opDispatch, D: d, S: &seq, T: &name})
	ss.events = append(ss.events, event{seq: seq, frame: b})
	// Keep the last cfg.replay events, trimming in batches (amortised O(1)).
	if len(ss.events) >= 2*s.cfg.replay {
		ss.events = append([]event(nil), ss.events[len(ss.events)-s.cfg.replay:]...)
	}
	if c != nil && c.writeRaw(b) == nil {
		s.stats.Dispatches++
	}
	return seq
}

// Dispatch sends INTERACTION_CREATE. It fills in the interaction's id, token
// and application id when they are empty (and version, and a channel id), so
// that the caller can wait for the answer with WaitCallback(ctx, i.ID). The
// interaction's 3-second deadline starts now. Without a live connection the
// event is kept for the RESUME that follows (op 7, a dropped connection). It
// goes to the shard of i's guild when the client is sharded. It returns the
// event's sequence number, 0 when no session exists yet.
func (s *Server) Dispatch(i *discordgo.Interaction) int {
	s.fillInteraction(i)
	if i.ChannelID == "" {
		i.ChannelID = DefaultChannelID
	}
	st := &interactionState{id: i.ID, token: i.Token, typ: i.Type, channelID: i.ChannelID}
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	shard := s.shardOfLocked(i.GuildID)
	sh := s.shards[shard]
	if sh == nil || sh.session == nil {
		s.tb.Errorf("discordtest: Dispatch before any client identified on shard %d", shard)
		return 0
	}
	s.mu.Lock()
	st.created = time.Now()
	s.interactions[st.id] = st
	s.tokens[st.token] = st
	s.mu.Unlock()
	payload, err := encodeInteraction(i)
	if err != nil {
		s.tb.Errorf("discordtest: encode interaction: %v", err)
		return 0
	}
	return int(s.dispatchLocked(sh.session, sh.live, "INTERACTION_CREATE", payload))
}

// encodeInteraction encodes i as Discord sends it. discordgo does not encode
// the components of a modal submission (json:"-"), so they are added here.
func encodeInteraction(i *discordgo.Interaction) (json.RawMessage, error) {
	b, err := json.Marshal(i)
	if err != nil {
		return nil, err
	}
	var md *discordgo.ModalSubmitInteractionData
	switch d := i.Data.(type) {
	case discordgo.ModalSubmitInteractionData:
		md = &d
	case *discordgo.ModalSubmitInteractionData:
		md = d
	}
	if md == nil {
		return b, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	data, err := json.Marshal(struct {
		CustomID   string                       `json:"custom_id"`
		Components []discordgo.MessageComponent `json:"components"`
	}{md.CustomID, md.Components})
	if err != nil {
		return nil, err
	}
	fields["data"] = data
	return json.Marshal(fields)
}

// DispatchEvent sends any dispatch event (t is its name, such as
// "MESSAGE_CREATE") to shard 0; like Dispatch it is kept for RESUME.
func (s *Server) DispatchEvent(t string, data any) int {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	sh := s.shards[0]
	if sh == nil || sh.session == nil {
		s.tb.Errorf("discordtest: DispatchEvent before any client identified")
		return 0
	}
	return int(s.dispatchLocked(sh.session, sh.live, t, data))
}

// liveLocked is shard 0's live connection, which the controls below act on;
// nil when there is none. The caller holds gwMu.
func (s *Server) liveLocked() *shardState {
	sh := s.shards[0]
	if sh == nil || sh.live == nil {
		return nil
	}
	return sh
}

// Reconnect sends op 7 RECONNECT to the live connection (of shard 0). The
// client is expected to close it and RESUME on a new one; dispatches made
// meanwhile are replayed then.
func (s *Server) Reconnect() error {
	return s.endLive(func(sh *shardState) error {
		return sh.live.write(map[string]any{"op": opReconnect, "d": nil})
	})
}

// InvalidSession sends op 9 with d = resumable to shard 0's connection. A session that is not
// resumable is forgotten, so that only a new IDENTIFY gets a READY.
func (s *Server) InvalidSession(resumable bool) error {
	return s.endLive(func(sh *shardState) error {
		if !resumable && sh.session != nil {
			sh.session.invalid = true
		}
		return sh.live.write(map[string]any{"op": opInvalidSession, "d": resumable})
	})
}

// DropConnection closes the live connection's socket (shard 0's) without a
// close frame, as a network failure would.
func (s *Server) DropConnection() error {
	return s.endLive(func(sh *shardState) error {
		return sh.live.ws.UnderlyingConn().Close()
	})
}

// CloseGateway closes the live connection (shard 0's) with a close code, such as 4004
// (authentication failed) or 4009 (session timed out).
func (s *Server) CloseGateway(code int) error {
	return s.endLive(func(sh *shardState) error {
		sh.live.close(code)
		return nil
	})
}

// endLive ends shard 0's live connection the way end does, forgets it and
// wakes the waiters. Errors: ErrNotConnected when no client is connected.
func (s *Server) endLive(end func(sh *shardState) error) error {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	defer s.notify()
	sh := s.liveLocked()
	if sh == nil {
		return ErrNotConnected
	}
	err := end(sh)
	sh.live = nil
	return err
}

// FailNextIdentify makes the next IDENTIFY be answered by closing the
// connection with code (4004 for a refused token, 4014 for disallowed
// intents).
func (s *Server) FailNextIdentify(code int) {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	s.failIdent = code
}

// SetHeartbeatACK turns the answers to heartbeats on or off (off makes a
// client detect a zombie connection).
func (s *Server) SetHeartbeatACK(on bool) {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	s.noACK = !on
}
