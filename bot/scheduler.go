package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/cronspec"

	"github.com/bwmarrin/discordgo"
	"github.com/robfig/cron/v3"
)

// Defaults of SchedulerConfig.
const (
	// DefaultDigestGrace is DIGEST_GRACE: a slot missed while no instance
	// ran is still posted at start-up when it is younger than this.
	DefaultDigestGrace = time.Hour
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

// Clock is the scheduler's time source; tests use a fake one. Pacing and
// retry waits use real time: they are about Discord's clock.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is a Clock's timer.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// SystemClock is the real clock.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }
func (systemClock) NewTimer(d time.Duration) Timer {
	return systemTimer{time.NewTimer(d)}
}

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time { return t.t.C }
func (t systemTimer) Stop() bool          { return t.t.Stop() }

// DigestStore is what the scheduler needs of the store; *store.DB provides
// it. See the store's methods for the protocol.
type DigestStore interface {
	PutSchedule(ctx context.Context, s briefs.Schedule) (briefs.Schedule, error)
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

// Poster sends a message to a channel; *discordgo.Session provides it, and
// is then used through SessionPoster: each digest is sent with a nonce
// derived from its guild, channel and slot, so that retries (and other
// instances) of the same digest make one message. A Poster that is neither
// a session nor a NoncePoster posts without a nonce.
type Poster interface {
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
}

// BriefSource rebuilds a brief that the cache no longer holds;
// *briefs.Service provides it (an exact slug finds its brief).
type BriefSource interface {
	Brief(ctx context.Context, guildID, query string) (briefs.Lookup, error)
}

// NewRESTSession returns a discordgo Session for REST calls only (no
// gateway), with its requests sent to apiURL (DISCORD_API_URL, "" for
// Discord's): the scheduler's Poster.
func NewRESTSession(token, apiURL string, timeout time.Duration) (*discordgo.Session, error) {
	token = strings.TrimPrefix(strings.TrimSpace(token), "Bot ")
	if token == "" {
		return nil, briefs.Errorf(briefs.EINVALID, "DISCORD_TOKEN is required to post digests")
	}
	client, err := NewHTTPClient(apiURL, orDefault(timeout, DefaultHTTPTimeout))
	if err != nil {
		return nil, err
	}
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	s.Client = client
	s.StateEnabled = false
	s.LogLevel = -1
	return s, nil
}

// SchedulerConfig wires a Scheduler.
type SchedulerConfig struct {
	Store  DigestStore // required
	Poster Poster      // required
	// Briefs rebuilds briefs missing from the cache; nil shows such
	// articles by title only.
	Briefs BriefSource
	// SummarizerVersion is the version of the cached briefs to show
	// (Summarizer.Version()).
	SummarizerVersion string
	Clock             Clock        // nil: SystemClock
	Logger            *slog.Logger // nil: discard
	// Grace is DIGEST_GRACE; 0 means DefaultDigestGrace.
	Grace time.Duration
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
	briefs         BriefSource
	version        string
	clock          Clock
	log            *slog.Logger
	grace          time.Duration
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
		return nil, fmt.Errorf("DIGEST_TIMEZONE: %w", err)
	}
	if cfg.Grace < 0 {
		return nil, briefs.Errorf(briefs.EINVALID, "DIGEST_GRACE must not be negative")
	}
	s := &Scheduler{
		store:     cfg.Store,
		poster:    cfg.Poster,
		briefs:    cfg.Briefs,
		version:   cfg.SummarizerVersion,
		clock:     cfg.Clock,
		log:       cfg.Logger,
		grace:     orDefault(cfg.Grace, DefaultDigestGrace),
		defaultTZ: cfg.DefaultTimezone,
		lockTTL:   orDefault(cfg.LockTTL, DefaultDigestLockTTL),
		markerTTL: orDefault(cfg.MarkerTTL, DefaultMarkerTTL),
		poll:      orDefault(cfg.PollInterval, DefaultPollInterval),
		resync:    orDefault(cfg.ResyncInterval, DefaultResyncInterval),
		backoff:   orDefault(cfg.RetryBackoff, DefaultRetryBackoff),
		onEvent:   cfg.OnEvent,
		wake:      make(chan struct{}, 1),
		entries:   map[string]*entry{},
	}
	if s.clock == nil {
		s.clock = SystemClock()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.defaultTZ == "" {
		s.defaultTZ = "UTC"
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

// Run loads the schedules and posts digests until ctx is done, then waits
// for the digests in flight. A store that does not answer at start is
// retried every poll interval. Run returns nil after ctx is done.
func (s *Scheduler) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("bot: Scheduler.Run is already running")
	}
	defer s.running.Store(false)
	defer s.jobs.Wait()
	changes := s.store.WatchSchedules(ctx)
	loaded := s.reloadAll(ctx, "start") == nil
	lastFull := s.clock.Now()
	poll := s.clock.NewTimer(s.poll)
	defer func() { poll.Stop() }()
	for {
		now := s.clock.Now()
		s.fireDue(ctx, now)
		wait := s.untilNext(now)
		timer := s.clock.NewTimer(wait)
		if !s.clock.Now().Before(now.Add(wait)) {
			// The clock passed the deadline while the timer was made.
			timer.Stop()
			continue
		}
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C():
		case <-s.wake:
		case g, ok := <-changes:
			switch {
			case !ok:
				changes = nil
			case g == "":
				if s.reloadAll(ctx, "subscribed") == nil {
					loaded, lastFull = true, s.clock.Now()
				}
			default:
				_ = s.reloadGuild(ctx, g, "changed")
			}
		case <-poll.C():
			v, err := s.store.ScheduleVersion(ctx)
			s.mu.Lock()
			changed := err == nil && v != s.schedVer
			s.mu.Unlock()
			if !loaded || changed || s.clock.Now().Sub(lastFull) >= s.resync {
				if s.reloadAll(ctx, "poll") == nil {
					loaded, lastFull = true, s.clock.Now()
				}
			}
			poll = s.clock.NewTimer(s.poll)
		}
		timer.Stop()
	}
}

// untilNext is how long the loop may sleep: until the earliest next slot.
func (s *Scheduler) untilNext(now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	wait := time.Duration(-1)
	for _, e := range s.entries {
		if e.next.IsZero() {
			continue
		}
		if d := e.next.Sub(now); wait < 0 || d < wait {
			wait = d
		}
	}
	if len(s.pending) > 0 {
		return 0
	}
	if wait < 0 {
		return time.Hour
	}
	return max(wait, 0)
}

// fireDue dispatches every slot that is due, and the pending catch-ups.
func (s *Scheduler) fireDue(ctx context.Context, now time.Time) {
	s.mu.Lock()
	due := s.pending
	s.pending = nil
	var paused []DigestEvent
	for _, e := range s.entries {
		if e.next.IsZero() || e.next.After(now) {
			continue
		}
		if e.sched.Paused {
			paused = append(paused, DigestEvent{Kind: EventPaused, GuildID: e.sched.GuildID, ChannelID: e.sched.ChannelID,
				Slot: e.next, Detail: "the schedule is paused"})
			e.next = e.spec.Next(now)
			continue
		}
		// The latest slot that is due: when the loop woke late (a
		// suspended machine), one digest covers every slot in between.
		slot := e.next
		for i := 0; i < 100000; i++ {
			n := e.spec.Next(slot)
			if n.IsZero() || n.After(now) {
				break
			}
			slot = n
		}
		e.next = e.spec.Next(now)
		if now.Sub(slot) >= s.grace {
			s.skipped(e.sched, slot)
			continue
		}
		due = append(due, slotJob{sched: e.sched, loc: e.spec.Location(), at: slot})
	}
	s.mu.Unlock()
	for _, ev := range paused {
		s.report(ev)
	}
	for _, j := range due {
		s.dispatch(ctx, j)
	}
}

// dispatch runs one slot in its own goroutine, at most Workers at once,
// with panic recovery. A slot another instance holds (busy) is looked at
// again once that instance's lock has expired, while the slot is still
// within the grace period: if its holder died before posting, the slot is
// posted then rather than lost; if the holder finished, the marker says so
// and nothing more happens.
func (s *Scheduler) dispatch(ctx context.Context, j slotJob) {
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		unknown := 0
		for {
			ev, ok := s.runSlot(ctx, j)
			if ok && ev.Kind == EventFailed && errors.Is(ev.Err, errOutcomeUnknown) && unknown < unknownOutcomeRounds {
				// Discord may hold the post: try the slot once more, with
				// the same nonce, while Discord still remembers it.
				unknown++
				if !s.sleep(ctx, unknownOutcomeWait*s.backoff) {
					return
				}
				continue
			}
			if !ok || ev.Kind != EventBusy {
				return
			}
			wait := s.lockTTL + time.Second
			if s.clock.Now().Add(wait).Sub(j.at) >= s.grace {
				return
			}
			t := s.clock.NewTimer(wait)
			select {
			case <-t.C():
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
	}()
}

// runSlot handles one slot under the Workers limit; ok is false when ctx
// ended first.
func (s *Scheduler) runSlot(ctx context.Context, j slotJob) (ev DigestEvent, ok bool) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return DigestEvent{}, false
	}
	defer func() { <-s.sem }()
	s.recover(cron.FuncJob(func() {
		ev = s.deliver(ctx, slotFor(j, s.version), j.loc, j.sched.PostEmpty)
		ev.CatchUp = j.catchUp
		s.report(ev)
	})).Run()
	return ev, true
}

