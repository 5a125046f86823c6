package store

// The exactly-once protocol of digest posts: a poster claims a slot, renews
// its lock while it works, and completes the slot (a marker and the moved
// cursor, in one step) or releases it; and the send pacer all instances
// share. The keys are listed with the schedules' in digests.go.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"briefbot/briefs"
)

// noMessage is the marker of a slot that was handled without a post.
const noMessage = "-"

// checkSlotKey accepts slot keys the marker key can hold.
func checkSlotKey(key string) error {
	if key == "" || len(key) > 200 || strings.ContainsAny(key, "{} ") || hasControl(key) {
		return briefs.Errorf(briefs.EINVALID, "digest slot %q is not valid", key)
	}
	return nil
}

// claimScript claims one digest post and loads what it will hold.
//
// KEYS: 1 digests, 2 state, 3 lock, 4 marker, 5 fresh, 6 listings.
// ARGV: 1 channel, 2 rev ("" = no schedule needed), 3 token, 4 lock ms,
// 5 size, 6 guild key base, 7 summarizer version ("" = no briefs).
//
// Returns {'gone'}, {'paused'}, {'done', message id}, {'busy'}, or
// {'claimed', cursor, total, newest score, listing 1, brief 1, story 1, ...}.
// An id that leads a story of several articles is shown as the story: the
// listing and brief of its best source, and the story record (” for an
// article that stands alone).
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
local stories = redis.call('HMGET', ARGV[6] .. 'stories', unpack(pick))
for i = 1, #pick do
  local st = stories[i] or ''
  if st ~= '' then
    local ok, d = pcall(cjson.decode, st)
    if ok and type(d) == 'table' and type(d.best) == 'string' and d.best ~= '' then pick[i] = d.best end
  end
  stories[i] = st
end
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
  out[#out + 1] = stories[i]
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
	slot, err := checkDigestSlot(slot)
	if err != nil {
		return briefs.Claim{}, fmt.Errorf("claim digest: %w", err)
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
	if c.Digest, err = db.claimedDigest(slot, res); err != nil {
		return briefs.Claim{}, err
	}
	c.Token = token
	return c, nil
}

// checkDigestSlot checks that the slot's ids fit the keys, and drops a
// summarizer version no brief key can hold. Errors: EINVALID.
func checkDigestSlot(slot briefs.DigestSlot) (briefs.DigestSlot, error) {
	if err := checkGuild(slot.GuildID); err != nil {
		return slot, err
	}
	if err := checkChannel(slot.ChannelID); err != nil {
		return slot, err
	}
	if err := checkSlotKey(slot.Key); err != nil {
		return slot, err
	}
	if strings.Contains(slot.Version, ":") {
		slot.Version = "" // no brief key holds one; see checkSlug
	}
	return slot, nil
}

// claimedDigest reads the digest from the claim script's 'claimed' reply:
// cursor, total, newest score, then a listing and a brief per item. An
// unreadable listing is left out (and logged); a brief of another
// summarizer version is not shown.
func (db *DB) claimedDigest(slot briefs.DigestSlot, res []string) (briefs.Digest, error) {
	if len(res) < 4 || (len(res)-4)%3 != 0 {
		return briefs.Digest{}, fmt.Errorf("claim digest: short script reply %q", res)
	}
	d := briefs.Digest{GuildID: slot.GuildID, ChannelID: slot.ChannelID}
	if res[1] != "" {
		d.Since = fromMillis(res[1])
	}
	d.Total, _ = strconv.Atoi(res[2])
	d.Cursor = d.Since
	if res[3] != "" {
		d.Cursor = fromMillis(res[3])
	}
	for i := 4; i+2 < len(res); i += 3 {
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
			if err := decodeStored([]byte(res[i+1]), &b); err == nil && b.CacheVersion() == slot.Version {
				it.Brief = &b
			}
		}
		if res[i+2] != "" {
			if st, err := decodeStory(res[i+2]); err == nil {
				it.Story = &st
			}
		}
		d.Items = append(d.Items, it)
	}
	return d, nil
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
