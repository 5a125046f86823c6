package fetch

import "net/netip"

// NewForTest returns a Fetcher that, besides cfg's rule, connects to the
// allow prefixes (so that an httptest server on 127.0.0.1 can play a public
// site while every other private address stays refused), and calls observe
// with every address the rule lets through, right before connecting: an
// error from observe stops the connection.
func NewForTest(cfg Config, allow []netip.Prefix, observe func(netip.AddrPort) error) *Fetcher {
	f := New(cfg)
	f.allow = allow
	f.observe = observe
	return f
}

// Internals under test.
var (
	IsPublic   = isPublic
	DecodeBody = decodeBody
)
