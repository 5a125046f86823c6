package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Shutdown of the transports that answer interactions (the gateway and the
// HTTP endpoint).
const (
	// DefaultShutdownTimeout bounds the wait for the interactions in flight
	// when a transport stops and its ShutdownTimeout is 0.
	DefaultShutdownTimeout = 10 * time.Second
	// interactionTimeout bounds the work on one interaction: its token (for
	// edits and follow-ups) is valid for 15 minutes.
	interactionTimeout = 15 * time.Minute
	// cancelledWait is how long interactions cancelled at shutdown get to
	// return before the transport stops waiting for them.
	cancelledWait = time.Second
)

// inFlight tracks the interactions a transport is answering, so that at
// shutdown it can refuse new ones, let those under way finish (the edits of
// deferred answers included), and cancel the rest when the wait runs out.
type inFlight struct {
	log *slog.Logger
	// base is the parent of the interactions' contexts: it outlives the
	// event or request that brought each interaction, since a deferred
	// answer is finished after it, and is cancelled when the shutdown wait
	// runs out.
	base   context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	closing bool
	running sync.WaitGroup
}

// newInFlight starts tracking; the interactions' contexts derive from
// parent.
func newInFlight(parent context.Context, log *slog.Logger) *inFlight {
	base, cancel := context.WithCancel(parent)
	return &inFlight{log: log, base: base, cancel: cancel}
}

// admit counts one more interaction in flight. It is false once shutdown
// has begun: that interaction must not be answered.
func (f *inFlight) admit() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closing {
		return false
	}
	f.running.Add(1)
	return true
}

// answer serves an admitted interaction through out and marks it done. A
// panic ends this interaction only. A failed answer is logged: the
// transport has nobody else to tell.
func (f *inFlight) answer(d *Deferral, i *discordgo.Interaction, out Responder) {
	defer f.running.Done()
	defer func() {
		if p := recover(); p != nil {
			f.log.Error("panic serving interaction", "interaction", i.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	ctx, cancel := context.WithTimeout(f.base, interactionTimeout)
	defer cancel()
	// Serve keeps the interaction token (which REST errors quote in their
	// URL) out of its error.
	if err := d.Serve(ctx, i, out); err != nil {
		f.log.Warn("interaction not answered", "interaction", i.ID, "type", i.Type.String(), "err", err)
	}
}

// refuseNew makes admit refuse every interaction from now on.
func (f *inFlight) refuseNew() {
	f.mu.Lock()
	f.closing = true
	f.mu.Unlock()
}

// drain refuses new interactions and waits for those in flight until ctx
// is done; it then cancels them and waits at most cancelledWait more. It
// returns ctx's error when the wait ran out.
func (f *inFlight) drain(ctx context.Context) error {
	f.refuseNew()
	done := make(chan struct{})
	go func() {
		f.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		f.cancel()
		return nil
	case <-ctx.Done():
	}
	f.log.Warn("interactions still running at shutdown; cancelling them")
	f.cancel()
	t := time.NewTimer(cancelledWait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		f.log.Error("interactions did not stop after cancellation")
	}
	return ctx.Err()
}
