// Package llm summarizes an article with a large language model behind an
// OpenAI-compatible chat-completions API (OpenAI, Ollama's /v1, llama.cpp's
// server, vLLM). It asks for a brief as JSON and checks the answer
// strictly: an answer it cannot use as it is gets refused, never repaired,
// so that the caller can fall back to the extractive summary.
//
// Errors are *briefs.Error values: EUNAVAILABLE when the server did not
// answer in time, could not be reached, failed (5xx) or is rate limiting
// (429; the error then has a RetryAfter() time.Duration method when the
// server said how long to wait), EINVALID when the answer is unusable or the
// server refused the request (400, 404: a bad model name), EFORBIDDEN when
// it refused the API key. The API key is never part of an error or of
// String().
package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"briefbot/briefs"
)

// Defaults of Config, applied where a field is left zero.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultMaxTokens   = 600
	DefaultConcurrency = 2
)

const (
	// maxResponseBytes bounds the body read from the server: a brief is a
	// few kilobytes, so anything near this is not an answer to our prompt.
	maxResponseBytes = 1 << 20
	// maxRedirects bounds the redirects followed (all to the same host).
	maxRedirects = 5
)

// Config says which server and model to use, and how hard to push them.
type Config struct {
	BaseURL string // e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1
	Model   string
	// APIKey is sent as "Authorization: Bearer …" when set. Local servers
	// need none.
	APIKey string
	// Timeout bounds one request, from sending it to reading the whole
	// answer; 0 means DefaultTimeout. Waiting for a free slot (Concurrency)
	// is bounded by the caller's context only.
	Timeout time.Duration
	// MaxTokens bounds the length of the answer; 0 means DefaultMaxTokens.
	MaxTokens int
	// Concurrency bounds the requests a Client has in flight at once; 0
	// means DefaultConcurrency. A local model answers one request at a time
	// or a few, and a provider's rate limit counts requests, so more would
	// only queue at the server, where the Timeout runs. Share one Client
	// across the process so that the bound holds for all of it.
	Concurrency int
	// HTTPClient sends the requests; nil means a default one. The Client
	// uses a copy whose redirect rule keeps the API key on the configured
	// host.
	HTTPClient *http.Client
}

// String describes c without its API key, so that logging a Config is safe.
func (c Config) String() string {
	key := ""
	if c.APIKey != "" {
		key = "[redacted]"
	}
	return fmt.Sprintf("llm.Config{BaseURL: %q, Model: %q, APIKey: %q, Timeout: %s, MaxTokens: %d, Concurrency: %d}",
		c.BaseURL, c.Model, key, c.Timeout, c.MaxTokens, c.Concurrency)
}

// GoString is String, so that %#v does not print the API key either.
func (c Config) GoString() string { return c.String() }

// Client summarizes articles with one model. It is safe for concurrent use.
type Client struct {
	cfg      Config
	endpoint string // BaseURL + "/chat/completions"
	origin   *url.URL
	http     *http.Client
	slots    chan struct{} // a semaphore of cfg.Concurrency slots
	// waiting, when set (by tests), is called each time a request has to
	// wait for a slot.
	waiting func()
}

