// Package fetch turns a link into an article: it downloads the page safely
// (http and https only, never into the machine's own network, bounded in
// time and size) and extracts the story with readability.
//
// Errors are *briefs.Error values with codes EINVALID (the link or the page
// is unusable: a bad URL, a private address, a PDF, a 404, a login wall),
// ETOOLARGE (over FETCH_MAX_BYTES or MaxElements) and EUNAVAILABLE (the site
// did not answer, refused, or failed with a 5xx). The message is for the
// person who sent the link; the wrapped chain (for logs) says more.
package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"briefbot/briefs"
)

// Defaults of Config, applied where a field is left zero; cmd/briefbot
// uses the same constants as the defaults of its settings.
const (
	DefaultTimeout   = 10 * time.Second // FETCH_TIMEOUT
	DefaultMaxBytes  = 5 << 20          // FETCH_MAX_BYTES
	DefaultUserAgent = "briefbot/1.0 (news brief bot)"
	// MaxRedirects is how many redirects a fetch follows.
	MaxRedirects = 5
	// maxURLLen bounds the links accepted.
	maxURLLen = 2048
)

// Config sets the limits of a Fetcher. The zero value means the defaults.
type Config struct {
	// Timeout bounds a whole fetch: connecting, TLS, waiting for headers,
	// every redirect and reading the body (FETCH_TIMEOUT).
	Timeout time.Duration
	// MaxBytes is the largest body read, after decompression (FETCH_MAX_BYTES).
	MaxBytes int64
	// AllowPrivate lifts the private-address rule (FETCH_ALLOW_PRIVATE), for
	// local testing only: loopback, private, link-local and the other
	// special-purpose ranges become reachable. The unspecified address,
	// multicast, broadcast and cloud metadata addresses stay refused.
	AllowPrivate bool
	// UserAgent names the bot to the sites it reads; empty means
	// DefaultUserAgent. Set it to name the deployment, e.g.
	// "briefbot/1.0 (+https://example.org/briefbot; news brief bot)".
	UserAgent string
	// Resolver looks up host names; nil means net.DefaultResolver. Tests set
	// it so that no DNS query leaves the machine. Every address it returns
	// is still checked when connecting.
	Resolver Resolver
}

// Resolver looks up the IP addresses of a host (*net.Resolver is one).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Page is an article as fetched and extracted.
type Page struct {
	URL          string    // the final URL, after redirects
	CanonicalURL string    // the dedup key: the page's same-site <link rel=canonical>, else URL; through briefs.CanonicalURL
	Title        string    // the headline, "" when none was found (text/plain)
	Byline       string    // the author(s), without "By"
	SiteName     string    // the publication (og:site_name, JSON-LD), else the host name without "www."
	PublishedAt  time.Time // UTC; zero when unknown
	Image        string    // absolute URL of the lead image, "" when none
	// Text is the article as plain text: one line per paragraph, heading,
	// quote or list item; paragraphs separated by a blank line, the items of
	// a list by a single newline. The headline is not repeated. Valid UTF-8.
	Text string
}

// Fetcher downloads and extracts pages. It is safe for concurrent use and
// keeps connections alive between fetches, so make one and share it.
type Fetcher struct {
	cfg      Config
	client   *http.Client
	resolver Resolver

	// Test hooks (export_test.go): addresses allowed despite the rule, and
	// a function told of every connection the rule lets through.
	allow   []netip.Prefix
	observe func(netip.AddrPort) error
}

// New returns a Fetcher with cfg's limits (zero fields take the defaults).
func New(cfg Config) *Fetcher {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if strings.TrimSpace(cfg.UserAgent) == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	f := &Fetcher{cfg: cfg, resolver: cfg.Resolver}
	if f.resolver == nil {
		f.resolver = net.DefaultResolver
	}
	tr := &http.Transport{
		Proxy:                  nil, // never: a proxy would do the dialing, out of the guard's sight
		DialContext:            f.dial,
		ForceAttemptHTTP2:      true,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    cfg.Timeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           16,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        60 * time.Second,
	}
	f.client = &http.Client{
		Transport:     tr,
		CheckRedirect: checkRedirect,
		// No Client.Timeout: Fetch puts a deadline on the context, which
		// also covers reading the body and tells a timeout from a cancel.
	}
	return f
}

