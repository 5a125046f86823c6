package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
)

// maxSlugAttempts bounds the retries of AddArticle when concurrent adds keep
// taking the free slug it was offered.
const maxSlugAttempts = 10

// AddArticle stores the article, its brief and its index entries in one Lua
// script: after a crash either all of it exists or none of it. An article
// with the same normalised source URL, the same content hash or the same id
// in the guild is returned as it is stored, with created == false. Without
// ExactSlug a taken slug gets the SlugTopic word appended ("putin-kim-deal"),
// and when that is taken too (or there is no topic) -2, -3, ... An empty ID is derived
// from the content hash; a zero AddedAt is now; empty Terms are computed
// like briefs.IndexTerms. The brief is cached when it names its Summarizer
// and DeferBrief is not set, for BriefTTL (<= 0: until the article is
// removed). With Story set, the article's story signature is kept and it
// joins the story chosen (see stories.go). A new article in a
// guild that holds MaxArticles (> 0) already makes room by dropping the
// guild's oldest articles (by AddedAt) with their briefs and index entries,
// in the same script, so concurrent adds cannot overshoot; one add drops at
// most a few (evictMost in scripts.go), so a guild whose cap was lowered
// shrinks back under it over the next adds. An add that finds the article
// stored drops nothing. Errors: EINVALID (no guild, no id, a slug with
// spaces, colons or control characters), ECONFLICT (ExactSlug and the slug
// is taken), EUNAVAILABLE.
func (db *DB) AddArticle(ctx context.Context, req briefs.AddRequest) (briefs.Article, bool, error) {
	add, err := newArticleAdd(req)
	if err != nil {
		return briefs.Article{}, false, fmt.Errorf("add article: %w", err)
	}
	var stored briefs.Article
	var created bool
	err = db.write(func() (bool, error) {
		for range maxSlugAttempts {
			res, err := db.runAddScript(ctx, add)
			if err != nil {
				return false, err
			}
			var retry bool
			stored, created, retry, err = add.outcome(res)
			if !retry {
				return created, err
			}
		}
		return false, fmt.Errorf("add article: %w",
			briefs.Errorf(briefs.ECONFLICT, "no free slug found for %q; please choose one", add.wanted))
	})
	if err != nil {
		return briefs.Article{}, false, err
	}
	if add.dropped > 0 {
		db.log.Debug("dropped the oldest articles to stay within the per-guild cap",
			"guild", stored.GuildID, "dropped", add.dropped, "max", add.req.MaxArticles)
	}
	return stored, created, nil
}

// articleAdd is one AddArticle, its request checked and its defaults
// filled in, carried across the tries of the script: a try that finds the
// slug taken changes the slug and goes again.
type articleAdd struct {
	req       briefs.AddRequest
	a         briefs.Article
	b         briefs.Brief // cached when version is not ""
	version   string
	terms     []string
	termsJSON []byte
	urlKey    string
	// wanted is the slug asked for; topical, wanted with the topic word, is
	// tried first when wanted is taken, and is "" once tried.
	wanted, topical string
	// dropped is how many of the guild's oldest articles the add that
	// created the article dropped to stay within req.MaxArticles.
	dropped int
}

// newArticleAdd checks req and fills in what it leaves out: the id from
// the content hash, AddedAt, the index terms, the brief's CreatedAt.
// Errors: EINVALID.
func newArticleAdd(req briefs.AddRequest) (*articleAdd, error) {
	a := req.Article
	if err := checkGuild(a.GuildID); err != nil {
		return nil, err
	}
	a.Slug = strings.TrimSpace(a.Slug)
	if err := checkSlug(a.Slug); err != nil {
		return nil, err
	}
	if a.ID == "" {
		if len(a.ContentHash) < 16 {
			return nil, briefs.Errorf(briefs.EINVALID, "the article has no id")
		}
		a.ID = a.ContentHash[:16]
	}
	if err := checkID(a.ID); err != nil {
		return nil, err
	}
	if a.AddedAt.IsZero() {
		a.AddedAt = time.Now().UTC()
	}
	terms := cleanTerms(req.Terms)
	if len(req.Terms) == 0 {
		terms = briefs.IndexTerms(a.Slug, a.Title, req.Brief.Entities)
	}
	termsJSON, err := json.Marshal(terms)
	if err != nil {
		return nil, err
	}
	b := req.Brief
	if b.CacheVersion() != "" && b.CreatedAt.IsZero() {
		b.CreatedAt = time.Now().UTC()
	}
	version := b.CacheVersion()
	if req.DeferBrief {
		version = ""
	}
	return &articleAdd{req: req, a: a, b: b, version: version, terms: terms, termsJSON: termsJSON,
		urlKey: sourceURLKey(a.SourceURL), wanted: a.Slug, topical: topicSlug(a.Slug, req.SlugTopic)}, nil
}

