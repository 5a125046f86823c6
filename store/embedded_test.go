package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/store"
	"briefbot/store/storetest"
)

// openFile opens an embedded store on file without registering a cleanup,
// for tests that close and reopen it like separate processes would.
func openFile(t *testing.T, file string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{DataFile: file})
	if err != nil {
		t.Fatalf("open %s: %v", file, err)
	}
	return db
}

// TestEmbeddedPersists: what one process stored, the next one finds.
func TestEmbeddedPersists(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "data.json")

	db := openFile(t, file)
	req := addReq("g1", "putin-kim", "Putin meets Kim", "Putin met Kim.", "Putin", "Kim")
	a := mustAdd(t, db, req)
	mustAdd(t, db, addReq("g1", "other", "Other", "Another story."))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openFile(t, file)
	defer db.Close()
	if !strings.Contains(db.Where(), file) || !strings.Contains(db.Where(), "keys loaded") {
		t.Errorf("Where = %q", db.Where())
	}
	got, err := db.ArticleBySlug(ctx, "g1", "putin-kim")
	if err != nil || got.ID != a.ID || got.Text != a.Text {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	if _, ok, err := db.CachedBrief(ctx, "g1", "putin-kim", testVersion); !ok || err != nil {
		t.Errorf("brief after reopen: %v, %v", ok, err)
	}
	if ls, _ := db.FindByTerms(ctx, "g1", []string{"kim"}, 10); !slices.Equal(slugsOf(ls), []string{"putin-kim"}) {
		t.Errorf("FindByTerms after reopen = %q", slugsOf(ls))
	}
	if _, total, _ := db.Recent(ctx, "g1", 0, 10); total != 2 {
		t.Errorf("total after reopen = %d", total)
	}
	// Dedup and slugs still work on loaded data.
	if _, created, err := db.AddArticle(ctx, req); created || err != nil {
		t.Errorf("re-add after reopen: created %v, %v", created, err)
	}
	if b := mustAdd(t, db, addReq("g1", "putin-kim", "X", "Different text.")); b.Slug != "putin-kim-2" {
		t.Errorf("slug after reopen = %q", b.Slug)
	}
}

// readSnapshot parses the data file.
func readSnapshot(t *testing.T, file string) (snap struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Prefix  string `json:"prefix"`
	Keys    []struct {
		Key   string          `json:"key"`
		Type  string          `json:"type"`
		TTLms int64           `json:"ttl_ms"`
		Value json.RawMessage `json:"value"`
	} `json:"keys"`
}) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatalf("data file is not JSON: %v\n%s", err, b)
	}
	return snap
}

// TestEmbeddedFlush: Flush writes now; the background saver writes within
// about a second without being asked.
func TestEmbeddedFlush(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data.json")
	db := storetest.OpenEmbedded(t, file)
	a := mustAdd(t, db, addReq("g1", "first", "First", "The first story."))
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	snap := readSnapshot(t, file)
	if snap.Format != "briefbot-snapshot" || snap.Version != 1 || snap.Prefix != "briefbot:" {
		t.Errorf("header = %q %d %q", snap.Format, snap.Version, snap.Prefix)
	}
	var keys []string
	for _, k := range snap.Keys {
		keys = append(keys, k.Key)
		if strings.HasPrefix(k.Key, "briefbot:") {
			t.Errorf("key %q is not relative to the prefix", k.Key)
		}
		isBrief := strings.HasPrefix(k.Key, "g:{g1}:brief:")
		if isBrief != (k.TTLms > 0) || k.TTLms > time.Hour.Milliseconds() {
			t.Errorf("key %q has ttl_ms %d", k.Key, k.TTLms)
		}
	}
	for _, want := range []string{"g:{g1}:article:" + a.ID, "g:{g1}:brief:first:" + testVersion, "g:{g1}:slugs", "g:{g1}:recent"} {
		if !slices.Contains(keys, want) {
			t.Errorf("data file lacks %q; has %q", want, keys)
		}
	}

	mustAdd(t, db, addReq("g1", "second", "Second", "The second story."))
	eventually(t, 5*time.Second, "saver writes the second article", func() bool {
		b, _ := os.ReadFile(file)
		return bytes.Contains(b, []byte(`"second"`))
	})
}

