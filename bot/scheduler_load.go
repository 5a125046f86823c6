package bot

import (
	"context"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/cronspec"
)

// entryKey keys the loaded schedules: one per guild and channel.
func entryKey(guildID, channelID string) string { return guildID + "/" + channelID }

// reloadAll loads every schedule.
func (s *Scheduler) reloadAll(ctx context.Context, why string) error {
	all, ver, err := s.store.AllSchedules(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("cannot load digest schedules; retrying", "err", err)
		}
		return err
	}
	s.mu.Lock()
	s.schedVer = ver
	s.applyLocked("", all)
	s.mu.Unlock()
	s.poke()
	s.report(DigestEvent{Kind: EventLoaded, Count: len(all), Detail: why})
	return nil
}

// reloadGuild loads the schedules of one guild.
func (s *Scheduler) reloadGuild(ctx context.Context, guildID, why string) error {
	list, err := s.store.Schedules(ctx, guildID)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("cannot load digest schedules", "guild", guildID, "err", err)
		}
		return err
	}
	s.mu.Lock()
	s.applyLocked(guildID, list)
	s.mu.Unlock()
	s.poke()
	s.report(DigestEvent{Kind: EventLoaded, GuildID: guildID, Count: len(list), Detail: why})
	return nil
}

// poke wakes the loop.
func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// applyLocked replaces the loaded schedules of one guild ("" for all) with
// list. Unchanged schedules (same revision) keep their next slot; new and
// changed ones look for a missed slot to catch up.
func (s *Scheduler) applyLocked(guildID string, list []briefs.Schedule) {
	now := s.clock.Now()
	seen := make(map[string]bool, len(list))
	for _, sch := range list {
		if guildID != "" && sch.GuildID != guildID {
			continue
		}
		k := entryKey(sch.GuildID, sch.ChannelID)
		seen[k] = true
		if e, ok := s.entries[k]; ok && e.sched.Rev == sch.Rev {
			e.sched = sch // state: pause, cursor, last slot
			continue
		}
		spec, err := cronspec.ForSchedule(sch)
		if err != nil {
			s.log.Error("digest schedule cannot be read; ignored", "guild", sch.GuildID, "channel", sch.ChannelID, "cron", sch.Cron, "err", err)
			delete(s.entries, k)
			continue
		}
		e := &entry{sched: sch, spec: spec, next: spec.Next(now)}
		s.entries[k] = e
		if !sch.Paused {
			if j, ok := s.catchUp(e, now); ok {
				s.pending = append(s.pending, j)
			}
		}
	}
	for k, e := range s.entries {
		if (guildID == "" || e.sched.GuildID == guildID) && !seen[k] {
			delete(s.entries, k)
		}
	}
}

// catchUp finds the slot a new schedule missed: the latest one after its
// last handled slot (or its creation) and younger than the grace period.
// Older missed slots are reported as skipped.
func (s *Scheduler) catchUp(e *entry, now time.Time) (slotJob, bool) {
	from := e.sched.UpdatedAt
	if e.sched.LastSlot.After(from) {
		from = e.sched.LastSlot
	}
	first := e.spec.Next(from)
	if first.IsZero() || first.After(now) {
		return slotJob{}, false
	}
	cutoff := now.Add(-s.grace)
	lo := cutoff
	if from.After(lo) {
		lo = from
	}
	if !first.After(cutoff) {
		s.skipped(e.sched, first)
	}
	latest := latestDue(e.spec, e.spec.Next(lo), now)
	if latest.IsZero() {
		return slotJob{}, false
	}
	return slotJob{sched: e.sched, loc: e.spec.Location(), at: latest, catchUp: true}, true
}
