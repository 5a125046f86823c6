package bot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/discordtest"
)

// nonceBody is the idempotency part of a message create.
type nonceBody struct {
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

// shortTimeoutPoster posts through a real discordgo session to the fake with
// a short HTTP timeout.
func (r *digestRig) shortTimeoutPoster(timeout time.Duration) func(*bot.SchedulerConfig) {
	return func(cfg *bot.SchedulerConfig) {
		s, err := bot.NewRESTSession(r.fake.Token(), r.fake.APIURL(), timeout)
		if err != nil {
			r.t.Fatal(err)
		}
		cfg.Poster = s
	}
}

// checkOneMessagePerDigest runs the first slot of a schedule whose first post
// meets trouble (set up by inject), then the next slot, and checks that the
// channel holds exactly one message, that the slot was marked done with its
// id, that every attempt carried the same nonce, and that the next slot does
// not post the same briefs again.
func checkOneMessagePerDigest(t *testing.T, httpTimeout time.Duration, inject func(r *digestRig)) {
	r := newDigestRig(t, 1)
	s, _ := r.start("A", r.dbs[0], r.shortTimeoutPoster(httpTimeout))
	r.addArticle("story")
	_, next := mustSchedule(t, s, "c1", "*/5 * * * *", "UTC")
	inject(r)
	r.clock.Set(next[0])
	evs := r.events.wait(t, "first slot handled", func(evs []taggedEvent) bool {
		return countEvents(evs, "A", atSlot(next[0], slotOutcomes...)) == 1
	})
	var posted bot.DigestEvent
	for _, e := range evs {
		if atSlot(next[0], slotOutcomes...)(e.ev) {
			posted = e.ev
		}
	}
	if posted.Kind != bot.EventPosted {
		t.Fatalf("first slot: %s (%v); want posted", posted.Kind, posted.Err)
	}
	msgs := r.fake.Messages("c1")
	if len(msgs) != 1 {
		t.Fatalf("%d messages in the channel; want 1", len(msgs))
	}
	if posted.MessageID != msgs[0].ID {
		t.Errorf("slot marked with message %q; the channel holds %q", posted.MessageID, msgs[0].ID)
	}
	list, err := s.ListDigests(context.Background(), dgGuild)
	if err != nil || len(list) != 1 || list[0].Schedule.LastMessageID != msgs[0].ID {
		t.Errorf("stored state: %+v, %v; want last message %s", list, err, msgs[0].ID)
	}
	nonce := ""
	for _, q := range r.fake.Requests() {
		if q.Method != "POST" || q.Route() != "/channels/c1/messages" {
			continue
		}
		var b nonceBody
		if err := json.Unmarshal(q.Body, &b); err != nil || b.Nonce == "" || len(b.Nonce) > 25 || !b.EnforceNonce {
			t.Errorf("create without a valid nonce and enforce_nonce: %s", q.Body)
		}
		if nonce == "" {
			nonce = b.Nonce
		} else if b.Nonce != nonce {
			t.Errorf("attempts carry nonces %q and %q; want one", nonce, b.Nonce)
		}
		decodeDigestPost(t, q)
	}
	// The next slot finds nothing new: the briefs are not posted again.
	r.clock.Set(next[1])
	r.events.wait(t, "second slot handled", func(evs []taggedEvent) bool {
		return countEvents(evs, "A", atSlot(next[1], bot.EventEmpty)) == 1
	})
	if n := len(r.fake.Messages("c1")); n != 1 {
		t.Errorf("%d messages after the next slot; want 1", n)
	}
}

// TestDigestStoredThenTimeout: Discord stores the message but the answer
// never comes; the client times out and retries with the same nonce, and
// the channel holds one message, the one the slot is marked with.
func TestDigestStoredThenTimeout(t *testing.T) {
	checkOneMessagePerDigest(t, 500*time.Millisecond, func(r *digestRig) {
		r.fake.LoseNextAnswers("/channels/c1/messages", 1, discordtest.LoseByHanging)
	})
}

// TestDigestStoredThen502: the answer to a stored message is a 502, twice;
// discordgo does not retry by itself, the scheduler retries with the same
// nonce, and one message results.
func TestDigestStoredThen502(t *testing.T) {
	checkOneMessagePerDigest(t, 10*time.Second, func(r *digestRig) {
		r.fake.LoseNextAnswers("/channels/c1/messages", 2, discordtest.LoseBy502)
	})
}

// TestDigestRateLimited: a 429 is waited out for its retry_after and the
// post then goes through once.
func TestDigestRateLimited(t *testing.T) {
	checkOneMessagePerDigest(t, 10*time.Second, func(r *digestRig) {
		r.fake.FailNext("POST", "/channels/c1/messages", http.StatusTooManyRequests, 1, 300*time.Millisecond)
	})
}