// Config returns the limits in force (defaults filled in).
func (f *Fetcher) Config() Config { return f.cfg }

// CloseIdleConnections closes kept-alive connections (at shutdown).
func (f *Fetcher) CloseIdleConnections() { f.client.CloseIdleConnections() }

// errTimeout is the cause of the deadline Fetch sets.
var errTimeout = errors.New("fetch timeout")

// Fetch downloads rawURL and extracts its article. Only http and https links
// without user info are fetched; every connection, redirects included, must
// go to a public address (unless AllowPrivate); at most MaxRedirects
// redirects are followed; the whole fetch takes at most Timeout; at most
// MaxBytes are read; only text/html, application/xhtml+xml and text/plain
// are accepted.
//
// Errors: EINVALID (malformed or non-http link, user info, private address,
// redirect loop, 4xx status, PDF/image or other non-page, too little
// article text), ETOOLARGE (body over MaxBytes, page over MaxElements),
// EUNAVAILABLE (timeout, connection refused, TLS failure, 5xx status).
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (Page, error) {
	u, err := ParseLink(rawURL)
	if err != nil {
		return Page{}, err
	}
	page, err := f.fetch(ctx, u)
	if err != nil {
		return Page{}, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	return page, nil
}

func (f *Fetcher) fetch(ctx context.Context, u *url.URL) (Page, error) {
	r, err := f.download(ctx, u, "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8", Conditional{}, pageType)
	if err != nil {
		return Page{}, err
	}
	return Extract(r.url.String(), r.header.Get("Content-Type"), r.body)
}

// pageType accepts the media types of an article page.
func pageType(mt string) error {
	switch mt {
	case "text/html", "application/xhtml+xml", "text/plain":
		return nil
	}
	return notAPage(mt)
}

// Conditional is what a site answered about a document last time, sent
// back so that an unchanged document costs a 304 (If-None-Match,
// If-Modified-Since).
type Conditional struct {
	ETag         string
	LastModified string
}

// response is what download read: the final URL after redirects, the
// status (200, or 304 with no body) and headers, and the body.
type response struct {
	url    *url.URL
	status int
	header http.Header
	body   []byte
}

// download GETs u under the fetcher's rules (public addresses, redirects,
// Timeout, MaxBytes), asking for accept and sending cond; a media type that
// accepted refuses is refused without reading the body.
func (f *Fetcher) download(ctx context.Context, u *url.URL, accept string, cond Conditional, accepted func(mediaType string) error) (response, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, f.cfg.Timeout, errTimeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return response{}, briefs.Errorf(briefs.EINVALID, "%q is not a valid link.", briefs.Truncate(u.String(), 100))
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Language", "en;q=1.0, *;q=0.5")
	if cond.ETag != "" {
		req.Header.Set("If-None-Match", cond.ETag)
	}
	if cond.LastModified != "" {
		req.Header.Set("If-Modified-Since", cond.LastModified)
	}

	resp, err := f.client.Do(req)
	if err != nil {
		return response{}, f.describe(ctx, u, err)
	}
	defer resp.Body.Close()
	r := response{url: resp.Request.URL, status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode == http.StatusNotModified && (cond.ETag != "" || cond.LastModified != "") {
		return r, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return response{}, statusError(resp)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		if err := accepted(mediaType(ct)); err != nil {
			return response{}, err
		}
	}
	if resp.ContentLength > f.cfg.MaxBytes {
		return response{}, f.tooLarge()
	}
	r.body, err = io.ReadAll(io.LimitReader(resp.Body, f.cfg.MaxBytes+1))
	if err != nil {
		return response{}, f.describe(ctx, r.url, err)
	}
	if int64(len(r.body)) > f.cfg.MaxBytes {
		return response{}, f.tooLarge()
	}
	return r, nil
}

func (f *Fetcher) tooLarge() error {
	return briefs.Errorf(briefs.ETOOLARGE, "That page is over %s (%s). Paste the article text instead.", briefs.FormatBytes(f.cfg.MaxBytes), briefs.SettingFetchMaxBytes)
}

// ParseLink checks a link as a user typed it: an absolute http or https
// URL with a host, no user name or password, at most 2048 characters.
// Errors: EINVALID.
func ParseLink(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	raw = strings.TrimSuffix(strings.TrimPrefix(raw, "<"), ">") // Discord's <link> that suppresses embeds
	if raw == "" {
		return nil, briefs.Errorf(briefs.EINVALID, "The link is empty.")
	}
	if len(raw) > maxURLLen {
		return nil, briefs.Errorf(briefs.EINVALID, "The link is longer than %d characters.", maxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, briefs.Errorf(briefs.EINVALID, "%q is not a valid link.", briefs.Truncate(raw, 100))
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "":
		return nil, briefs.Errorf(briefs.EINVALID, "%q is not a link: it should start with https:// or http://.", briefs.Truncate(raw, 100))
	case scheme != "http" && scheme != "https":
		return nil, briefs.Errorf(briefs.EINVALID, "Only http and https links can be fetched, not %s: links.", briefs.Truncate(scheme, 20))
	case u.User != nil:
		return nil, briefs.Errorf(briefs.EINVALID, "Links with a user name or password are not accepted.")
	case u.Opaque != "" || u.Hostname() == "":
		return nil, briefs.Errorf(briefs.EINVALID, "%q has no host name.", briefs.Truncate(raw, 100))
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, briefs.Errorf(briefs.EINVALID, "%q has an invalid port.", briefs.Truncate(raw, 100))
		}
	}
	if strings.ContainsAny(u.Hostname(), " \t\r\n%") && !strings.Contains(u.Hostname(), ":") {
		return nil, briefs.Errorf(briefs.EINVALID, "%q has an invalid host name.", briefs.Truncate(raw, 100))
	}
	u.Scheme = scheme
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// checkRedirect allows at most MaxRedirects redirects, to http(s) only.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return briefs.Errorf(briefs.EINVALID, "The link redirects more than %d times (a redirect loop?).", MaxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return briefs.Errorf(briefs.EINVALID, "The link redirects to a %s: link; only http and https pages can be fetched.", briefs.Truncate(req.URL.Scheme, 20))
	}
	if req.URL.User != nil {
		return briefs.Errorf(briefs.EINVALID, "The link redirects to a link with a user name or password, which is not accepted.")
	}
	return nil
}

// statusError describes a non-2xx answer.
func statusError(resp *http.Response) error {
	status := strings.TrimSpace(resp.Status)
	if status == "" || !strings.HasPrefix(status, strconv.Itoa(resp.StatusCode)) {
		status = fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	status = briefs.Truncate(oneLine(status), 60)
	code := resp.StatusCode
	switch {
	case code == http.StatusNotFound || code == http.StatusGone:
		return briefs.Errorf(briefs.EINVALID, "The site answered %s: there is no page at that link. Check the link.", status)
	case code == http.StatusUnauthorized || code == http.StatusForbidden || code == http.StatusPaymentRequired:
		return briefs.Errorf(briefs.EINVALID, "The site answered %s: it does not let briefbot read that page (a paywall or a login?). %s", status, pasteHint)
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests:
		return withRetryAfter(resp, briefs.Errorf(briefs.EUNAVAILABLE, "The site answered %s. Try again later.", status))
	case code == http.StatusServiceUnavailable:
		return withRetryAfter(resp, briefs.Errorf(briefs.EUNAVAILABLE, "The site answered %s: it has a problem of its own. Try again later.", status))
	case code >= 400 && code <= 499:
		return briefs.Errorf(briefs.EINVALID, "The site answered %s for that link.", status)
	case code >= 500:
		return briefs.Errorf(briefs.EUNAVAILABLE, "The site answered %s: it has a problem of its own. Try again later.", status)
	default:
		return briefs.Errorf(briefs.EUNAVAILABLE, "The site answered %s instead of a page.", status)
	}
}

// fetchError carries a message for the user and the cause for the logs;
// errors.As finds the *briefs.Error, errors.Is the cause.
type fetchError struct {
	user  *briefs.Error
	cause error
}

func (e *fetchError) Error() string   { return e.user.Message + " (" + e.cause.Error() + ")" }
func (e *fetchError) Unwrap() []error { return []error{e.user, e.cause, briefs.ErrSite} }

func wrap(cause error, code, format string, args ...any) error {
	return &fetchError{user: briefs.Errorf(code, format, args...), cause: cause}
}

// timeoutMessage is what the user reads when the site was too slow.
func (f *Fetcher) timeoutMessage() string {
	return fmt.Sprintf("The site did not answer in time (%s, %s). Try again later, or paste the article's text instead.", briefs.SettingFetchTimeout, f.cfg.Timeout)
}

// describe turns a transport error into a message for the user.
func (f *Fetcher) describe(ctx context.Context, u *url.URL, err error) error {
	host := u.Hostname()
	var be *blockedError
	var ue *briefs.Error
	var dnsErr *net.DNSError
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var authErr x509.UnknownAuthorityError
	var invalidErr x509.CertificateInvalidError
	switch {
	case errors.As(err, &be):
		return wrap(err, briefs.EINVALID, "That link leads to a private or local network address (%s), which briefbot does not fetch: only public web sites.", briefs.Truncate(be.Host, 100))
	case errors.As(err, &ue):
		return wrap(err, ue.Code, "%s", ue.Message)
	case ctx.Err() != nil && errors.Is(context.Cause(ctx), errTimeout):
		return wrap(err, briefs.EUNAVAILABLE, "%s", f.timeoutMessage())
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return wrap(err, briefs.EUNAVAILABLE, "The site did not answer in time. Try again later, or paste the article's text instead.")
	case errors.Is(ctx.Err(), context.Canceled):
		return wrap(err, briefs.EUNAVAILABLE, "The fetch was cancelled.")
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return wrap(err, briefs.EINVALID, "The site %s does not exist (no such host). Check the link.", briefs.Truncate(host, 100))
	case errors.As(err, &dnsErr):
		return wrap(err, briefs.EUNAVAILABLE, "Could not look up %s. Try again later.", briefs.Truncate(host, 100))
	case errors.As(err, &certErr) || errors.As(err, &hostErr) || errors.As(err, &authErr) || errors.As(err, &invalidErr):
		return wrap(err, briefs.EUNAVAILABLE, "%s has an invalid HTTPS certificate, so briefbot cannot read it safely.", briefs.Truncate(host, 100))
	case errors.As(err, &netErr) && netErr.Timeout():
		return wrap(err, briefs.EUNAVAILABLE, "%s", f.timeoutMessage())
	case errors.Is(err, syscall.ECONNREFUSED):
		return wrap(err, briefs.EUNAVAILABLE, "%s refused the connection. Is the link right, and the site up?", briefs.Truncate(u.Host, 100))
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return wrap(err, briefs.EUNAVAILABLE, "%s closed the connection before sending the page. Try again later.", briefs.Truncate(host, 100))
	}
	return wrap(err, briefs.EUNAVAILABLE, "Could not fetch the page from %s. Try again later.", briefs.Truncate(host, 100))
}
