package bot

import (
	"briefbot/internal/backoff"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Retries of an edit or follow-up answered 404 just after the initial
// response: Discord may not have processed the HTTP answer yet when a
// handler finishes just after its deferral.
const (
	// editRetryWindow is how long after the initial response such a 404 is
	// retried.
	editRetryWindow = 5 * time.Second
	editAttempts    = 3
	editRetryStep   = 250 * time.Millisecond
)

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
	for tries := backoff.Linear(editAttempts, editRetryStep).Start(); ; {
		err := call()
		if code, _ := restStatus(err); err == nil || code != http.StatusNotFound || time.Since(h.at) > editRetryWindow || !tries.Wait(ctx) {
			return err
		}
	}
}