func slotFor(j slotJob, version string) briefs.DigestSlot {
	return briefs.DigestSlot{
		GuildID: j.sched.GuildID, ChannelID: j.sched.ChannelID,
		Key: briefs.SlotKey(j.at), At: j.at, Rev: j.sched.Rev, Size: j.sched.Size, Version: version,
	}
}

// report logs an event and passes it on.
func (s *Scheduler) report(ev DigestEvent) {
	attrs := []any{"guild", ev.GuildID, "channel", ev.ChannelID}
	if !ev.Slot.IsZero() {
		attrs = append(attrs, "slot", ev.Slot.UTC().Format(time.RFC3339))
	}
	switch ev.Kind {
	case EventPosted:
		s.log.Info("digest posted", append(attrs, "message", ev.MessageID, "briefs", ev.Count, "new", ev.Total, "catch_up", ev.CatchUp)...)
	case EventFailed:
		if errors.Is(ev.Err, context.Canceled) {
			s.log.Info("digest not posted: stopping", attrs...)
		} else {
			s.log.Error("digest failed", append(attrs, "err", ev.Err)...)
		}
	case EventPaused:
		if ev.Err != nil {
			s.log.Warn("digest schedule paused: Discord refused the post", append(attrs, "reason", ev.Detail)...)
		} else {
			s.log.Debug("digest slot of a paused schedule", attrs...)
		}
	case EventSkipped:
		s.log.Warn("missed digest slot skipped: older than DIGEST_GRACE", append(attrs, "grace", s.grace)...)
	case EventLoaded:
		s.log.Debug("digest schedules loaded", "guild", ev.GuildID, "schedules", ev.Count, "why", ev.Detail)
	default:
		s.log.Debug("digest slot "+string(ev.Kind), attrs...)
	}
	if s.onEvent != nil {
		s.onEvent(ev)
	}
}

