package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
)

// TestUpgradeFromPlainTermSets restores a snapshot in the earlier layout
// (term indexes as plain sets, no fresh set) and checks that the store
// brings it to the current one: searches answer as they did before the
// backup, the term indexes are sorted sets again, and the digest set holds
// every article.
func TestUpgradeFromPlainTermSets(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		src := open(t)
		for i := range 40 {
			words := "trade talks"
			if i%3 == 0 {
				words = "energy trade"
			}
			req := addReq("g", fmt.Sprintf("story-%02d", i), fmt.Sprintf("%s %d kalomi%d", words, i, i%4), fmt.Sprintf("text %d", i))
			req.Article.AddedAt = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i/2) * time.Minute)
			mustAdd(t, src, req)
		}
		queries := []briefs.SuggestQuery{
			briefs.ParseSuggestQuery("trade"), briefs.ParseSuggestQuery("energy tra"),
			briefs.ParseSuggestQuery("kal"), briefs.ParseSuggestQuery("talks kalomi2 "),
		}
		answers := func(db *store.DB) [][]string {
			var out [][]string
			for _, q := range queries {
				ls, err := db.Suggest(ctx, "g", q, 25)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, slugsOf(ls))
				ls, err = db.FindByTerms(ctx, "g", q.Terms, 25)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, slugsOf(ls))
			}
			return out
		}
		want := answers(src)

		var buf strings.Builder
		if _, err := src.Backup(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		old, terms := toPlainTermSets(t, buf.String())
		if terms == 0 {
			t.Fatal("the snapshot holds no term index")
		}
		db := open(t)
		if _, err := db.Restore(ctx, strings.NewReader(old), store.RestoreOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := answers(db); !reflect.DeepEqual(got, want) {
			t.Errorf("after the upgrade the searches answer\n%q\nwant\n%q", got, want)
		}
		buf.Reset()
		if _, err := db.Backup(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		if _, n := toPlainTermSets(t, buf.String()); n != terms {
			t.Errorf("after the upgrade %d term indexes are sorted sets, want %d", n, terms)
		}
		ls, total, err := db.Recent(ctx, "g", 0, 100)
		if err != nil || total != 40 {
			t.Fatalf("recent: %d, %v", total, err)
		}
		s := mustPut(t, db, schedule("g", "c1", "@daily"))
		c := mustClaim(t, db, slotOf(s, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)), briefs.ClaimTaken)
		if c.Digest.Total != len(ls) {
			t.Errorf("the first digest after the upgrade counts %d new briefs, want %d", c.Digest.Total, len(ls))
		}
	})
}

// toPlainTermSets rewrites a snapshot into the earlier layout: every term
// index a plain set, and no fresh set or add clock. It returns the snapshot
// and how many term indexes were sorted sets.
func toPlainTermSets(t *testing.T, snapshot string) (string, int) {
	t.Helper()
	var snap map[string]any
	if err := json.Unmarshal([]byte(snapshot), &snap); err != nil {
		t.Fatal(err)
	}
	var keys []any
	n := 0
	for _, k := range snap["keys"].([]any) {
		e := k.(map[string]any)
		name := e["key"].(string)
		switch {
		case strings.HasSuffix(name, ":fresh"), strings.HasSuffix(name, ":addclock"):
			continue
		case strings.Contains(name, ":term:") && e["type"] == "zset":
			n++
			var members []any
			for _, z := range e["value"].([]any) {
				members = append(members, z.(map[string]any)["member"])
			}
			e["type"], e["value"] = "set", members
		}
		keys = append(keys, e)
	}
	snap["keys"] = keys
	out, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	return string(out), n
}

// Data already in this layout is not written again when the embedded
// store opens: its data file keeps its bytes and its modification time.
func TestOpenDoesNotRewriteCurrentData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data.json")
	db, err := store.Open(ctx, store.Config{DataFile: path})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, db, addReq("g", "story", "Harbour story", "text"))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := store.Open(ctx, store.Config{DataFile: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Close(); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Errorf("opening current data rewrote the data file (%s -> %s)", before.ModTime(), after.ModTime())
	}
}
