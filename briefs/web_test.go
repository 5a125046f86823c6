package briefs_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/briefs"
)

func TestLimitFetches(t *testing.T) {
	var running, peak atomic.Int32
	release := make(chan struct{})
	slow := func(ctx context.Context, rawURL string) (briefs.WebPage, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		return briefs.WebPage{URL: rawURL}, nil
	}
	f := briefs.LimitFetches(slow, 3, 50*time.Millisecond)
	var wg sync.WaitGroup
	var ok, busy atomic.Int32
	refused := make(chan struct{}, 10) // one signal per busy refusal
	for range 10 {
		wg.Go(func() {
			_, err := f(context.Background(), "https://example.org/")
			switch {
			case err == nil:
				ok.Add(1)
			case briefs.ErrorCode(err) == briefs.ETOOLARGE && briefs.ErrorMessage(err) == briefs.ErrFetchBusy:
				busy.Add(1)
				refused <- struct{}{}
			default:
				t.Errorf("unexpected error %v", err)
			}
		})
	}
	// The seven that find no slot give up after the short wait; then the
	// three running finish.
	timeout := time.After(5 * time.Second)
wait:
	for range 7 {
		select {
		case <-refused:
		case <-timeout:
			t.Error("the fetches beyond the three slots were not refused")
			break wait
		}
	}
	close(release)
	wg.Wait()
	if ok.Load() != 3 || busy.Load() != 7 || peak.Load() != 3 {
		t.Errorf("ok %d, busy %d, peak %d; want 3, 7, 3", ok.Load(), busy.Load(), peak.Load())
	}
	// Slots are given back: the next fetch runs at once.
	if _, err := f(context.Background(), "https://example.org/"); err != nil {
		t.Errorf("after the others finished: %v", err)
	}
	// A cancelled wait is not a busy refusal.
	hold, started := make(chan struct{}), make(chan struct{})
	blocked := briefs.LimitFetches(func(_ context.Context, u string) (briefs.WebPage, error) {
		if u == "https://example.org/a" {
			close(started)
		}
		<-hold
		return briefs.WebPage{}, nil
	}, 1, time.Minute)
	go blocked(context.Background(), "https://example.org/a")
	<-started // the one slot is taken
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := blocked(ctx, "https://example.org/b"); briefs.ErrorCode(err) != briefs.EUNAVAILABLE {
		t.Errorf("cancelled wait: %v", err)
	}
	close(hold)
}
