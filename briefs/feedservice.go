package briefs

import (
	"cmp"
	"context"
	"fmt"
	neturl "net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Feed polling bounds.
const (
	DefaultItemsPerPoll = 20             // new items one poll turns into briefs; the rest wait for the next
	feedPauseAfter      = 5              // failed polls in a row that pause a feed
	maxFeedBackoff      = 24 * time.Hour // the longest wait after failures
	feedUser            = "feed"         // the AddedBy of articles a feed brought
)

// Feeds follows news feeds for the servers: it subscribes, polls, and turns
// every new item into a brief through the Service, the way a link an admin
// adds becomes one.
type Feeds struct {
	Service  *Service
	Store    FeedStore
	Fetch    FeedFetcher
	Parse    FeedParser
	Discover FeedDiscoverer
	// MaxFeedsPerGuild bounds the feeds one server follows (0: no limit).
	MaxFeedsPerGuild int
	// ItemsPerPoll bounds the items one poll ingests; 0 means
	// DefaultItemsPerPoll.
	ItemsPerPoll int
	// Jitter, given a feed's interval, is a random extra wait before its
	// next poll, so that feeds added together do not all fall due together;
	// nil adds none.
	Jitter func(interval time.Duration) time.Duration

	// Deliver posts one new brief of a feed that posts each brief as it
	// arrives (FeedSub.PostEach) to its channel; nil: such feeds only join
	// the digests. It may be called again for the same brief after a crash
	// or a failed try, and must then make no second post (the bot's nonce
	// posting). EUNAVAILABLE: try again at the next poll; any other error:
	// the post is given up, with the reason in the feed's status.
	Deliver func(ctx context.Context, sub FeedSub, b Brief) error

	// Lease is how long an instance holds a feed's poll between renewals
	// (0: feedLease).
	Lease time.Duration

	// OnPause is told, once, of a feed the poller has just paused after
	// repeated failures, so that its channel can hear of it; nil: nobody is.
	OnPause func(ctx context.Context, sub FeedSub)

	hostsMu sync.Mutex
	hosts   map[string]chan struct{} // per host, the polls in flight (at most PerHost)
}

// PerHost is how many feeds of one site (host name) are polled at once, by
// this process and across all instances on one store: a site with many
// feeds (one per section) is not hit by every worker together.
const PerHost = 2

// feedHost is the host name of a feed URL, lower case; the URL itself when
// it has none.
func feedHost(url string) string {
	if u, err := neturl.Parse(url); err == nil && u.Host != "" {
		return strings.ToLower(u.Host)
	}
	return url
}

// hostSlot waits for one of this process's PerHost slots of url's host and
// returns the function that frees it; false when ctx ended first. (The
// store's slots bound the instances together; these keep this process's
// workers from queueing on the store for a busy site.)
func (f *Feeds) hostSlot(ctx context.Context, url string) (func(), bool) {
	host := feedHost(url)
	f.hostsMu.Lock()
	if f.hosts == nil {
		f.hosts = map[string]chan struct{}{}
	}
	slots, ok := f.hosts[host]
	if !ok {
		slots = make(chan struct{}, PerHost)
		f.hosts[host] = slots
	}
	f.hostsMu.Unlock()
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, true
	case <-ctx.Done():
		return nil, false
	}
}

// FeedInput is a subscription as an admin asks for it.
type FeedInput struct {
	GuildID   string
	UserID    string
	URL       string // a feed, or a site page that announces one
	ChannelID string
	Interval  time.Duration // 0: DefaultFeedInterval
	Backfill  int           // existing items to bring in; <0: DefaultFeedBackfill
	PostEach  bool          // post each new brief to ChannelID as it arrives
}

// PollResult says what one poll of a feed did.
type PollResult struct {
	Feed    FeedSub
	Added   []Brief  // new briefs, oldest item first
	Skipped []string // items that could not become briefs, with why
	Posted  int      // briefs posted to the channel as they arrived (PostEach)
	Pending int      // new items left for the next poll
}

