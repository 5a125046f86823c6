package bot

import (
	"briefbot/briefs"
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"
)

// Poster sends a message to a channel; *discordgo.Session provides it, and
// is then used through SessionPoster: each digest is sent with a nonce
// derived from its guild, channel and slot, so that retries (and other
// instances) of the same digest make one message. A Poster that is neither
// a session nor a NoncePoster posts without a nonce.
type Poster interface {
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
}

// NoncePoster is a Poster that sends a digest with an idempotency nonce:
// Discord creates no second message for a create that repeats the nonce of
// one made in the same channel within the last few minutes, and returns the
// first instead. The scheduler uses it when its Poster has it, and a
// *discordgo.Session is given one (SessionPoster).
type NoncePoster interface {
	PostWithNonce(ctx context.Context, channelID, nonce string, msg *discordgo.MessageSend) (*discordgo.Message, error)
}

// SessionPoster posts through a discordgo Session with a nonce and
// enforce_nonce, one HTTP request per call: discordgo's own retries (of 502
// answers, and its blind wait on 429 that ignores the context) are off, so
// that the caller decides what to retry, with the same nonce, within its
// lease. A 429 comes back as a *discordgo.RateLimitError.
type SessionPoster struct{ *discordgo.Session }

// nonceMessage is the body of a channel message create with a nonce.
type nonceMessage struct {
	Content         string                            `json:"content"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	Components      []discordgo.MessageComponent      `json:"components"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Nonce           string                            `json:"nonce"`
	EnforceNonce    bool                              `json:"enforce_nonce"`
}

// PostWithNonce sends msg to the channel with nonce and enforce_nonce.
func (p SessionPoster) PostWithNonce(ctx context.Context, channelID, nonce string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	if len(msg.Files) > 0 {
		return nil, errors.New("bot: a digest has no files")
	}
	body := nonceMessage{
		Content: msg.Content, Embeds: msg.Embeds, Components: msg.Components,
		AllowedMentions: msg.AllowedMentions, Nonce: nonce, EnforceNonce: true,
	}
	if body.Embeds == nil {
		body.Embeds = []*discordgo.MessageEmbed{}
	}
	if body.Components == nil {
		body.Components = []discordgo.MessageComponent{}
	}
	if body.AllowedMentions == nil {
		body.AllowedMentions = noMentionsAllowed()
	}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	resp, err := p.RequestWithBucketID("POST", endpoint, body, endpoint,
		discordgo.WithContext(ctx), discordgo.WithRestRetries(0), discordgo.WithRetryOnRatelimit(false))
	if err != nil {
		return nil, err
	}
	var m discordgo.Message
	if err := json.Unmarshal(resp, &m); err != nil {
		return nil, fmt.Errorf("bot: message create answer: %w", err)
	}
	return &m, nil
}

// digestNonce is the nonce of one digest: the same for every attempt (and
// every instance) posting that slot to that channel, and at most 25
// characters, as Discord requires.
func digestNonce(guildID, channelID, slotKey string) string {
	h := sha256.Sum256([]byte(guildID + "\x00" + channelID + "\x00" + slotKey))
	return "dg" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:]))[:23]
}

// withNonce is the form of p that sends a nonce: p itself when it has
// PostWithNonce, a SessionPoster for a *discordgo.Session, nil otherwise.
// The scheduler asks once, when it is built.
func withNonce(p Poster) NoncePoster {
	switch p := p.(type) {
	case NoncePoster:
		return p
	case *discordgo.Session:
		return SessionPoster{p}
	}
	return nil
}

// send makes one attempt at creating the message: with the nonce when the
// Poster can send one.
func (s *Scheduler) send(ctx context.Context, channelID, nonce string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	if s.noncePoster != nil {
		return s.noncePoster.PostWithNonce(ctx, channelID, nonce, msg)
	}
	return s.poster.ChannelMessageSendComplex(channelID, msg, discordgo.WithContext(ctx))
}

// TextPoster "posts" digests as text to a writer, for the console: each
// message is printed with the channel it was meant for.
type TextPoster struct {
	W  io.Writer
	mu sync.Mutex
	n  int
}

// ChannelMessageSendComplex prints the message and returns a made-up id.
func (p *TextPoster) ChannelMessageSendComplex(channelID string, m *discordgo.MessageSend, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	text := ResponseText(&discordgo.InteractionResponse{Data: &discordgo.InteractionResponseData{Content: m.Content, Embeds: m.Embeds}})
	fmt.Fprintf(p.W, "\n[digest to channel %s]\n%s\n", channelID, text)
	return &discordgo.Message{ID: fmt.Sprintf("text-%d", p.n), ChannelID: channelID}, nil
}

// Notify posts a notice to a channel (a feed that paused, say) once,
// however often it is called for the same key: it goes through the same
// nonce posting as digests, with the nonce made from key, paced with the
// digests, mentions off.
func (s *Scheduler) Notify(ctx context.Context, guildID, channelID, key, text string) error {
	if err := s.pace(ctx); err != nil {
		return err
	}
	msg := &discordgo.MessageSend{Content: briefs.Truncate(text, maxContent), AllowedMentions: noMentionsAllowed()}
	_, err := s.send(ctx, channelID, digestNonce(guildID, channelID, "notice:"+key), msg)
	return err
}
