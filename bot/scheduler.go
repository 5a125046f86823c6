package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/cronspec"

	"github.com/robfig/cron/v3"
)

// Defaults of SchedulerConfig.
const (
	// DefaultDigestGrace is DIGEST_GRACE: a slot missed while no instance
	// ran is still posted at start-up when it is younger than this.
	DefaultDigestGrace = time.Hour
	// DefaultTimezone is DIGEST_TIMEZONE: where a schedule given without a
	// timezone reads its cron expression.
	DefaultTimezone = "UTC"
	// DefaultPostsPerSecond paces digest fan-out below Discord's global
	// limit of 50 requests a second, shared by every instance.
	DefaultPostsPerSecond = 40
	DefaultDigestWorkers  = 8
	// DefaultDigestLockTTL bounds how long a dead instance's claim blocks a
	// slot; a post takes far less.
	DefaultDigestLockTTL  = 2 * time.Minute
	DefaultMarkerTTL      = 7 * 24 * time.Hour
	DefaultPollInterval   = 30 * time.Second
	DefaultResyncInterval = 10 * time.Minute
	DefaultRetryBackoff   = 2 * time.Second
	// postAttempts bounds the tries of one post that fails with a 5xx or a
	// network error; every try carries the digest's nonce.
	postAttempts = 3
	// maxRateLimited bounds the 429s one post waits out.
	maxRateLimited = 5
	// A scheduled slot whose post has an unknown outcome (its tries timed
	// out or got 5xx: Discord may have stored it) is tried again
	// unknownOutcomeRounds more times, unknownOutcomeWait retry backoffs
	// later (20 s by default), with the same nonce, so that the retry
	// falls within the few minutes Discord remembers the nonce, rather
	// than leaving the briefs to the next slot's different nonce.
	unknownOutcomeRounds = 1
	unknownOutcomeWait   = 10
	// completeTimeout bounds writing the marker after a post; it runs even
	// when the scheduler is stopping, to keep the duplicate window short.
	completeTimeout = 10 * time.Second
)

// DigestStore is what the scheduler needs of the store; *store.DB provides
// it. See the store's methods for the protocol.
type DigestStore interface {
	PutSchedule(ctx context.Context, s cronspec.ValidSchedule) (briefs.Schedule, error)
	DeleteSchedule(ctx context.Context, guildID, channelID string) error
	PauseSchedule(ctx context.Context, guildID, channelID, rev, reason string, at time.Time) (bool, error)
	Schedules(ctx context.Context, guildID string) ([]briefs.Schedule, error)
	AllSchedules(ctx context.Context) ([]briefs.Schedule, int64, error)
	ScheduleVersion(ctx context.Context) (int64, error)
	WatchSchedules(ctx context.Context) <-chan string
	ClaimDigest(ctx context.Context, slot briefs.DigestSlot, lockTTL time.Duration) (briefs.Claim, error)
	CompleteDigest(ctx context.Context, c briefs.Claim, messageID string, cursor time.Time, markerTTL time.Duration) error
	ReleaseDigest(ctx context.Context, c briefs.Claim) error
	RenewDigest(ctx context.Context, c briefs.Claim, lockTTL time.Duration) (bool, error)
	ReserveSend(ctx context.Context, interval time.Duration) (time.Duration, error)
}

// BriefSource rebuilds a brief that the cache no longer holds;
// *briefs.Service provides it (an exact slug finds its brief).
type BriefSource interface {
	Brief(ctx context.Context, guildID, query string) (briefs.Lookup, error)
}

