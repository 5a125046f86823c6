package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"briefbot/briefs"
	"briefbot/internal/backoff"

	"github.com/bwmarrin/discordgo"
)

// deliver runs the exactly-once protocol for one digest: claim the slot,
// post, then complete it (the marker and the cursor); see Scheduler.
func (s *Scheduler) deliver(ctx context.Context, slot briefs.DigestSlot, loc *time.Location, postEmpty bool) DigestEvent {
	ev := DigestEvent{GuildID: slot.GuildID, ChannelID: slot.ChannelID, Slot: slot.At}
	var c briefs.Claim
	var err error
	var claimed time.Time
	for tries := s.retries().Start(); ; {
		claimed = time.Now()
		c, err = s.store.ClaimDigest(ctx, slot, s.lockTTL)
		if err == nil || briefs.ErrorCode(err) != briefs.EUNAVAILABLE || !tries.Wait(ctx) {
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
	m, err := s.post(ctx, ls, slot.ChannelID, digestNonce(slot.GuildID, slot.ChannelID, slot.Key), msg)
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
	for tries := s.retries().Start(); ; {
		cctx, cancel := context.WithTimeout(ctx, completeTimeout)
		err := s.store.CompleteDigest(cctx, c, messageID, cursor, ttl)
		cancel()
		if err == nil || briefs.ErrorCode(err) == briefs.ECONFLICT || !tries.Wait(ctx) {
			return err
		}
	}
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
func (s *Scheduler) post(ctx context.Context, ls postWindow, channelID, nonce string, msg *discordgo.MessageSend) (*discordgo.Message, error) {
	var err error
	limited := 0
	for failures := s.retries().Start(); ; {
		if err := s.pace(ctx); err != nil {
			return nil, err
		}
		pctx, cancel := ls.bound(DefaultHTTPTimeout + 5*time.Second)
		if pctx.Err() != nil {
			cancel()
			if err == nil {
				err = fmt.Errorf("the post window ended before the post: %w", pctx.Err())
			}
			break
		}
		var m *discordgo.Message
		m, err = s.send(pctx, channelID, nonce, msg)
		cancel()
		if err == nil {
			if m == nil {
				m = &discordgo.Message{}
			}
			return m, nil
		}
		if retryAfter, ok := RetryAfter(err); ok {
			limited++
			wait := max(retryAfter, 10*time.Millisecond)
			if limited > maxRateLimited || time.Now().Add(wait).After(ls.deadline()) || !backoff.Sleep(ctx, wait) {
				break
			}
			continue
		}
		if !retryable(err) || !failures.Wait(ctx) {
			break
		}
	}
	if retryable(err) && !errors.Is(err, context.Canceled) {
		return nil, fmt.Errorf("post: %w (%w)", err, errOutcomeUnknown)
	}
	return nil, fmt.Errorf("post: %w", err)
}

// postWindow bounds the tries of one post: a digest's lease, or the
// deadline a brief posted as it arrives is given.
type postWindow interface {
	// bound returns a context for one request, ending after d or with the
	// window.
	bound(d time.Duration) (context.Context, context.CancelFunc)
	// deadline is when the window closes: no wait may go past it.
	deadline() time.Time
}

// errOutcomeUnknown marks a post whose last try timed out or got a 5xx or a
// 429: Discord may or may not hold the message.
var errOutcomeUnknown = errors.New("outcome unknown")

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
	if !backoff.Sleep(ctx, wait) {
		return ctx.Err()
	}
	return nil
}

// retries is how the store calls and the posts of one digest are retried:
// postAttempts tries, RetryBackoff more between each two.
func (s *Scheduler) retries() backoff.Policy { return backoff.Linear(postAttempts, s.backoff) }

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