func (s *Scheduler) skipped(sch briefs.Schedule, slot time.Time) {
	s.report(DigestEvent{Kind: EventSkipped, GuildID: sch.GuildID, ChannelID: sch.ChannelID, Slot: slot})
}

// ---------------------------------------------------------------------------
// Loading schedules

func entryKey(guildID, channelID string) string { return guildID + "/" + channelID }

// reloadAll loads every schedule.
func (s *Scheduler) reloadAll(ctx context.Context, why string) error {
	all, ver, err := s.store.AllSchedules(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("cannot load digest schedules; retrying", "err", err)
		}
		return err
	}
	s.mu.Lock()
	s.schedVer = ver
	s.applyLocked("", all)
	s.mu.Unlock()
	s.poke()
	s.report(DigestEvent{Kind: EventLoaded, Count: len(all), Detail: why})
	return nil
}

// reloadGuild loads the schedules of one guild.
func (s *Scheduler) reloadGuild(ctx context.Context, guildID, why string) error {
	list, err := s.store.Schedules(ctx, guildID)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("cannot load digest schedules", "guild", guildID, "err", err)
		}
		return err
	}
	s.mu.Lock()
	s.applyLocked(guildID, list)
	s.mu.Unlock()
	s.poke()
	s.report(DigestEvent{Kind: EventLoaded, GuildID: guildID, Count: len(list), Detail: why})
	return nil
}