// runAddScript tries the add once, with the article's current slug, and
// returns the script's reply.
func (db *DB) runAddScript(ctx context.Context, add *articleAdd) ([]string, error) {
	a := add.a
	aj, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("add article: %w", err)
	}
	lj, err := json.Marshal(listingOf(a, add.req.Brief))
	if err != nil {
		return nil, fmt.Errorf("add article: %w", err)
	}
	var bj []byte
	if add.version != "" {
		add.b.ArticleID, add.b.GuildID, add.b.Slug = a.ID, a.GuildID, a.Slug
		if bj, err = json.Marshal(add.b); err != nil {
			return nil, fmt.Errorf("add article: %w", err)
		}
	}
	join, sig, sigTTL, src, leadSrc, seen := "", "", int64(0), "{}", "{}", ""
	if st := add.req.Story; st != nil {
		// The script fills in the new entry's id and slug (the slug is
		// final only there).
		entry := st.Source
		entry.ArticleID, entry.Slug = "", ""
		js, err := json.Marshal(entry)
		if err != nil {
			return nil, fmt.Errorf("add article: %w", err)
		}
		ljs, err := json.Marshal(st.LeadSource)
		if err != nil {
			return nil, fmt.Errorf("add article: %w", err)
		}
		join, sig, sigTTL, src, leadSrc, seen = st.Join, string(st.Signature), ttlMillis(st.SignatureTTL), string(js), string(ljs), st.Seen
	}
	k := db.guild(a.GuildID)
	args := make([]any, 0, 21+len(add.terms))
	args = append(args, k.base, a.ID, add.wanted, a.Slug, flag(add.req.ExactSlug), indexKey(add.urlKey), indexKey(a.ContentHash),
		compactValue(aj), lj, a.AddedAt.UnixMilli(), add.termsJSON, add.version, compactValue(bj), ttlMillis(add.req.BriefTTL),
		max(add.req.MaxArticles, 0), join, sig, sigTTL, src, leadSrc, briefs.MaxStorySources, briefs.BetterSource,
		add.urlKey, a.ContentHash, seen)
	for _, t := range add.terms {
		args = append(args, t)
	}
	res, err := addScript.Run(ctx, db.client, k.indexKeys(), args...).StringSlice()
	if err != nil {
		return nil, db.fail("add article", err)
	}
	if len(res) == 0 {
		return nil, fmt.Errorf("add article: empty script reply")
	}
	return res, nil
}

