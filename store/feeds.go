package store

// Feed subscriptions and the items already taken from them.
//
// Keys (under the prefix; a guild's keys share its hash slot):
//
//	g:{G}:feeds       hash: feed URL -> FeedSub JSON
//	g:{G}:feedseen    sorted set: item key ("guid:…", "url:…", "hash:…") -> when it
//	                  was first seen (Unix ms); the newest maxSeenKeys are kept
//	g:{G}:feedlease:{h}  string: the token of the instance polling the feed whose
//	                  URL hashes to h, PX the lease
//	feeds:due         sorted set: "guild\x00url" -> the feed's next poll (Unix ms);
//	                  paused feeds are not in it
//
// feeds:due lives in another hash slot than the guild's keys, so it is
// written after them, not in the same atomic step: a crash in between leaves
// a feed due at its old time (polled once more, harmlessly) or not listed
// until it is stored again.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"briefbot/briefs"

	"github.com/redis/go-redis/v9"
)

// maxSeenKeys bounds the remembered item keys of one guild: several times
// what all the feeds a guild may follow keep in their documents, so an item
// still in a feed is never forgotten while it is there.
const maxSeenKeys = 20000

func (k guildKeys) feeds() string    { return k.base + "feeds" }
func (k guildKeys) feedSeen() string { return k.base + "feedseen" }
func (k guildKeys) feedLease(url string) string {
	h := sha256.Sum256([]byte(url))
	return k.base + "feedlease:" + hex.EncodeToString(h[:12])
}

func (db *DB) feedsDue() string { return db.prefix + "feeds:due" }

func dueMember(guildID, url string) string { return guildID + "\x00" + url }

// PutFeed stores a guild's subscription, replacing the one of the same URL,
// and refuses a new URL when the guild follows most feeds already (0: no
// limit). Errors: EINVALID, ETOOLARGE (the cap), EUNAVAILABLE.
func (db *DB) PutFeed(ctx context.Context, f briefs.FeedSub, most int) error {
	if err := checkGuild(f.GuildID); err != nil {
		return fmt.Errorf("put feed: %w", err)
	}
	if strings.TrimSpace(f.URL) == "" {
		return fmt.Errorf("put feed: %w", briefs.Errorf(briefs.EINVALID, "the feed has no URL"))
	}
	js, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("put feed: %w", err)
	}
	k := db.guild(f.GuildID)
	var stored int
	// The subscription and its place in the due index change in one write,
	// so that a save of the embedded store never holds one without the
	// other.
	err = db.write(func() (bool, error) {
		stored, err = putCappedScript.Run(ctx, db.client, []string{k.feeds()}, f.URL, js, max(most, 0)).Int()
		if err != nil || stored == 0 {
			return false, err
		}
		return true, db.indexDue(ctx, f)
	})
	if err != nil {
		return db.fail("put feed", err)
	}
	if stored == 0 {
		return fmt.Errorf("put feed: %w", briefs.Errorf(briefs.ETOOLARGE,
			"This server follows %d feeds, its limit. Remove one with /feed remove before adding another.", most))
	}
	return nil
}

// indexDue puts f in the due index at its next poll, or out of it while it
// is paused.
func (db *DB) indexDue(ctx context.Context, f briefs.FeedSub) error {
	m := dueMember(f.GuildID, f.URL)
	if f.Paused {
		return db.client.ZRem(ctx, db.feedsDue(), m).Err()
	}
	return db.client.ZAdd(ctx, db.feedsDue(), redis.Z{Score: float64(f.NextPoll.UnixMilli()), Member: m}).Err()
}

// DueFeeds lists, soonest first, at most limit subscriptions (of every
// guild) whose next poll is at or before now and that are not paused.
// Errors: EUNAVAILABLE.
func (db *DB) DueFeeds(ctx context.Context, now time.Time, limit int) ([]briefs.FeedRef, error) {
	ms, err := db.client.ZRangeByScore(ctx, db.feedsDue(), &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(max(limit, 0)),
	}).Result()
	if err != nil {
		return nil, db.fail("due feeds", err)
	}
	out := make([]briefs.FeedRef, 0, len(ms))
	for _, m := range ms {
		if guild, url, ok := strings.Cut(m, "\x00"); ok {
			out = append(out, briefs.FeedRef{GuildID: guild, URL: url})
		}
	}
	return out, nil
}