// Subscribe follows a feed: a site URL is followed to the feed its page
// announces. The newest Backfill items become briefs now; every other item
// already in the feed is remembered as seen, so that subscribing never
// floods a channel with old stories. Errors: EINVALID (no feed there, a bad
// interval or backfill), ETOOLARGE (MaxFeedsPerGuild), and the fetcher's.
func (f *Feeds) Subscribe(ctx context.Context, in FeedInput) (PollResult, error) {
	interval, backfill, err := feedSettings(in)
	if err != nil {
		return PollResult{}, err
	}
	doc, parsed, err := f.findFeed(ctx, in.URL)
	if err != nil {
		return PollResult{}, fmt.Errorf("subscribe: %w", err)
	}
	now := f.Service.now()
	if in.PostEach && in.ChannelID == "" {
		return PollResult{}, Errorf(EINVALID, "A feed that posts each brief as it arrives needs a channel to post in.")
	}
	sub := FeedSub{GuildID: in.GuildID, URL: doc.URL, ChannelID: in.ChannelID, PostEach: in.PostEach, Title: parsed.Title, Interval: interval,
		AddedBy: in.UserID, AddedAt: now, LastOK: now, NextPoll: now.Add(interval), ETag: doc.ETag, LastModified: doc.LastModified}
	if err := f.Store.PutFeed(ctx, sub, f.MaxFeedsPerGuild); err != nil {
		return PollResult{}, fmt.Errorf("subscribe: %w", err)
	}
	res := PollResult{Feed: sub}
	items := parsed.Items
	if len(items) > backfill {
		// Older items are only remembered, all in one round trip.
		var keys []string
		for _, it := range items[backfill:] {
			keys = append(keys, it.Keys...)
		}
		if err := f.Store.MarkSeen(ctx, in.GuildID, now, keys...); err != nil {
			return res, fmt.Errorf("subscribe: %w", err)
		}
		items = items[:backfill]
	}
	err = f.ingest(ctx, &res, items)
	if serr := f.Store.PutFeed(ctx, res.Feed, 0); err == nil {
		err = serr
	}
	return res, err
}

// feedSettings checks an admin's interval and backfill and fills in the
// defaults.
func feedSettings(in FeedInput) (time.Duration, int, error) {
	interval, backfill := in.Interval, in.Backfill
	if interval == 0 {
		interval = DefaultFeedInterval
	}
	if interval < MinFeedInterval {
		return 0, 0, Errorf(EINVALID, "A feed is polled at most every %s; %s is too often.", MinFeedInterval, interval)
	}
	if backfill < 0 {
		backfill = DefaultFeedBackfill
	}
	if backfill > MaxFeedBackfill {
		return 0, 0, Errorf(EINVALID, "A new feed brings in at most %d existing items, not %d.", MaxFeedBackfill, backfill)
	}
	return interval, backfill, nil
}

// findFeed fetches url and reads it as a feed; a page that is no feed is
// searched for the feeds it announces, and the first that reads is taken.
func (f *Feeds) findFeed(ctx context.Context, url string) (FeedDocument, ParsedFeed, error) {
	doc, err := f.Fetch(ctx, url, "", "")
	if err != nil {
		return FeedDocument{}, ParsedFeed{}, err
	}
	parsed, perr := f.Parse(doc.Body, doc.URL)
	if perr == nil {
		return doc, parsed, nil
	}
	if !LooksLikeHTML(string(doc.Body)) || f.Discover == nil {
		return FeedDocument{}, ParsedFeed{}, perr
	}
	for _, link := range f.Discover(doc.Body, doc.URL) {
		fd, err := f.Fetch(ctx, link, "", "")
		if err != nil {
			continue
		}
		if parsed, err := f.Parse(fd.Body, fd.URL); err == nil {
			return fd, parsed, nil
		}
	}
	return FeedDocument{}, ParsedFeed{}, Errorf(EINVALID, "%s is a web page that announces no feed briefbot can read. Give the feed's own address (RSS, Atom or JSON Feed).", Truncate(doc.URL, 200))
}