// SchedulerConfig wires a Scheduler.
type SchedulerConfig struct {
	Store  DigestStore // required
	Poster Poster      // required
	// Briefs rebuilds briefs missing from the cache; nil shows such
	// articles by title only.
	Briefs BriefSource
	// SummarizerVersion is the version of the cached briefs to show
	// (briefs.Service.BriefVersion()).
	SummarizerVersion string
	Clock             Clock        // nil: SystemClock
	Logger            *slog.Logger // nil: discard
	// Grace is DIGEST_GRACE; 0 means DefaultDigestGrace.
	Grace time.Duration
	// MinInterval is MIN_DIGEST_INTERVAL: a schedule whose runs come closer
	// together is refused; 0 means no minimum.
	MinInterval time.Duration
	// DefaultTimezone is DIGEST_TIMEZONE, for schedules given without one;
	// "" means UTC.
	DefaultTimezone string
	// PostsPerSecond paces posts across all instances; 0 means
	// DefaultPostsPerSecond.
	PostsPerSecond float64
	// Workers bounds the digests handled at once; 0 means
	// DefaultDigestWorkers.
	Workers int
	// LockTTL, MarkerTTL, PollInterval, ResyncInterval and RetryBackoff: 0
	// means the Default* value. The marker outlives the grace period at
	// least twice over.
	LockTTL, MarkerTTL, PollInterval, ResyncInterval, RetryBackoff time.Duration
	// OnEvent, when set, is told what the scheduler does (for metrics and
	// tests). It is called from the scheduler's goroutines and must not
	// block for long.
	OnEvent func(DigestEvent)
}

// DigestEventKind says what happened.
type DigestEventKind string

// Kinds of DigestEvent.
const (
	EventLoaded  DigestEventKind = "loaded"  // schedules (re)loaded; Detail says why, Count how many
	EventPosted  DigestEventKind = "posted"  // a digest was posted
	EventEmpty   DigestEventKind = "empty"   // nothing new: no post, slot marked handled
	EventDone    DigestEventKind = "done"    // the slot was handled already (by any instance)
	EventBusy    DigestEventKind = "busy"    // another instance is handling the slot
	EventGone    DigestEventKind = "gone"    // the schedule changed or went before the slot was claimed
	EventPaused  DigestEventKind = "paused"  // the channel refused the post (403/404): schedule paused
	EventSkipped DigestEventKind = "skipped" // a missed slot older than the grace period, not posted
	EventFailed  DigestEventKind = "failed"  // the slot failed (Err says why); nothing was marked
)

// DigestEvent reports one thing the scheduler did.
type DigestEvent struct {
	Kind      DigestEventKind
	GuildID   string
	ChannelID string
	// Slot is the scheduled time; zero for /digest now.
	Slot time.Time
	// CatchUp marks a missed slot posted at start-up (or on a late load).
	CatchUp   bool
	MessageID string
	// Count is the number of briefs shown, or of schedules loaded.
	Count int
	// Total is the number of new briefs, shown or not.
	Total  int
	Detail string
	Err    error
}

// Scheduler posts digests on their schedules. Any number of instances may
// run against one Redis: each loads every schedule, follows changes made by
// any instance (pub/sub, plus a version poll), and for each slot of a
// channel runs the exactly-once protocol: claim the slot (the channel's lock,
// with a random token, after checking the slot's idempotency marker), post,
// then write the marker with the message id and move the channel's cursor.
// The lock is one per channel, so /digest now and scheduled slots of a
// channel run one after the other; its holder renews it while it works, each
// post ends when the lease can no longer be vouched for, and the marker is
// written only while the lock is still the holder's. Every post carries a
// nonce derived from guild, channel and slot (enforce_nonce): retries of a
// timeout, a 5xx or a 429 reuse it, and Discord answers them with the
// message it stored first. An instance that finds the slot locked looks
// again once the lock has expired, while the slot is younger than the grace
// period: the marker is there by then, unless the lock's holder died.
//
// A scheduled slot whose post has no answer after all its tries is tried
// once more, soon, with the same nonce. The window left for a duplicate: a
// post whose outcome stays unknown even then, or an instance that crashes after Discord stored the post
// and before the marker is written. The slot stays unmarked; a retry of the
// same slot sends the same nonce, which Discord deduplicates for a few
// minutes, but a later slot or /digest now has another nonce and may show
// the same briefs again. (A holder that dies before its post reached
// Discord is the case the second look exists for: that slot is then posted
// once, not lost.) The marker is written with a context that shutdown does
// not cancel, so an orderly stop does not open the window.
//
// A slot that fell while no instance ran is posted once at start-up when it
// is younger than the grace period (several missed slots of one channel make
// one digest: it covers everything since the cursor); older ones are
// skipped and logged. Slots follow cronspec.Spec, so daylight-saving
// changes neither skip nor double a daily digest. A channel that answers 403
// or 404 pauses its schedule with the reason; scheduling it again resumes
// it. Posts are paced across all instances (Store.ReserveSend) below
// Discord's global limit.
type Scheduler struct {
	store          DigestStore
	poster         Poster
	noncePoster    NoncePoster // poster's nonce-sending form, nil when it has none
	briefs         BriefSource
	version        string
	clock          Clock
	log            *slog.Logger
	grace          time.Duration
	minInterval    time.Duration
	defaultTZ      string
	interval       time.Duration
	lockTTL        time.Duration
	markerTTL      time.Duration
	emptyMarkerTTL time.Duration // markerTTL of a slot handled without a post
	poll           time.Duration
	resync         time.Duration
	backoff        time.Duration
	onEvent        func(DigestEvent)
	recover        cron.JobWrapper

	sem     chan struct{}
	jobs    sync.WaitGroup
	running atomic.Bool
	wake    chan struct{}

	mu        sync.Mutex
	entries   map[string]*entry // by guild + "/" + channel
	pending   []slotJob         // catch-ups found outside the loop
	schedVer  int64
	localPace time.Time // fallback pacer when Redis cannot pace
}