// outcome reads the script's reply: the stored article and whether this
// add created it, or retry with the free slug the script offered (set on
// add.a), or the refusal. A created article notes in add.dropped how many
// old ones made room for it.
func (add *articleAdd) outcome(res []string) (stored briefs.Article, created, retry bool, err error) {
	switch res[0] {
	case "created":
		if len(res) > 1 {
			add.dropped, _ = strconv.Atoi(res[1])
		}
		return add.a, true, false, nil
	case "exists":
		if len(res) < 2 {
			return briefs.Article{}, false, false, fmt.Errorf("add article: short script reply %q", res)
		}
		var e briefs.Article
		if err := decodeStored([]byte(res[1]), &e); err != nil {
			return briefs.Article{}, false, false, fmt.Errorf("add article: decode existing article: %w", err)
		}
		return e, false, false, nil
	case "moved":
		return briefs.Article{}, false, false, fmt.Errorf("add article: %w", briefs.ErrStoryMoved)
	case "conflict":
		return briefs.Article{}, false, false, fmt.Errorf("add article: %w",
			briefs.Errorf(briefs.ECONFLICT, "slug %q is taken by another article", add.a.Slug))
	case "slug":
		if len(res) < 2 {
			return briefs.Article{}, false, false, fmt.Errorf("add article: short script reply %q", res)
		}
		// Re-encode with the free slug and try again; a concurrent add may
		// take it first, in which case the script offers the next. The
		// topic word comes before numbers: the script only knows numbers,
		// so it is tried once, when the wanted slug is taken.
		add.a.Slug = res[1]
		if add.topical != "" && !add.req.ExactSlug && add.a.Slug != add.topical {
			add.a.Slug, add.topical = add.topical, ""
		}
		return briefs.Article{}, false, true, nil
	}
	return briefs.Article{}, false, false, fmt.Errorf("add article: unexpected script reply %q", res[0])
}

// topicSlug is slug with the topic word appended ("putin-kim" + "deal" ->
// "putin-kim-deal"), or "" when there is no topic or the result is not a
// valid slug of at most briefs.MaxSlugLen bytes.
func topicSlug(slug, topic string) string {
	topic = briefs.Slugify(topic, briefs.MaxSlugLen)
	if topic == "" || slug == "" || strings.HasSuffix(slug, "-"+topic) {
		return ""
	}
	s := slug + "-" + topic
	if len(s) > briefs.MaxSlugLen || checkSlug(s) != nil {
		return ""
	}
	return s
}

// ArticleBySlug returns the article with that slug, in one round trip.
// Errors: ENOTFOUND, EUNAVAILABLE.
func (db *DB) ArticleBySlug(ctx context.Context, guildID, slug string) (briefs.Article, error) {
	if err := checkGuild(guildID); err != nil {
		return briefs.Article{}, fmt.Errorf("article by slug: %w", err)
	}
	k := db.guild(guildID)
	s, err := articleScript.Run(ctx, db.client, []string{k.slugs()}, k.base, slug).Text()
	if errors.Is(err, redis.Nil) || (err == nil && s == "") {
		return briefs.Article{}, fmt.Errorf("article by slug: %w", notFound(slug))
	} else if err != nil {
		return briefs.Article{}, db.fail("article by slug", err)
	}
	var a briefs.Article
	if err := decodeStored([]byte(s), &a); err != nil {
		return briefs.Article{}, fmt.Errorf("article by slug: decode %q: %w", slug, err)
	}
	return a, nil
}

// CachedBrief returns the brief cached for slug when it was built by the
// summarizer version given. Briefs are cached under the slug, so this is a
// single GET: one round trip, no script. ok is false for an unknown slug,
// an expired brief or a brief of another version. Errors: EUNAVAILABLE.
func (db *DB) CachedBrief(ctx context.Context, guildID, slug, version string) (briefs.Brief, bool, error) {
	if err := checkGuild(guildID); err != nil {
		return briefs.Brief{}, false, fmt.Errorf("cached brief: %w", err)
	}
	if strings.Contains(slug, ":") {
		return briefs.Brief{}, false, nil // no slug holds one; see checkSlug
	}
	s, err := db.client.Get(ctx, db.guild(guildID).brief(slug, version)).Bytes()
	if errors.Is(err, redis.Nil) {
		return briefs.Brief{}, false, nil
	} else if err != nil {
		return briefs.Brief{}, false, db.fail("cached brief", err)
	}
	var b briefs.Brief
	if err := decodeStored(s, &b); err != nil {
		// A cache entry we cannot read is a miss: the caller rebuilds it.
		db.log.Warn("unreadable cached brief", "guild", guildID, "slug", slug, "err", err)
		return briefs.Brief{}, false, nil
	}
	if b.CacheVersion() != version {
		return briefs.Brief{}, false, nil
	}
	return b, true, nil
}

