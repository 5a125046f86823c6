package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// seenID is one interaction id remembered against replays, with when it
// arrived.
type seenID struct {
	id string
	at time.Time
}

// verify checks the signature of timestamp + body and the timestamp's age;
// it returns the signed time, and why the request is refused ("" when it is
// genuine).
func (s *InteractionsServer) verify(h http.Header, body []byte) (signedAt time.Time, refused string) {
	sig, err := hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return time.Time{}, "missing or malformed X-Signature-Ed25519"
	}
	ts := h.Get("X-Signature-Timestamp")
	if ts == "" {
		return time.Time{}, "missing X-Signature-Timestamp"
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(s.key, msg, sig) {
		return time.Time{}, "bad signature"
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, "malformed X-Signature-Timestamp"
	}
	signedAt = time.Unix(sec, 0)
	if skew := s.now().Sub(signedAt); skew > MaxTimestampSkew || skew < -MaxTimestampSkew {
		return time.Time{}, fmt.Sprintf("timestamp %s away from now, beyond %s", skew.Round(time.Second), MaxTimestampSkew)
	}
	return signedAt, ""
}

// seenTimeout bounds the shared replay check, which must leave time for the
// answer within Discord's 3 seconds.
const seenTimeout = 500 * time.Millisecond

// firstSightShared asks cfg.Seen whether the interaction id is new, for as
// long as its signed time (from verify) can still be accepted: a replay
// must carry the same timestamp, and fails verify after that.
func (s *InteractionsServer) firstSightShared(ctx context.Context, id string, signedAt time.Time) bool {
	if s.cfg.Seen == nil {
		return true
	}
	window := max(signedAt.Add(MaxTimestampSkew).Sub(s.now()), 0) + time.Second
	ctx, cancel := context.WithTimeout(ctx, seenTimeout)
	defer cancel()
	ok, err := s.cfg.Seen.FirstSight(ctx, id, window)
	if err != nil {
		s.log.Warn("cannot check the interaction id against other instances; this process's memory decides", "interaction", id, "err", err)
		return true
	}
	return ok
}

// firstSight reports whether the interaction id is new to this process, and
// remembers it for MaxTimestampSkew (a replay older than that fails the
// timestamp check), at most seenCap ids.
func (s *InteractionsServer) firstSight(id string) bool {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.seenFIFO) > 0 && (len(s.seenFIFO) >= seenCap || now.Sub(s.seenFIFO[0].at) > MaxTimestampSkew) {
		delete(s.seen, s.seenFIFO[0].id)
		s.seenFIFO = s.seenFIFO[1:]
	}
	if _, dup := s.seen[id]; dup {
		return false
	}
	s.seen[id] = now
	s.seenFIFO = append(s.seenFIFO, seenID{id: id, at: now})
	return true
}
