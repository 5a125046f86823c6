package bot_test

import (
	"briefbot/bot/discordtest"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
	"briefbot/briefs"
)

// funcBriefs is a Briefs whose methods the test supplies; the others are
// not called (the embedded nil interface would panic).
type funcBriefs struct {
	bot.Briefs
	brief   func(ctx context.Context, query string) (briefs.Lookup, error)
	suggest func(ctx context.Context, partial string) ([]briefs.Listing, error)
	search  func(ctx context.Context, query string, offset int) ([]briefs.Listing, int, error)
}

func (f funcBriefs) Brief(ctx context.Context, _, query string) (briefs.Lookup, error) {
	return f.brief(ctx, query)
}

func (f funcBriefs) Search(ctx context.Context, _, query string, offset, _ int) ([]briefs.Listing, int, error) {
	return f.search(ctx, query, offset)
}

func (f funcBriefs) Suggest(ctx context.Context, _, partial string) ([]briefs.Listing, error) {
	return f.suggest(ctx, partial)
}

var testBrief = briefs.Brief{
	Title: "Putin and Kim Sign Defence Pact", Gist: "They signed a pact.", Slug: "putin-kim",
	Bullets: []string{"One.", "Two.", "Three."}, ReadingMinutes: 1, SourceURL: "https://news.example/pact",
}

// call is one call a transport received.
type call struct {
	op       string // respond, edit, delete, followup
	body     []byte
	at       time.Time
	deadline bool // the context had a deadline
}

// recorder is a Responder that records calls and can fail Respond.
type recorder struct {
	mu          sync.Mutex
	calls       []call
	respondErrs []error // returned by the successive Respond calls
	signal      chan string
}

func newRecorder(respondErrs ...error) *recorder {
	return &recorder{respondErrs: respondErrs, signal: make(chan string, 16)}
}

func (r *recorder) add(ctx context.Context, op string, v any) {
	b, _ := json.Marshal(v)
	_, dl := ctx.Deadline()
	r.mu.Lock()
	r.calls = append(r.calls, call{op: op, body: b, at: time.Now(), deadline: dl})
	r.mu.Unlock()
	r.signal <- op
}

func (r *recorder) Respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	r.add(ctx, "respond", resp)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.respondErrs) > 0 {
		err := r.respondErrs[0]
		r.respondErrs = r.respondErrs[1:]
		return err
	}
	return nil
}

func (r *recorder) EditOriginal(ctx context.Context, e *discordgo.WebhookEdit) error {
	r.add(ctx, "edit", e)
	return nil
}

func (r *recorder) DeleteOriginal(ctx context.Context) error {
	r.add(ctx, "delete", nil)
	return nil
}

func (r *recorder) Followup(ctx context.Context, p *discordgo.WebhookParams) error {
	r.add(ctx, "followup", p)
	return nil
}

func (r *recorder) ops() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ops []string
	for _, c := range r.calls {
		ops = append(ops, c.op)
	}
	return strings.Join(ops, ",")
}

func (r *recorder) get(n int) call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[n]
}

// next waits for the next call.
func (r *recorder) next(t *testing.T) string {
	t.Helper()
	select {
	case op := <-r.signal:
		return op
	case <-time.After(e2eWait):
		t.Fatal("no call to the responder")
		return ""
	}
}

func rateLimited(after time.Duration) error {
	return &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{TooManyRequests: &discordgo.TooManyRequests{RetryAfter: after}, URL: "https://discord.com/api/v9/interactions/1/secret/callback"}}
}

func serveAsync(d *bot.Deferral, i *discordgo.Interaction, out bot.Responder) chan error {
	done := make(chan error, 1)
	go func() { done <- d.Serve(context.Background(), i, out) }()
	return done
}

func waitServe(t *testing.T, done chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(e2eWait):
		t.Fatal("Serve did not return")
		return nil
	}
}

func briefIn(topic string) *discordgo.Interaction {
	i := discordtest.Slash("1", 0, "brief", discordtest.Opt("topic", topic))
	i.ID = "7"
	return i
}

func decodeResponse(t *testing.T, b []byte) callbackBody {
	t.Helper()
	var cb callbackBody
	if err := json.Unmarshal(b, &cb); err != nil {
		t.Fatal(err)
	}
	return cb
}

