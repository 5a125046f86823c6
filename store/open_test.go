package store_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"briefbot/briefs"
	"briefbot/store"
	"briefbot/store/storetest"
)

// unavailableWithin bounds how long the store may take to say that Redis does
// not answer: a Discord interaction has 3 seconds, a CLI user little patience.
const unavailableWithin = 6 * time.Second

// closedPort returns an address on 127.0.0.1 where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func TestOpenUnreachable(t *testing.T) {
	addr := closedPort(t)
	start := time.Now()
	db, err := store.Open(context.Background(), store.Config{URL: "redis://:s3cret-pw@" + addr + "/0"})
	elapsed := time.Since(start)
	if err == nil {
		db.Close()
		t.Fatal("Open of a closed port succeeded")
	}
	wantCode(t, err, briefs.EUNAVAILABLE)
	if want := "store unavailable: cannot reach Redis at " + addr; briefs.ErrorMessage(err) != want {
		t.Errorf("message = %q, want %q", briefs.ErrorMessage(err), want)
	}
	if elapsed > unavailableWithin {
		t.Errorf("took %s, want under %s", elapsed, unavailableWithin)
	}
	if strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("the error shows the password: %v", err)
	}
}

func TestOpenBadURL(t *testing.T) {
	for _, u := range []string{
		"http://127.0.0.1:6379",
		"redis://:s3cret-pw@127.0.0.1:6379/notanumber",
		"redis://:s3cret-pw@127.0.0.1:6379/0?no_such_option=1",
		"redis://:s3cret-pw@[::1/0",
	} {
		_, err := store.Open(context.Background(), store.Config{URL: u})
		if briefs.ErrorCode(err) != briefs.EINVALID {
			t.Errorf("Open(%q) = %v, want EINVALID", u, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("Open(%q): the error shows the password: %v", u, err)
		}
		if !strings.HasPrefix(briefs.ErrorMessage(err), "REDIS_URL is not a valid Redis URL") {
			t.Errorf("Open(%q): message %q", u, briefs.ErrorMessage(err))
		}
	}
}

// TestRedisGoesAway: calls to a Redis that stopped answering fail with
// EUNAVAILABLE, quickly.
func TestRedisGoesAway(t *testing.T) {
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		t.Fatal(err)
	}
	addr := mr.Addr()
	db, err := store.Open(context.Background(), store.Config{URL: "redis://" + addr + "/0"})
	if err != nil {
		mr.Close()
		t.Fatal(err)
	}
	defer db.Close()
	mustAdd(t, db, addReq("g1", "story", "Story", "A story."))
	mr.Close()

	ctx := context.Background()
	for name, call := range map[string]func() error{
		"CachedBrief": func() error { _, _, err := db.CachedBrief(ctx, "g1", "story", testVersion); return err },
		"AddArticle": func() error {
			_, _, err := db.AddArticle(ctx, addReq("g1", "other", "Other", "Other."))
			return err
		},
		"Recent": func() error { _, _, err := db.Recent(ctx, "g1", 0, 10); return err },
		"Backup": func() error { _, err := db.Backup(ctx, discard{}); return err },
	} {
		start := time.Now()
		err := call()
		if briefs.ErrorCode(err) != briefs.EUNAVAILABLE {
			t.Errorf("%s: err = %v, want EUNAVAILABLE", name, err)
		} else if want := "store unavailable: cannot reach Redis at " + addr; briefs.ErrorMessage(err) != want {
			t.Errorf("%s: message %q, want %q", name, briefs.ErrorMessage(err), want)
		}
		if d := time.Since(start); d > unavailableWithin {
			t.Errorf("%s: took %s", name, d)
		}
	}
}

// TestRedisDoesNotAnswer: a server that accepts connections and never
// replies is reported as EUNAVAILABLE by the caller's deadline.
func TestRedisDoesNotAnswer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = store.Open(ctx, store.Config{URL: "redis://" + l.Addr().String()})
	wantCode(t, err, briefs.EUNAVAILABLE)
	if want := "store unavailable: Redis at " + l.Addr().String() + " did not answer in time"; briefs.ErrorMessage(err) != want {
		t.Errorf("message %q, want %q", briefs.ErrorMessage(err), want)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s with a 300ms deadline", d)
	}
}

func TestClosedStore(t *testing.T) {
	db := storetest.OpenEmbedded(t, filepath.Join(t.TempDir(), "data.json"))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, _, err := db.CachedBrief(context.Background(), "g1", "x", testVersion)
	wantCode(t, err, briefs.EUNAVAILABLE)
	if err := db.Flush(); err != nil {
		t.Errorf("Flush after Close: %v", err)
	}
}

func TestWhere(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "data.json")
	db := storetest.OpenEmbedded(t, file)
	if want := fmt.Sprintf("embedded Redis, data file %s (new)", file); db.Where() != want {
		t.Errorf("Where = %q, want %q", db.Where(), want)
	}
	mustAdd(t, db, addReq("g1", "story", "Story", "A story."))
	db.Close()

	// A relative DataFile is shown absolute.
	wd, _ := os.Getwd()
	t.Chdir(dir)
	db = storetest.OpenEmbedded(t, "data.json")
	if !strings.HasPrefix(db.Where(), "embedded Redis, data file "+file+" (") || !strings.HasSuffix(db.Where(), " keys loaded)") {
		t.Errorf("Where = %q", db.Where())
	}
	db.Close()
	t.Chdir(wd)

	if u := os.Getenv("REDIS_URL"); u != "" {
		db := storetest.OpenRedis(t, u, storetest.RandomPrefix())
		if !strings.HasPrefix(db.Where(), "Redis at ") || !strings.Contains(db.Where(), ", prefix "+db.Prefix()) {
			t.Errorf("Where = %q", db.Where())
		}
	}
}

// REDIS_URL may name a Sentinel deployment or a Cluster; an unreachable one
// is reported like a single server, without the password.
func TestOpenSentinelAndClusterURLs(t *testing.T) {
	a, b := closedPort(t), closedPort(t)
	for name, u := range map[string]string{
		"sentinel": "redis://:hunter2@" + a + "/0?master_name=mymaster&addr=" + b,
		"cluster":  "redis://:hunter2@" + a + "?addr=" + b,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := store.Open(context.Background(), store.Config{URL: u})
			wantCode(t, err, briefs.EUNAVAILABLE)
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("password in error: %v", err)
			}
		})
	}
	_, err := store.Open(context.Background(), store.Config{URL: "redis://" + a + "?addr=" + b + "&no_such_option=1"})
	wantCode(t, err, briefs.EINVALID)
}