// CacheBrief stores b as the cached brief of its article (b.GuildID,
// b.ArticleID) for ttl; ttl <= 0 keeps it until the article is removed. A
// brief is cached per summarizer version (b.CacheVersion()), under the slug the
// article has. When the article no longer exists nothing is stored. Errors:
// EINVALID, EUNAVAILABLE.
func (db *DB) CacheBrief(ctx context.Context, b briefs.Brief, ttl time.Duration) error {
	if err := checkGuild(b.GuildID); err != nil {
		return fmt.Errorf("cache brief: %w", err)
	}
	if err := checkID(b.ArticleID); err != nil {
		return fmt.Errorf("cache brief: %w", err)
	}
	if b.CacheVersion() == "" {
		return fmt.Errorf("cache brief: %w", briefs.Errorf(briefs.EINVALID, "the brief names no summarizer version"))
	}
	bj, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("cache brief: %w", err)
	}
	k := db.guild(b.GuildID)
	return db.write(func() (bool, error) {
		stored, err := cacheScript.Run(ctx, db.client, []string{k.article(b.ArticleID)},
			k.base, b.CacheVersion(), compactValue(bj), ttlMillis(ttl)).Int()
		if err != nil {
			return false, db.fail("cache brief", err)
		}
		return stored == 1, nil
	})
}

// FindByTerms lists the articles indexed under every one of terms (folded
// like briefs.Terms), newest first, at most limit, in one round trip. No
// terms lists the newest articles. Errors: EUNAVAILABLE.
func (db *DB) FindByTerms(ctx context.Context, guildID string, terms []string, limit int) ([]briefs.Listing, error) {
	if err := checkGuild(guildID); err != nil {
		return nil, fmt.Errorf("find by terms: %w", err)
	}
	terms = cleanTerms(terms)
	if len(terms) == 0 {
		ls, _, err := db.Recent(ctx, guildID, 0, limit)
		return ls, err
	}
	if limit <= 0 {
		return []briefs.Listing{}, nil
	}
	k := db.guild(guildID)
	args := make([]any, 0, 2+len(terms))
	args = append(args, k.base, limit)
	for _, t := range terms {
		args = append(args, t)
	}
	res, err := findScript.Run(ctx, db.client, []string{k.recent(), k.listings()}, args...).StringSlice()
	if err != nil {
		return nil, db.fail("find by terms", err)
	}
	return decodeListings(res)
}

// Suggest answers autocomplete in one round trip: articles whose slug starts
// with q.SlugPrefix first, in slug order, then those matching every one of
// q.Terms and some term starting with q.TermPrefix, newest first; at most
// limit. Errors: EUNAVAILABLE.
func (db *DB) Suggest(ctx context.Context, guildID string, q briefs.SuggestQuery, limit int) ([]briefs.Listing, error) {
	if err := checkGuild(guildID); err != nil {
		return nil, fmt.Errorf("suggest: %w", err)
	}
	if limit <= 0 {
		return []briefs.Listing{}, nil
	}
	minLex, maxLex := "", ""
	// Typed words read as a slug: "Putin Kim" is the prefix "putin-kim".
	p := strings.Join(strings.Fields(briefs.Fold(q.SlugPrefix)), "-")
	if p = strings.ReplaceAll(p, "\x00", ""); p != "" {
		minLex, maxLex = "["+p, "("+p+"\xff"
	} else if len(q.Terms) == 0 && q.TermPrefix == "" {
		minLex, maxLex = "-", "+" // nothing typed yet: the first slugs
	}
	k := db.guild(guildID)
	terms := cleanTerms(q.Terms)
	args := make([]any, 0, 5+len(terms))
	args = append(args, k.base, limit, minLex, maxLex, strings.TrimSpace(briefs.Fold(q.TermPrefix)))
	for _, t := range terms {
		args = append(args, t)
	}
	res, err := suggestScript.Run(ctx, db.client, []string{k.slugidx(), k.recent(), k.listings(), k.termidx()}, args...).StringSlice()
	if err != nil {
		return nil, db.fail("suggest", err)
	}
	return decodeListings(res)
}