// Poll fetches one subscription (conditionally) and turns its new items
// into briefs, at most ItemsPerPoll, oldest first; it stores what it
// learned (status, next poll, conditional-GET validators). A failure counts
// towards pausing the feed and pushes the next poll back (the site's
// Retry-After, else doubling from the interval, at most a day); after
// feedPauseAfter failures in a row the feed is paused with the reason.
// Errors: the store's (a failed fetch is recorded in the result's Feed,
// not returned).
func (f *Feeds) Poll(ctx context.Context, sub FeedSub) (PollResult, error) {
	res := PollResult{Feed: sub}
	now := f.Service.now()
	doc, err := f.Fetch(ctx, sub.URL, sub.ETag, sub.LastModified)
	var parsed ParsedFeed
	if err == nil && !doc.NotModified {
		parsed, err = f.Parse(doc.Body, doc.URL)
	}
	if err != nil {
		f.failed(&res.Feed, now, err)
		if err := f.Store.PutFeed(ctx, res.Feed, 0); err != nil {
			return res, err
		}
		if res.Feed.Paused && !sub.Paused && f.OnPause != nil {
			// After the pause is stored: the feed is polled no more, so
			// this is the only time it is told.
			f.OnPause(ctx, res.Feed)
		}
		return res, nil
	}
	res.Feed.LastOK, res.Feed.LastError, res.Feed.Failures = now, "", 0
	res.Feed.NextPoll = now.Add(sub.Interval)
	if f.Jitter != nil {
		res.Feed.NextPoll = res.Feed.NextPoll.Add(f.Jitter(sub.Interval))
	}
	if !doc.NotModified {
		res.Feed.ETag, res.Feed.LastModified = doc.ETag, doc.LastModified
		if parsed.Title != "" {
			res.Feed.Title = parsed.Title
		}
		err = f.ingestNew(ctx, &res, parsed.Items)
		if res.Pending > 0 {
			// Items wait for the next poll (over the per-poll bound, or
			// their page or post failed for now): it must read the
			// document again, not be answered 304.
			res.Feed.ETag, res.Feed.LastModified = "", ""
		}
	}
	if serr := f.Store.PutFeed(ctx, res.Feed, 0); err == nil {
		err = serr
	}
	return res, err
}

// failed records a failed poll in sub.
func (f *Feeds) failed(sub *FeedSub, now time.Time, err error) {
	sub.Failures++
	sub.LastError = ErrorMessage(err)
	wait := sub.Interval << min(sub.Failures, 10)
	if ra, ok := RetryAfter(err); ok && ra > 0 {
		wait = ra
	}
	sub.NextPoll = now.Add(min(wait, maxFeedBackoff))
	if sub.Failures >= feedPauseAfter {
		sub.Paused = true
		sub.PauseReason = fmt.Sprintf("%d polls in a row failed; the last: %s", sub.Failures, Truncate(sub.LastError, 300))
	}
}

// ingestNew ingests the items no earlier poll took, oldest first, at most
// ItemsPerPoll.
func (f *Feeds) ingestNew(ctx context.Context, res *PollResult, items []FeedItem) error {
	keys := make([][]string, len(items))
	for i, it := range items {
		keys[i] = it.Keys
	}
	unseen, err := f.Store.Unseen(ctx, res.Feed.GuildID, keys)
	if err != nil {
		return err
	}
	var fresh []FeedItem
	for i := len(items) - 1; i >= 0; i-- { // items are newest first
		if unseen[i] {
			fresh = append(fresh, items[i])
		}
	}
	most := f.ItemsPerPoll
	if most <= 0 {
		most = DefaultItemsPerPoll
	}
	if len(fresh) > most {
		res.Pending += len(fresh) - most
		fresh = fresh[:most] // the oldest first; the rest come next poll
	}
	// ingest wants newest first, like a feed.
	for i, j := 0, len(fresh)-1; i < j; i, j = i+1, j-1 {
		fresh[i], fresh[j] = fresh[j], fresh[i]
	}
	return f.ingest(ctx, res, fresh)
}