// Feed returns one subscription as stored now. Errors: ENOTFOUND,
// EUNAVAILABLE.
func (db *DB) Feed(ctx context.Context, guildID, url string) (briefs.FeedSub, error) {
	if err := checkGuild(guildID); err != nil {
		return briefs.FeedSub{}, fmt.Errorf("feed: %w", err)
	}
	js, err := db.client.HGet(ctx, db.guild(guildID).feeds(), url).Result()
	if errors.Is(err, redis.Nil) {
		return briefs.FeedSub{}, fmt.Errorf("feed: %w", briefs.Errorf(briefs.ENOTFOUND, "This server does not follow %s.", briefs.Truncate(url, 200)))
	}
	if err != nil {
		return briefs.FeedSub{}, db.fail("feed", err)
	}
	var f briefs.FeedSub
	if err := json.Unmarshal([]byte(js), &f); err != nil {
		return briefs.FeedSub{}, fmt.Errorf("feed: decode %q: %w", url, err)
	}
	return f, nil
}

// LeaseFeed gives the caller the feed's poll for ttl when no other instance
// holds it, and returns the token to release it with; "" when another holds
// it. Errors: EUNAVAILABLE.
func (db *DB) LeaseFeed(ctx context.Context, guildID, url string, ttl time.Duration) (string, error) {
	if err := checkGuild(guildID); err != nil {
		return "", fmt.Errorf("lease feed: %w", err)
	}
	token := randomToken(16)
	// Leases are written like data (db.write), so that the embedded store's
	// data file never keeps a lease its release has removed: a command
	// run after another would find the feed leased.
	var ok bool
	err := db.write(func() (bool, error) {
		var err error
		ok, err = db.client.SetNX(ctx, db.guild(guildID).feedLease(url), token, ttl).Result()
		return ok, err
	})
	if err != nil {
		return "", db.fail("lease feed", err)
	}
	if !ok {
		return "", nil
	}
	return token, nil
}

// RenewFeed extends the caller's lease (token from LeaseFeed) to ttl from
// now, if it is still the caller's; false when it ran out and another
// instance may hold it: the caller must stop. Errors: EUNAVAILABLE.
func (db *DB) RenewFeed(ctx context.Context, guildID, url, token string, ttl time.Duration) (bool, error) {
	n, err := renewScript.Run(ctx, db.client, []string{db.guild(guildID).feedLease(url)}, token, ttlMillis(max(ttl, time.Second))).Int()
	if err != nil {
		return false, db.fail("renew feed", err)
	}
	return n == 1, nil
}

// ReleaseFeed ends the caller's lease (token from LeaseFeed); a lease that
// ran out and was taken by another instance is left alone. Errors:
// EUNAVAILABLE.
func (db *DB) ReleaseFeed(ctx context.Context, guildID, url, token string) error {
	err := db.write(func() (bool, error) {
		n, err := releaseScript.Run(ctx, db.client, []string{db.guild(guildID).feedLease(url)}, token).Int()
		if errors.Is(err, redis.Nil) {
			err = nil
		}
		return n == 1, err
	})
	if err != nil {
		return db.fail("release feed", err)
	}
	return nil
}

