// Package store keeps briefbot's data in Redis: articles, the brief cache and
// the indexes that find them, all per guild under one key prefix.
//
// With an empty URL the store runs an embedded Redis server (miniredis) in
// the process and persists it to a JSON data file, so a single bot needs no
// Redis installation. With a URL it talks to any Redis.
//
// The key layout (every key under the prefix; the guild sits in a hash tag
// so that a Redis Cluster keeps a guild's keys in one slot):
//
//	g:{G}:article:{id}            hash: article (Article JSON, zstd-compressed: see
//	                              compact.go), slug, url and hash (their index keys),
//	                              terms (JSON array),
//	                              v:{version} per cached brief
//	g:{G}:brief:{slug}:{version}  string: Brief JSON (zstd-compressed), with the cache TTL
//	g:{G}:slugs                   hash: slug -> id
//	g:{G}:urls                    hash: indexKey(normalised source URL) -> id
//	g:{G}:hashes                  hash: indexKey(content hash) -> id
//	                              (records of earlier versions: the URL or hash itself)
//	g:{G}:recent                  sorted set: id scored by added-at (Unix ms)
//	g:{G}:fresh                   sorted set: id scored by when Redis stored it (Unix ms
//	                              of the server's clock, strictly increasing): what
//	                              digest cursors compare on (of a story, its lead only)
//	g:{G}:addclock                string: the latest score given in fresh
//	g:{G}:slugidx                 sorted set: "slug\x00id" scored 0 (ZRANGEBYLEX)
//	g:{G}:listings                hash: id -> Listing JSON
//	g:{G}:term:{t}                sorted set: ids of the articles indexed under term t,
//	                              scored like recent
//	g:{G}:termidx                 sorted set: every indexed term, scored 0 (ZRANGEBYLEX)
//	g:{G}:feeds, g:{G}:feedseen   feed subscriptions and the item keys taken from them (feeds.go)
//	g:{G}:sig:{id}, storyof, stories  story signatures and links (stories.go)
//	schema                        string: the layout version of the data (upgrade.go)
//
// Every multi-key write is one Lua script, so it is atomic; every read is one
// round trip. Briefs are cached under the slug (unique in the guild, and
// written by the scripts from the article record) so that the hot path,
// CachedBrief, is a single GET; removing an article deletes the brief of
// every version its record lists.
package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
)

// Defaults of Config.
const (
	DefaultPrefix   = "briefbot:"
	DefaultDataFile = "briefbot-data.json"
)

// Connection limits: an unreachable Redis must fail fast and clearly rather
// than hang a Discord interaction that has 3 seconds to answer.
const (
	dialTimeout  = time.Second
	ioTimeout    = time.Second // with one retry, a frozen Redis is reported within about 2s
	maxRetries   = 1
	dialRetries  = 2
	pingTimeout  = 5 * time.Second
	saveInterval = time.Second // the embedded store writes its data file at most this often
)

// Config says where the store keeps its data.
type Config struct {
	// URL is a redis:// or rediss:// URL (REDIS_URL), including the database
	// number as the path ("redis://:password@host:6379/2"). Empty starts the
	// embedded server.
	URL string
	// Prefix starts every key (REDIS_KEY_PREFIX). Default "briefbot:".
	Prefix string
	// DataFile is the embedded server's snapshot (DATA_FILE), loaded at start
	// and written atomically after changes. Default "briefbot-data.json".
	// Ignored when URL is set.
	DataFile string
	// Logger receives background errors (a failed save of the data file).
	// Nil discards them.
	Logger *slog.Logger
	// MaxSchedulesPerGuild bounds the digest schedules of one guild
	// (MAX_SCHEDULES_PER_GUILD); 0 means no limit.
	MaxSchedulesPerGuild int
}

// DB is the Redis store. It implements briefs.Storage. It is safe for
// concurrent use.
type DB struct {
	client redis.UniversalClient
	prefix string
	addr   string // host:port for messages; never carries a password
	where  string
	log    *slog.Logger

	emb *embedded // nil when talking to an external Redis

	maxSchedules int // per guild; 0: no limit

	closeOnce sync.Once
	closeErr  error
	closed    atomic.Bool
}

var _ briefs.Storage = (*DB)(nil)

// Open connects to the Redis that cfg names, or starts the embedded server
// when cfg.URL is empty, and checks that it answers. Errors: EINVALID (a bad
// URL or a corrupt data file), EUNAVAILABLE (Redis does not answer),
// ECONFLICT (another process uses the data file).
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.DataFile == "" {
		cfg.DataFile = DefaultDataFile
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db := &DB{prefix: cfg.Prefix, log: log, maxSchedules: max(cfg.MaxSchedulesPerGuild, 0)}
	routeRedisLog(log)
	if cfg.URL == "" {
		if err := db.openEmbedded(ctx, cfg.DataFile); err != nil {
			return nil, err
		}
		return db, nil
	}
	if err := db.openRemote(ctx, cfg.URL); err != nil {
		return nil, err
	}
	return db, nil
}

