// Package backoff paces the retries of an operation that may fail for a
// while: it counts the tries, says how long to wait before the next one,
// and waits without outliving the caller's context. The caller keeps its
// own loop, so that what makes an error worth retrying stays next to the
// call that returned it.
package backoff

import (
	"context"
	"time"
)

// Policy is how often an operation is tried and how long to wait between
// tries.
type Policy struct {
	// Attempts bounds the tries, the first included; 0 leaves them
	// unbounded (the context ends them).
	Attempts int
	// Delay is the wait after the failed try number attempt (from 1).
	Delay func(attempt int) time.Duration
}

// Constant waits d between tries, for at most attempts tries.
func Constant(attempts int, d time.Duration) Policy {
	return Policy{Attempts: attempts, Delay: func(int) time.Duration { return d }}
}

// Linear waits step after the first failed try, 2*step after the second,
// and so on, for at most attempts tries.
func Linear(attempts int, step time.Duration) Policy {
	return Policy{Attempts: attempts, Delay: func(attempt int) time.Duration { return step * time.Duration(attempt) }}
}

// Exponential waits first after the first failed try and doubles the wait
// after each further one, up to limit, for at most attempts tries (0: no
// bound).
func Exponential(attempts int, first, limit time.Duration) Policy {
	return Policy{Attempts: attempts, Delay: func(attempt int) time.Duration {
		d := first
		for i := 1; i < attempt && d < limit; i++ {
			d *= 2
		}
		return min(d, limit)
	}}
}

// Start counts the tries of one run of the operation; the first try is
// under way when it returns.
func (p Policy) Start() *Tries { return &Tries{policy: p, attempt: 1} }

// Tries counts the tries of one run of an operation.
type Tries struct {
	policy  Policy
	attempt int
}

// Attempt is the number of the try under way, from 1.
func (t *Tries) Attempt() int { return t.attempt }

// Last reports whether the try under way is the last the policy allows.
func (t *Tries) Last() bool { return t.policy.Attempts > 0 && t.attempt >= t.policy.Attempts }

// Delay is the wait before the next try, after the one under way failed.
func (t *Tries) Delay() time.Duration {
	if t.policy.Delay == nil {
		return 0
	}
	return t.policy.Delay(t.attempt)
}

// Wait waits the policy's delay before the next try. It reports false,
// without waiting, when the try under way was the last, and false as soon
// as ctx ends.
func (t *Tries) Wait(ctx context.Context) bool { return t.WaitFor(ctx, t.Delay()) }

// WaitFor is Wait with a wait chosen by the caller, such as the one a
// rate-limited server asked for.
func (t *Tries) WaitFor(ctx context.Context, d time.Duration) bool {
	if t.Last() || !Sleep(ctx, d) {
		return false
	}
	t.attempt++
	return true
}

// Sleep waits d; it reports false as soon as ctx ends first.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