// ingest turns items (newest first) into briefs, oldest first, and marks
// each seen once handled. An item whose page cannot be read falls back on
// its own text when that is enough for a brief; an item that cannot become
// a brief for good (refused) is marked seen with the reason in Skipped; a
// passing failure (the site or the store unavailable) leaves it unseen for
// the next poll. An item whose story is stored already (the same link or
// text, from another feed or an admin) is no new brief.
func (f *Feeds) ingest(ctx context.Context, res *PollResult, items []FeedItem) error {
	if len(items) == 0 {
		return nil
	}
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		r, err := f.ingestItem(ctx, res.Feed, it)
		if ctx.Err() != nil {
			// Stopped, or the feed's lease was lost (another instance may
			// poll it now): the item stays unseen for whoever polls next.
			return ctx.Err()
		}
		switch {
		case err == nil && !r.Created:
			// The same story is stored already (its link or its text).
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: already here as %s", itemName(it), r.Brief.Slug))
		case err == nil:
			res.Added = append(res.Added, r.Brief)
			res.Feed.Ingested++
		case ErrorCode(err) == EUNAVAILABLE:
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %s (will retry)", itemName(it), ErrorMessage(err)))
			res.Pending++
			continue
		default:
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %s", itemName(it), ErrorMessage(err)))
		}
		if err == nil && res.Feed.PostEach && f.Deliver == nil {
			// This process cannot post (the command line): the item is
			// left unseen for the running bot, whose next poll finds its
			// story stored and posts it.
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: stored; the running bot posts it to the channel at its next poll", itemName(it)))
			res.Pending++
			continue
		}
		seen := it.Keys
		if err == nil && res.Feed.PostEach {
			// Before the item is marked seen: a post that fails for now
			// (or a crash) leaves the item for the next poll, which finds
			// its story stored and posts it then. The post's own mark is
			// written with the item's.
			posted, err := f.deliverOnce(ctx, res, r)
			seen = append(slices.Clip(seen), posted...)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if ErrorCode(err) == EUNAVAILABLE {
					res.Skipped = append(res.Skipped, fmt.Sprintf("%s: not posted yet: %s (will retry)", itemName(it), ErrorMessage(err)))
					res.Pending++
					continue
				}
				res.Feed.LastError = "posting to the channel: " + ErrorMessage(err)
				res.Skipped = append(res.Skipped, fmt.Sprintf("%s: not posted: %s", itemName(it), ErrorMessage(err)))
			}
		}
		if err := f.Store.MarkSeen(ctx, res.Feed.GuildID, f.Service.now(), seen...); err != nil {
			return err
		}
	}
	return nil
}

// deliverOnce posts the added brief to the feed's channel unless its story
// was posted there before (by this feed or another posting to the same
// channel: another outlet's report of the event counts). It returns the
// mark that remembers the post, for the caller to keep with the feed's
// seen items; nil when nothing was posted.
func (f *Feeds) deliverOnce(ctx context.Context, res *PollResult, added AddResult) ([]string, error) {
	b := added.Brief
	posted := []string{"post:" + res.Feed.ChannelID + ":" + cmp.Or(added.StoryID, b.ArticleID)}
	unseen, err := f.Store.Unseen(ctx, res.Feed.GuildID, [][]string{posted})
	if err != nil {
		return nil, err
	}
	if !unseen[0] {
		return nil, nil
	}
	if err := f.Deliver(ctx, res.Feed, b); err != nil {
		return nil, err
	}
	res.Posted++
	return posted, nil
}

// ingestItem makes one item's brief: from its page when it links one that
// reads, else from its own text.
func (f *Feeds) ingestItem(ctx context.Context, sub FeedSub, it FeedItem) (AddResult, error) {
	s := f.Service
	in := AddInput{GuildID: sub.GuildID, UserID: feedUser, Title: it.Title, SourceURL: it.Link, PublishedAt: it.Published}
	var pageErr error
	if it.Link != "" && s.Fetch != nil {
		page, err := s.Fetch(ctx, it.Link)
		if err == nil {
			in.Text, in.Site, in.Byline, in.ImageURL = page.Text, page.Site, page.Byline, page.Image
			in.Title = firstNonEmpty(it.Title, page.Title)
			if page.CanonicalURL != "" {
				in.SourceURL = page.CanonicalURL
			}
			if in.PublishedAt.IsZero() {
				in.PublishedAt = page.PublishedAt
			}
		} else if ErrorCode(err) == EUNAVAILABLE {
			return AddResult{}, err
		}
		pageErr = err
	}
	if in.Text == "" {
		if len([]rune(strings.TrimSpace(it.Content))) < minFeedText {
			if pageErr != nil {
				return AddResult{}, pageErr
			}
			return AddResult{}, Errorf(EINVALID, "the item has no page to read and too little text of its own")
		}
		in.Text = it.Content
	}
	return s.Add(ctx, in)
}