// poke wakes the loop.
func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// applyLocked replaces the loaded schedules of one guild ("" for all) with
// list. Unchanged schedules (same revision) keep their next slot; new and
// changed ones look for a missed slot to catch up.
func (s *Scheduler) applyLocked(guildID string, list []briefs.Schedule) {
	now := s.clock.Now()
	seen := make(map[string]bool, len(list))
	for _, sch := range list {
		if guildID != "" && sch.GuildID != guildID {
			continue
		}
		k := entryKey(sch.GuildID, sch.ChannelID)
		seen[k] = true
		if e, ok := s.entries[k]; ok && e.sched.Rev == sch.Rev {
			e.sched = sch // state: pause, cursor, last slot
			continue
		}
		spec, err := cronspec.ForSchedule(sch)
		if err != nil {
			s.log.Error("digest schedule cannot be read; ignored", "guild", sch.GuildID, "channel", sch.ChannelID, "cron", sch.Cron, "err", err)
			delete(s.entries, k)
			continue
		}
		e := &entry{sched: sch, spec: spec, next: spec.Next(now)}
		s.entries[k] = e
		if !sch.Paused {
			if j, ok := s.catchUp(e, now); ok {
				s.pending = append(s.pending, j)
			}
		}
	}
	for k, e := range s.entries {
		if (guildID == "" || e.sched.GuildID == guildID) && !seen[k] {
			delete(s.entries, k)
		}
	}
}

// catchUp finds the slot a new schedule missed: the latest one after its
// last handled slot (or its creation) and younger than the grace period.
// Older missed slots are reported as skipped.
func (s *Scheduler) catchUp(e *entry, now time.Time) (slotJob, bool) {
	from := e.sched.UpdatedAt
	if e.sched.LastSlot.After(from) {
		from = e.sched.LastSlot
	}
	first := e.spec.Next(from)
	if first.IsZero() || first.After(now) {
		return slotJob{}, false
	}
	lo := now.Add(-s.grace)
	if from.After(lo) {
		lo = from
	}
	if !first.After(now.Add(-s.grace)) {
		s.skipped(e.sched, first)
	}
	var latest time.Time
	for t, i := e.spec.Next(lo), 0; !t.IsZero() && !t.After(now) && i < 100000; t, i = e.spec.Next(t), i+1 {
		latest = t
	}
	if latest.IsZero() {
		return slotJob{}, false
	}
	return slotJob{sched: e.sched, loc: e.spec.Location(), at: latest, catchUp: true}, true
}

// ---------------------------------------------------------------------------
// One digest, exactly once

