package store

import (
	"context"
	"fmt"

	"briefbot/briefs"
)

// putScheduleScript stores schedule JSON ARGV[2] for channel ARGV[1] and
// clears the channel's pause, unless the channel is new and the guild has
// ARGV[3] (> 0) schedules already. KEYS[1] digests, KEYS[2] digest state.
// Returns 1 when stored, 0 when refused (nothing written).
var putScheduleScript = newScript(`
local most = tonumber(ARGV[3])
if most > 0 and redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= most then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[1] .. ':paused')
return 1
`)

// storeSchedule writes a channel's schedule JSON and clears its pause in one
// atomic step, refusing a new channel when the guild holds
// MaxSchedulesPerGuild schedules already: the count and the write cannot be
// split by a concurrent /digest schedule. Replacing a channel's schedule is
// always allowed. Errors: ETOOLARGE, EUNAVAILABLE.
func (db *DB) storeSchedule(ctx context.Context, k guildKeys, channelID string, js []byte) error {
	ok, err := putScheduleScript.Run(ctx, db.client, []string{k.digests(), k.digestState()},
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
