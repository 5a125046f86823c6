package store

// Digest schedules, cursors and the exactly-once protocol of digest posts.
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

// noMessage is the marker of a slot that was handled without a post.
const noMessage = "-"

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

func checkSlotKey(key string) error {
	if key == "" || len(key) > 200 || strings.ContainsAny(key, "{} ") || hasControl(key) {
		return briefs.Errorf(briefs.EINVALID, "digest slot %q is not valid", key)
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

// ---------------------------------------------------------------------------
// Exactly-once posts

// claimScript claims one digest post and loads what it will hold.
//
// KEYS: 1 digests, 2 state, 3 lock, 4 marker, 5 fresh, 6 listings.
// ARGV: 1 channel, 2 rev ("" = no schedule needed), 3 token, 4 lock ms,
// 5 size, 6 guild key base, 7 summarizer version ("" = no briefs).
//
// Returns {'gone'}, {'paused'}, {'done', message id}, {'busy'}, or
// {'claimed', cursor, total, newest score, listing 1, brief 1, ...}.
var claimScript = newScript(`
local ch = ARGV[1]
if ARGV[2] ~= '' then
  local s = redis.call('HGET', KEYS[1], ch)
  if not s then return {'gone'} end
  local ok, d = pcall(cjson.decode, s)
  if not ok or type(d) ~= 'table' or d.rev ~= ARGV[2] then return {'gone'} end
  if redis.call('HEXISTS', KEYS[2], ch .. ':paused') == 1 then return {'paused'} end
end
local m = redis.call('GET', KEYS[4])
if m then return {'done', m} end
if not redis.call('SET', KEYS[3], ARGV[3], 'NX', 'PX', ARGV[4]) then return {'busy'} end
local cur = redis.call('HGET', KEYS[2], ch .. ':cursor')
local lo = '-inf'
if cur then lo = '(' .. cur end
local total = redis.call('ZCOUNT', KEYS[5], lo, '+inf')
local out = {'claimed', cur or '', tostring(total), ''}
if total == 0 then return out end
local ids = redis.call('ZREVRANGEBYSCORE', KEYS[5], '+inf', lo, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[5]))
if #ids == 0 then return out end
out[4] = ids[2]
local pick = {}
for i = 1, #ids, 2 do pick[#pick + 1] = ids[i] end
local ls = redis.call('HMGET', KEYS[6], unpack(pick))
for i = 1, #pick do
  local l = ls[i] or ''
  local b = ''
  if l ~= '' and ARGV[7] ~= '' then
    local ok, d = pcall(cjson.decode, l)
    if ok and type(d) == 'table' and type(d.slug) == 'string' then
      b = redis.call('GET', ARGV[6] .. 'brief:' .. d.slug .. ':' .. ARGV[7]) or ''
    end
  end
  out[#out + 1] = l
  out[#out + 1] = b
end
return out
`)

// completeScript records a handled post, only while the lock is still the
// caller's (a fence: a holder whose lease ran out writes nothing): the
// marker (with the message id), the channel's cursor and last slot (only
// ever forward), and releases the lock. Returns 1, or 0 when the lock is
// not the caller's.
//
// KEYS: 1 state, 2 lock, 3 marker. ARGV: 1 channel, 2 token, 3 message id
// ('-' = none), 4 marker ms, 5 cursor ms ("" = unchanged), 6 slot Unix s
// ("" = not a scheduled slot).
var completeScript = newScript(`
local ch = ARGV[1]
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
if ARGV[5] ~= '' then
  local cur = redis.call('HGET', KEYS[1], ch .. ':cursor')
  if not cur or tonumber(ARGV[5]) > tonumber(cur) then redis.call('HSET', KEYS[1], ch .. ':cursor', ARGV[5]) end
end
if ARGV[6] ~= '' then
  local last = redis.call('HGET', KEYS[1], ch .. ':slot')
  if not last or tonumber(ARGV[6]) > tonumber(last) then redis.call('HSET', KEYS[1], ch .. ':slot', ARGV[6]) end
end
if ARGV[3] ~= '-' then redis.call('HSET', KEYS[1], ch .. ':msg', ARGV[3]) end
redis.call('DEL', KEYS[2])
return 1
`)

// renewScript extends the lock KEYS[1] to ARGV[2] ms if it still holds
// token ARGV[1]. Returns 1 when renewed, 0 when the lock is not the
// caller's any more.
var renewScript = newScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`)

// releaseScript deletes the lock KEYS[1] if it still holds token ARGV[1].
var releaseScript = newScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// ClaimDigest is the first step of posting a digest exactly once. In one
// round trip (one Lua script) it checks that the slot's schedule still has
// revision slot.Rev and is not paused (skipped for on-demand posts, whose
// Rev is ""), that the slot has no marker yet (ClaimDone), and takes the
// channel's lock (SET NX PX with a random token; ClaimBusy when another
// instance, or another digest of the channel, holds it). The holder renews
// the lock (RenewDigest) while it works. With the lock it loads the digest: the briefs added to
// the guild since the channel's cursor, newest first, at most slot.Size,
// with the cached brief of summarizer version slot.Version where there is
// one, and how many there are in all.
//
// The caller then posts and calls CompleteDigest, or ReleaseDigest when it
// did not post. A crash after the post and before CompleteDigest leaves the
// slot unmarked: the lock expires after lockTTL and, within the grace
// period, another instance finds no marker and posts again (with the same
// nonce, which Discord deduplicates for a few minutes). Errors: EINVALID,
// EUNAVAILABLE.
func (db *DB) ClaimDigest(ctx context.Context, slot briefs.DigestSlot, lockTTL time.Duration) (briefs.Claim, error) {
	if err := checkGuild(slot.GuildID); err != nil {
		return briefs.Claim{}, fmt.Errorf("claim digest: %w", err)
	}
	if err := checkChannel(slot.ChannelID); err != nil {
		return briefs.Claim{}, fmt.Errorf("claim digest: %w", err)
	}
	if err := checkSlotKey(slot.Key); err != nil {
		return briefs.Claim{}, fmt.Errorf("claim digest: %w", err)
	}
	if strings.Contains(slot.Version, ":") {
		slot.Version = "" // no brief key holds one; see checkSlug
	}
	size := slot.Size
	if size <= 0 {
		size = briefs.DefaultDigestSize
	}
	k := db.guild(slot.GuildID)
	token := randomToken(16)
	keys := []string{k.digests(), k.digestState(), k.digestLock(slot.ChannelID),
		k.digestDone(slot.ChannelID, slot.Key), k.fresh(), k.listings()}
	res, err := claimScript.Run(ctx, db.client, keys, slot.ChannelID, slot.Rev, token,
		ttlMillis(max(lockTTL, time.Second)), size, k.base, slot.Version).StringSlice()
	if err != nil {
		return briefs.Claim{}, db.fail("claim digest", err)
	}
	if len(res) == 0 {
		return briefs.Claim{}, fmt.Errorf("claim digest: empty script reply")
	}
	c := briefs.Claim{Slot: slot, Status: briefs.ClaimStatus(res[0])}
	switch c.Status {
	case briefs.ClaimGone, briefs.ClaimPaused, briefs.ClaimBusy:
		return c, nil
	case briefs.ClaimDone:
		if len(res) > 1 && res[1] != noMessage {
			c.MessageID = res[1]
		}
		return c, nil
	case briefs.ClaimTaken:
	default:
		return briefs.Claim{}, fmt.Errorf("claim digest: unexpected script reply %q", res[0])
	}
	if len(res) < 4 || len(res)%2 != 0 {
		return briefs.Claim{}, fmt.Errorf("claim digest: short script reply %q", res)
	}
	c.Token = token
	d := &c.Digest
	d.GuildID, d.ChannelID = slot.GuildID, slot.ChannelID
	if res[1] != "" {
		d.Since = fromMillis(res[1])
	}
	d.Total, _ = strconv.Atoi(res[2])
	d.Cursor = d.Since
	if res[3] != "" {
		d.Cursor = fromMillis(res[3])
	}
	for i := 4; i+1 < len(res); i += 2 {
		if res[i] == "" {
			continue
		}
		var it briefs.DigestItem
		if err := json.Unmarshal([]byte(res[i]), &it.Listing); err != nil {
			db.log.Warn("unreadable listing in digest", "guild", slot.GuildID, "err", err)
			continue
		}
		if res[i+1] != "" {
			var b briefs.Brief
			if err := json.Unmarshal([]byte(res[i+1]), &b); err == nil && b.Summarizer == slot.Version {
				it.Brief = &b
			}
		}
		d.Items = append(d.Items, it)
	}
	return c, nil
}

// CompleteDigest records that a claimed slot was handled, in one round trip:
// the idempotency marker with the message id ("" when nothing was posted)
// for markerTTL, the channel's cursor moved forward to cursor (a zero
// cursor leaves it), the channel's last slot moved forward to a scheduled
// slot's time, and the lock released, all only while the lock is still the
// claim's. Errors: ErrLeaseLost (ECONFLICT) when it is not, and nothing
// was written; EUNAVAILABLE.
func (db *DB) CompleteDigest(ctx context.Context, c briefs.Claim, messageID string, cursor time.Time, markerTTL time.Duration) error {
	s := c.Slot
	k := db.guild(s.GuildID)
	if messageID == "" {
		messageID = noMessage
	}
	cur, at := "", ""
	if !cursor.IsZero() {
		cur = strconv.FormatInt(cursor.UnixMilli(), 10)
	}
	if !s.At.IsZero() {
		at = strconv.FormatInt(s.At.Unix(), 10)
	}
	return db.write(func() (bool, error) {
		n, err := completeScript.Run(ctx, db.client,
			[]string{k.digestState(), k.digestLock(s.ChannelID), k.digestDone(s.ChannelID, s.Key)},
			s.ChannelID, c.Token, messageID, ttlMillis(max(markerTTL, time.Second)), cur, at).Int()
		if err != nil {
			return false, db.fail("complete digest", err)
		}
		if n == 0 {
			return false, fmt.Errorf("complete digest: %w", ErrLeaseLost)
		}
		return true, nil
	})
}

// ErrLeaseLost says that a digest's lock is no longer the claim's: it
// expired (and may be another instance's now), so the claim's holder must
// not write anything more. Its code is ECONFLICT.
var ErrLeaseLost = briefs.Errorf(briefs.ECONFLICT, "the digest lock was lost")

// RenewDigest extends a claimed slot's lock to lockTTL from now, if the
// lock is still the claim's (compare the token, then PEXPIRE, in one
// script). It reports false when the lock was lost: the holder must stop.
// Errors: EUNAVAILABLE.
func (db *DB) RenewDigest(ctx context.Context, c briefs.Claim, lockTTL time.Duration) (bool, error) {
	s := c.Slot
	if c.Token == "" {
		return false, nil
	}
	n, err := renewScript.Run(ctx, db.client, []string{db.guild(s.GuildID).digestLock(s.ChannelID)},
		c.Token, ttlMillis(max(lockTTL, time.Second))).Int()
	if err != nil {
		return false, db.fail("renew digest", err)
	}
	return n == 1, nil
}

// ReleaseDigest gives up a claimed slot without a marker (compare-and-delete
// of the lock: a lock that expired and was taken by another instance stays
// theirs), so that it can be claimed again. Errors: EUNAVAILABLE.
func (db *DB) ReleaseDigest(ctx context.Context, c briefs.Claim) error {
	s := c.Slot
	if c.Token == "" {
		return nil
	}
	err := releaseScript.Run(ctx, db.client, []string{db.guild(s.GuildID).digestLock(s.ChannelID)}, c.Token).Err()
	if err != nil {
		return db.fail("release digest", err)
	}
	return nil
}

// paceScript reserves the next send time of a pacer shared by every
// instance: sends are spaced ARGV[1] µs apart on the Redis server's clock.
// Returns how many µs the caller waits before its send.
var paceScript = newScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local at = math.max(tat, now)
local nxt = at + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.floor((nxt - now) / 1000) + 1000)
return math.floor(at - now)
`)

// ReserveSend reserves a send slot of the Discord pacer that all instances
// share, spaced interval apart, and returns how long to wait before
// sending: with it, several instances fanning out digests together stay
// under Discord's global limit. One round trip. Errors: EUNAVAILABLE.
func (db *DB) ReserveSend(ctx context.Context, interval time.Duration) (time.Duration, error) {
	us := max(interval.Microseconds(), 1)
	wait, err := paceScript.Run(ctx, db.client, []string{db.discordPace()}, us).Int64()
	if err != nil {
		return 0, db.fail("reserve send", err)
	}
	return time.Duration(max(wait, 0)) * time.Microsecond, nil
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

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
