package store

// Digest schedules and the state kept beside them (cursor, last slot, last
// message, pause). The keys below are also those of the exactly-once
// protocol of digest posts, in digest_posts.go.
//
// Keys (under the prefix; a guild's keys share its hash slot):
//
//	g:{G}:digests                 hash: channel id -> Schedule JSON (with its rev)
//	g:{G}:digest:state            hash: "<ch>:cursor" -> fresh score (Redis clock, Unix ms)
//	                              of the newest brief a digest covered; "<ch>:slot" -> the latest slot
//	                              handled (Unix s); "<ch>:msg" -> the last message id;
//	                              "<ch>:paused" -> {"reason":..,"at":..} while paused
//	g:{G}:digest:lock:{ch}        string: random token, PX lock TTL; one per channel, so
//	                              that every digest of a channel (scheduled or /digest now)
//	                              runs alone; its holder renews it while it works
//	g:{G}:digest:done:{ch}:{key}  string: message id ("-" when nothing was posted), PX marker TTL
//	digest:guilds                 set: ids of the guilds that have (or had) schedules
//	digest:version                counter: bumped on every change of any schedule
//	digest:changes                pub/sub channel: the guild id of each change
//	discord:pace                  string: the next free send time (µs) of the shared pacer
//
// The global keys are written after the guild's keys, never in the same
// atomic step (they live in other hash slots): a crash in between leaves a
// change that other instances pick up at their next full reload instead of at
// once. A guild stays in digest:guilds after its last schedule goes; removing
// it safely would need a cross-slot transaction, and loading an empty guild
// costs one empty HGETALL.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
	"briefbot/briefs/cronspec"
)

func (k guildKeys) digests() string     { return k.base + "digests" }
func (k guildKeys) digestState() string { return k.base + "digest:state" }
func (k guildKeys) digestLock(ch string) string {
	return k.base + "digest:lock:" + ch
}
func (k guildKeys) digestDone(ch, key string) string {
	return k.base + "digest:done:" + ch + ":" + key
}

func (db *DB) digestGuilds() string  { return db.prefix + "digest:guilds" }
func (db *DB) digestVersion() string { return db.prefix + "digest:version" }
func (db *DB) digestChanges() string { return db.prefix + "digest:changes" }
func (db *DB) discordPace() string   { return db.prefix + "discord:pace" }

// checkChannel accepts channel ids the keys can hold.
func checkChannel(ch string) error {
	if ch == "" {
		return briefs.Errorf(briefs.EINVALID, "Name the channel the digest goes to.")
	}
	if len(ch) > 64 || strings.ContainsAny(ch, "{}: ") || hasControl(ch) {
		return briefs.Errorf(briefs.EINVALID, "channel id %q is not valid", ch)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Schedules

// PutSchedule creates or replaces the digest schedule of the channel in
// its guild, clears a pause of the channel, and tells the other instances.
// It takes a cronspec.ValidSchedule, so every schedule it writes went
// through cronspec.NewSchedule (the zero one, which has no Spec, is
// refused); it checks only that the ids fit its keys. It sets a new Rev and
// a zero UpdatedAt to now, and returns the schedule as stored. The
// channel's cursor is kept, so a changed schedule does not repeat briefs.
// Errors: EINVALID, ETOOLARGE (a new channel in a guild at
// MaxSchedulesPerGuild), EUNAVAILABLE.
func (db *DB) PutSchedule(ctx context.Context, v cronspec.ValidSchedule) (briefs.Schedule, error) {
	if v.Spec() == nil {
		return briefs.Schedule{}, fmt.Errorf("put schedule: %w", briefs.Errorf(briefs.EINVALID, "the schedule was not checked"))
	}
	s := v.Schedule()
	if err := checkGuild(s.GuildID); err != nil {
		return briefs.Schedule{}, fmt.Errorf("put schedule: %w", err)
	}
	if err := checkChannel(s.ChannelID); err != nil {
		return briefs.Schedule{}, fmt.Errorf("put schedule: %w", err)
	}
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = time.Now()
	}
	s.UpdatedAt = s.UpdatedAt.UTC()
	s.Rev = randomToken(8)
	s.Paused, s.PausedReason, s.PausedAt = false, "", time.Time{}
	js, err := json.Marshal(s)
	if err != nil {
		return briefs.Schedule{}, fmt.Errorf("put schedule: %w", err)
	}
	k := db.guild(s.GuildID)
	if err := db.write(func() (bool, error) {
		// The guild is listed first, so that a crash after it leaves a
		// listed guild without the schedule (harmless) rather than the
		// reverse.
		if err := db.client.SAdd(ctx, db.digestGuilds(), s.GuildID).Err(); err != nil {
			return false, db.fail("put schedule", err)
		}
		if err := db.storeSchedule(ctx, k, s.ChannelID, js); err != nil {
			return false, err
		}
		db.announce(ctx, s.GuildID)
		return true, nil
	}); err != nil {
		return briefs.Schedule{}, err
	}
	s.Cursor, s.LastSlot, s.LastMessageID = time.Time{}, time.Time{}, ""
	return s, nil
}

// DeleteSchedule removes the digest schedule of a channel with its cursor
// and state, and tells the other instances. Errors: ENOTFOUND,
// EUNAVAILABLE.
func (db *DB) DeleteSchedule(ctx context.Context, guildID, channelID string) error {
	if err := checkGuild(guildID); err != nil {
		return fmt.Errorf("delete schedule: %w", err)
	}
	if err := checkChannel(channelID); err != nil {
		return fmt.Errorf("delete schedule: %w", err)
	}
	k := db.guild(guildID)
	return db.write(func() (bool, error) {
		var del *redis.IntCmd
		if _, err := db.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			del = p.HDel(ctx, k.digests(), channelID)
			p.HDel(ctx, k.digestState(), stateFields(channelID)...)
			return nil
		}); err != nil {
			return false, db.fail("delete schedule", err)
		}
		if del.Val() == 0 {
			return true, fmt.Errorf("delete schedule: %w", briefs.Errorf(briefs.ENOTFOUND, "No digest is scheduled for that channel."))
		}
		db.announce(ctx, guildID)
		return true, nil
	})
}

