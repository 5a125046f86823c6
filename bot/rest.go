package bot

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"briefbot/briefs"

	"github.com/bwmarrin/discordgo"
)

// DefaultAPIURL is Discord's REST base, the default of DISCORD_API_URL.
const DefaultAPIURL = "https://discord.com/api/v9"

// discordgo builds every REST URL from this host and path (its
// EndpointDiscord and APIVersion), which NewHTTPClient maps to the
// configured API URL.
const (
	discordHost    = "discord.com"
	discordAPIPath = "/api/v9"
)

// DefaultHTTPTimeout bounds one REST request when the transport's
// HTTPTimeout is 0.
const DefaultHTTPTimeout = 10 * time.Second

// NewRESTSession returns a discordgo Session for REST calls only (no
// gateway), with its requests sent to apiURL (DISCORD_API_URL, "" for
// Discord's): the scheduler's Poster.
func NewRESTSession(token, apiURL string, timeout time.Duration) (*discordgo.Session, error) {
	token = botToken(token)
	if token == "" {
		return nil, briefs.Errorf(briefs.EINVALID, "%s is required to post digests", briefs.SettingDiscordToken)
	}
	return newRESTSession("Bot "+token, apiURL, timeout)
}

// newRESTSession is the session every transport starts from: its requests
// go to apiURL through NewHTTPClient, each bounded by timeout (0 means
// DefaultHTTPTimeout), and discordgo keeps no state and logs nothing, since
// briefbot reports what matters itself. auth is the Authorization header,
// "" for a session that only calls interaction webhooks.
func newRESTSession(auth, apiURL string, timeout time.Duration) (*discordgo.Session, error) {
	client, err := NewHTTPClient(apiURL, orDefault(timeout, DefaultHTTPTimeout))
	if err != nil {
		return nil, err
	}
	s, err := discordgo.New(auth)
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	s.Client = client
	s.StateEnabled = false
	s.LogLevel = -1
	return s, nil
}

// botToken is the bot token as configured, without spaces or a "Bot "
// prefix.
func botToken(token string) string {
	return strings.TrimPrefix(strings.TrimSpace(token), "Bot ")
}

// NewHTTPClient returns the client for discordgo's Session.Client: requests
// to the Discord API (https://discord.com/api/v9/...) go to apiURL instead
// (DISCORD_API_URL: scheme, host and path prefix, e.g.
// http://127.0.0.1:8080/api/v9 for a fake or a REST proxy), and requests to
// any other host are refused, since the bot needs no other. It never changes
// discordgo's global endpoint variables. timeout bounds each request.
func NewHTTPClient(apiURL string, timeout time.Duration) (*http.Client, error) {
	base, err := parseAPIURL(apiURL)
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	// Interactions are answered concurrently; keep connections for them.
	t.MaxIdleConns = 100
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: timeout, Transport: &apiTransport{base: base, next: t}}, nil
}

// parseAPIURL checks an API base URL; the result has no trailing slash.
func parseAPIURL(apiURL string) (*url.URL, error) {
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	u, err := url.Parse(apiURL)
	if err != nil {
		return nil, briefs.Errorf(briefs.EINVALID, "the Discord API URL is not a URL (want one like %s)", DefaultAPIURL)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, briefs.Errorf(briefs.EINVALID, "the Discord API URL %q must be an http(s) URL with a host and no credentials, query or fragment, like %s", u.Redacted(), DefaultAPIURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}

// apiTransport sends discordgo's requests for the Discord API to base.
type apiTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t *apiTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	path := req.URL.Path
	if req.URL.Host != discordHost || (path != discordAPIPath && !strings.HasPrefix(path, discordAPIPath+"/")) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("refusing a request to %s://%s%s: briefbot only talks to the Discord API", req.URL.Scheme, req.URL.Host, path)
	}
	out := req.Clone(req.Context())
	out.Host = ""
	out.URL.Scheme, out.URL.Host = t.base.Scheme, t.base.Host
	out.URL.Path = t.base.Path + strings.TrimPrefix(path, discordAPIPath)
	out.URL.RawPath = ""
	if req.URL.RawPath != "" {
		out.URL.RawPath = t.base.EscapedPath() + strings.TrimPrefix(req.URL.RawPath, discordAPIPath)
	}
	return t.next.RoundTrip(out)
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
