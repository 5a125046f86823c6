package store

// A language model's answers, kept by article text and model so that the
// same text never costs a second call, and each guild's calls a day.
//
// Keys (under the prefix):
//
//	written:{h}             string: briefs.Written JSON for the answer key h, PX
//	                        how long answers are kept
//	g:{G}:llmcalls:{day}    string: the guild's model calls on that day
//	                        (YYYYMMDD, UTC), expiring two days later

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"briefbot/briefs"

	"github.com/redis/go-redis/v9"
)

func (db *DB) written(key string) string { return db.prefix + "written:" + key }

func (k guildKeys) writerCalls(day time.Time) string {
	return k.base + "llmcalls:" + day.UTC().Format("20060102")
}

// WrittenBrief returns the answer kept under key. Errors: EUNAVAILABLE.
func (db *DB) WrittenBrief(ctx context.Context, key string) (briefs.Written, bool, error) {
	js, err := db.client.Get(ctx, db.written(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return briefs.Written{}, false, nil
	}
	if err != nil {
		return briefs.Written{}, false, db.fail("written brief", err)
	}
	var w briefs.Written
	if err := json.Unmarshal(js, &w); err != nil {
		return briefs.Written{}, false, nil // unreadable: asked again
	}
	return w, true, nil
}

// KeepWrittenBrief keeps an answer under key for ttl. Errors: EUNAVAILABLE.
func (db *DB) KeepWrittenBrief(ctx context.Context, key string, w briefs.Written, ttl time.Duration) error {
	js, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("keep written brief: %w", err)
	}
	err = db.write(func() (bool, error) {
		return true, db.client.Set(ctx, db.written(key), js, max(ttl, time.Second)).Err()
	})
	if err != nil {
		return db.fail("keep written brief", err)
	}
	return nil
}

// spendScript counts one call in KEYS[1] unless it holds ARGV[1] already;
// the count expires after ARGV[2] ms. Returns 1 when counted.
var spendScript = newScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

// SpendWriterCall counts one model call of the guild on day (UTC) unless
// most were made already, in one step, so that instances together keep
// the bound. Errors: EINVALID (guild), EUNAVAILABLE.
func (db *DB) SpendWriterCall(ctx context.Context, guildID string, day time.Time, most int) (bool, error) {
	if err := checkGuild(guildID); err != nil {
		return false, fmt.Errorf("spend writer call: %w", err)
	}
	var n int
	err := db.write(func() (bool, error) {
		var err error
		n, err = spendScript.Run(ctx, db.client, []string{db.guild(guildID).writerCalls(day)}, most, ttlMillis(48*time.Hour)).Int()
		return n == 1, err
	})
	if err != nil {
		return false, db.fail("spend writer call", err)
	}
	return n == 1, nil
}

// WriterCalls is how many model calls the guild made on day (UTC).
// Errors: EINVALID (guild), EUNAVAILABLE.
func (db *DB) WriterCalls(ctx context.Context, guildID string, day time.Time) (int, error) {
	if err := checkGuild(guildID); err != nil {
		return 0, fmt.Errorf("writer calls: %w", err)
	}
	n, err := db.client.Get(ctx, db.guild(guildID).writerCalls(day)).Int()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, db.fail("writer calls", err)
	}
	return n, nil
}