// deliver runs the protocol for one digest: claim, post, complete.
func (s *Scheduler) deliver(ctx context.Context, slot briefs.DigestSlot, loc *time.Location, postEmpty bool) DigestEvent {
	ev := DigestEvent{GuildID: slot.GuildID, ChannelID: slot.ChannelID, Slot: slot.At}
	var c briefs.Claim
	var err error
	var claimed time.Time
	for attempt := 1; ; attempt++ {
		claimed = time.Now()
		c, err = s.store.ClaimDigest(ctx, slot, s.lockTTL)
		if err == nil || attempt >= postAttempts || briefs.ErrorCode(err) != briefs.EUNAVAILABLE || !s.sleep(ctx, s.backoff*time.Duration(attempt)) {
			break
		}
	}
	if err != nil {
		ev.Kind, ev.Err = EventFailed, fmt.Errorf("claim digest: %w", err)
		return ev
	}
	switch c.Status {
	case briefs.ClaimDone:
		ev.Kind, ev.MessageID = EventDone, c.MessageID
		return ev
	case briefs.ClaimBusy:
		ev.Kind = EventBusy
		return ev
	case briefs.ClaimGone:
		ev.Kind = EventGone
		return ev
	case briefs.ClaimPaused:
		ev.Kind, ev.Detail = EventPaused, "the schedule is paused"
		return ev
	}
	d := c.Digest
	ev.Total, ev.Count = d.Total, len(d.Items)
	// From here on the claim is ours: finish it even when ctx ends, so that
	// a post is never left without its marker by an orderly stop. The lease
	// keeps the lock while we work and bounds the post by it.
	finish := context.WithoutCancel(ctx)
	ls := s.hold(finish, c, claimed)
	defer ls.stop()
	defer func() {
		// The lock is the channel's: a panic must not keep its later
		// digests waiting for the lock to expire.
		if p := recover(); p != nil {
			s.release(finish, c)
			panic(p)
		}
	}()
	if d.Total == 0 && !postEmpty {
		ev.Kind = EventEmpty
		if err := s.complete(finish, c, "", time.Time{}); err != nil {
			ev.Kind, ev.Err = EventFailed, err
		}
		return ev
	}
	s.fillBriefs(ctx, &d)
	msg := DigestMessage(d, slot.At, loc)
	m, err := s.post(ctx, ls, slot, msg)
	if err != nil {
		s.release(finish, c)
		if reason, ok := refused(err); ok {
			ev.Kind, ev.Detail, ev.Err = EventPaused, reason, err
			if _, perr := s.store.PauseSchedule(finish, slot.GuildID, slot.ChannelID, slot.Rev, reason, s.clock.Now()); perr != nil {
				s.log.Error("cannot pause digest schedule", "guild", slot.GuildID, "channel", slot.ChannelID, "err", perr)
			}
			return ev
		}
		ev.Kind, ev.Err = EventFailed, err
		return ev
	}
	ev.Kind, ev.MessageID = EventPosted, m.ID
	if err := s.complete(finish, c, m.ID, d.Cursor); err != nil {
		// Posted, but without a marker. Whoever posts this slot next sends
		// the same nonce, which Discord answers with this message for a
		// few minutes; after that a repost is possible. Say so loudly.
		ev.Err = err
		s.log.Error("digest posted but not marked; it may be posted again",
			"guild", slot.GuildID, "channel", slot.ChannelID, "message", m.ID, "err", err)
	}
	return ev
}

// complete writes the marker, retrying briefly: after a post this is what
// keeps the slot from being posted twice.
func (s *Scheduler) complete(ctx context.Context, c briefs.Claim, messageID string, cursor time.Time) error {
	ttl := s.markerTTL
	if messageID == "" {
		ttl = s.emptyMarkerTTL
	}
	var err error
	for attempt := 1; attempt <= postAttempts; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, completeTimeout)
		err = s.store.CompleteDigest(cctx, c, messageID, cursor, ttl)
		cancel()
		if err == nil || briefs.ErrorCode(err) == briefs.ECONFLICT || !s.sleep(ctx, s.backoff*time.Duration(attempt)) {
			break
		}
	}
	return err
}

func (s *Scheduler) release(ctx context.Context, c briefs.Claim) {
	cctx, cancel := context.WithTimeout(ctx, completeTimeout)
	defer cancel()
	if err := s.store.ReleaseDigest(cctx, c); err != nil {
		s.log.Warn("cannot release digest lock; it expires by itself", "guild", c.Slot.GuildID, "channel", c.Slot.ChannelID, "err", err)
	}
}

