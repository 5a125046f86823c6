package bot

import (
	"briefbot/internal/backoff"
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Discord's timing rules for interactions: the initial response must
// arrive within 3 seconds, or the interaction fails for the member.
const (
	// ResponseDeadline is how long Discord waits for the initial response.
	ResponseDeadline = 3 * time.Second
	// DefaultDeferAfter is how long a handler may run before its interaction
	// is deferred: early enough that the deferral itself, and one retry
	// after a short rate limit, still fit in ResponseDeadline.
	DefaultDeferAfter = 2 * time.Second
	// maxRespondAttempts bounds the retries of a rate-limited initial response.
	maxRespondAttempts = 3
)

// Deferral is the middleware between a Router and a transport that keeps
// Discord's 3-second deadline: it runs the handler and, when the handler has
// not answered within After, sends a deferred response (type 5, or type 6
// for a button) and later edits @original with the handler's answer.
// Autocomplete (and ping) is never deferred: Discord offers no deferral for
// it.
//
// Whether the deferred response is ephemeral is decided before the answer
// exists, and an edit cannot change it. Deferral guesses from the command
// table: admin commands and modal submissions (whose confirmations and
// errors are ephemeral) defer ephemerally, the rest publicly (a brief is
// public). When the answer turns out otherwise (an error after a public
// deferral), the placeholder is deleted and the answer sent as a follow-up
// with the right flags, so an error never shows in the channel.
//
// Every outgoing body carries allowed_mentions {"parse":[]}.
type Deferral struct {
	Router *Router
	// After is how long the handler may run before the interaction is
	// deferred; 0 means DefaultDeferAfter.
	After time.Duration
	// Deadline is Discord's deadline for the initial response, counted from
	// the call to Serve; 0 means ResponseDeadline.
	Deadline time.Duration
	// Logger receives retries and failures; nil discards them. Interaction
	// tokens never reach it.
	Logger *slog.Logger
	// Observer receives one report per interaction; nil: none.
	Observer Observer
}

func (d *Deferral) after() time.Duration {
	if d.After > 0 {
		return d.After
	}
	return DefaultDeferAfter
}

func (d *Deferral) deadline() time.Duration {
	if d.Deadline > 0 {
		return d.Deadline
	}
	return ResponseDeadline
}

func (d *Deferral) log() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Serve answers the interaction i through out. It returns when the answer is
// complete (the handler has returned and its response, or the edit after a
// deferral, has been sent), with the error of a send that failed. The error
// never contains the interaction's token (REST errors quote URLs, which
// hold it), so it may be logged as it is.
func (d *Deferral) Serve(ctx context.Context, i *discordgo.Interaction, out Responder) error {
	start := time.Now()
	timed := &timedResponder{Responder: out}
	outcome, err := d.serve(ctx, i, timed)
	if d.Observer != nil {
		kind, command := d.Router.labels(i)
		if err != nil {
			outcome = OutcomeUndelivered
		}
		var initial time.Duration
		if !timed.at.IsZero() {
			initial = timed.at.Sub(start)
		}
		d.Observer.InteractionServed(kind, command, outcome, initial, time.Since(start))
	}
	return redactToken(err, i.Token)
}

// answerMargin is the part of the 3-second deadline kept for sending an
// answer that cannot be deferred (autocomplete), so a handler stuck on a slow
// store still gets its empty answer to Discord in time.
const answerMargin = 700 * time.Millisecond

// answered is the router's answer to an interaction, with its outcome.
type answered struct {
	resp    *discordgo.InteractionResponse
	outcome string
}

// serve is Serve without the report: it returns the outcome of the
// router's answer and the error of a send that failed.
func (d *Deferral) serve(ctx context.Context, i *discordgo.Interaction, out Responder) (string, error) {
	deadline := time.Now().Add(d.deadline())
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete || i.Type == discordgo.InteractionPing {
		// No deferral exists for these; past the deadline the answer is
		// useless, so the handler must finish early enough for its answer
		// (an empty list when the store is slow) to arrive in time.
		hctx, cancel := context.WithDeadline(ctx, deadline.Add(-answerMargin))
		resp, outcome := d.Router.answer(hctx, i)
		cancel()
		return outcome, d.respond(ctx, deadline, i, out, resp)
	}
	done := make(chan answered, 1)
	go func() {
		// The router recovers a handler's panic itself; this guards the
		// goroutine against anything else.
		defer func() {
			if p := recover(); p != nil {
				d.log().Error("panic answering interaction", "interaction", i.ID, "panic", fmt.Sprint(p))
				done <- answered{internalErrorResponse(), OutcomePanic}
			}
		}()
		resp, outcome := d.Router.answer(ctx, i)
		done <- answered{resp, outcome}
	}()
	timer := time.NewTimer(d.after())
	defer timer.Stop()
	select {
	case a := <-done:
		return a.outcome, d.respond(ctx, deadline, i, out, a.resp)
	case <-timer.C:
	}
	deferred := d.Router.deferredResponse(i)
	if d.Observer != nil {
		kind, command := d.Router.labels(i)
		d.Observer.InteractionDeferred(kind, command)
	}
	derr := d.respond(ctx, deadline, i, out, deferred)
	a := <-done // the handler finishes either way (an add must not be cut short)
	if derr != nil {
		return a.outcome, fmt.Errorf("defer: %w", derr)
	}
	return a.outcome, d.finish(ctx, i, out, deferred, a.resp)
}

// respond sends the initial response, retrying after a rate limit when the
// retry still fits before the deadline.
func (d *Deferral) respond(ctx context.Context, deadline time.Time, i *discordgo.Interaction, out Responder, resp *discordgo.InteractionResponse) error {
	if resp == nil {
		resp = internalErrorResponse()
	}
	for tries := (backoff.Policy{Attempts: maxRespondAttempts}).Start(); ; {
		rctx, cancel := context.WithDeadline(ctx, deadline)
		err := out.Respond(rctx, resp)
		cancel()
		wait, limited := RetryAfter(err)
		if err == nil || !limited {
			return err
		}
		if tries.Last() || time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("initial response rate limited (retry after %s), past Discord's deadline: %w", wait, err)
		}
		d.log().Warn("initial response rate limited; retrying", "interaction", i.ID, "retry_after", wait)
		if !tries.WaitFor(ctx, wait) {
			return ctx.Err()
		}
	}
}

