package bot

import (
	"context"
	"errors"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/cronspec"
	"briefbot/internal/backoff"

	"github.com/robfig/cron/v3"
)

// Run loads the schedules and posts digests until ctx is done, then waits
// for the digests in flight. A store that does not answer at start is
// retried every poll interval. Run returns nil after ctx is done.
func (s *Scheduler) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("bot: Scheduler.Run is already running")
	}
	defer s.running.Store(false)
	defer s.jobs.Wait()
	changes := s.store.WatchSchedules(ctx)
	loaded := s.reloadAll(ctx, "start") == nil
	lastFull := s.clock.Now()
	poll := s.clock.NewTimer(s.poll)
	defer func() { poll.Stop() }()
	for {
		now := s.clock.Now()
		s.fireDue(ctx, now)
		wait := s.untilNext(now)
		timer := s.clock.NewTimer(wait)
		if !s.clock.Now().Before(now.Add(wait)) {
			// The clock passed the deadline while the timer was made.
			timer.Stop()
			continue
		}
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C():
		case <-s.wake:
		case g, ok := <-changes:
			switch {
			case !ok:
				changes = nil
			case g == "":
				if s.reloadAll(ctx, "subscribed") == nil {
					loaded, lastFull = true, s.clock.Now()
				}
			default:
				_ = s.reloadGuild(ctx, g, "changed")
			}
		case <-poll.C():
			v, err := s.store.ScheduleVersion(ctx)
			s.mu.Lock()
			changed := err == nil && v != s.schedVer
			s.mu.Unlock()
			if !loaded || changed || s.clock.Now().Sub(lastFull) >= s.resync {
				if s.reloadAll(ctx, "poll") == nil {
					loaded, lastFull = true, s.clock.Now()
				}
			}
			poll = s.clock.NewTimer(s.poll)
		}
		timer.Stop()
	}
}

// untilNext is how long the loop may sleep: until the earliest next slot.
func (s *Scheduler) untilNext(now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	wait := time.Duration(-1)
	for _, e := range s.entries {
		if e.next.IsZero() {
			continue
		}
		if d := e.next.Sub(now); wait < 0 || d < wait {
			wait = d
		}
	}
	if len(s.pending) > 0 {
		return 0
	}
	if wait < 0 {
		return time.Hour
	}
	return max(wait, 0)
}

// fireDue dispatches every slot that is due, and the pending catch-ups.
func (s *Scheduler) fireDue(ctx context.Context, now time.Time) {
	s.mu.Lock()
	due := s.pending
	s.pending = nil
	var paused []DigestEvent
	for _, e := range s.entries {
		if e.next.IsZero() || e.next.After(now) {
			continue
		}
		if e.sched.Paused {
			paused = append(paused, DigestEvent{Kind: EventPaused, GuildID: e.sched.GuildID, ChannelID: e.sched.ChannelID,
				Slot: e.next, Detail: "the schedule is paused"})
			e.next = e.spec.Next(now)
			continue
		}
		// The latest slot that is due: when the loop woke late (a
		// suspended machine), one digest covers every slot in between.
		slot := latestDue(e.spec, e.next, now)
		e.next = e.spec.Next(now)
		if now.Sub(slot) >= s.grace {
			s.skipped(e.sched, slot)
			continue
		}
		due = append(due, slotJob{sched: e.sched, loc: e.spec.Location(), at: slot})
	}
	s.mu.Unlock()
	for _, ev := range paused {
		s.report(ev)
	}
	for _, j := range due {
		s.dispatch(ctx, j)
	}
}

