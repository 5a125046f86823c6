package bot

import (
	"context"
	"sort"
	"strings"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/cronspec"
)

// The Scheduler's side of the /digest commands (the Digests interface).

// DigestInfo is a schedule with its next run.
type DigestInfo struct {
	Schedule briefs.Schedule
	Next     time.Time // zero when paused or never
}

// ScheduleDigest checks a schedule (cronspec.NewSchedule; a missing
// timezone is DIGEST_TIMEZONE), stores it, makes this instance follow it at
// once (the others follow through the store), and returns it with its next
// three runs. Errors: EINVALID, EUNAVAILABLE.
func (s *Scheduler) ScheduleDigest(ctx context.Context, sch briefs.Schedule) (briefs.Schedule, []time.Time, error) {
	if strings.TrimSpace(sch.Timezone) == "" {
		sch.Timezone = s.defaultTZ
	}
	now := s.clock.Now()
	sch.UpdatedAt = now
	valid, err := cronspec.NewSchedule(sch)
	if err != nil {
		return briefs.Schedule{}, nil, err
	}
	if s.minInterval > 0 {
		if err := cronspec.CheckInterval(valid, s.minInterval, now); err != nil {
			return briefs.Schedule{}, nil, err
		}
	}
	stored, err := s.store.PutSchedule(ctx, valid)
	if err != nil {
		return briefs.Schedule{}, nil, err
	}
	_ = s.reloadGuild(ctx, sch.GuildID, "scheduled")
	return stored, valid.Spec().NextN(now, 3), nil
}

// RemoveDigest removes a channel's schedule. Errors: ENOTFOUND,
// EUNAVAILABLE.
func (s *Scheduler) RemoveDigest(ctx context.Context, guildID, channelID string) error {
	if err := s.store.DeleteSchedule(ctx, guildID, channelID); err != nil {
		return err
	}
	_ = s.reloadGuild(ctx, guildID, "removed")
	return nil
}

// ListDigests returns the guild's schedules with their next runs.
// Errors: EUNAVAILABLE.
func (s *Scheduler) ListDigests(ctx context.Context, guildID string) ([]DigestInfo, error) {
	list, err := s.store.Schedules(ctx, guildID)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := make([]DigestInfo, 0, len(list))
	for _, sch := range list {
		info := DigestInfo{Schedule: sch}
		if spec, err := cronspec.ForSchedule(sch); err == nil && !sch.Paused {
			info.Next = spec.Next(now)
		}
		out = append(out, info)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Schedule.ChannelID < out[j].Schedule.ChannelID })
	return out, nil
}

// PostDigest posts a digest to a channel at once, whether or not it has a
// schedule (its size and timezone apply when it has), and moves the
// channel's cursor. requestID (the interaction id) makes a repeated request
// post once. With nothing new it posts nothing (EventEmpty). A channel that
// refuses the post pauses its schedule (EventPaused). Errors: EUNAVAILABLE,
// or the post's failure.
func (s *Scheduler) PostDigest(ctx context.Context, guildID, channelID, requestID string) (DigestEvent, error) {
	list, err := s.store.Schedules(ctx, guildID)
	if err != nil {
		return DigestEvent{}, err
	}
	sch := briefs.Schedule{GuildID: guildID, ChannelID: channelID, Size: briefs.DefaultDigestSize, Timezone: s.defaultTZ}
	for _, x := range list {
		if x.ChannelID == channelID {
			sch = x
		}
	}
	loc, err := briefs.LoadTimezone(sch.Timezone)
	if err != nil {
		loc = time.UTC
	}
	slot := briefs.DigestSlot{GuildID: guildID, ChannelID: channelID, Key: "now-" + requestID, Size: sch.Size, Version: s.version}
	ev := s.deliver(ctx, slot, loc, false)
	s.report(ev)
	switch ev.Kind {
	case EventFailed:
		return ev, ev.Err
	case EventPaused: // refused: deliver paused whatever schedule the channel has
		_ = s.reloadGuild(ctx, guildID, "paused")
	}
	return ev, nil
}