// finish replaces the deferred placeholder with the handler's answer.
func (d *Deferral) finish(ctx context.Context, i *discordgo.Interaction, out Responder, deferred, resp *discordgo.InteractionResponse) error {
	data := &discordgo.InteractionResponseData{}
	if resp != nil && resp.Data != nil {
		data = resp.Data
	}
	switch {
	case resp == nil:
		data = internalErrorResponse().Data
	case resp.Type == discordgo.InteractionResponseChannelMessageWithSource, resp.Type == discordgo.InteractionResponseUpdateMessage:
	default:
		// A form (modal) can only open as the first answer.
		data = &discordgo.InteractionResponseData{Content: "⚠️ That took too long; please run the command again.", Flags: discordgo.MessageFlagsEphemeral}
	}
	if deferred.Type == discordgo.InteractionResponseDeferredMessageUpdate {
		if resp != nil && resp.Type == discordgo.InteractionResponseUpdateMessage {
			return out.EditOriginal(ctx, webhookEdit(data))
		}
		return out.Followup(ctx, webhookParams(data))
	}
	wantEphemeral := data.Flags&discordgo.MessageFlagsEphemeral != 0
	isEphemeral := deferred.Data != nil && deferred.Data.Flags&discordgo.MessageFlagsEphemeral != 0
	if wantEphemeral == isEphemeral {
		return out.EditOriginal(ctx, webhookEdit(data))
	}
	// An edit cannot change who sees the message: replace the placeholder.
	if err := out.DeleteOriginal(ctx); err != nil {
		d.log().Warn("delete deferred placeholder", "interaction", i.ID, "err", redactToken(err, i.Token))
	}
	return out.Followup(ctx, webhookParams(data))
}

// deferredResponse is the placeholder sent when a handler is slow: "thinking"
// (type 5) for commands and forms, a silent acknowledgement (type 6) for
// buttons, whose answer edits the message they sit on.
func (r *Router) deferredResponse(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if i.Type == discordgo.InteractionMessageComponent {
		return &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredMessageUpdate,
			Data: &discordgo.InteractionResponseData{AllowedMentions: noMentionsAllowed()},
		}
	}
	var flags discordgo.MessageFlags
	if r.defersEphemeral(i) {
		flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags, AllowedMentions: noMentionsAllowed()},
	}
}

// defersEphemeral reports whether the answer is expected to be ephemeral:
// admin commands (confirmations and refusals) and modal submissions (the
// /article add form). Unknown commands answer with an ephemeral error.
func (r *Router) defersEphemeral(i *discordgo.Interaction) bool {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		c, ok := r.commands[i.ApplicationCommandData().Name]
		return !ok || c.admin
	case discordgo.InteractionModalSubmit:
		return true
	}
	return false
}

// webhookEdit turns response data into the edit of @original. Every field is
// set, so that the edit replaces the placeholder entirely.
func webhookEdit(data *discordgo.InteractionResponseData) *discordgo.WebhookEdit {
	content := data.Content
	embeds := data.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	components := data.Components
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	return &discordgo.WebhookEdit{Content: &content, Embeds: &embeds, Components: &components, AllowedMentions: noMentionsAllowed()}
}

// webhookParams turns response data into a follow-up message.
func webhookParams(data *discordgo.InteractionResponseData) *discordgo.WebhookParams {
	components := data.Components
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	return &discordgo.WebhookParams{
		Content:         data.Content,
		Embeds:          data.Embeds,
		Components:      components,
		Flags:           data.Flags & (discordgo.MessageFlagsEphemeral | discordgo.MessageFlagsSuppressEmbeds),
		AllowedMentions: noMentionsAllowed(),
	}
}

// timedResponder notes when the initial response was sent.
type timedResponder struct {
	Responder
	at time.Time
}

func (t *timedResponder) Respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	err := t.Responder.Respond(ctx, resp)
	if err == nil {
		t.at = time.Now()
	}
	return err
}