// fillBriefs rebuilds the briefs the cache did not hold.
func (s *Scheduler) fillBriefs(ctx context.Context, d *briefs.Digest) {
	if s.briefs == nil {
		return
	}
	for i := range d.Items {
		it := &d.Items[i]
		if it.Brief != nil {
			continue
		}
		lk, err := s.briefs.Brief(ctx, d.GuildID, it.Listing.Slug)
		if err != nil || lk.Brief == nil {
			s.log.Warn("brief for digest unavailable; showing its title", "guild", d.GuildID, "slug", it.Listing.Slug, "err", err)
			continue
		}
		it.Brief = lk.Brief
	}
}

// post sends the message, paced, with the digest's nonce, so that Discord
// creates one message however often it is sent: a timeout or a 5xx after
// Discord stored the message is retried with the same nonce and answered
// with the message stored first. 429s are waited out (their retry_after)
// while the lease allows. Each request is bounded by the lease (it ends
// before the lock could expire, or at once when the lock is lost), not by
// ctx, so that a stop does not cut a post whose outcome would then be
// unknown; the waits before it honour ctx.
func (s *Scheduler) post(ctx context.Context, ls *lease, slot briefs.DigestSlot, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	nonce := digestNonce(slot.GuildID, slot.ChannelID, slot.Key)
	var err error
	limited := 0
	for attempt := 1; attempt <= postAttempts; {
		if err := s.pace(ctx); err != nil {
			return nil, err
		}
		pctx, cancel := ls.bound(DefaultHTTPTimeout + 5*time.Second)
		if pctx.Err() != nil {
			cancel()
			if err == nil {
				err = fmt.Errorf("digest lease ended before the post: %w", pctx.Err())
			}
			break
		}
		var m *discordgo.Message
		m, err = s.send(pctx, slot.ChannelID, nonce, msg)
		cancel()
		if err == nil {
			if m == nil {
				m = &discordgo.Message{}
			}
			return m, nil
		}
		var rl *discordgo.RateLimitError
		if errors.As(err, &rl) && rl.TooManyRequests != nil {
			limited++
			wait := max(rl.RetryAfter, 10*time.Millisecond)
			if limited > maxRateLimited || time.Now().Add(wait).After(ls.deadline()) || !s.sleep(ctx, wait) {
				break
			}
			continue
		}
		if !retryable(err) || attempt >= postAttempts || !s.sleep(ctx, s.backoff*time.Duration(attempt)) {
			break
		}
		attempt++
	}
	if retryable(err) && !errors.Is(err, context.Canceled) {
		return nil, fmt.Errorf("post digest: %w (%w)", err, errOutcomeUnknown)
	}
	return nil, fmt.Errorf("post digest: %w", err)
}

// errOutcomeUnknown marks a post whose last try timed out or got a 5xx or a
// 429: Discord may or may not hold the message.
var errOutcomeUnknown = errors.New("outcome unknown")

// lease keeps a claimed slot's lock while its holder works: it renews the
// lock every third of its TTL (compare-token PEXPIRE) and knows, on the
// local clock, until when the lock is surely still ours. Its context ends
// when that time is near or when a renewal finds the lock gone; the posts
// run under it.
type lease struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	until  time.Time // the lock is ours at least until then (less a margin)
}

// leaseMargin is how long before the lock could expire a lease ends.
func leaseMargin(ttl time.Duration) time.Duration { return min(ttl/5, 5*time.Second) }

// hold starts the lease of claim c, taken at claimed (real time, read
// before the claim was sent).
func (s *Scheduler) hold(parent context.Context, c briefs.Claim, claimed time.Time) *lease {
	ctx, cancel := context.WithCancel(parent)
	ls := &lease{ctx: ctx, cancel: cancel, done: make(chan struct{}), until: claimed.Add(s.lockTTL - leaseMargin(s.lockTTL))}
	go func() {
		defer close(ls.done)
		every := max(s.lockTTL/3, 10*time.Millisecond)
		renew := time.NewTimer(every)
		defer renew.Stop()
		for {
			expire := time.NewTimer(time.Until(ls.deadline()))
			select {
			case <-ctx.Done():
				expire.Stop()
				return
			case <-expire.C:
				s.log.Warn("digest lease ran out: the lock could not be renewed", "guild", c.Slot.GuildID, "channel", c.Slot.ChannelID)
				cancel()
				return
			case <-renew.C:
			}
			expire.Stop()
			start := time.Now()
			rctx, rcancel := context.WithTimeout(ctx, every)
			ok, err := s.store.RenewDigest(rctx, c, s.lockTTL)
			rcancel()
			switch {
			case err != nil:
				s.log.Warn("cannot renew digest lock", "guild", c.Slot.GuildID, "channel", c.Slot.ChannelID, "err", err)
			case !ok:
				s.log.Warn("digest lock lost: stopping", "guild", c.Slot.GuildID, "channel", c.Slot.ChannelID)
				cancel()
				return
			default:
				ls.mu.Lock()
				ls.until = start.Add(s.lockTTL - leaseMargin(s.lockTTL))
				ls.mu.Unlock()
			}
			renew.Reset(every)
		}
	}()
	return ls
}

