package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
	"briefbot/internal/atomicfile"
)

// TTL clock of the embedded server: miniredis only ages TTLs when told to,
// so a goroutine advances them by the time elapsed, every clockTick or
// slower when the database is big (FastForward walks every key; the clock
// spends at most 1/clockBudget of the time doing it). A key may thus expire
// up to one tick early.
const (
	clockTick    = 100 * time.Millisecond
	clockMaxTick = 2 * time.Second
	clockBudget  = 50
	saveTimeout  = 30 * time.Second
)

// embedded is the state of the in-process server.
type embedded struct {
	mr     *miniredis.Miniredis
	path   string // absolute path of the data file
	unlock func() // releases the data file lock

	// snapMu keeps snapshots consistent: writes (see DB.write) hold it shared,
	// the snapshot holds it exclusively.
	snapMu sync.RWMutex
	dirty  atomic.Bool
	kick   chan struct{}
	stop   chan struct{}
	wg     sync.WaitGroup
	saveMu sync.Mutex
	// saveErr is why the last save failed; nil after a save succeeds.
	saveErr atomic.Pointer[error]
}

// openEmbedded starts the in-process server on the data file: it locks the
// file, reads it, starts the server, loads the keys and starts the clock
// and the saver.
func (db *DB) openEmbedded(ctx context.Context, dataFile string) (err error) {
	path, unlock, err := lockedDataFile(dataFile)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			unlock()
		}
	}()
	keys, savedAt, exists, err := readDataFile(path)
	if err != nil {
		return err
	}
	mr, password, err := startMiniredis()
	if err != nil {
		return err
	}
	e := &embedded{mr: mr, path: path, unlock: unlock, kick: make(chan struct{}, 1), stop: make(chan struct{})}
	db.emb = e
	if err := db.dialEmbedded(ctx, mr, password); err != nil {
		return err
	}
	n, err := db.writeKeys(ctx, agedKeys(keys, savedAt))
	if err == nil {
		err = db.upgrade(ctx)
	}
	if err != nil {
		_ = db.client.Close()
		mr.Close()
		return db.fail(fmt.Sprintf("open store: load data file %s", path), err)
	}
	switch {
	case exists:
		db.where = fmt.Sprintf("embedded Redis, data file %s (%d keys loaded)", path, n)
	default:
		db.where = fmt.Sprintf("embedded Redis, data file %s (new)", path)
	}
	e.wg.Add(2)
	go e.clock()
	go e.saver(db)
	return nil
}

// lockedDataFile resolves the data file's path and locks it, so that no
// other process uses it. Errors: EINVALID (a path that cannot be
// resolved), those of lockDataFile.
func lockedDataFile(dataFile string) (path string, unlock func(), err error) {
	path, err = filepath.Abs(dataFile)
	if err == nil {
		// Lock and replace the file the link points to: locking the link's
		// name would let a process that names the target directly in, and
		// the rename of a save would replace the link with a regular file.
		path, err = resolveDataFile(path)
	}
	if err != nil {
		return "", nil, briefs.Errorf(briefs.EINVALID, "data file %q: %v", dataFile, err)
	}
	unlock, err = lockDataFile(path)
	if err != nil {
		return "", nil, err
	}
	return path, unlock, nil
}

// startMiniredis starts the embedded server. miniredis serves over TCP
// only, so the embedded server has a port: it listens on loopback alone,
// and a random password of this process keeps other local users and
// processes out of it.
func startMiniredis() (mr *miniredis.Miniredis, password string, err error) {
	password = randomToken(16) // 128 random bits in hex
	mr = miniredis.NewMiniRedis()
	mr.RequireAuth(password)
	if err := mr.StartAddr("127.0.0.1:0"); err != nil {
		return nil, "", fmt.Errorf("open store: start embedded Redis: %w", err)
	}
	return mr, password, nil
}

// dialEmbedded connects the client to the embedded server; on failure it
// stops the server.
func (db *DB) dialEmbedded(ctx context.Context, mr *miniredis.Miniredis, password string) error {
	db.addr = mr.Addr()
	db.client = redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 []string{mr.Addr()},
		Password:              password,
		DialTimeout:           dialTimeout,
		ReadTimeout:           ioTimeout,
		WriteTimeout:          ioTimeout,
		MaxRetries:            maxRetries,
		DialerRetries:         dialRetries,
		ContextTimeoutEnabled: true,
	})
	if err := db.connect(ctx); err != nil {
		_ = db.client.Close()
		mr.Close()
		return err
	}
	return nil
}

// agedKeys counts the time since the data file was saved against its keys'
// TTLs, as the TTLs count on while briefbot is not running, and drops the
// keys whose TTL ran out. A zero savedAt (an old file) ages nothing.
func agedKeys(keys []keyData, savedAt time.Time) []keyData {
	if savedAt.IsZero() {
		return keys
	}
	elapsed := time.Since(savedAt)
	kept := keys[:0]
	for _, k := range keys {
		if k.ttl > 0 && elapsed > 0 {
			if k.ttl -= elapsed; k.ttl <= 0 {
				continue
			}
		}
		kept = append(kept, k)
	}
	return kept
}

// resolveDataFile follows the symbolic links of the absolute path, in its
// directories and in its last element, also when the file does not exist
// yet (a dangling link names the file to create).
func resolveDataFile(path string) (string, error) {
	for range 40 {
		dir, err := filepath.EvalSymlinks(filepath.Dir(path))
		if err != nil {
			return "", err
		}
		path = filepath.Join(dir, filepath.Base(path))
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		path = target
	}
	return "", errors.New("too many levels of symbolic links")
}

