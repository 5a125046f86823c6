package bot

import (
	"context"
	"sync"
	"time"

	"briefbot/briefs"
)

// lease keeps a claimed slot's lock while its holder works: it renews the
// lock every third of its TTL (compare-token PEXPIRE) and knows, on the
// local clock, until when the lock is surely still ours. Its context ends
// when that time is near or when a renewal finds the lock gone; the posts
// run under it.
type lease struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	until  time.Time // the lock is ours at least until then (less a margin)
}

// leaseMargin is how long before the lock could expire a lease ends.
func leaseMargin(ttl time.Duration) time.Duration { return briefs.LeaseMargin(ttl) }

// hold starts the lease of claim c, taken at claimed (real time, read
// before the claim was sent).
func (s *Scheduler) hold(parent context.Context, c briefs.Claim, claimed time.Time) *lease {
	ctx, cancel := context.WithCancel(parent)
	ls := &lease{ctx: ctx, cancel: cancel, done: make(chan struct{}), until: claimed.Add(s.lockTTL - leaseMargin(s.lockTTL))}
	go func() {
		defer close(ls.done)
		every := max(s.lockTTL/3, 10*time.Millisecond)
		renew := time.NewTimer(every)
		defer renew.Stop()
		for {
			expire := time.NewTimer(time.Until(ls.deadline()))
			select {
			case <-ctx.Done():
				expire.Stop()
				return
			case <-expire.C:
				s.log.Warn("digest lease ran out: the lock could not be renewed", "guild", c.Slot.GuildID, "channel", c.Slot.ChannelID)
				cancel()
				return
			case <-renew.C:
			}
			expire.Stop()
			start := time.Now()
			rctx, rcancel := context.WithTimeout(ctx, every)
			ok, err := s.store.RenewDigest(rctx, c, s.lockTTL)
			rcancel()
			switch {
			case err != nil:
				s.log.Warn("cannot renew digest lock", "guild", c.Slot.GuildID, "channel", c.Slot.ChannelID, "err", err)
			case !ok:
				s.log.Warn("digest lock lost: stopping", "guild", c.Slot.GuildID, "channel", c.Slot.ChannelID)
				cancel()
				return
			default:
				ls.mu.Lock()
				ls.until = start.Add(s.lockTTL - leaseMargin(s.lockTTL))
				ls.mu.Unlock()
			}
			renew.Reset(every)
		}
	}()
	return ls
}

// deadline is the time by which work under the lease must be done.
func (ls *lease) deadline() time.Time {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.until
}

// bound returns a context for one request: it ends after d, or when the
// lease ends (its deadline passed without a renewal, or the lock was lost),
// whichever comes first.
func (ls *lease) bound(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ls.ctx, d)
}

// stop ends the lease's renewals.
func (ls *lease) stop() {
	ls.cancel()
	<-ls.done
}
