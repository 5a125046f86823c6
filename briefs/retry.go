package briefs

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryAfter is how long the origin of err (a site, a language model's
// provider) asked to be left alone, and whether it said: an error in the
// chain with a RetryAfter() time.Duration method says so.
func RetryAfter(err error) (time.Duration, bool) {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return ra.RetryAfter(), true
	}
	return 0, false
}

// WithRetryAfter attaches to err the wait its origin asked for, between 0
// and most: a wrong header must not park the work for days.
func WithRetryAfter(err error, wait, most time.Duration) error {
	return &retryAfterError{err: err, wait: min(max(wait, 0), most)}
}

// ParseRetryAfter reads an HTTP Retry-After value: seconds, or an HTTP
// date (the wait until then).
func ParseRetryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t), true
	}
	return 0, false
}

// retryAfterError is a refusal that says when to ask again.
type retryAfterError struct {
	err  error
	wait time.Duration
}

func (e *retryAfterError) Error() string             { return e.err.Error() }
func (e *retryAfterError) Unwrap() error             { return e.err }
func (e *retryAfterError) RetryAfter() time.Duration { return e.wait }