// Feeds lists a guild's subscriptions by URL. Errors: EUNAVAILABLE.
func (db *DB) Feeds(ctx context.Context, guildID string) ([]briefs.FeedSub, error) {
	if err := checkGuild(guildID); err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	m, err := db.client.HGetAll(ctx, db.guild(guildID).feeds()).Result()
	if err != nil {
		return nil, db.fail("feeds", err)
	}
	out := make([]briefs.FeedSub, 0, len(m))
	for url, js := range m {
		var f briefs.FeedSub
		if err := json.Unmarshal([]byte(js), &f); err != nil {
			return nil, fmt.Errorf("feeds: decode %q: %w", url, err)
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out, nil
}

// RemoveFeed ends a guild's subscription to url. The keys of its items stay
// remembered (shared with other feeds of the guild, and aged out with
// them), so following it again brings no old item back as new. Errors:
// ENOTFOUND, EUNAVAILABLE.
func (db *DB) RemoveFeed(ctx context.Context, guildID, url string) error {
	if err := checkGuild(guildID); err != nil {
		return fmt.Errorf("remove feed: %w", err)
	}
	var n int64
	err := db.write(func() (bool, error) {
		var err error
		n, err = db.client.HDel(ctx, db.guild(guildID).feeds(), url).Result()
		if err != nil || n == 0 {
			return false, err
		}
		return true, db.client.ZRem(ctx, db.feedsDue(), dueMember(guildID, url)).Err()
	})
	if err != nil {
		return db.fail("remove feed", err)
	}
	if n == 0 {
		return fmt.Errorf("remove feed: %w", briefs.Errorf(briefs.ENOTFOUND, "This server does not follow %s.", briefs.Truncate(url, 200)))
	}
	return nil
}

// unseenScript answers, for each item (ARGV[1] = the number of keys of each
// item, comma-separated; then all keys in order), 1 when none of its keys is
// in KEYS[1] (feedseen), else 0. It writes nothing.
var unseenScript = newScript(`
local counts, out, at = {}, {}, 2
for n in string.gmatch(ARGV[1], '%d+') do counts[#counts + 1] = tonumber(n) end
for _, n in ipairs(counts) do
  local new = 1
  for i = at, at + n - 1 do
    if redis.call('ZSCORE', KEYS[1], ARGV[i]) then new = 0 end
  end
  out[#out + 1] = new
  at = at + n
end
return out
`)

// Unseen reports, for each item given by its keys, whether none of them has
// been marked seen in the guild: the items of a poll that are new. Errors:
// EUNAVAILABLE.
func (db *DB) Unseen(ctx context.Context, guildID string, items [][]string) ([]bool, error) {
	if err := checkGuild(guildID); err != nil {
		return nil, fmt.Errorf("unseen items: %w", err)
	}
	if len(items) == 0 {
		return nil, nil
	}
	counts := make([]string, len(items))
	args := []any{""}
	for i, keys := range items {
		counts[i] = fmt.Sprint(len(keys))
		for _, key := range keys {
			args = append(args, key)
		}
	}
	args[0] = strings.Join(counts, ",")
	res, err := unseenScript.Run(ctx, db.client, []string{db.guild(guildID).feedSeen()}, args...).Int64Slice()
	if err != nil {
		return nil, db.fail("unseen items", err)
	}
	out := make([]bool, len(res))
	for i, v := range res {
		out[i] = v == 1
	}
	return out, nil
}

// markSeenScript adds keys ARGV[2] to ARGV[#ARGV-1] to KEYS[1] (feedseen)
// at ARGV[1] ms, keeping the time a key was first seen, and trims the set to
// its newest ARGV[#ARGV] keys.
var markSeenScript = newScript(`
local now, most = ARGV[1], tonumber(ARGV[#ARGV])
for i = 2, #ARGV - 1 do redis.call('ZADD', KEYS[1], 'NX', now, ARGV[i]) end
local n = redis.call('ZCARD', KEYS[1])
if n > most then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - most - 1) end
return n
`)

// MarkSeen remembers the keys of items taken from a feed (every key of an
// item, so that a rewritten GUID or link still matches), at time at. A
// poller marks an item after its brief is stored: one that dies in between
// leaves it unseen, and the next poll takes it again (the article store's
// own dedup by link keeps that from making a second article). Errors:
// EUNAVAILABLE.
func (db *DB) MarkSeen(ctx context.Context, guildID string, at time.Time, keys ...string) error {
	if err := checkGuild(guildID); err != nil {
		return fmt.Errorf("mark items seen: %w", err)
	}
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, 0, len(keys)+2)
	args = append(args, at.UnixMilli())
	for _, k := range keys {
		args = append(args, k)
	}
	args = append(args, maxSeenKeys)
	err := db.write(func() (bool, error) {
		err := markSeenScript.Run(ctx, db.client, []string{db.guild(guildID).feedSeen()}, args...).Err()
		return err == nil, err
	})
	if err != nil {
		return db.fail("mark items seen", err)
	}
	return nil
}