func TestEmbeddedCorruptDataFile(t *testing.T) {
	for name, content := range map[string]string{
		"not JSON":    `{"format":"briefbot-snapshot","version":1,"keys":[`,
		"other JSON":  `{"hello":"world"}`,
		"bad value":   `{"format":"briefbot-snapshot","version":1,"prefix":"briefbot:","keys":[{"key":"x","type":"hash","ttl_ms":0,"value":"oops"}]}`,
		"new version": `{"format":"briefbot-snapshot","version":2,"prefix":"briefbot:","keys":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "data.json")
			if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := store.Open(context.Background(), store.Config{DataFile: file})
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded on a corrupt data file")
			}
			wantCode(t, err, briefs.EINVALID)
			if msg := briefs.ErrorMessage(err); !strings.Contains(msg, file) {
				t.Errorf("message does not name the file: %q", msg)
			}
			if b, _ := os.ReadFile(file); string(b) != content {
				t.Errorf("the corrupt file was changed to %q", b)
			}
			// The failed Open let go of the file.
			_, err = store.Open(context.Background(), store.Config{DataFile: file})
			wantCode(t, err, briefs.EINVALID)
		})
	}
}

// TestEmbeddedEmptyDataFile: an empty file is an empty store.
func TestEmbeddedEmptyDataFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data.json")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db := storetest.OpenEmbedded(t, file)
	mustAdd(t, db, addReq("g1", "first", "First", "The first story."))
}

// TestEmbeddedAtomicWrite: writes go through a temporary file that never
// stays behind.
func TestEmbeddedAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "data.json")
	db := openFile(t, file)
	for i := range 5 {
		mustAdd(t, db, addReq("g1", "s", "S", fmt.Sprintf("Story %d.", i)))
		if err := db.Flush(); err != nil {
			t.Fatal(err)
		}
		readSnapshot(t, file)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"data.json", "data.json.lock"}; !slices.Equal(names, want) {
		t.Errorf("directory holds %q, want %q", names, want)
	}
}

// TestEmbeddedLocked: two processes on one data file would overwrite each
// other's changes; the second is refused.
func TestEmbeddedLocked(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data.json")
	db := openFile(t, file)
	_, err := store.Open(context.Background(), store.Config{DataFile: file})
	wantCode(t, err, briefs.ECONFLICT)
	if msg := briefs.ErrorMessage(err); !strings.Contains(msg, file) || !strings.Contains(msg, "in use") {
		t.Errorf("message = %q", msg)
	}
	db.Close()
	openFile(t, file).Close()
}

// TestEmbeddedTTLCountsDowntime: loading the data file counts the time since
// it was saved against the TTLs, like Redis does with its dump file.
func TestEmbeddedTTLCountsDowntime(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data.json")
	saved := time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339Nano)
	content := `{"format":"briefbot-snapshot","version":1,"prefix":"briefbot:","saved_at":"` + saved + `","keys":[
{"key":"expired","type":"string","ttl_ms":3600000,"value":"x"},
{"key":"alive","type":"string","ttl_ms":10800000,"value":"y"},
{"key":"forever","type":"string","ttl_ms":0,"value":"z"}]}`
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	db := storetest.OpenEmbedded(t, file)
	if !strings.Contains(db.Where(), "(2 keys loaded)") {
		t.Errorf("Where = %q", db.Where())
	}
	var out bytes.Buffer
	if _, err := db.Backup(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.Contains(s, `"expired"`) || !strings.Contains(s, `"alive"`) || !strings.Contains(s, `"forever"`) {
		t.Errorf("after load:\n%s", s)
	}
	var snap struct {
		Keys []struct {
			Key   string `json:"key"`
			TTLms int64  `json:"ttl_ms"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(out.Bytes(), &snap); err != nil {
		t.Fatal(err)
	}
	for _, k := range snap.Keys {
		if k.Key == "alive" && (k.TTLms > time.Hour.Milliseconds()+1000 || k.TTLms < time.Hour.Milliseconds()-60000) {
			t.Errorf("alive has ttl_ms %d, want about an hour", k.TTLms)
		}
	}
}

// TestEmbeddedDataFileSymlink: a data file reached through a symbolic link
// is locked and saved at its target; the link stays a link, and a process
// that names the target directly is refused while the first runs.
func TestEmbeddedDataFileSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real", "data.json")
	if err := os.Mkdir(filepath.Dir(target), 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(filepath.Join("real", "data.json"), link); err != nil { // dangling until the first save
		t.Fatal(err)
	}
	db := openFile(t, link)
	mustAdd(t, db, addReq("g1", "story", "Story", "A story."))
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if b, err := os.ReadFile(target); err != nil || !strings.Contains(string(b), "story") {
		t.Fatalf("target: %v %.80s", err, b)
	}
	_, err := store.Open(context.Background(), store.Config{DataFile: target})
	wantCode(t, err, briefs.ECONFLICT)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// A link to a directory on the way is followed too.
	if err := os.Symlink("real", filepath.Join(dir, "dirlink")); err != nil {
		t.Fatal(err)
	}
	db = openFile(t, filepath.Join(dir, "dirlink", "data.json"))
	defer db.Close()
	if _, err := db.ArticleBySlug(context.Background(), "g1", "story"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(context.Background(), store.Config{DataFile: link}); briefs.ErrorCode(err) != briefs.ECONFLICT {
		t.Errorf("open through the other link: %v, want ECONFLICT", err)
	}
}

// TestEmbeddedSaveError: a failing save is reported by SaveError until a
// save succeeds.
func TestEmbeddedSaveError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	db := storetest.OpenEmbedded(t, filepath.Join(dir, "data.json"))
	if err := db.SaveError(); err != nil {
		t.Fatalf("fresh store: %v", err)
	}
	// The directory vanishing stands for a full disk: every write fails.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, db, addReq("g1", "story", "Story", "A story."))
	if err := db.Flush(); err == nil {
		t.Fatal("Flush succeeded without a directory")
	}
	err := db.SaveError()
	wantCode(t, err, briefs.EUNAVAILABLE)
	if !strings.Contains(err.Error(), "cannot write data file") {
		t.Errorf("SaveError = %v", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "a save succeeds", func() bool { return db.SaveError() == nil })
	if _, err := os.Stat(filepath.Join(dir, "data.json")); err != nil {
		t.Error(err)
	}
}