// deadline is the time by which work under the lease must be done.
func (ls *lease) deadline() time.Time {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.until
}

// bound returns a context for one request: it ends after d, or when the
// lease ends (its deadline passed without a renewal, or the lock was lost),
// whichever comes first.
func (ls *lease) bound(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ls.ctx, d)
}

// stop ends the lease's renewals.
func (ls *lease) stop() {
	ls.cancel()
	<-ls.done
}

// send makes one attempt at creating the message: with the nonce when the
// Poster can send one.
func (s *Scheduler) send(ctx context.Context, channelID, nonce string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	switch p := s.poster.(type) {
	case NoncePoster:
		return p.PostWithNonce(ctx, channelID, nonce, msg)
	case *discordgo.Session:
		return SessionPoster{p}.PostWithNonce(ctx, channelID, nonce, msg)
	}
	return s.poster.ChannelMessageSendComplex(channelID, msg, discordgo.WithContext(ctx))
}

// pace waits for this post's turn under the shared pacer (the local one
// when Redis cannot pace).
func (s *Scheduler) pace(ctx context.Context) error {
	wait, err := s.store.ReserveSend(ctx, s.interval)
	if err != nil {
		s.mu.Lock()
		now := time.Now()
		at := s.localPace
		if at.Before(now) {
			at = now
		}
		s.localPace = at.Add(s.interval)
		s.mu.Unlock()
		wait = at.Sub(now)
	}
	if wait <= 0 {
		return ctx.Err()
	}
	if !s.sleep(ctx, wait) {
		return ctx.Err()
	}
	return nil
}

// sleep waits d in real time; false when ctx ended first.
func (s *Scheduler) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// restStatus returns the HTTP status of a Discord REST error, 0 for others.
func restStatus(err error) (int, string) {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		return 0, ""
	}
	msg := http.StatusText(re.Response.StatusCode)
	if re.Message != nil && re.Message.Message != "" {
		msg = re.Message.Message
		if re.Message.Code != 0 {
			msg = fmt.Sprintf("%s (code %d)", msg, re.Message.Code)
		}
	}
	return re.Response.StatusCode, msg
}

// refused reports whether Discord refused the channel itself (403: the bot
// may not post there; 404: the channel is gone), with the reason to record.
func refused(err error) (string, bool) {
	switch code, msg := restStatus(err); code {
	case http.StatusForbidden, http.StatusNotFound:
		return fmt.Sprintf("Discord answered %d: %s", code, msg), true
	}
	return "", false
}

// retryable reports whether a failed post may succeed when tried again.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, discordgo.ErrUnauthorized) {
		return false
	}
	code, _ := restStatus(err)
	return code == 0 || code >= 500
}

// ---------------------------------------------------------------------------
// What the /digest commands need (Digests)

// DigestInfo is a schedule with its next run.
type DigestInfo struct {
	Schedule briefs.Schedule
	Next     time.Time // zero when paused or never
}