func (db *DB) openRemote(ctx context.Context, rawURL string) error {
	opts, err := parseRedisURL(rawURL)
	if err != nil {
		// url.Parse errors quote the whole URL, password included: keep only
		// the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return briefs.Errorf(briefs.EINVALID, "%s is not a valid Redis URL: %v", briefs.SettingRedisURL, err)
	}
	db.addr = strings.Join(opts.Addrs, ",")
	kind := "Redis"
	switch {
	case opts.MasterName != "":
		kind = fmt.Sprintf("Redis master %q via Sentinel", opts.MasterName)
	case len(opts.Addrs) > 1:
		kind = "Redis Cluster"
	}
	if opts.TLSConfig != nil {
		kind += " (TLS)"
	}
	if strings.HasPrefix(rawURL, "unix:") {
		db.where = fmt.Sprintf("%s at unix socket %s db %d, prefix %s", kind, db.addr, opts.DB, db.prefix)
	} else {
		db.where = fmt.Sprintf("%s at %s db %d, prefix %s", kind, db.addr, opts.DB, db.prefix)
	}
	db.client = redis.NewUniversalClient(withDefaults(opts))
	if err := db.connect(ctx); err != nil {
		_ = db.client.Close()
		return err
	}
	if err := db.upgrade(ctx); err != nil {
		_ = db.client.Close()
		return db.fail("open store: upgrade stored data", err)
	}
	return nil
}

// parseRedisURL reads REDIS_URL as one server, a Sentinel deployment or a
// Cluster, in go-redis's URL forms:
//
//	redis://[user:password@]host:6379[/db]                       one server
//	redis://[user:password@]sentinel1:26379/0?master_name=mymaster&addr=sentinel2:26379
//	redis://[user:password@]node1:6379?addr=node2:6379&addr=node3:6379   Cluster
//
// The universal client then talks to whichever it is.
func parseRedisURL(rawURL string) (*redis.UniversalOptions, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	switch {
	case q.Has("master_name"):
		fo, err := redis.ParseFailoverURL(rawURL)
		if err != nil {
			return nil, err
		}
		return &redis.UniversalOptions{
			Addrs: fo.SentinelAddrs, MasterName: fo.MasterName,
			SentinelUsername: fo.SentinelUsername, SentinelPassword: fo.SentinelPassword,
			Username: fo.Username, Password: fo.Password, DB: fo.DB, TLSConfig: fo.TLSConfig,
			MaxRetries: fo.MaxRetries, DialTimeout: fo.DialTimeout, ReadTimeout: fo.ReadTimeout,
			WriteTimeout: fo.WriteTimeout, PoolSize: fo.PoolSize, PoolTimeout: fo.PoolTimeout,
		}, nil
	case q.Has("addr"):
		co, err := redis.ParseClusterURL(rawURL)
		if err != nil {
			return nil, err
		}
		return &redis.UniversalOptions{
			Addrs: co.Addrs, Username: co.Username, Password: co.Password, TLSConfig: co.TLSConfig,
			MaxRetries: co.MaxRetries, DialTimeout: co.DialTimeout, ReadTimeout: co.ReadTimeout,
			WriteTimeout: co.WriteTimeout, PoolSize: co.PoolSize, PoolTimeout: co.PoolTimeout,
		}, nil
	}
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	return universalOptions(opt), nil
}

// universalOptions keeps what a one-server URL said (credentials, TLS, db,
// any timeouts given as query parameters).
func universalOptions(opt *redis.Options) *redis.UniversalOptions {
	u := &redis.UniversalOptions{
		Addrs:                 []string{opt.Addr},
		ClientName:            opt.ClientName,
		DB:                    opt.DB,
		Protocol:              opt.Protocol,
		Username:              opt.Username,
		Password:              opt.Password,
		MaxRetries:            opt.MaxRetries,
		MinRetryBackoff:       opt.MinRetryBackoff,
		MaxRetryBackoff:       opt.MaxRetryBackoff,
		DialTimeout:           opt.DialTimeout,
		DialerRetries:         dialRetries,
		ReadTimeout:           opt.ReadTimeout,
		WriteTimeout:          opt.WriteTimeout,
		ContextTimeoutEnabled: true,
		PoolFIFO:              opt.PoolFIFO,
		PoolSize:              opt.PoolSize,
		PoolTimeout:           opt.PoolTimeout,
		MinIdleConns:          opt.MinIdleConns,
		MaxIdleConns:          opt.MaxIdleConns,
		MaxActiveConns:        opt.MaxActiveConns,
		ConnMaxIdleTime:       opt.ConnMaxIdleTime,
		ConnMaxLifetime:       opt.ConnMaxLifetime,
		TLSConfig:             opt.TLSConfig,
	}
	return u
}

