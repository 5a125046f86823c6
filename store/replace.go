package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"briefbot/briefs"
)

// replaceScript swaps the content of article ARGV[3] (slug ARGV[2]) in one
// step: its record, URL and content-hash entries, listing, search terms and
// cached briefs. The id, slug and place in the recency index stay. KEYS as
// addScript. ARGV: 1 base, 2 slug, 3 id, 4 url key, 5 content hash,
// 6 article JSON, 7 listing JSON, 8 terms JSON, 9 brief version, 10 brief
// JSON, 11 brief TTL ms (0 = none), 12 and 13 the URL and content hash as
// records written before shortened index keys hold them, 14... terms.
//
// Returns {"gone"} when the slug no longer names that id, {"dup", id} when
// the new URL or content belongs to another article, {"ok"} after writing.
var replaceScript = newScript(luaArticle + `
local base, slug, id = ARGV[1], ARGV[2], ARGV[3]
local url, hash = ARGV[4], ARGV[5]
if redis.call('HGET', KEYS[1], slug) ~= id then return {'gone'} end
do
  local other = owner(KEYS[2], url, ARGV[12])
  if other and other ~= id then return {'dup', other} end
  other = owner(KEYS[3], hash, ARGV[13])
  if other and other ~= id then return {'dup', other} end
end
local akey = base .. 'article:' .. id
local rec = redis.call('HGETALL', akey)
local f = {}
for i = 1, #rec, 2 do f[rec[i]] = rec[i + 1] end
unindex_content(base, akey, id, slug, f)
redis.call('HSET', akey, 'article', ARGV[6], 'slug', slug, 'url', url, 'hash', hash, 'terms', ARGV[8])
if url ~= '' then redis.call('HSET', KEYS[2], url, id) end
if hash ~= '' then redis.call('HSET', KEYS[3], hash, id) end
redis.call('HSET', KEYS[6], id, ARGV[7])
index_terms(base, id, redis.call('ZSCORE', KEYS[4], id) or '0', 14)
cache_brief(base, akey, slug, ARGV[9], ARGV[10], ARGV[11])
return {'ok'}
`)

// ReplaceArticle gives the article with req.Article.Slug new content (text,
// title, source, byline, dates) and a new brief in one atomic step, keeping
// its id, slug and place in the recency index; briefs cached by any
// summarizer version are dropped. Returns the stored article. Errors:
// ENOTFOUND (no such slug), ECONFLICT (the new URL or content is another
// article's), EINVALID, EUNAVAILABLE.
func (db *DB) ReplaceArticle(ctx context.Context, req briefs.AddRequest) (briefs.Article, error) {
	a := req.Article
	if err := checkGuild(a.GuildID); err != nil {
		return briefs.Article{}, fmt.Errorf("replace article: %w", err)
	}
	old, err := db.ArticleBySlug(ctx, a.GuildID, a.Slug)
	if err != nil {
		return briefs.Article{}, fmt.Errorf("replace article: %w", err)
	}
	a.ID, a.AddedAt = old.ID, old.AddedAt
	terms := cleanTerms(req.Terms)
	if len(terms) == 0 {
		terms = briefs.IndexTerms(a.Slug, a.Title, req.Brief.Entities)
	}
	termsJSON, err := json.Marshal(terms)
	if err != nil {
		return briefs.Article{}, fmt.Errorf("replace article: %w", err)
	}
	aj, err := json.Marshal(a)
	if err != nil {
		return briefs.Article{}, fmt.Errorf("replace article: %w", err)
	}
	lj, err := json.Marshal(listingOf(a, req.Brief))
	if err != nil {
		return briefs.Article{}, fmt.Errorf("replace article: %w", err)
	}
	b := req.Brief
	var bj []byte
	if b.CacheVersion() != "" {
		b.ArticleID, b.GuildID, b.Slug = a.ID, a.GuildID, a.Slug
		if b.CreatedAt.IsZero() {
			b.CreatedAt = time.Now().UTC()
		}
		if bj, err = json.Marshal(b); err != nil {
			return briefs.Article{}, fmt.Errorf("replace article: %w", err)
		}
	}
	k := db.guild(a.GuildID)
	args := make([]any, 0, 11+len(terms))
	url := sourceURLKey(a.SourceURL)
	args = append(args, k.base, a.Slug, a.ID, indexKey(url), indexKey(a.ContentHash), compactValue(aj), lj, termsJSON,
		b.CacheVersion(), compactValue(bj), ttlMillis(req.BriefTTL), url, a.ContentHash)
	for _, t := range terms {
		args = append(args, t)
	}
	var res []string
	if err := db.write(func() (changed bool, err error) {
		res, err = replaceScript.Run(ctx, db.client, k.indexKeys(), args...).StringSlice()
		if err != nil {
			return false, db.fail("replace article", err)
		}
		return len(res) > 0 && res[0] == "ok", nil
	}); err != nil {
		return briefs.Article{}, err
	}
	switch {
	case len(res) > 0 && res[0] == "ok":
		return a, nil
	case len(res) > 0 && res[0] == "gone":
		return briefs.Article{}, fmt.Errorf("replace article: %w", notFound(a.Slug))
	case len(res) > 1 && res[0] == "dup":
		return briefs.Article{}, fmt.Errorf("replace article: %w",
			briefs.Errorf(briefs.ECONFLICT, "The new version of %q is the same page or text as another stored article.", a.Slug))
	}
	return briefs.Article{}, fmt.Errorf("replace article: unexpected script reply %q", res)
}