// ScheduleDigest validates and stores a schedule (a missing timezone is
// DIGEST_TIMEZONE), makes this instance follow it at once (the others
// follow through the store), and returns it with its next three runs.
// Errors: EINVALID, EUNAVAILABLE.
func (s *Scheduler) ScheduleDigest(ctx context.Context, sch briefs.Schedule) (briefs.Schedule, []time.Time, error) {
	if strings.TrimSpace(sch.Timezone) == "" {
		sch.Timezone = s.defaultTZ
	}
	spec, err := cronspec.ForSchedule(sch)
	if err != nil {
		return briefs.Schedule{}, nil, err
	}
	now := s.clock.Now()
	sch.UpdatedAt = now
	stored, err := s.store.PutSchedule(ctx, sch)
	if err != nil {
		return briefs.Schedule{}, nil, err
	}
	_ = s.reloadGuild(ctx, sch.GuildID, "scheduled")
	return stored, spec.NextN(now, 3), nil
}

// RemoveDigest removes a channel's schedule. Errors: ENOTFOUND,
// EUNAVAILABLE.
func (s *Scheduler) RemoveDigest(ctx context.Context, guildID, channelID string) error {
	if err := s.store.DeleteSchedule(ctx, guildID, channelID); err != nil {
		return err
	}
	_ = s.reloadGuild(ctx, guildID, "removed")
	return nil
}

// ListDigests returns the guild's schedules with their next runs.
// Errors: EUNAVAILABLE.
func (s *Scheduler) ListDigests(ctx context.Context, guildID string) ([]DigestInfo, error) {
	list, err := s.store.Schedules(ctx, guildID)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := make([]DigestInfo, 0, len(list))
	for _, sch := range list {
		info := DigestInfo{Schedule: sch}
		if spec, err := cronspec.ForSchedule(sch); err == nil && !sch.Paused {
			info.Next = spec.Next(now)
		}
		out = append(out, info)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Schedule.ChannelID < out[j].Schedule.ChannelID })
	return out, nil
}

// PostDigest posts a digest to a channel at once, whether or not it has a
// schedule (its size and timezone apply when it has), and moves the
// channel's cursor. requestID (the interaction id) makes a repeated request
// post once. With nothing new it posts nothing (EventEmpty). A channel that
// refuses the post pauses its schedule (EventPaused). Errors: EUNAVAILABLE,
// or the post's failure.
func (s *Scheduler) PostDigest(ctx context.Context, guildID, channelID, requestID string) (DigestEvent, error) {
	list, err := s.store.Schedules(ctx, guildID)
	if err != nil {
		return DigestEvent{}, err
	}
	sch := briefs.Schedule{GuildID: guildID, ChannelID: channelID, Size: briefs.DefaultDigestSize, Timezone: s.defaultTZ}
	for _, x := range list {
		if x.ChannelID == channelID {
			sch = x
		}
	}
	loc, err := briefs.LoadTimezone(sch.Timezone)
	if err != nil {
		loc = time.UTC
	}
	slot := briefs.DigestSlot{GuildID: guildID, ChannelID: channelID, Key: "now-" + requestID, Size: sch.Size, Version: s.version}
	ev := s.deliver(ctx, slot, loc, false)
	s.report(ev)
	switch ev.Kind {
	case EventFailed:
		return ev, ev.Err
	case EventPaused: // refused: deliver paused whatever schedule the channel has
		_ = s.reloadGuild(ctx, guildID, "paused")
	}
	return ev, nil
}

// cronLogger routes robfig/cron's messages (a recovered panic) to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Info("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("digest job: "+msg, append([]any{"err", err}, kv...)...)
}

// TextPoster "posts" digests as text to a writer, for the console: each
// message is printed with the channel it was meant for.
type TextPoster struct {
	W  io.Writer
	mu sync.Mutex
	n  int
}

// ChannelMessageSendComplex prints the message and returns a made-up id.
func (p *TextPoster) ChannelMessageSendComplex(channelID string, m *discordgo.MessageSend, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	text := ResponseText(&discordgo.InteractionResponse{Data: &discordgo.InteractionResponseData{Content: m.Content, Embeds: m.Embeds}})
	fmt.Fprintf(p.W, "\n[digest to channel %s]\n%s\n", channelID, text)
	return &discordgo.Message{ID: fmt.Sprintf("text-%d", p.n), ChannelID: channelID}, nil
}
