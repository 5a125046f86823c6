package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

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

func (k guildKeys) article(id string) string { return k.base + "article:" + id }
func (k guildKeys) brief(slug, version string) string {
	return k.base + "brief:" + slug + ":" + version
}
func (k guildKeys) slugs() string    { return k.base + "slugs" }
func (k guildKeys) urls() string     { return k.base + "urls" }
func (k guildKeys) hashes() string   { return k.base + "hashes" }
func (k guildKeys) recent() string   { return k.base + "recent" }
func (k guildKeys) slugidx() string  { return k.base + "slugidx" }
func (k guildKeys) listings() string { return k.base + "listings" }
func (k guildKeys) termidx() string  { return k.base + "termidx" }
func (k guildKeys) fresh() string    { return k.base + "fresh" }
func (k guildKeys) addClock() string { return k.base + "addclock" }

// indexKeys are the KEYS of the scripts that touch a guild's indexes, in the
// order the scripts expect.
func (k guildKeys) indexKeys() []string {
	return []string{k.slugs(), k.urls(), k.hashes(), k.recent(), k.slugidx(), k.listings(), k.fresh(), k.addClock()}
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

// checkSlug accepts what the keys can hold: a non-empty string with no
// spaces, colons or control characters (the slug index separates slug and id
// with NUL; brief keys end in slug:version).
func checkSlug(slug string) error {
	if slug == "" {
		return briefs.Errorf(briefs.EINVALID, "the article has no slug")
	}
	if len(slug) > 200 || !utf8.ValidString(slug) || hasControl(slug) ||
		strings.ContainsFunc(slug, unicode.IsSpace) || strings.Contains(slug, ":") {
		return briefs.Errorf(briefs.EINVALID, "slug %q is not valid: use lower-case letters, digits and hyphens", slug)
	}
	return nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// cleanTerms folds terms the way briefs.Terms does and drops empty and
// repeated ones.
func cleanTerms(terms []string) []string {
	out := make([]string, 0, len(terms))
	seen := make(map[string]bool, len(terms))
	for _, t := range terms {
		t = strings.TrimSpace(briefs.Fold(t))
		if t == "" || seen[t] || !utf8.ValidString(t) {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// indexKey is the field of a source URL (sourceURLKey) or a content hash in
// the guild's URL and hash indexes: 24 hex digits of its sha256 (96 bits:
// no two of a guild's URLs or texts meet by chance), a third of what the
// URL or hash itself took in the index and again in the article's record.
// Records written before keep the URL or hash itself, and lookups try both.
func indexKey(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:12])
}

// sourceURLKey is the dedup key of a source URL: briefs.CanonicalURL (tracking
// parameters, fragment and default port dropped), or the URL as given when it
// is not one CanonicalURL accepts.
func sourceURLKey(raw string) string {
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	if canon, err := briefs.CanonicalURL(raw); err == nil {
		return canon
	}
	return strings.TrimSpace(raw)
}