// readDataFile reads and checks the data file. A missing or empty file is
// an empty store; a corrupt one is an error that leaves the file alone.
func readDataFile(path string) (keys []keyData, savedAt time.Time, exists bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, time.Time{}, false, nil
	} else if err != nil {
		return nil, time.Time{}, false, briefs.Errorf(briefs.EUNAVAILABLE, "cannot read data file %s: %v", path, err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, time.Time{}, true, nil
	}
	keys, savedAt, err = decodeSnapshot(bytes.NewReader(b))
	if err != nil {
		return nil, time.Time{}, true, briefs.Errorf(briefs.EINVALID,
			"data file %s is not a valid briefbot snapshot (%v); it was left untouched: repair it, move it away or set %s", path, err, briefs.SettingDataFile)
	}
	return keys, savedAt, true, nil
}

// write runs fn, which makes one call's writes to the data and reports
// whether it changed any. Every write to the data goes through it, because
// the embedded store needs two things of each and a write that forgot
// either would go unnoticed until a crash: fn runs holding snapMu shared,
// so that a snapshot never sees half of a call's writes, and a change
// marks the data dirty (even when fn also fails), so that the saver writes
// the data file. With an external Redis it just runs fn. fn must not call
// write itself: a snapshot waiting between the two would deadlock them.
// Short-lived coordination keys (digest locks, the Discord pacer, rate
// limits, seen interactions) are written directly: losing them in a crash
// costs nothing, so they need not wake the saver.
func (db *DB) write(fn func() (changed bool, err error)) error {
	e := db.emb
	if e == nil {
		_, err := fn()
		return err
	}
	e.snapMu.RLock()
	defer e.snapMu.RUnlock()
	changed, err := fn()
	if changed {
		e.dirty.Store(true)
		select {
		case e.kick <- struct{}{}:
		default:
		}
	}
	return err
}

// Flush writes the embedded data file now if data changed since the last
// write (the CLI calls it when a command that changed data ends). With an
// external Redis it does nothing. Errors: EUNAVAILABLE (the file cannot be
// written).
func (db *DB) Flush() error {
	if db.emb == nil || db.closed.Load() {
		return nil
	}
	return db.save()
}

// save writes the data file when dirty: a consistent snapshot taken with the
// writers paused, then written to a temporary file in the same directory,
// synced and renamed over the data file.
func (db *DB) save() error {
	e := db.emb
	e.saveMu.Lock()
	defer e.saveMu.Unlock()
	if !e.dirty.Swap(false) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
	defer cancel()
	var buf bytes.Buffer
	e.snapMu.Lock()
	_, err := db.backup(ctx, &buf, false)
	e.snapMu.Unlock()
	if err == nil {
		err = atomicfile.WriteBytes(e.path, buf.Bytes())
	}
	if err != nil {
		e.dirty.Store(true)
		be := briefs.Errorf(briefs.EUNAVAILABLE, "cannot write data file %s: %v", e.path, rootCause(err))
		last := error(fmt.Errorf("%w (since %s)", be, time.Now().UTC().Format(time.RFC3339)))
		if prev := e.saveErr.Load(); prev != nil && briefs.ErrorMessage(*prev) == be.Message {
			last = *prev // keep when the failures started
		}
		e.saveErr.Store(&last)
		return fmt.Errorf("save data file: %w: %w", be, err)
	}
	e.saveErr.Store(nil)
	return nil
}

// SaveError is why the embedded store's last write of its data file failed,
// or nil when it succeeded (or nothing needed writing yet, or the store is
// an external Redis). Changes made meanwhile live only in memory; /healthz
// reports it until a save succeeds.
func (db *DB) SaveError() error {
	if db.emb == nil {
		return nil
	}
	if p := db.emb.saveErr.Load(); p != nil {
		return *p
	}
	return nil
}

// saver writes the data file after changes, at most once per saveInterval.
func (e *embedded) saver(db *DB) {
	defer e.wg.Done()
	var last time.Time
	for {
		select {
		case <-e.kick:
		case <-e.stop:
			return
		}
		if wait := time.Until(last.Add(saveInterval)); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-e.stop:
				t.Stop()
				return
			}
		}
		if err := db.save(); err != nil {
			db.log.Error("cannot save the embedded store", "file", e.path, "err", err)
			select { // try again after the interval
			case e.kick <- struct{}{}:
			default:
			}
		}
		last = time.Now()
	}
}

// clock ages the TTLs of the embedded server in real time.
func (e *embedded) clock() {
	defer e.wg.Done()
	last := time.Now()
	t := time.NewTimer(clockTick)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-e.stop:
			return
		}
		now := time.Now()
		e.mr.FastForward(now.Sub(last))
		last = now
		t.Reset(min(max(clockTick, clockBudget*time.Since(now)), clockMaxTick))
	}
}

// stopSaver stops the background goroutines and writes pending changes.
func (e *embedded) stopSaver(db *DB) error {
	close(e.stop)
	e.wg.Wait()
	return db.save()
}

// shutdown stops the server and releases the data file.
func (e *embedded) shutdown() {
	e.mr.Close()
	e.unlock()
}

// rootCause is the innermost error of a chain, for a short message.
func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