// withDefaults fills in short timeouts and few retries where the URL gave
// none, so that an unreachable Redis is reported within seconds.
func withDefaults(u *redis.UniversalOptions) *redis.UniversalOptions {
	u.ContextTimeoutEnabled = true
	if u.DialerRetries == 0 {
		u.DialerRetries = dialRetries
	}
	if u.MaxRetries == 0 {
		u.MaxRetries = maxRetries
	}
	if u.DialTimeout == 0 {
		u.DialTimeout = dialTimeout
	}
	if u.ReadTimeout == 0 {
		u.ReadTimeout = ioTimeout
	}
	if u.WriteTimeout == 0 {
		u.WriteTimeout = ioTimeout
	}
	if u.PoolTimeout == 0 {
		u.PoolTimeout = ioTimeout
	}
	return u
}

// connect pings the server and loads the Lua scripts, so that each later
// call is one EVALSHA round trip.
func (db *DB) connect(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := db.client.Ping(ctx).Err(); err != nil {
		return db.fail("open store", err)
	}
	// A server that refuses SCRIPT LOAD (an ACL) still runs the scripts:
	// Script.Run falls back to EVAL.
	// (Not Script.Load: on a pipeliner it records the empty reply as the
	// script's hash.)
	_, _ = db.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, src := range scriptSources {
			p.ScriptLoad(ctx, src)
		}
		return nil
	})
	return nil
}

// Where says where the data lives, for the start-up log line: the embedded
// server and its data file, or the Redis address, database and prefix. It
// never contains a password.
func (db *DB) Where() string { return db.where }

// Prefix returns the key prefix.
func (db *DB) Prefix() string { return db.prefix }

// Ping checks that Redis answers, for /healthz. Errors: EUNAVAILABLE.
func (db *DB) Ping(ctx context.Context) error { return db.fail("ping", db.client.Ping(ctx).Err()) }

// AddHook adds a go-redis hook to the client, for metrics and tests (it sees
// every command and pipeline the store sends).
func (db *DB) AddHook(h redis.Hook) { db.client.AddHook(h) }

// Close writes the embedded data file when data changed, then closes the
// connection (and stops the embedded server). It is safe to call twice.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		var errs []error
		if db.emb != nil {
			errs = append(errs, db.emb.stopSaver(db))
		}
		db.closed.Store(true)
		if err := db.client.Close(); err != nil && !errors.Is(err, redis.ErrClosed) {
			errs = append(errs, err)
		}
		if db.emb != nil {
			db.emb.shutdown()
		}
		db.closeErr = errors.Join(errs...)
	})
	return db.closeErr
}

// unavailable is the message people see when Redis does not answer.
func (db *DB) unavailable(err error) *briefs.Error {
	if db.closed.Load() {
		return briefs.Errorf(briefs.EUNAVAILABLE, "store unavailable: the store is closed")
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return briefs.Errorf(briefs.EUNAVAILABLE, "store unavailable: Redis at %s did not answer in time", db.addr)
	}
	if db.emb != nil {
		return briefs.Errorf(briefs.EUNAVAILABLE, "store unavailable: the embedded Redis at %s does not answer", db.addr)
	}
	return briefs.Errorf(briefs.EUNAVAILABLE, "store unavailable: cannot reach Redis at %s", db.addr)
}

// fail wraps err for the caller: failures to reach Redis become EUNAVAILABLE
// with a message for a person, and the original error stays in the chain for
// the logs.
func (db *DB) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	var be *briefs.Error
	if errors.As(err, &be) {
		return fmt.Errorf("%s: %w", op, err)
	}
	if isUnavailable(err) {
		return fmt.Errorf("%s: %w: %w", op, db.unavailable(err), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// isUnavailable reports whether err means Redis did not answer (as opposed to
// answering with an error about the command).
func isUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, redis.ErrClosed) ||
		errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, redis.ErrPoolExhausted) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return true
	}
	// Server states in which Redis answers but cannot serve.
	for _, p := range []string{"LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "BUSY ", "READONLY", "NOREPLICAS"} {
		if redis.HasErrorPrefix(err, strings.TrimSpace(p)) {
			return true
		}
	}
	return false
}

// go-redis prints its own messages (a failed dial, a pool problem) to
// stderr, which would add noise beside the one clear line the CLI prints on
// failure. They go to the logger of the most recently opened store instead,
// at debug level: the errors the store returns already say what matters.
var (
	redisLog     atomic.Pointer[slog.Logger]
	redisLogOnce sync.Once
)

type redisLogger struct{}

func (redisLogger) Printf(ctx context.Context, format string, v ...any) {
	if l := redisLog.Load(); l != nil {
		l.DebugContext(ctx, "go-redis: "+fmt.Sprintf(format, v...))
	}
}

func routeRedisLog(l *slog.Logger) {
	redisLog.Store(l)
	redisLogOnce.Do(func() { redis.SetLogger(redisLogger{}) })
}