// minFeedText is the least text of its own an item needs to become a brief
// when its page cannot be read: a one-line teaser is not an article.
const minFeedText = 280

func itemName(it FeedItem) string {
	return Truncate(firstNonEmpty(it.Title, it.Link, "an item"), 80)
}

// feedLease is how long one instance holds a feed's poll without renewing
// it; the holder renews it every feedLease/3 while it polls, so a poll may
// take as long as its pages need, and a killed instance's feed is polled by
// another within about feedLease.
const feedLease = 30 * time.Second

// PollDue polls, with at most workers at a time, up to limit subscriptions
// of any guild whose next poll has come, each under a lease so that every
// instance may call it and a feed is still polled by one at a time. A feed
// another instance just polled (its next poll moved on) is left alone. It
// returns how many feeds it polled. Errors: the store's, when it cannot list
// the due feeds; a failing feed or store during one feed's poll is counted
// in that feed's status, not returned.
func (f *Feeds) PollDue(ctx context.Context, limit, workers int) (int, error) {
	refs, err := f.Store.DueFeeds(ctx, f.Service.now(), limit)
	if err != nil {
		return 0, fmt.Errorf("poll due feeds: %w", err)
	}
	work := make(chan FeedRef)
	var polled atomic.Int32
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for ref := range work {
				if f.pollLeased(ctx, ref) {
					polled.Add(1)
				}
			}
		})
	}
	for _, ref := range refs {
		work <- ref
	}
	close(work)
	wg.Wait()
	return int(polled.Load()), nil
}

// pollLeased polls one due feed if this instance gets its lease and it is
// still due; it reports whether it polled.
func (f *Feeds) pollLeased(ctx context.Context, ref FeedRef) bool {
	release, ok := f.hostSlot(ctx, ref.URL)
	if !ok {
		return false
	}
	defer release()
	_, polled, err := f.PollFeed(ctx, ref, false)
	return polled && err == nil
}

// PollFeed polls one subscription under its lease: not when another
// instance holds it, nor when the feed is paused, nor (unless evenIfNotDue)
// before its next poll. It reports whether it polled. Errors: ENOTFOUND,
// and those of Poll.
func (f *Feeds) PollFeed(ctx context.Context, ref FeedRef, evenIfNotDue bool) (PollResult, bool, error) {
	token, err := f.Store.LeaseFeed(ctx, ref.GuildID, ref.URL, f.lease())
	if err != nil || token == "" {
		return PollResult{}, false, err
	}
	hold := f.holdLease(ctx, ref, token)
	defer hold.stop()
	ctx = hold.ctx
	sub, err := f.Store.Feed(ctx, ref.GuildID, ref.URL)
	if err != nil {
		return PollResult{}, false, err
	}
	if sub.Paused || (!evenIfNotDue && f.Service.now().Before(sub.NextPoll)) {
		return PollResult{Feed: sub}, false, nil
	}
	// The site's slot, shared by all instances: when PerHost polls of the
	// site run elsewhere, the feed stays due and waits for a later round.
	if free, err := hold.takeHost(); err != nil || !free {
		return PollResult{Feed: sub}, false, err
	}
	res, err := f.Poll(ctx, sub)
	return res, true, err
}

func (f *Feeds) lease() time.Duration {
	if f.Lease > 0 {
		return f.Lease
	}
	return feedLease
}

// feedHold is one poll's hold on its feed: the feed's lease and, once
// taken, a slot of the feed's site, both renewed until stop.
type feedHold struct {
	f     *Feeds
	ref   FeedRef
	host  string
	token string
	// ctx is the poll's context: cancelled when the lease is lost (another
	// instance may poll the feed now: this one must stop before it ingests
	// more).
	ctx    context.Context
	cancel context.CancelFunc
	parent context.Context
	done   chan struct{} // closed by stop
	exited chan struct{} // closed when the renewals ended

	mu       sync.Mutex
	hostHeld bool
}

