package store

import (
	"context"
	"fmt"

	"briefbot/briefs"
)

// putCappedScript stores value ARGV[2] under field ARGV[1] of the hash
// KEYS[1] unless the field is new and the hash holds ARGV[3] (> 0) fields
// already; when stored and KEYS[2] is given, it also deletes the field
// "<ARGV[1]>:paused" there. Returns 1 when stored, 0 when refused (nothing
// written). Digest schedules (KEYS[2] their state, so that scheduling a
// channel again resumes it) and feed subscriptions both go through it.
var putCappedScript = newScript(`
local most = tonumber(ARGV[3])
if most > 0 and redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= most then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if KEYS[2] then redis.call('HDEL', KEYS[2], ARGV[1] .. ':paused') end
return 1
`)

// storeSchedule writes a channel's schedule JSON and clears its pause in one
// atomic step, refusing a new channel when the guild holds
// MaxSchedulesPerGuild schedules already: the count and the write cannot be
// split by a concurrent /digest schedule. Replacing a channel's schedule is
// always allowed. Errors: ETOOLARGE, EUNAVAILABLE.
func (db *DB) storeSchedule(ctx context.Context, k guildKeys, channelID string, js []byte) error {
	ok, err := putCappedScript.Run(ctx, db.client, []string{k.digests(), k.digestState()},
		channelID, js, db.maxSchedules).Int()
	if err != nil {
		return db.fail("put schedule", err)
	}
	if ok == 0 {
		return fmt.Errorf("put schedule: %w", ScheduleLimitError(db.maxSchedules))
	}
	return nil
}

// ScheduleLimitError is the refusal of a new digest schedule in a guild that
// has limit schedules already (MAX_SCHEDULES_PER_GUILD).
func ScheduleLimitError(limit int) *briefs.Error {
	return briefs.Errorf(briefs.ETOOLARGE, "This server has %d digest schedules, its limit (%s). Stop one with /digest off before scheduling another channel; changing an existing channel's schedule is always allowed.", limit, briefs.SettingMaxSchedulesPerGuild)
}