// entry is one loaded schedule.
type entry struct {
	sched briefs.Schedule
	spec  *cronspec.Spec
	next  time.Time // the next slot to fire; zero when none
}

// slotJob is one slot to handle.
type slotJob struct {
	sched   briefs.Schedule
	loc     *time.Location
	at      time.Time
	catchUp bool
}

// NewScheduler checks cfg and returns a scheduler; Run starts it.
func NewScheduler(cfg SchedulerConfig) (*Scheduler, error) {
	if cfg.Store == nil || cfg.Poster == nil {
		return nil, errors.New("bot: SchedulerConfig needs a Store and a Poster")
	}
	if _, err := briefs.LoadTimezone(cfg.DefaultTimezone); err != nil {
		return nil, fmt.Errorf("%s: %w", briefs.SettingDigestTimezone, err)
	}
	if cfg.Grace < 0 {
		return nil, briefs.Errorf(briefs.EINVALID, "%s must not be negative", briefs.SettingDigestGrace)
	}
	s := &Scheduler{
		store:       cfg.Store,
		poster:      cfg.Poster,
		noncePoster: withNonce(cfg.Poster),
		briefs:      cfg.Briefs,
		version:     cfg.SummarizerVersion,
		clock:       cfg.Clock,
		log:         cfg.Logger,
		grace:       orDefault(cfg.Grace, DefaultDigestGrace),
		minInterval: cfg.MinInterval,
		defaultTZ:   cfg.DefaultTimezone,
		lockTTL:     orDefault(cfg.LockTTL, DefaultDigestLockTTL),
		markerTTL:   orDefault(cfg.MarkerTTL, DefaultMarkerTTL),
		poll:        orDefault(cfg.PollInterval, DefaultPollInterval),
		resync:      orDefault(cfg.ResyncInterval, DefaultResyncInterval),
		backoff:     orDefault(cfg.RetryBackoff, DefaultRetryBackoff),
		onEvent:     cfg.OnEvent,
		wake:        make(chan struct{}, 1),
		entries:     map[string]*entry{},
	}
	if s.clock == nil {
		s.clock = SystemClock()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.defaultTZ == "" {
		s.defaultTZ = DefaultTimezone
	}
	s.markerTTL = max(s.markerTTL, 2*s.grace+s.lockTTL)
	// A slot handled without a post needs its marker only while the slot
	// can still be claimed (catch-up looks back one grace period): empty
	// slots of an every-quarter-hour channel then keep a few keys, not a
	// week's worth.
	s.emptyMarkerTTL = 2*s.grace + s.lockTTL
	rate := cfg.PostsPerSecond
	if rate <= 0 {
		rate = DefaultPostsPerSecond
	}
	s.interval = time.Duration(float64(time.Second) / rate)
	workers := cfg.Workers
	if workers <= 0 {
		workers = DefaultDigestWorkers
	}
	s.sem = make(chan struct{}, workers)
	s.recover = cron.Recover(cronLogger{s.log})
	return s, nil
}

// cronLogger routes robfig/cron's messages (a recovered panic) to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Info("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("digest job: "+msg, append([]any{"err", err}, kv...)...)
}
