package fetch_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/briefs"
	"briefbot/briefs/fetch"
)

// testTimeout is the FETCH_TIMEOUT of the tests that wait for one; slack is
// what "within the timeout plus a little" may add (generous for -race on a
// loaded machine).
const (
	testTimeout = 300 * time.Millisecond
	slack       = 2 * time.Second
)

// fakeDNS answers host names from a map, so that no DNS query leaves the
// machine; unknown names do not exist.
type fakeDNS map[string][]netip.Addr

func (d fakeDNS) LookupNetIP(_ context.Context, network, host string) ([]netip.Addr, error) {
	addrs, ok := d[strings.ToLower(host)]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []netip.Addr
	for _, a := range addrs {
		if network == "ip" || (network == "ip4") == a.Unmap().Is4() {
			out = append(out, a)
		}
	}
	return out, nil
}

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

// dialLog records the connections the private-address rule let through. It
// is also the tests' safety net: a connection to anything but loopback is
// stopped before connect (and fails the test), so a broken rule can never
// send a packet to 10.x or 169.254.x from a test.
type dialLog struct {
	t    testing.TB
	mu   sync.Mutex
	seen []netip.AddrPort
}

func (l *dialLog) observe(ap netip.AddrPort) error {
	l.mu.Lock()
	l.seen = append(l.seen, ap)
	l.mu.Unlock()
	if !ap.Addr().Unmap().IsLoopback() {
		l.t.Errorf("the fetcher was about to connect to %s", ap)
		return errors.New("test safety net: only loopback may be dialled")
	}
	return nil
}

func (l *dialLog) dialled() []netip.AddrPort {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]netip.AddrPort(nil), l.seen...)
}

// newFetcher returns a Fetcher with the safety net; allow lists prefixes
// that play public addresses.
func newFetcher(t testing.TB, cfg fetch.Config, allow ...string) (*fetch.Fetcher, *dialLog) {
	t.Helper()
	log := &dialLog{t: t}
	var ps []netip.Prefix
	for _, a := range allow {
		ps = append(ps, netip.MustParsePrefix(a))
	}
	f := fetch.NewForTest(cfg, ps, log.observe)
	t.Cleanup(f.CloseIdleConnections)
	return f, log
}

// fetchTimed runs Fetch and fails the test if it took longer than limit.
func fetchTimed(t *testing.T, f *fetch.Fetcher, link string, limit time.Duration) (fetch.Page, error) {
	t.Helper()
	start := time.Now()
	page, err := f.Fetch(context.Background(), link)
	if d := time.Since(start); d > limit {
		t.Errorf("Fetch(%q) took %v, want at most %v", link, d, limit)
	}
	return page, err
}

// wantError checks the code of err and that its user message contains
// each of the fragments (case-insensitive).
func wantError(t *testing.T, err error, code string, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := briefs.ErrorCode(err); got != code {
		t.Errorf("code %s, want %s (error: %v)", got, code, err)
	}
	msg := briefs.ErrorMessage(err)
	for _, f := range fragments {
		if !strings.Contains(strings.ToLower(msg), strings.ToLower(f)) {
			t.Errorf("message %q does not contain %q", msg, f)
		}
	}
}
