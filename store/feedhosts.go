package store

// Slots per site for feed polls, shared by every instance on one Redis, so
// that a site with many feeds is not fetched by every instance at once.
//
// Keys (under the prefix):
//
//	feeds:host:{h}  sorted set: token -> when the slot runs out (Unix ms, Redis
//	                time); h hashes the site's host name

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

func (db *DB) feedHost(host string) string {
	h := sha256.Sum256([]byte(strings.ToLower(host)))
	return db.prefix + "feeds:host:" + hex.EncodeToString(h[:12])
}

// takeHostSlotScript takes a slot of the site KEYS[1] for token ARGV[1]
// until ARGV[3] ms from now (Redis time) when fewer than ARGV[2] unexpired
// slots are taken, or renews the token's slot when it holds one. Returns 1
// when the token holds a slot, 0 when the site is full.
var takeHostSlotScript = newScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local ttl = tonumber(ARGV[3])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`)

// TakeHostSlot takes one of the most slots of a site (its host name) for
// ttl, or renews the slot token already holds; it reports false when every
// slot is held by other polls (of any instance) and has not run out.
// Errors: EUNAVAILABLE.
func (db *DB) TakeHostSlot(ctx context.Context, host, token string, most int, ttl time.Duration) (bool, error) {
	var n int
	err := db.write(func() (bool, error) {
		var err error
		n, err = takeHostSlotScript.Run(ctx, db.client, []string{db.feedHost(host)}, token, max(most, 1), ttlMillis(max(ttl, time.Second))).Int()
		return n == 1, err
	})
	if err != nil {
		return false, db.fail("take host slot", err)
	}
	return n == 1, nil
}

// ReleaseHostSlot frees token's slot of the site. Errors: EUNAVAILABLE.
func (db *DB) ReleaseHostSlot(ctx context.Context, host, token string) error {
	err := db.write(func() (bool, error) {
		n, err := db.client.ZRem(ctx, db.feedHost(host), token).Result()
		return n > 0, err
	})
	if err != nil {
		return db.fail("release host slot", err)
	}
	return nil
}
