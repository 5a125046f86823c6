package discordtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// PublicKey is the hex Ed25519 public key of the fake's application: the
// interactions it delivers over HTTP (Deliver) are signed with its private
// half. A bot under test takes it as DISCORD_PUBLIC_KEY.
func (s *Server) PublicKey() string {
	return hex.EncodeToString(s.signKey.Public().(ed25519.PublicKey))
}

// Sign returns the X-Signature-Ed25519 header Discord sends with body at
// timestamp ts (X-Signature-Timestamp, Unix seconds): the hex signature of
// ts + body, by the fake's key.
func (s *Server) Sign(ts string, body []byte) string {
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	return hex.EncodeToString(ed25519.Sign(s.signKey, msg))
}

// Delivery is a bot's HTTP answer to an interaction that Deliver sent.
type Delivery struct {
	Status int
	Header http.Header
	Body   []byte
	// Took is how long the endpoint took to answer.
	Took time.Duration
	// Accepted reports whether the fake took the body as the interaction's
	// initial response: 200 within the callback deadline, with a response
	// valid for the interaction (as a POST .../callback would be checked).
	// Webhook calls on the interaction's token (edits of @original,
	// follow-ups) work from then on.
	Accepted bool
	// Problem says why the answer was not accepted, "" when it was.
	Problem string
}

// Deliver sends i to a bot's HTTP interactions endpoint as Discord does: a
// POST of the interaction's JSON, signed with the fake's key over the
// current timestamp and the body. Like Dispatch it fills in the id, token,
// application id, version and channel when they are empty, and starts the
// interaction's 3-second deadline; no gateway connection is needed. endpoint
// must be a loopback URL (http://127.0.0.1:PORT/...).
func (s *Server) Deliver(ctx context.Context, endpoint string, i *discordgo.Interaction) (Delivery, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" && u.Hostname() != "::1") {
		return Delivery{}, fmt.Errorf("discordtest: Deliver only posts to loopback, not %q", endpoint)
	}
	s.fillInteraction(i)
	if i.ChannelID == "" && i.Type != discordgo.InteractionPing {
		i.ChannelID = DefaultChannelID
	}
	body, err := encodeInteraction(i)
	if err != nil {
		return Delivery{}, fmt.Errorf("discordtest: encode interaction: %w", err)
	}
	st := &interactionState{id: i.ID, token: i.Token, typ: i.Type, channelID: i.ChannelID}
	s.mu.Lock()
	st.created = time.Now()
	s.interactions[st.id] = st
	s.tokens[st.token] = st
	s.mu.Unlock()

	ts := strconv.FormatInt(st.created.Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return Delivery{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", s.Sign(ts, body))
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return Delivery{}, fmt.Errorf("discordtest: deliver interaction %s: %w", i.ID, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return Delivery{}, fmt.Errorf("discordtest: read the answer to interaction %s: %w", i.ID, err)
	}
	now := time.Now()
	d := Delivery{Status: resp.StatusCode, Header: resp.Header, Body: out, Took: now.Sub(st.created)}

	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	switch {
	case resp.StatusCode != http.StatusOK:
		d.Problem = fmt.Sprintf("status %d", resp.StatusCode)
	case s.cfg.callbackDeadline > 0 && d.Took > s.cfg.callbackDeadline:
		d.Problem = fmt.Sprintf("answered after %s, past the deadline of %s", d.Took, s.cfg.callbackDeadline)
	default:
		if rep := s.acceptResponseLocked(st, out); rep.status >= 300 {
			d.Problem = string(rep.body)
		}
	}
	d.Accepted = d.Problem == ""
	return d, nil
}

// fillInteraction gives i what Discord sets on every interaction it sends
// and the test left out: an id, a token, the application id and version 1.
func (s *Server) fillInteraction(i *discordgo.Interaction) {
	if i.ID == "" {
		i.ID = s.newID()
	}
	if i.Token == "" {
		i.Token = "itok-" + randomHex(24)
	}
	if i.AppID == "" {
		i.AppID = s.cfg.appID
	}
	if i.Version == 0 {
		i.Version = 1
	}
}
