package briefs

import (
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that say where a click came from, not
// which page it is; they are dropped so that the same story shared from two
// places is one article.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "mc_cid": true,
	"mc_eid": true, "igshid": true, "ref_src": true, "cmpid": true, "smid": true,
}

// CanonicalURL normalises a source URL into the dedup key of an article:
// lower-case scheme and host, no default port, no fragment, no tracking
// parameters (utm_*, fbclid, gclid, ...), remaining parameters sorted.
// Errors: EINVALID for anything that is not an absolute http(s) URL.
func CanonicalURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return "", Errorf(EINVALID, "%q is not a valid URL.", Truncate(raw, 100))
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", Errorf(EINVALID, "Only http and https links are supported, not %q.", Truncate(raw, 100))
	}
	if u.Host == "" {
		return "", Errorf(EINVALID, "%q has no host name.", Truncate(raw, 100))
	}
	if u.User != nil {
		return "", Errorf(EINVALID, "Links with a user name or password are not accepted.")
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	u.Host = host
	if port != "" {
		u.Host = host + ":" + port
	}
	if strings.Contains(host, ":") { // IPv6 literal
		u.Host = "[" + host + "]"
		if port != "" {
			u.Host += ":" + port
		}
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") || trackingParams[strings.ToLower(k)] {
			q.Del(k)
		}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	u.RawQuery = b.String()
	u.ForceQuery = false
	return u.String(), nil
}

// MaxImageURLLen bounds the link of an article's lead image.
const MaxImageURLLen = 2048

// ImageURL returns raw when it is an absolute http or https URL with a host,
// no user info and no white space, at most MaxImageURLLen bytes; "" otherwise.
func ImageURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > MaxImageURLLen || strings.ContainsAny(raw, " \t\r\n") {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return raw
}
