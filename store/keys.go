package store

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"briefbot/briefs"
)

// guildKeys names the keys of one guild. base is "<prefix>g:{<guild>}:"; the
// Lua scripts build the per-article keys from it the same way.
type guildKeys struct {
	base string
}

func (db *DB) guild(guildID string) guildKeys {
	return guildKeys{base: db.prefix + "g:{" + guildID + "}:"}
}

func (k guildKeys) article(id string) string       { return k.base + "article:" + id }
func (k guildKeys) brief(id, version string) string { return k.base + "brief:" + id + ":" + version }
func (k guildKeys) slugs() string                  { return k.base + "slugs" }
func (k guildKeys) urls() string                   { return k.base + "urls" }
func (k guildKeys) hashes() string                 { return k.base + "hashes" }
func (k guildKeys) recent() string                 { return k.base + "recent" }
func (k guildKeys) slugidx() string                { return k.base + "slugidx" }
func (k guildKeys) listings() string               { return k.base + "listings" }
func (k guildKeys) term(t string) string           { return k.base + "term:" + t }

// indexKeys are the KEYS of the scripts that touch a guild's indexes, in the
// order the scripts expect.
func (k guildKeys) indexKeys() []string {
	return []string{k.slugs(), k.urls(), k.hashes(), k.recent(), k.slugidx(), k.listings()}
}

// checkGuild rejects guild ids that would break the key layout: the id sits
// in a Redis Cluster hash tag, so it may not hold braces.
func checkGuild(guildID string) error {
	if guildID == "" {
		return briefs.Errorf(briefs.EINVALID, "no guild given")
	}
	if strings.ContainsAny(guildID, "{}") || !utf8.ValidString(guildID) || hasControl(guildID) {
		return briefs.Errorf(briefs.EINVALID, "guild id %q is not valid", guildID)
	}
	return nil
}

// checkSlug accepts what the slug index can hold: a non-empty string with no
// spaces or control characters (the index separates slug and id with NUL).
func checkSlug(slug string) error {
	if slug == "" {
		return briefs.Errorf(briefs.EINVALID, "the article has no slug")
	}
	if len(slug) > 200 || !utf8.ValidString(slug) || hasControl(slug) || strings.ContainsFunc(slug, unicode.IsSpace) {
		return briefs.Errorf(briefs.EINVALID, "slug %q is not valid: use lower-case letters, digits and hyphens", slug)
	}
	return nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// normalizeURL gives the dedup key of a source URL: scheme and host lower
// case, default port, fragment and tracking parameters dropped, so that the
// same page added twice is found again.
func normalizeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	if (u.Scheme == "http" && strings.HasSuffix(host, ":80")) || (u.Scheme == "https" && strings.HasSuffix(host, ":443")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	u.Host = host
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, "utm_") || lk == "fbclid" || lk == "gclid" || lk == "mc_cid" || lk == "mc_eid" {
				q.Del(k)
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// fold is briefs.Fold with a transformer of its own per call: briefs.Fold
// shares one transform.Chain between goroutines, and a Chain keeps state, so
// concurrent calls race (and can panic). Same transformation, same result.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	return strings.ToLower(folded)
}

// cleanTerms folds terms the way briefs.Terms does and drops empty and
// repeated ones.
func cleanTerms(terms []string) []string {
	out := make([]string, 0, len(terms))
	seen := make(map[string]bool, len(terms))
	for _, t := range terms {
		t = strings.TrimSpace(fold(t))
		if t == "" || seen[t] || !utf8.ValidString(t) {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// indexTerms is briefs.IndexTerms on top of fold (see there): the terms of
// slug, title and entities.
func indexTerms(slug, title string, entities []string) []string {
	f := fold(slug + " " + title + " " + strings.Join(entities, " "))
	var terms []string
	seen := map[string]bool{}
	for _, t := range strings.FieldsFunc(f, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	}) {
		t = strings.TrimSuffix(strings.TrimSuffix(t, "'s"), "’s")
		t = strings.Trim(t, "'’")
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		terms = append(terms, t)
	}
	return terms
}
