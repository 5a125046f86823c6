package backoff

import (
	"context"
	"testing"
	"time"
)

func delays(p Policy, n int) []time.Duration {
	out := make([]time.Duration, 0, n)
	for a := 1; a <= n; a++ {
		out = append(out, p.Delay(a))
	}
	return out
}

func TestLinearGrowsByOneStepPerTry(t *testing.T) {
	got := delays(Linear(3, 2*time.Second), 3)
	want := []time.Duration{2 * time.Second, 4 * time.Second, 6 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Linear delays = %v, want %v", got, want)
		}
	}
}

func TestConstantWaitsTheSameEachTime(t *testing.T) {
	got := delays(Constant(2, 20*time.Second), 2)
	if got[0] != 20*time.Second || got[1] != 20*time.Second {
		t.Fatalf("Constant delays = %v, want 20s twice", got)
	}
}

func TestExponentialDoublesUpToItsLimit(t *testing.T) {
	got := delays(Exponential(0, time.Second, time.Minute), 9)
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60, 60}
	for i := range want {
		if got[i] != want[i]*time.Second {
			t.Fatalf("Exponential delays = %v, want %v seconds", got, want)
		}
	}
}

func TestTriesStopAfterTheLastAttemptWithoutWaiting(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tries := Policy{Attempts: 3, Delay: func(int) time.Duration { return time.Millisecond }}.Start()
	var seen []int
	for {
		seen = append(seen, tries.Attempt())
		if tries.Last() {
			break
		}
		if !tries.Wait(ctx) {
			t.Fatalf("Wait gave up at attempt %d of 3", tries.Attempt())
		}
	}
	if len(seen) != 3 || seen[0] != 1 || seen[2] != 3 {
		t.Fatalf("attempts = %v, want [1 2 3]", seen)
	}
	// A wait after the last try would be an hour: it must not happen.
	tries.policy.Delay = func(int) time.Duration { return time.Hour }
	if tries.Wait(ctx) {
		t.Fatal("Wait after the last try = true")
	}
	if ctx.Err() != nil {
		t.Fatal("Wait after the last try waited")
	}
}

func TestUnboundedTriesNeverRunOut(t *testing.T) {
	tries := Policy{}.Start()
	for range 100 {
		if tries.Last() || !tries.WaitFor(context.Background(), 0) {
			t.Fatalf("an unbounded policy ran out at attempt %d", tries.Attempt())
		}
	}
}

func TestWaitEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Linear(3, time.Hour).Start().Wait(ctx) {
		t.Fatal("Wait on an ended context = true")
	}
	if Sleep(ctx, time.Hour) {
		t.Fatal("Sleep on an ended context = true")
	}
	if Sleep(ctx, 0) {
		t.Fatal("Sleep(0) on an ended context = true")
	}
}

func TestSleepWaitsItsDuration(t *testing.T) {
	start := time.Now()
	if !Sleep(context.Background(), 5*time.Millisecond) {
		t.Fatal("Sleep on a live context = false")
	}
	if elapsed := time.Since(start); elapsed < 5*time.Millisecond {
		t.Fatalf("Sleep returned after %v, want at least 5ms", elapsed)
	}
}