func TestDeferralAnswersAFastHandlerDirectly(t *testing.T) {
	t.Parallel()
	r := bot.NewRouter(funcBriefs{brief: func(context.Context, string) (briefs.Lookup, error) {
		return briefs.Lookup{Brief: &testBrief}, nil
	}}, nil)
	rec := newRecorder()
	d := &bot.Deferral{Router: r, After: time.Hour}
	if err := d.Serve(context.Background(), briefIn("putin-kim"), rec); err != nil {
		t.Fatal(err)
	}
	if ops := rec.ops(); ops != "respond" {
		t.Fatalf("calls: %s", ops)
	}
	c := rec.get(0)
	cb := decodeResponse(t, c.body)
	if cb.Type != discordgo.InteractionResponseChannelMessageWithSource || len(cb.Data.Embeds) != 1 || !cb.Data.AllowedMentions.mentionsNone() {
		t.Errorf("response %s", c.body)
	}
	if !c.deadline {
		t.Error("the initial response was sent without the deadline in its context")
	}
}

func TestDeferralDefersASlowHandlerThenEdits(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	r := bot.NewRouter(funcBriefs{brief: func(ctx context.Context, _ string) (briefs.Lookup, error) {
		<-release
		return briefs.Lookup{Brief: &testBrief}, nil
	}}, nil)
	rec := newRecorder()
	done := serveAsync(&bot.Deferral{Router: r, After: 10 * time.Millisecond}, briefIn("putin-kim"), rec)
	if op := rec.next(t); op != "respond" {
		t.Fatalf("first call %s", op)
	}
	cb := decodeResponse(t, rec.get(0).body)
	if cb.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || cb.Data.Flags != 0 || !cb.Data.AllowedMentions.mentionsNone() {
		t.Fatalf("deferred response %s", rec.get(0).body)
	}
	close(release)
	if err := waitServe(t, done); err != nil {
		t.Fatal(err)
	}
	if ops := rec.ops(); ops != "respond,edit" {
		t.Fatalf("calls: %s", ops)
	}
	var edit struct {
		Content         *string                   `json:"content"`
		Embeds          []*discordgo.MessageEmbed `json:"embeds"`
		Components      []json.RawMessage         `json:"components"`
		AllowedMentions *wireMentions             `json:"allowed_mentions"`
	}
	body := rec.get(1).body
	if err := json.Unmarshal(body, &edit); err != nil {
		t.Fatal(err)
	}
	if edit.Content == nil || len(edit.Embeds) != 1 || edit.Embeds[0].Title != testBrief.Title || len(edit.Components) != 1 || !edit.AllowedMentions.mentionsNone() {
		t.Errorf("edit %s", body)
	}
}

func TestDeferralReplacesAPublicPlaceholderWithAnEphemeralFollowup(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	r := bot.NewRouter(funcBriefs{brief: func(context.Context, string) (briefs.Lookup, error) {
		<-release
		return briefs.Lookup{}, briefs.Errorf(briefs.ENOTFOUND, "No brief matches %q.", "x")
	}}, nil)
	rec := newRecorder()
	done := serveAsync(&bot.Deferral{Router: r, After: time.Millisecond}, briefIn("x"), rec)
	rec.next(t)
	close(release)
	if err := waitServe(t, done); err != nil {
		t.Fatal(err)
	}
	if ops := rec.ops(); ops != "respond,delete,followup" {
		t.Fatalf("calls: %s", ops)
	}
	var f struct {
		Content         string                 `json:"content"`
		Flags           discordgo.MessageFlags `json:"flags"`
		AllowedMentions *wireMentions          `json:"allowed_mentions"`
	}
	body := rec.get(2).body
	_ = json.Unmarshal(body, &f)
	if f.Flags != discordgo.MessageFlagsEphemeral || !strings.Contains(f.Content, "No brief matches") || !f.AllowedMentions.mentionsNone() {
		t.Errorf("follow-up %s", body)
	}
}