func stateFields(ch string) []string {
	return []string{ch + ":cursor", ch + ":slot", ch + ":msg", ch + ":paused"}
}

// announce bumps the schedule version and publishes the guild id. A
// failure is only logged: the change is stored, and other instances find
// it at their next full reload.
func (db *DB) announce(ctx context.Context, guildID string) {
	_, err := db.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Incr(ctx, db.digestVersion())
		p.Publish(ctx, db.digestChanges(), guildID)
		return nil
	})
	if err != nil {
		db.log.Warn("cannot announce a digest schedule change", "guild", guildID, "err", err)
	}
}

// pauseScript pauses the schedule of channel ARGV[1] when its rev is
// ARGV[2] ("" = any). KEYS[1] digests, KEYS[2] state; ARGV[3] the pause
// JSON. Returns 1 when paused, 0 when the schedule is gone or changed.
var pauseScript = newScript(`
local s = redis.call('HGET', KEYS[1], ARGV[1])
if not s then return 0 end
if ARGV[2] ~= '' then
  local ok, d = pcall(cjson.decode, s)
  if not ok or type(d) ~= 'table' or d.rev ~= ARGV[2] then return 0 end
end
redis.call('HSET', KEYS[2], ARGV[1] .. ':paused', ARGV[3])
return 1
`)

type pauseRecord struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// PauseSchedule pauses the channel's schedule, with the reason people will
// read in /digest list, when its revision is rev ("" pauses whatever
// schedule the channel has); a schedule that changed meanwhile stays as it
// is. It reports whether it paused one. Scheduling the channel again
// resumes it. Errors: EUNAVAILABLE.
func (db *DB) PauseSchedule(ctx context.Context, guildID, channelID, rev, reason string, at time.Time) (bool, error) {
	if err := checkGuild(guildID); err != nil {
		return false, fmt.Errorf("pause schedule: %w", err)
	}
	if err := checkChannel(channelID); err != nil {
		return false, fmt.Errorf("pause schedule: %w", err)
	}
	pj, err := json.Marshal(pauseRecord{Reason: reason, At: at.UTC()})
	if err != nil {
		return false, fmt.Errorf("pause schedule: %w", err)
	}
	k := db.guild(guildID)
	var paused bool
	err = db.write(func() (bool, error) {
		n, err := pauseScript.Run(ctx, db.client, []string{k.digests(), k.digestState()}, channelID, rev, pj).Int()
		if err != nil {
			return false, db.fail("pause schedule", err)
		}
		if paused = n != 0; paused {
			db.announce(ctx, guildID)
		}
		return paused, nil
	})
	return paused, err
}

// Schedules lists the digest schedules of a guild with their state, by
// channel id, in one round trip. Errors: EUNAVAILABLE.
func (db *DB) Schedules(ctx context.Context, guildID string) ([]briefs.Schedule, error) {
	if err := checkGuild(guildID); err != nil {
		return nil, fmt.Errorf("schedules: %w", err)
	}
	k := db.guild(guildID)
	var sc, st *redis.MapStringStringCmd
	if _, err := db.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		sc = p.HGetAll(ctx, k.digests())
		st = p.HGetAll(ctx, k.digestState())
		return nil
	}); err != nil {
		return nil, db.fail("schedules", err)
	}
	return db.decodeSchedules(guildID, sc.Val(), st.Val()), nil
}

