package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"briefbot/briefs"
)

// interactionSeen is the key that marks an interaction id as received:
// "seen:interaction:<id>", a string with a PX TTL of the replay window.
func (db *DB) interactionSeen(id string) string { return db.prefix + "seen:interaction:" + id }

// FirstSight records the interaction id with SET NX PX window and reports
// whether this was the first time any process sharing the store saw it. The
// mark is not saved to the embedded data file before the next change, which
// is at most window too little protection after a crash. Errors: EINVALID
// (an empty or malformed id), EUNAVAILABLE.
func (db *DB) FirstSight(ctx context.Context, id string, window time.Duration) (bool, error) {
	if id == "" || len(id) > 64 || strings.ContainsAny(id, "{} ") || hasControl(id) {
		return false, fmt.Errorf("interaction id: %w", briefs.Errorf(briefs.EINVALID, "interaction id %q is not valid", id))
	}
	if window <= 0 {
		return false, fmt.Errorf("interaction id: %w", briefs.Errorf(briefs.EINVALID, "window %s is not positive", window))
	}
	ok, err := db.client.SetNX(ctx, db.interactionSeen(id), time.Now().UTC().Format(time.RFC3339), window).Result()
	if err != nil {
		return false, db.fail("interaction id", err)
	}
	return ok, nil
}