func TestDeferralOfAButtonEditsTheMessage(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	r := bot.NewRouter(funcBriefs{search: func(context.Context, string, int) ([]briefs.Listing, int, error) {
		<-release
		return []briefs.Listing{{Slug: "a", Title: "A"}}, 30, nil
	}}, nil)
	i := &discordgo.Interaction{ID: "8", Type: discordgo.InteractionMessageComponent, GuildID: "1",
		Data:   discordgo.MessageComponentInteractionData{CustomID: "briefs:10:", ComponentType: discordgo.ButtonComponent},
		Member: &discordgo.Member{User: &discordgo.User{ID: "42"}}}
	rec := newRecorder()
	done := serveAsync(&bot.Deferral{Router: r, After: time.Millisecond}, i, rec)
	rec.next(t)
	if cb := decodeResponse(t, rec.get(0).body); cb.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		t.Fatalf("deferred %s", rec.get(0).body)
	}
	close(release)
	if err := waitServe(t, done); err != nil {
		t.Fatal(err)
	}
	if ops := rec.ops(); ops != "respond,edit" {
		t.Fatalf("calls: %s", ops)
	}
}

func TestDeferralRetriesARateLimitThatFitsTheDeadline(t *testing.T) {
	t.Parallel()
	r := bot.NewRouter(funcBriefs{brief: func(context.Context, string) (briefs.Lookup, error) {
		return briefs.Lookup{Brief: &testBrief}, nil
	}}, nil)
	const wait = 80 * time.Millisecond
	rec := newRecorder(rateLimited(wait))
	if err := (&bot.Deferral{Router: r}).Serve(context.Background(), briefIn("putin-kim"), rec); err != nil {
		t.Fatal(err)
	}
	if ops := rec.ops(); ops != "respond,respond" {
		t.Fatalf("calls: %s", ops)
	}
	if gap := rec.get(1).at.Sub(rec.get(0).at); gap < wait {
		t.Errorf("retried after %s, before retry_after %s", gap, wait)
	}
	if string(rec.get(0).body) != string(rec.get(1).body) {
		t.Error("the retry changed the body")
	}
}

func TestDeferralGivesUpWhenTheRetryWouldMissTheDeadline(t *testing.T) {
	t.Parallel()
	r := bot.NewRouter(funcBriefs{brief: func(context.Context, string) (briefs.Lookup, error) {
		return briefs.Lookup{Brief: &testBrief}, nil
	}}, nil)
	rec := newRecorder(rateLimited(5 * time.Second))
	start := time.Now()
	err := (&bot.Deferral{Router: r}).Serve(context.Background(), briefIn("putin-kim"), rec)
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("Serve = %v", err)
	}
	if ops := rec.ops(); ops != "respond" {
		t.Errorf("calls: %s", ops)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("gave up after %s", took)
	}
	// Other errors are not retried.
	rec = newRecorder(fmt.Errorf("HTTP 404 Not Found"))
	if err := (&bot.Deferral{Router: r}).Serve(context.Background(), briefIn("putin-kim"), rec); err == nil || rec.ops() != "respond" {
		t.Errorf("Serve = %v, calls %s", err, rec.ops())
	}
}

func TestDeferralNeverDefersAutocomplete(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	r := bot.NewRouter(funcBriefs{suggest: func(context.Context, string) ([]briefs.Listing, error) {
		close(entered)
		<-release
		return []briefs.Listing{{Slug: "putin-kim", Title: "Pact"}}, nil
	}}, nil)
	rec := newRecorder()
	i := discordtest.Autocomplete("1", "brief", "topic", "put")
	i.ID = "9"
	done := serveAsync(&bot.Deferral{Router: r, After: time.Nanosecond}, i, rec)
	<-entered
	close(release)
	if err := waitServe(t, done); err != nil {
		t.Fatal(err)
	}
	if ops := rec.ops(); ops != "respond" {
		t.Fatalf("calls: %s", ops)
	}
	if cb := decodeResponse(t, rec.get(0).body); cb.Type != discordgo.InteractionApplicationCommandAutocompleteResult || len(cb.Data.Choices) != 1 {
		t.Errorf("autocomplete %s", rec.get(0).body)
	}
}

func TestRetryAfter(t *testing.T) {
	if d, ok := bot.RetryAfter(fmt.Errorf("wrapped: %w", rateLimited(time.Second))); !ok || d != time.Second {
		t.Errorf("RetryAfter = %s %v", d, ok)
	}
	if _, ok := bot.RetryAfter(errors.New("x")); ok {
		t.Error("plain error taken for a rate limit")
	}
}