// Recent lists the guild's articles newest first, skipping offset, at most
// limit, and the guild's total number of articles, in one round trip.
// Errors: EUNAVAILABLE.
func (db *DB) Recent(ctx context.Context, guildID string, offset, limit int) ([]briefs.Listing, int, error) {
	if err := checkGuild(guildID); err != nil {
		return nil, 0, fmt.Errorf("recent: %w", err)
	}
	offset = max(offset, 0)
	limit = max(limit, 0)
	k := db.guild(guildID)
	res, err := recentScript.Run(ctx, db.client, []string{k.recent(), k.listings()}, offset, limit, k.base).Slice()
	if err != nil {
		return nil, 0, db.fail("recent", err)
	}
	if len(res) == 0 {
		return nil, 0, fmt.Errorf("recent: empty script reply")
	}
	total, ok := res[0].(int64)
	if !ok {
		return nil, 0, fmt.Errorf("recent: unexpected total %T", res[0])
	}
	raw := make([]string, 0, len(res)-1)
	for _, v := range res[1:] {
		s, _ := v.(string)
		raw = append(raw, s)
	}
	ls, err := decodeListings(raw)
	if err != nil {
		return nil, 0, fmt.Errorf("recent: %w", err)
	}
	return ls, int(total), nil
}

// RemoveArticle deletes the article with that slug, its cached briefs of
// every version and its index entries in one Lua script, and returns what
// was removed. Errors: ENOTFOUND, EUNAVAILABLE.
func (db *DB) RemoveArticle(ctx context.Context, guildID, slug string) (briefs.Article, error) {
	if err := checkGuild(guildID); err != nil {
		return briefs.Article{}, fmt.Errorf("remove article: %w", err)
	}
	k := db.guild(guildID)
	var res []string
	if err := db.write(func() (changed bool, err error) {
		res, err = removeScript.Run(ctx, db.client, k.indexKeys(), k.base, slug).StringSlice()
		if errors.Is(err, redis.Nil) {
			return false, fmt.Errorf("remove article: %w", notFound(slug))
		} else if err != nil {
			return false, db.fail("remove article", err)
		}
		return true, nil
	}); err != nil {
		return briefs.Article{}, err
	}
	if len(res) < 2 || res[1] == "" {
		// The index named an article whose record was gone: the index
		// entries are removed all the same.
		a := briefs.Article{GuildID: guildID, Slug: slug}
		if len(res) > 0 {
			a.ID = res[0]
		}
		return a, nil
	}
	var a briefs.Article
	if err := decodeStored([]byte(res[1]), &a); err != nil {
		return briefs.Article{}, fmt.Errorf("remove article: decode %q: %w", slug, err)
	}
	return a, nil
}

func notFound(slug string) *briefs.Error {
	return briefs.Errorf(briefs.ENOTFOUND, "no article with slug %q", slug)
}

// checkID rejects article ids that the key layout cannot hold.
func checkID(id string) error {
	if id == "" {
		return briefs.Errorf(briefs.EINVALID, "the article has no id")
	}
	if strings.ContainsAny(id, "{}") || hasControl(id) {
		return briefs.Errorf(briefs.EINVALID, "article id %q is not valid", id)
	}
	return nil
}

// listingOf is the small view of a that lists and autocomplete show; what
// the article lacks is taken from its brief.
func listingOf(a briefs.Article, b briefs.Brief) briefs.Listing {
	l := briefs.Listing{
		ArticleID: a.ID,
		Slug:      a.Slug,
		Title:     a.Title,
		Site:      a.Site,
		Entities:  b.Entities,
		AddedAt:   a.AddedAt,
	}
	if l.Title == "" {
		l.Title = b.Title
	}
	if l.Site == "" {
		l.Site = b.Site
	}
	return l
}

// decodeListings decodes listing JSON; empty entries (an id without a
// listing) are skipped.
func decodeListings(raw []string) ([]briefs.Listing, error) {
	ls := make([]briefs.Listing, 0, len(raw))
	for _, s := range raw {
		if s == "" {
			continue
		}
		var l briefs.Listing
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			return nil, fmt.Errorf("decode listing: %w", err)
		}
		ls = append(ls, l)
	}
	return ls, nil
}

func ttlMillis(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return max(d.Milliseconds(), 1)
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
