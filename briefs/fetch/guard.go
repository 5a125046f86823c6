package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
)

// The private-address rule. briefbot fetches what a user typed, so a link
// must never reach the machine's own network: loopback, private ranges, the
// cloud metadata service and every other special-purpose range are refused.
// The check runs on the IP address actually being connected to (in
// net.Dialer.Control, after the socket is created and before connect), so it
// holds for every redirect hop and for DNS answers that change between
// look-ups (DNS rebinding).

// blockedV4 are the IPv4 special-purpose ranges (IANA IPv4 Special-Purpose
// Address Registry, plus multicast and the reserved class E space) that are
// not the public Internet.
var blockedV4 = prefixes(
	"0.0.0.0/8",          // "this network" (RFC 791); 0.0.0.0 dials the local host
	"10.0.0.0/8",         // private (RFC 1918)
	"100.64.0.0/10",      // shared address space, carrier-grade NAT (RFC 6598)
	"127.0.0.0/8",        // loopback (RFC 1122)
	"169.254.0.0/16",     // link-local, incl. the metadata service 169.254.169.254 (RFC 3927)
	"172.16.0.0/12",      // private (RFC 1918)
	"192.0.0.0/24",       // IETF protocol assignments (RFC 6890)
	"192.0.2.0/24",       // documentation TEST-NET-1 (RFC 5737)
	"192.88.99.0/24",     // 6to4 relay anycast, deprecated (RFC 7526)
	"192.168.0.0/16",     // private (RFC 1918)
	"198.18.0.0/15",      // benchmarking (RFC 2544)
	"198.51.100.0/24",    // documentation TEST-NET-2 (RFC 5737)
	"203.0.113.0/24",     // documentation TEST-NET-3 (RFC 5737)
	"224.0.0.0/4",        // multicast (RFC 5771)
	"240.0.0.0/4",        // reserved (RFC 1112), incl. broadcast 255.255.255.255
	"100.100.100.200/32", // Alibaba Cloud metadata (inside CGNAT, listed for the AllowPrivate rule)
)

// blockedV6 are IPv6 ranges refused inside the global unicast space
// 2000::/3; everything outside 2000::/3 is refused anyway (loopback ::1,
// unspecified ::, IPv4-compatible ::/96, NAT64 local use, discard 100::/64,
// ULA fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast ff00::/8).
var blockedV6 = prefixes(
	"2001::/23",     // IETF protocol assignments: Teredo, benchmarking 2001:2::/48, ORCHID (RFC 2928)
	"2001:db8::/32", // documentation (RFC 3849)
	"2002::/16",     // 6to4 (RFC 3056): embeds an IPv4 address
	"3fff::/20",     // documentation (RFC 9637)
	"5f00::/16",     // SRv6 SIDs (RFC 9602)
)

// nat64 is the well-known NAT64 prefix (RFC 6052); an address in it reaches
// the embedded IPv4 address, which decides.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

var globalUnicastV6 = netip.MustParsePrefix("2000::/3")

// alwaysBlocked stays refused with AllowPrivate: no local test needs the
// unspecified address, multicast, broadcast or a cloud metadata service.
var alwaysBlocked = prefixes(
	"0.0.0.0/8",
	"224.0.0.0/4",
	"240.0.0.0/4",
	"169.254.169.254/32", // AWS, GCP, Azure, OpenStack metadata
	"169.254.170.2/32",   // AWS ECS task metadata
	"100.100.100.200/32", // Alibaba Cloud metadata
	"::/128",
	"ff00::/8",
	"fd00:ec2::254/128", // AWS metadata over IPv6
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func inAny(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// isPublic reports whether a is an ordinary public Internet address that a
// fetch may connect to.
func isPublic(a netip.Addr) bool {
	a = a.WithZone("").Unmap() // IPv4-mapped IPv6 (::ffff:10.0.0.1) is its IPv4 address
	if !a.IsValid() {
		return false
	}
	if a.Is4() {
		return !inAny(a, blockedV4)
	}
	if nat64.Contains(a) {
		b := a.As16()
		return isPublic(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	}
	return globalUnicastV6.Contains(a) && !inAny(a, blockedV6)
}

// isAllowed applies the rule as configured: public addresses always; with
// AllowPrivate everything but alwaysBlocked; extra prefixes (tests) too.
func (f *Fetcher) isAllowed(a netip.Addr) bool {
	a = a.WithZone("").Unmap()
	for _, p := range f.allow {
		if p.Contains(a) {
			return true
		}
	}
	if f.cfg.AllowPrivate {
		if nat64.Contains(a) {
			b := a.As16()
			a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
		}
		return a.IsValid() && !inAny(a, alwaysBlocked)
	}
	return isPublic(a)
}

// blockedError is a connection the private-address rule refused. Host is the
// name from the link (shown to the user); Addr is the address it resolved to
// (for logs only: the user does not need to learn internal addresses).
type blockedError struct {
	Host string
	Addr string
}

func (e *blockedError) Error() string {
	return fmt.Sprintf("refused to connect to %s (%s): not a public address", e.Host, e.Addr)
}

// control is the net.Dialer.Control hook: the last word on every connection.
func (f *Fetcher) control(host string) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		switch network {
		case "tcp", "tcp4", "tcp6":
		default:
			return fmt.Errorf("refused to dial %s %s: only TCP", network, address)
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &blockedError{Host: host, Addr: address}
		}
		if !f.isAllowed(ap.Addr()) {
			return &blockedError{Host: host, Addr: address}
		}
		if f.observe != nil {
			return f.observe(ap)
		}
		return nil
	}
}

// dial resolves the host itself (through Config.Resolver) and connects to
// each address in turn; the dialer's Control hook vets each one.
func (f *Fetcher) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("bad port in %q", addr)
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ipNet := "ip"
		switch network {
		case "tcp4":
			ipNet = "ip4"
		case "tcp6":
			ipNet = "ip6"
		}
		ips, err = f.resolver.LookupNetIP(ctx, ipNet, host)
		if err != nil {
			return nil, err
		}
		if len(ips) == 0 {
			return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
	}
	d := net.Dialer{Timeout: f.cfg.Timeout, Control: f.control(host)}
	var first, blocked error
	for _, ip := range ips {
		conn, err := d.DialContext(ctx, network, netip.AddrPortFrom(ip, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		var be *blockedError
		if errors.As(err, &be) && blocked == nil {
			blocked = be
		} else if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	if first == nil {
		return nil, blocked
	}
	if blocked != nil {
		// Some addresses were refused and the others did not answer: say the
		// refusal, the part the user can act on.
		return nil, errors.Join(blocked, first)
	}
	return nil, first
}
