package store

import (
	"context"
	"fmt"
	"time"

	"briefbot/briefs"
)

// allowScript counts one use in a fixed window: the first use of a window
// starts its expiry. Returns {count, milliseconds left in the window}.
var allowScript = newScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
`)

// Allow counts one use of action by user in guild and reports whether it is
// within limit uses per window; when not, retryAfter says when the window
// ends. One round trip. Counters are not kept in the embedded data file's
// change tracking: losing one on a crash only forgives a few uses.
// Errors: EINVALID, EUNAVAILABLE.
func (db *DB) Allow(ctx context.Context, guildID, userID, action string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error) {
	if err := checkGuild(guildID); err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	if limit <= 0 || window <= 0 {
		return true, 0, nil
	}
	key := db.guild(guildID).base + "rate:" + action + ":" + userID
	res, err := allowScript.Run(ctx, db.client, []string{key}, window.Milliseconds()).Int64Slice()
	if err != nil {
		return false, 0, db.fail("rate limit", err)
	}
	if len(res) != 2 {
		return false, 0, fmt.Errorf("rate limit: %w", briefs.Errorf(briefs.EINTERNAL, "unexpected reply from the rate limiter"))
	}
	if res[0] <= int64(limit) {
		return true, 0, nil
	}
	return false, time.Duration(res[1]) * time.Millisecond, nil
}