// AllSchedules returns every digest schedule of every guild with its state,
// and the schedule version read before them: when the version read later
// differs, something changed since. Two round trips. Errors: EUNAVAILABLE.
func (db *DB) AllSchedules(ctx context.Context) ([]briefs.Schedule, int64, error) {
	var ver *redis.StringCmd
	var guilds *redis.StringSliceCmd
	if _, err := db.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		ver = p.Get(ctx, db.digestVersion())
		guilds = p.SMembers(ctx, db.digestGuilds())
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, 0, db.fail("all schedules", err)
	}
	if err := guilds.Err(); err != nil {
		return nil, 0, db.fail("all schedules", err)
	}
	version, _ := strconv.ParseInt(ver.Val(), 10, 64)
	ids := guilds.Val()
	sort.Strings(ids)
	var out []briefs.Schedule
	const batch = 500
	for len(ids) > 0 {
		n := min(len(ids), batch)
		part := ids[:n]
		ids = ids[n:]
		cmds := make([][2]*redis.MapStringStringCmd, len(part))
		if _, err := db.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, g := range part {
				k := db.guild(g)
				cmds[i] = [2]*redis.MapStringStringCmd{p.HGetAll(ctx, k.digests()), p.HGetAll(ctx, k.digestState())}
			}
			return nil
		}); err != nil {
			return nil, 0, db.fail("all schedules", err)
		}
		for i, g := range part {
			out = append(out, db.decodeSchedules(g, cmds[i][0].Val(), cmds[i][1].Val())...)
		}
	}
	return out, version, nil
}

// ScheduleVersion returns the schedule version, bumped by every change of
// any schedule. One round trip. Errors: EUNAVAILABLE.
func (db *DB) ScheduleVersion(ctx context.Context) (int64, error) {
	v, err := db.client.Get(ctx, db.digestVersion()).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	} else if err != nil {
		return 0, db.fail("schedule version", err)
	}
	return v, nil
}

// WatchSchedules follows schedule changes made by any instance: it sends
// the id of each guild whose schedules changed, and "" when the
// subscription (re)starts, after which changes may have been missed and
// everything should be reloaded. Delivery is best effort (Redis pub/sub);
// compare ScheduleVersion now and then as well. The channel is closed when
// ctx is done.
func (db *DB) WatchSchedules(ctx context.Context) <-chan string {
	out := make(chan string, 64)
	ps := db.client.Subscribe(ctx, db.digestChanges())
	go func() {
		defer close(out)
		defer ps.Close()
		in := ps.ChannelWithSubscriptions(redis.WithChannelSize(1024))
		for {
			var msg string
			select {
			case <-ctx.Done():
				return
			case m, ok := <-in:
				if !ok {
					return
				}
				switch m := m.(type) {
				case *redis.Subscription:
					if m.Kind != "subscribe" {
						continue
					}
					msg = ""
				case *redis.Message:
					msg = m.Payload
				default:
					continue
				}
			}
			select {
			case out <- msg:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// decodeSchedules builds a guild's schedules from its digests and state
// hashes; entries that do not decode are logged and left out.
func (db *DB) decodeSchedules(guildID string, sched, state map[string]string) []briefs.Schedule {
	out := make([]briefs.Schedule, 0, len(sched))
	for ch, js := range sched {
		var s briefs.Schedule
		if err := json.Unmarshal([]byte(js), &s); err != nil {
			db.log.Warn("unreadable digest schedule", "guild", guildID, "channel", ch, "err", err)
			continue
		}
		s.GuildID, s.ChannelID = guildID, ch
		if v, ok := state[ch+":cursor"]; ok {
			s.Cursor = fromMillis(v)
		}
		if v, ok := state[ch+":slot"]; ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				s.LastSlot = time.Unix(n, 0).UTC()
			}
		}
		s.LastMessageID = state[ch+":msg"]
		if v, ok := state[ch+":paused"]; ok {
			var p pauseRecord
			_ = json.Unmarshal([]byte(v), &p)
			s.Paused, s.PausedReason, s.PausedAt = true, p.Reason, p.At
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ChannelID < out[j].ChannelID })
	return out
}

// fromMillis reads a Unix-millisecond score ("1735790645000", or a float
// such as "1.735790645e+12").
func fromMillis(s string) time.Time {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return time.Time{}
	}
	return time.UnixMilli(int64(f)).UTC()
}

// randomToken returns n random bytes in hex: schedule revisions and lock
// tokens that no other write or instance can produce by chance.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