// dispatch runs one slot in its own goroutine, at most Workers at once,
// with panic recovery. A slot another instance holds (busy) is looked at
// again once that instance's lock has expired, while the slot is still
// within the grace period: if its holder died before posting, the slot is
// posted then rather than lost; if the holder finished, the marker says so
// and nothing more happens.
func (s *Scheduler) dispatch(ctx context.Context, j slotJob) {
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		unknownOutcome := backoff.Constant(1+unknownOutcomeRounds, unknownOutcomeWait*s.backoff).Start()
		for {
			ev, ok := s.runSlot(ctx, j)
			if ok && ev.Kind == EventFailed && errors.Is(ev.Err, errOutcomeUnknown) {
				// Discord may hold the post: try the slot once more, with
				// the same nonce, while Discord still remembers it.
				if unknownOutcome.Wait(ctx) {
					continue
				}
				return
			}
			if !ok || ev.Kind != EventBusy {
				return
			}
			wait := s.lockTTL + time.Second
			if s.clock.Now().Add(wait).Sub(j.at) >= s.grace {
				return
			}
			t := s.clock.NewTimer(wait)
			select {
			case <-t.C():
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
	}()
}

// runSlot handles one slot under the Workers limit; ok is false when ctx
// ended first.
func (s *Scheduler) runSlot(ctx context.Context, j slotJob) (ev DigestEvent, ok bool) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return DigestEvent{}, false
	}
	defer func() { <-s.sem }()
	s.recover(cron.FuncJob(func() {
		ev = s.deliver(ctx, slotFor(j, s.version), j.loc, j.sched.PostEmpty)
		ev.CatchUp = j.catchUp
		s.report(ev)
	})).Run()
	return ev, true
}

func slotFor(j slotJob, version string) briefs.DigestSlot {
	return briefs.DigestSlot{
		GuildID: j.sched.GuildID, ChannelID: j.sched.ChannelID,
		Key: briefs.SlotKey(j.at), At: j.at, Rev: j.sched.Rev, Size: j.sched.Size, Version: version,
	}
}

// report logs an event and passes it on.
func (s *Scheduler) report(ev DigestEvent) {
	attrs := []any{"guild", ev.GuildID, "channel", ev.ChannelID}
	if !ev.Slot.IsZero() {
		attrs = append(attrs, "slot", ev.Slot.UTC().Format(time.RFC3339))
	}
	switch ev.Kind {
	case EventPosted:
		s.log.Info("digest posted", append(attrs, "message", ev.MessageID, "briefs", ev.Count, "new", ev.Total, "catch_up", ev.CatchUp)...)
	case EventFailed:
		if errors.Is(ev.Err, context.Canceled) {
			s.log.Info("digest not posted: stopping", attrs...)
		} else {
			s.log.Error("digest failed", append(attrs, "err", ev.Err)...)
		}
	case EventPaused:
		if ev.Err != nil {
			s.log.Warn("digest schedule paused: Discord refused the post", append(attrs, "reason", ev.Detail)...)
		} else {
			s.log.Debug("digest slot of a paused schedule", attrs...)
		}
	case EventSkipped:
		s.log.Warn("missed digest slot skipped: older than "+briefs.SettingDigestGrace, append(attrs, "grace", s.grace)...)
	case EventLoaded:
		s.log.Debug("digest schedules loaded", "guild", ev.GuildID, "schedules", ev.Count, "why", ev.Detail)
	default:
		s.log.Debug("digest slot "+string(ev.Kind), attrs...)
	}
	if s.onEvent != nil {
		s.onEvent(ev)
	}
}

func (s *Scheduler) skipped(sch briefs.Schedule, slot time.Time) {
	s.report(DigestEvent{Kind: EventSkipped, GuildID: sch.GuildID, ChannelID: sch.ChannelID, Slot: slot})
}

// maxSlotWalk bounds how many slots latestDue steps over (an every-minute
// schedule after two months asleep).
const maxSlotWalk = 100000

// latestDue is the latest slot of spec from first on that is not after now;
// zero when first is zero or after now.
func latestDue(spec *cronspec.Spec, first, now time.Time) time.Time {
	if first.IsZero() || first.After(now) {
		return time.Time{}
	}
	slot := first
	for range maxSlotWalk {
		n := spec.Next(slot)
		if n.IsZero() || n.After(now) {
			break
		}
		slot = n
	}
	return slot
}
