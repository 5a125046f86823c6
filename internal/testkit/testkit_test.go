package testkit

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	d := make([]time.Duration, 100)
	for i := range d {
		d[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0.001, time.Millisecond}} {
		if got := Percentile(d, c.p); got != c.want {
			t.Errorf("Percentile(%v) = %s, want %s", c.p, got, c.want)
		}
	}
	if Percentile(nil, 0.5) != 0 {
		t.Error("no durations: want 0")
	}
}

func TestLogBufferWakesOnWrite(t *testing.T) {
	var l LogBuffer
	done := make(chan error, 1)
	go func() { done <- l.WaitFor(context.Background(), "ready") }()
	l.Write([]byte("starting\n"))
	l.Write([]byte("ready\n"))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.WaitFor(ctx, "never"); err == nil || !strings.Contains(err.Error(), "never") {
		t.Errorf("WaitFor on an ended context = %v", err)
	}
}

func TestSampleArticle(t *testing.T) {
	if s := SampleArticle(t); !strings.Contains(s, "Putin") {
		t.Errorf("sample article does not mention Putin: %.80q", s)
	}
}
