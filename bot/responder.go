package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Responder sends the answers to one interaction; each transport (the
// gateway, the HTTP interactions endpoint) implements it.
type Responder interface {
	// Respond sends the initial response. A rate limit must come back as an
	// error for which RetryAfter reports true, not be waited out inside,
	// so that Deferral can weigh the wait against the deadline; ctx carries
	// that deadline.
	Respond(ctx context.Context, resp *discordgo.InteractionResponse) error
	// EditOriginal edits the message of the initial response (PATCH
	// /webhooks/{app}/{token}/messages/@original).
	EditOriginal(ctx context.Context, edit *discordgo.WebhookEdit) error
	// DeleteOriginal deletes that message.
	DeleteOriginal(ctx context.Context) error
	// Followup sends a follow-up message (POST /webhooks/{app}/{token}).
	Followup(ctx context.Context, msg *discordgo.WebhookParams) error
}

// sessionResponder answers one interaction through a discordgo Session.
type sessionResponder struct {
	s *discordgo.Session
	i *discordgo.Interaction
}

// Respond reports a 429 as an error (Deferral decides about the retry).
func (r sessionResponder) Respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	return r.s.InteractionRespond(r.i, resp, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
}

// EditOriginal, DeleteOriginal and Followup let discordgo retry 429s: they
// have the token's 15 minutes.
func (r sessionResponder) EditOriginal(ctx context.Context, edit *discordgo.WebhookEdit) error {
	_, err := r.s.InteractionResponseEdit(r.i, edit, discordgo.WithContext(ctx))
	return err
}

func (r sessionResponder) DeleteOriginal(ctx context.Context) error {
	return r.s.InteractionResponseDelete(r.i, discordgo.WithContext(ctx))
}

func (r sessionResponder) Followup(ctx context.Context, msg *discordgo.WebhookParams) error {
	_, err := r.s.FollowupMessageCreate(r.i, true, msg, discordgo.WithContext(ctx))
	return err
}

// RetryAfter reports whether err is a rate limit, and how long to wait.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
		return rl.RetryAfter, true
	}
	return 0, false
}

// redactToken hides an interaction token in err's text (REST errors quote
// the URL, which holds it) while keeping err's chain for errors.As.
func redactToken(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return &redactedError{err: err, token: token}
}

type redactedError struct {
	err   error
	token string
}

func (e *redactedError) Error() string { return strings.ReplaceAll(e.err.Error(), e.token, "[token]") }
func (e *redactedError) Unwrap() error { return e.err }
