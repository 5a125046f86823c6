package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode"

	"briefbot/briefs"
)

// maxRetryAfter caps the wait a server asks for: an hour is long enough for
// any rate limit window, and a wrong header must not park the work for days.
const maxRetryAfter = time.Hour

// llmError carries a message for the user and the cause for the logs;
// errors.As finds the *briefs.Error, errors.Is the cause.
type llmError struct {
	user  *briefs.Error
	cause error
}

func (e *llmError) Error() string   { return e.user.Message + " (" + e.cause.Error() + ")" }
func (e *llmError) Unwrap() []error { return []error{e.user, e.cause} }

func wrap(cause error, code, format string, args ...any) error {
	return &llmError{user: briefs.Errorf(code, format, args...), cause: cause}
}

// describe turns a failed exchange (no answer, or an answer cut off) into an
// error for the user. ctx is the request's context.
func (c *Client) describe(ctx context.Context, err error) error {
	var be *briefs.Error
	var netErr net.Error
	switch {
	case errors.As(err, &be): // refused by checkRedirect, which says it all
		return be
	case errors.Is(context.Cause(ctx), errTimeout):
		return wrap(err, briefs.EUNAVAILABLE, "The LLM server did not answer in time (%s). Try again later.", c.cfg.Timeout)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return wrap(err, briefs.EUNAVAILABLE, "The LLM server did not answer in time. Try again later.")
	case errors.Is(ctx.Err(), context.Canceled):
		return wrap(err, briefs.EUNAVAILABLE, "The LLM request was cancelled.")
	case errors.As(err, &netErr) && netErr.Timeout():
		return wrap(err, briefs.EUNAVAILABLE, "The LLM server did not answer in time (%s). Try again later.", c.cfg.Timeout)
	}
	return wrap(err, briefs.EUNAVAILABLE, "Could not reach the LLM server at %s. Is it running? Try again later.", briefs.Truncate(c.origin.Host, 100))
}

// statusError describes a non-2xx answer; body is what the server sent.
func (c *Client) statusError(resp *http.Response, body []byte) error {
	code := resp.StatusCode
	status := fmt.Sprintf("%d %s", code, http.StatusText(code))
	said := ""
	if msg := c.serverMessage(body); msg != "" {
		said = ": " + msg
	}
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		// The server's text is left out: providers echo part of the key.
		if c.cfg.APIKey == "" {
			return briefs.Errorf(briefs.EFORBIDDEN, "The LLM provider wants an API key (%s).", status)
		}
		return briefs.Errorf(briefs.EFORBIDDEN, "The LLM provider refused the API key (%s).", status)
	case code == http.StatusTooManyRequests:
		return withRetryAfter(resp, briefs.Errorf(briefs.EUNAVAILABLE, "The LLM provider is limiting briefbot's requests (%s%s).", status, said))
	case code == http.StatusRequestTimeout:
		return briefs.Errorf(briefs.EUNAVAILABLE, "The LLM server gave up on the request (%s). Try again later.", status)
	case code == http.StatusNotFound:
		return briefs.Errorf(briefs.EINVALID, "The LLM server answered %s%s. Check the LLM base URL and the model name (%s).", status, said, briefs.Truncate(c.cfg.Model, 100))
	case code >= 400 && code <= 499:
		return briefs.Errorf(briefs.EINVALID, "The LLM server refused the request (%s%s).", status, said)
	case code >= 500:
		return withRetryAfter(resp, briefs.Errorf(briefs.EUNAVAILABLE, "The LLM server failed (%s%s). Try again later.", status, said))
	}
	return briefs.Errorf(briefs.EUNAVAILABLE, "The LLM server answered %s instead of a completion.", status)
}

// serverMessage is the error message in an error document: OpenAI, Ollama
// and llama.cpp send {"error": {"message": ...}}, Ollama's native API
// {"error": "..."}, older vLLM {"message": ...}; failing those, a short
// plain text body. It is made one short line, without the API key.
func (c *Client) serverMessage(body []byte) string {
	var doc struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
	}
	msg := ""
	if json.Unmarshal(body, &doc) == nil {
		var obj struct {
			Message string `json:"message"`
		}
		var s string
		switch {
		case json.Unmarshal(doc.Error, &obj) == nil && obj.Message != "":
			msg = obj.Message
		case json.Unmarshal(doc.Error, &s) == nil:
			msg = s
		default:
			msg = doc.Message
		}
	} else if t := strings.TrimSpace(string(body)); !strings.HasPrefix(t, "<") {
		msg = t // not an HTML error page
	}
	if c.cfg.APIKey != "" {
		msg = strings.ReplaceAll(msg, c.cfg.APIKey, "[redacted]")
	}
	msg = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, msg)
	return briefs.Truncate(strings.Join(strings.Fields(msg), " "), 200)
}

// withRetryAfter attaches the wait the server asked for to err: its
// Retry-After header (seconds, or an HTTP date), else OpenAI's
// x-ratelimit-reset-requests and -tokens ("1s", "6m0s"), the longer of the
// two since either limit may be the one hit. Without any, err is returned
// as it is.
func withRetryAfter(resp *http.Response, err *briefs.Error) error {
	wait, ok := retryAfter(resp.Header)
	if !ok {
		return err
	}
	return briefs.WithRetryAfter(err, wait, maxRetryAfter)
}

func retryAfter(h http.Header) (time.Duration, bool) {
	if wait, ok := briefs.ParseRetryAfter(h.Get("Retry-After")); ok {
		return wait, true
	}
	var wait time.Duration
	ok := false
	for _, k := range []string{"X-Ratelimit-Reset-Requests", "X-Ratelimit-Reset-Tokens"} {
		if d, err := time.ParseDuration(strings.TrimSpace(h.Get(k))); err == nil {
			wait, ok = max(wait, d), true
		}
	}
	return wait, ok
}