// New checks cfg and returns a Client. Errors are EINVALID: a BaseURL that
// is not an absolute http(s) URL (or carries a user name, a query or a
// fragment), or an empty Model.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg.BaseURL = base.String()
	cfg.Model = strings.TrimSpace(cfg.Model)
	if cfg.Model == "" {
		return nil, briefs.Errorf(briefs.EINVALID, "The LLM model is not set: name the model the server should use.")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxTokens <= 0 {
		cfg.MaxTokens = DefaultMaxTokens
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	c := &Client{
		cfg:      cfg,
		endpoint: cfg.BaseURL + "/chat/completions",
		origin:   base,
		slots:    make(chan struct{}, cfg.Concurrency),
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		cp := *cfg.HTTPClient
		hc = &cp
	}
	next := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := c.checkRedirect(req, via); err != nil {
			return err
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	c.http = hc
	return c, nil
}

// parseBaseURL accepts an absolute http(s) URL without credentials, query
// or fragment (the key belongs in APIKey, and the path is extended), and
// drops a trailing slash.
func parseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	bad := func(why string) error {
		return briefs.Errorf(briefs.EINVALID, "The LLM base URL %q is not usable: %s.", briefs.Truncate(redactURL(raw), 100), why)
	}
	switch {
	case raw == "":
		return nil, briefs.Errorf(briefs.EINVALID, "The LLM base URL is not set (e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1).")
	case err != nil:
		return nil, bad("it is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, bad("it must start with http:// or https://")
	case u.Host == "" || u.Hostname() == "":
		return nil, bad("it has no host")
	case u.User != nil:
		return nil, bad("it must not carry a user name or password (set the API key instead)")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, bad("it must not have a query or a fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// redactURL hides what may be a secret in a URL refused by parseBaseURL: a
// password, a query (some proxies take the key as ?key=).
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	return u.Redacted()
}

// checkRedirect follows a redirect only to the configured host (an upgrade
// from http to https allowed), so that the Authorization header never
// reaches another host. net/http's own rule would send it to a subdomain
// or to another port of the same host.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	to := req.URL
	sameHost := strings.EqualFold(to.Host, c.origin.Host)
	sameScheme := to.Scheme == c.origin.Scheme || (c.origin.Scheme == "http" && to.Scheme == "https")
	if !sameHost || !sameScheme || to.User != nil {
		return briefs.Errorf(briefs.EINVALID, "The LLM server redirected to another address (%s://%s); briefbot does not follow it, so that the API key stays with %s. Check the LLM base URL.",
			briefs.Truncate(to.Scheme, 10), briefs.Truncate(to.Host, 100), briefs.Truncate(c.origin.Host, 100))
	}
	if len(via) >= maxRedirects {
		return briefs.Errorf(briefs.EINVALID, "The LLM server redirected more than %d times. Check the LLM base URL.", maxRedirects)
	}
	return nil
}

// String names the server and model, without the API key.
func (c *Client) String() string {
	return fmt.Sprintf("llm.Client(%s, %s)", c.cfg.BaseURL, c.cfg.Model)
}

// GoString is String, so that %#v does not print the API key either.
func (c *Client) GoString() string { return c.String() }

// Version names the model and the prompt, "llm/<model>/p<prompt version>":
// a brief made with another model or prompt is rebuilt.
func (c *Client) Version() string { return fmt.Sprintf("llm/%s/p%d", c.cfg.Model, promptVersion) }

// Summarize asks the model for a brief of doc: the Summary has Title, Gist,
// Bullets and Lang (doc.Lang) set, the other fields empty for the caller to
// fill. Errors are described in the package documentation; an empty text is
// EINVALID without asking the server.
func (c *Client) Summarize(ctx context.Context, doc briefs.Document) (briefs.Summary, error) {
	if strings.TrimSpace(doc.Text) == "" {
		return briefs.Summary{}, briefs.Errorf(briefs.EINVALID, "There is no text to summarize.")
	}
	body, err := json.Marshal(c.request(doc))
	if err != nil {
		return briefs.Summary{}, fmt.Errorf("llm: encode the request: %w", err)
	}
	if err := c.acquire(ctx); err != nil {
		return briefs.Summary{}, err
	}
	defer func() { <-c.slots }()
	content, err := c.complete(ctx, body)
	if err != nil {
		return briefs.Summary{}, err
	}
	b, err := parseBrief(content)
	if err != nil {
		return briefs.Summary{}, noBrief(err)
	}
	return briefs.Summary{Title: b.Headline, Gist: b.Gist, Bullets: b.Points, Lang: doc.Lang}, nil
}

// acquire takes one of the Concurrency slots, waiting as long as ctx lets
// it.
func (c *Client) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return wrap(err, briefs.EUNAVAILABLE, "The LLM request was given up before it was sent.")
	}
	select {
	case c.slots <- struct{}{}:
		return nil
	default:
	}
	if c.waiting != nil {
		c.waiting()
	}
	select {
	case c.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return wrap(ctx.Err(), briefs.EUNAVAILABLE, "The LLM request was cancelled while waiting for the %d requests already in flight.", c.cfg.Concurrency)
	}
}

// errTimeout is the cause of a request's context when Timeout ran out.
var errTimeout = errors.New("llm: request timeout")

// complete sends one chat-completions request and returns the content of
// the first choice.
func (c *Client) complete(ctx context.Context, body []byte) (string, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, c.cfg.Timeout, errTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("llm: make the request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", c.describe(ctx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return "", c.describe(ctx, err)
	}
	if len(data) > maxResponseBytes {
		return "", briefs.Errorf(briefs.EINVALID, "The LLM server's answer is over %d KiB; it cannot be a brief.", maxResponseBytes>>10)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", c.statusError(resp, data)
	}
	return c.parseCompletion(data)
}