// holdLease starts renewing the lease token of ref for the poll.
func (f *Feeds) holdLease(ctx context.Context, ref FeedRef, token string) *feedHold {
	h := &feedHold{f: f, ref: ref, host: feedHost(ref.URL), token: token, parent: ctx,
		done: make(chan struct{}), exited: make(chan struct{})}
	h.ctx, h.cancel = context.WithCancel(ctx)
	go h.renew()
	return h
}

// LeaseMargin is how long before a lease could expire its holder stops:
// a lease whose renewals fail (Redis unreachable) ends on the holder's
// clock before another instance can take it.
func LeaseMargin(ttl time.Duration) time.Duration { return min(ttl/5, 5*time.Second) }

// renew renews the lease every third of its time, and ends the poll when
// a renewal finds it gone, or when renewals have failed until the lease
// could have run out.
func (h *feedHold) renew() {
	defer close(h.exited)
	ttl := h.f.lease()
	every := ttl / 3
	t := time.NewTicker(every)
	defer t.Stop()
	expire := time.NewTimer(ttl - LeaseMargin(ttl))
	defer expire.Stop()
	for {
		select {
		case <-h.done:
			return
		case <-expire.C:
			h.cancel()
			return
		case <-t.C:
			start := time.Now()
			rctx, rcancel := context.WithTimeout(h.ctx, every)
			held, err := h.f.Store.RenewFeed(rctx, h.ref.GuildID, h.ref.URL, h.token, ttl)
			rcancel()
			if err == nil && !held {
				h.cancel()
				return
			}
			if err == nil {
				expire.Reset(ttl - LeaseMargin(ttl) - time.Since(start))
			}
			h.mu.Lock()
			if h.hostHeld {
				h.f.Store.TakeHostSlot(h.ctx, h.host, h.token, PerHost, h.f.lease())
			}
			h.mu.Unlock()
		}
	}
}

// takeHost takes a slot of the feed's site; false when all are held.
func (h *feedHold) takeHost() (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	free, err := h.f.Store.TakeHostSlot(h.ctx, h.host, h.token, PerHost, h.f.lease())
	h.hostHeld = free && err == nil
	return h.hostHeld, err
}

// stop ends the renewals and releases the site's slot and the lease.
func (h *feedHold) stop() {
	close(h.done)
	<-h.exited
	h.cancel()
	ctx := context.WithoutCancel(h.parent)
	if h.hostHeld {
		h.f.Store.ReleaseHostSlot(ctx, h.host, h.token)
	}
	h.f.Store.ReleaseFeed(ctx, h.ref.GuildID, h.ref.URL, h.token)
}

// List is the guild's subscriptions by URL. Errors: EUNAVAILABLE.
func (f *Feeds) List(ctx context.Context, guildID string) ([]FeedSub, error) {
	return f.Store.Feeds(ctx, guildID)
}

// Unsubscribe stops following a feed; its briefs stay. Errors: ENOTFOUND,
// EUNAVAILABLE.
func (f *Feeds) Unsubscribe(ctx context.Context, guildID, url string) error {
	return f.Store.RemoveFeed(ctx, guildID, strings.TrimSpace(url))
}

// SetPaused pauses a feed, or resumes it: a resumed feed starts afresh
// (its failures forgotten) and is polled at the next round. Errors:
// ENOTFOUND, EUNAVAILABLE.
func (f *Feeds) SetPaused(ctx context.Context, guildID, url string, paused bool) (FeedSub, error) {
	sub, err := f.Store.Feed(ctx, guildID, strings.TrimSpace(url))
	if err != nil {
		return FeedSub{}, err
	}
	sub.Paused = paused
	if paused {
		sub.PauseReason = "paused by an admin"
	} else {
		sub.PauseReason, sub.Failures, sub.LastError = "", 0, ""
		sub.NextPoll = f.Service.now()
	}
	return sub, f.Store.PutFeed(ctx, sub, 0)
}
