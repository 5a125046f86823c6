package store

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
	"briefbot/briefs/cronspec"
)

// The embedded server listens on loopback only and refuses clients without
// this process's random password.
func TestEmbeddedLoopbackAndPassword(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Config{DataFile: filepath.Join(t.TempDir(), "data.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	host, _, err := net.SplitHostPort(db.addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		t.Errorf("embedded server at %q, want a loopback address", db.addr)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("the store's own client: %v", err)
	}
	for _, pw := range []string{"", "guess"} {
		c := redis.NewClient(&redis.Options{Addr: db.addr, Password: pw, MaxRetries: -1})
		err := c.Ping(ctx).Err()
		c.Close()
		if err == nil || !(strings.Contains(err.Error(), "NOAUTH") || strings.Contains(err.Error(), "WRONGPASS") || strings.Contains(err.Error(), "invalid")) {
			t.Errorf("client with password %q: %v, want refused", pw, err)
		}
	}
	other, err := Open(ctx, Config{DataFile: filepath.Join(t.TempDir(), "other.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	pw := func(db *DB) string { return db.client.(*redis.Client).Options().Password }
	if p1, p2 := pw(db), pw(other); len(p1) < 32 || p1 == p2 {
		t.Errorf("passwords %q and %q: want random and distinct", p1, p2)
	}
}

// TestWriteMarksDirtyAndBlocksSnapshots: write is the one path of every
// data write, so it alone must give a snapshot whole writes and tell the
// saver about every change, failed writes included.
func TestWriteMarksDirtyAndBlocksSnapshots(t *testing.T) {
	db, err := Open(context.Background(), Config{DataFile: filepath.Join(t.TempDir(), "data.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	// Holding saveMu keeps the saver from clearing the flag under test.
	db.emb.saveMu.Lock()
	defer db.emb.saveMu.Unlock()
	if err := db.write(func() (bool, error) {
		if db.emb.snapMu.TryLock() {
			db.emb.snapMu.Unlock()
			t.Error("a snapshot could start while a write ran")
		}
		return false, nil
	}); err != nil {
		t.Fatal(err)
	}
	if db.emb.dirty.Load() {
		t.Error("a write that changed nothing marked the data dirty")
	}
	failed := errors.New("half written")
	if err := db.write(func() (bool, error) { return true, failed }); err != failed {
		t.Errorf("write = %v; want fn's error", err)
	}
	if !db.emb.dirty.Load() {
		t.Error("a write that changed data (and failed) left it clean")
	}
}

// TestPutScheduleRefusesZero: the zero ValidSchedule, the one value that
// bypasses cronspec.NewSchedule, is not written.
func TestPutScheduleRefusesZero(t *testing.T) {
	db, err := Open(context.Background(), Config{DataFile: filepath.Join(t.TempDir(), "data.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.PutSchedule(context.Background(), cronspec.ValidSchedule{}); briefs.ErrorCode(err) != briefs.EINVALID {
		t.Errorf("PutSchedule(zero) = %v; want EINVALID", err)
	}
}
