package briefs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/stories"
	"briefbot/store/storetest"
)

// channelLog is a Deliver that records each brief posted per channel and
// fails as told: the domain's side of posting each brief as it arrives
// (the bot's nonce posting is tested against the fake Discord).
type channelLog struct {
	mu    sync.Mutex
	posts map[string][]string // channel -> article titles posted
	fail  error               // returned instead of posting, when set
}

func (c *channelLog) deliver(_ context.Context, sub briefs.FeedSub, b briefs.Brief) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return c.fail
	}
	c.posts[sub.ChannelID] = append(c.posts[sub.ChannelID], b.Title)
	return nil
}

func (c *channelLog) titles(channel string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.posts[channel]...)
}

func (c *channelLog) failWith(err error) {
	c.mu.Lock()
	c.fail = err
	c.mu.Unlock()
}

// A feed that posts each brief as it arrives posts every new story once:
// a post Discord cannot take now is retried at the next poll (the item
// stays unseen, its brief is not made twice), one the channel refuses is
// given up with the reason in the feed's status, a story two feeds carry
// is posted once per channel, and a poll from a process that cannot post
// leaves the posts to the one that can.
func TestFeedPostEachOnce(t *testing.T) {
	site := newNewsSite(t)
	site.story("g1", "ferry", "New ferry line for the harbour", 1)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	db := storetest.Open(t)
	fd := newFeedsOn(t, db, &now)
	log := &channelLog{posts: map[string][]string{}}
	fd.Deliver = log.deliver
	ctx := context.Background()
	feedURL := site.srv.URL + "/feed.xml"
	if _, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: "g", URL: feedURL, PostEach: true, Backfill: 1}); err == nil {
		t.Fatal("posting each brief with no channel was accepted")
	}
	res, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: "g", URL: feedURL, ChannelID: "c1", PostEach: true, Backfill: 1})
	if err != nil || res.Posted != 1 {
		t.Fatalf("subscribe: posted %d, %v", res.Posted, err)
	}
	poll := func() briefs.PollResult {
		t.Helper()
		now = now.Add(20 * time.Minute)
		res, polled, err := fd.PollFeed(ctx, briefs.FeedRef{GuildID: "g", URL: feedURL}, false)
		if err != nil || !polled {
			t.Fatalf("poll: %v, polled %v", err, polled)
		}
		return res
	}

	// Discord cannot take the post now: the brief is stored once, and
	// posted at the next poll.
	site.story("g2", "market", "Market hall reopens to traders", 2)
	log.failWith(briefs.Errorf(briefs.EUNAVAILABLE, "Discord answered 503"))
	if res := poll(); len(res.Added) != 1 || res.Posted != 0 {
		t.Errorf("poll while Discord fails: added %v, posted %d", titlesOf(res.Added), res.Posted)
	}
	log.failWith(nil)
	if res := poll(); len(res.Added) != 0 || res.Posted != 1 {
		t.Errorf("poll after: added %v, posted %d; want the stored brief posted", titlesOf(res.Added), res.Posted)
	}
	if res := poll(); res.Posted != 0 {
		t.Errorf("a quiet poll posted %d", res.Posted)
	}

	// A process that cannot post (the command line) leaves the post for
	// the running bot.
	site.story("g3", "bridge", "Old bridge to close for repairs", 3)
	fd.Deliver = nil
	if res := poll(); len(res.Added) != 1 || res.Posted != 0 {
		t.Errorf("poll without a poster: added %v, posted %d", titlesOf(res.Added), res.Posted)
	}
	fd.Deliver = log.deliver
	if res := poll(); res.Posted != 1 {
		t.Errorf("the running bot's poll posted %d; want the stored brief", res.Posted)
	}

	// The channel refuses: given up, said in the status, not retried.
	site.story("g4", "school", "School roof repairs finished early", 4)
	log.failWith(briefs.Errorf(briefs.EFORBIDDEN, "Discord answered 403: Missing Access"))
	res = poll()
	if len(res.Added) != 1 || res.Feed.LastError == "" {
		t.Errorf("refused post: added %v, last error %q", titlesOf(res.Added), res.Feed.LastError)
	}
	log.failWith(nil)
	if res := poll(); res.Posted != 0 {
		t.Errorf("a refused post was tried again (%d)", res.Posted)
	}

	// A second feed carrying the same stories, posting to the same
	// channel, posts none of those posted there already; the one the
	// channel refused before goes through now that it accepts.
	res, err = fd.Subscribe(ctx, briefs.FeedInput{GuildID: "g", URL: feedURL + "?edition=2", ChannelID: "c1", PostEach: true, Backfill: 10})
	if err != nil || len(res.Added) != 0 || res.Posted != 1 {
		t.Errorf("second feed: added %v, posted %d, %v; want nothing new and one post", titlesOf(res.Added), res.Posted, err)
	}
	want := []string{"New ferry line for the harbour", "Market hall reopens to traders", "Old bridge to close for repairs", "School roof repairs finished early"}
	got := log.titles("c1")
	if len(got) != len(want) {
		t.Fatalf("posted %q; want %q, each once", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("post %d is %q; want %q", i, got[i], want[i])
		}
	}
}

// Two outlets' feeds posting to one channel: the second outlet's report
// of an event the channel got live already joins its story and is not
// posted again.
func TestFeedPostEachOncePerStory(t *testing.T) {
	outletA, outletB := newNewsSite(t), newNewsSite(t)
	outletA.story("a1", "ferry-fire", "Fire on Baltic ferry forces 300 passengers into lifeboats", 4)
	outletB.story("b1", "gotland-fire", "Gotland ferry fire: all 300 rescued from burning Nordlys", 4)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	fd := newFeedsOn(t, storetest.Open(t), &now)
	fd.Service.Stories = stories.NewMatcher()
	log := &channelLog{posts: map[string][]string{}}
	fd.Deliver = log.deliver
	ctx := context.Background()
	for _, site := range []*newsSite{outletA, outletB} {
		res, err := fd.Subscribe(ctx, briefs.FeedInput{GuildID: "g", URL: site.srv.URL + "/feed.xml", ChannelID: "c1", PostEach: true, Backfill: 1})
		if err != nil || len(res.Added) != 1 {
			t.Fatalf("subscribe: added %v, %v", titlesOf(res.Added), err)
		}
	}
	if got := log.titles("c1"); len(got) != 1 {
		t.Errorf("c1 got %q; want the event once", got)
	}
}
