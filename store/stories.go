package store

// Stories: articles of several outlets that report one event. The story
// check itself (which article a new one joins) is the service's; the store
// keeps what it decided, atomically with the add:
//
//	g:{G}:sig:{id}    string, expiring when the story window has passed
//	                  since the article came out: its signature, so that a
//	                  later article can be compared with it
//	g:{G}:storyof     hash: article id -> its story's lead id, for every
//	                  article that joined another's story
//	g:{G}:stories     hash: lead id -> briefs.Story JSON, for stories of two
//	                  or more articles
//
// Only a story's lead is in fresh, so digests post a story once; removing
// the lead hands the story, and its place in fresh, to the next source.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"briefbot/briefs"
)

// luaStory are the story functions of the article scripts.
//
// story_join(base, id, slug, lead, sig, sigttl, src, leadsrc, most, better)
// keeps the new article's signature (for sigttl ms; 0: not kept), then joins
// it to the story of lead (when lead is another article that still exists):
// the story's record is created with leadsrc when this is its second article,
// lists the new source (up to most), and takes it as its best source when
// its text is better times longer than the best's. Returns true when the
// article joined a story.
//
// story_leave(base, id, keepsig) takes an article out of its story (a
// removed one, or one an admin separates: keepsig keeps its signature, so
// that later reports can still join it): a lead hands the story to the
// next source (with its place in fresh), a story left with one article is
// no story any more, and a best source that left is replaced by the
// longest left. Returns the story's lead before (nil when the article was
// in no story) and whether the article had joined another's story.
const luaStory = `
local function story_join(base, id, slug, lead, sig, sigttl, src, leadsrc, most, better)
  if sig ~= '' and tonumber(sigttl) > 0 then redis.call('SET', base .. 'sig:' .. id, sig, 'PX', sigttl) end
  if lead == '' or lead == id or redis.call('EXISTS', base .. 'article:' .. lead) == 0 then return false end
  local ok, s = pcall(cjson.decode, src)
  if not ok or type(s) ~= 'table' then return false end
  s.id, s.slug = id, slug
  local sk = base .. 'stories'
  local st
  local rec = redis.call('HGET', sk, lead)
  if rec then
    ok, st = pcall(cjson.decode, rec)
    if not ok or type(st) ~= 'table' or type(st.src) ~= 'table' then st = nil end
  end
  if not st then
    local first
    ok, first = pcall(cjson.decode, leadsrc)
    if not ok or type(first) ~= 'table' then first = {n = 0} end
    first.id = lead
    first.slug = redis.call('HGET', base .. 'article:' .. lead, 'slug') or first.slug or ''
    st = {id = lead, best = lead, src = {first}}
  end
  redis.call('HSET', base .. 'storyof', id, lead)
  if #st.src < most then
    st.src[#st.src + 1] = s
    local bestn = 0
    for _, o in ipairs(st.src) do
      if o.id == st.best then bestn = tonumber(o.n) or 0 end
    end
    if (tonumber(s.n) or 0) > bestn * better then st.best = id end
  end
  redis.call('HSET', sk, lead, cjson.encode(st))
  return true
end
local function story_leave(base, id, keepsig)
  if not keepsig then redis.call('DEL', base .. 'sig:' .. id) end
  local of, sk = base .. 'storyof', base .. 'stories'
  local lead = redis.call('HGET', of, id)
  local before, member = lead, lead and true or false
  if lead then redis.call('HDEL', of, id) else lead = id end
  local rec = redis.call('HGET', sk, lead)
  if not rec then return before, member end
  before = lead
  redis.call('HDEL', sk, lead)
  local ok, st = pcall(cjson.decode, rec)
  if not ok or type(st) ~= 'table' or type(st.src) ~= 'table' then return before, member end
  local keep = {}
  for _, s in ipairs(st.src) do
    if type(s) == 'table' and s.id ~= id then keep[#keep + 1] = s end
  end
  if #keep == 0 then return before, member end
  if lead == id then
    lead = keep[1].id
    redis.call('HDEL', of, lead)
    local score = redis.call('ZSCORE', base .. 'fresh', id)
    if score then redis.call('ZADD', base .. 'fresh', score, lead) end
    for i = 2, #keep do redis.call('HSET', of, keep[i].id, lead) end
  end
  if #keep == 1 then return before, member end
  st.id, st.src = lead, keep
  if st.best == id then
    local bestn = -1
    for _, s in ipairs(keep) do
      if (tonumber(s.n) or 0) > bestn then st.best, bestn = s.id, tonumber(s.n) or 0 end
    end
  end
  redis.call('HSET', sk, lead, cjson.encode(st))
  return before, member
end
`

// storyCandidatesScript returns {add clock, id, story id, lead slug,
// signature, ...} of the newest ARGV[2] articles (KEYS[1] recent) that
// still hold a signature; the add clock (KEYS[2]) marks the guild's last
// add ('0': none). ARGV[1] is the guild's key base.
var storyCandidatesScript = newScript(`
local base = ARGV[1]
local ids = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
local out = {redis.call('GET', KEYS[2]) or '0'}
for _, id in ipairs(ids) do
  local sig = redis.call('GET', base .. 'sig:' .. id)
  if sig then
    local lead = redis.call('HGET', base .. 'storyof', id) or id
    out[#out + 1] = id
    out[#out + 1] = lead
    out[#out + 1] = redis.call('HGET', base .. 'article:' .. lead, 'slug') or ''
    out[#out + 1] = sig
  end
end
return out
`)

// separateScript takes the article with slug ARGV[2] out of its story, as
// a story of its own: one that had joined another's enters fresh (with the
// guild's add clock), so that the next digests post it. ARGV[1] is the
// guild's key base; KEYS as addScript. Returns {'gone'}, {'alone'} (in no
// story), or {'separated', article JSON}.
var separateScript = newScript(luaArticle + `
local base = ARGV[1]
local id = redis.call('HGET', KEYS[1], ARGV[2])
if not id then return {'gone'} end
local lead, member = story_leave(base, id, true)
if not lead then return {'alone'} end
if member then
  local score = next_add_score()
  redis.call('SET', KEYS[8], score)
  redis.call('ZADD', KEYS[7], score, id)
end
return {'separated', redis.call('HGET', base .. 'article:' .. id, 'article') or ''}
`)

// SeparateArticle takes the article with that slug out of the story it
// was merged into: it stands alone and, when it had joined another's
// story, the next digests post it. Returns the article. Errors: ENOTFOUND
// (no such slug), EINVALID (the article is in no story), EUNAVAILABLE.
func (db *DB) SeparateArticle(ctx context.Context, guildID, slug string) (briefs.Article, error) {
	if err := checkGuild(guildID); err != nil {
		return briefs.Article{}, fmt.Errorf("separate article: %w", err)
	}
	k := db.guild(guildID)
	var res []string
	err := db.write(func() (bool, error) {
		var err error
		res, err = separateScript.Run(ctx, db.client, k.indexKeys(), k.base, slug).StringSlice()
		if err != nil {
			return false, db.fail("separate article", err)
		}
		return len(res) > 0 && res[0] == "separated", nil
	})
	if err != nil {
		return briefs.Article{}, err
	}
	switch {
	case len(res) == 0:
		return briefs.Article{}, fmt.Errorf("separate article: empty script reply")
	case res[0] == "gone":
		return briefs.Article{}, fmt.Errorf("separate article: %w", briefs.Errorf(briefs.ENOTFOUND, "No article has the slug %q.", slug))
	case res[0] == "alone":
		return briefs.Article{}, fmt.Errorf("separate article: %w", briefs.Errorf(briefs.EINVALID, "`%s` is not part of a story with other outlets; there is nothing to separate.", slug))
	case len(res) < 2:
		return briefs.Article{}, fmt.Errorf("separate article: short script reply %q", res)
	}
	var a briefs.Article
	if err := decodeStored([]byte(res[1]), &a); err != nil {
		return briefs.Article{}, fmt.Errorf("separate article: decode: %w", err)
	}
	return a, nil
}

// storyOfScript returns the story record of article ARGV[2] (or, when that
// is "", of the article with slug ARGV[3]), or nil when it stands alone or
// there is no such slug. ARGV[1] is the guild's key base.
var storyOfScript = newScript(`
local base, id = ARGV[1], ARGV[2]
if id == '' then
  id = redis.call('HGET', base .. 'slugs', ARGV[3])
  if not id then return false end
end
local lead = redis.call('HGET', base .. 'storyof', id) or id
return redis.call('HGET', base .. 'stories', lead)
`)

// StoryCandidates returns the guild's newest articles that still hold a
// signature, newest first, at most limit, and the mark of its last add, in
// one round trip. Errors: EINVALID, EUNAVAILABLE.
func (db *DB) StoryCandidates(ctx context.Context, guildID string, limit int) (briefs.StoryPool, error) {
	if err := checkGuild(guildID); err != nil {
		return briefs.StoryPool{}, fmt.Errorf("story candidates: %w", err)
	}
	k := db.guild(guildID)
	res, err := storyCandidatesScript.Run(ctx, db.client, []string{k.recent(), k.addClock()}, k.base, max(limit, 0)).StringSlice()
	if err != nil {
		return briefs.StoryPool{}, db.fail("story candidates", err)
	}
	if len(res) == 0 {
		return briefs.StoryPool{}, fmt.Errorf("story candidates: empty script reply")
	}
	pool := briefs.StoryPool{Seen: res[0], Candidates: make([]briefs.StoryCandidate, 0, len(res)/4)}
	for i := 1; i+3 < len(res); i += 4 {
		pool.Candidates = append(pool.Candidates, briefs.StoryCandidate{ArticleID: res[i], StoryID: res[i+1], LeadSlug: res[i+2], Signature: []byte(res[i+3])})
	}
	return pool, nil
}

// StoryOf returns the story the article belongs to; ok is false when it
// stands alone. One round trip. Errors: EINVALID, EUNAVAILABLE.
func (db *DB) StoryOf(ctx context.Context, guildID, articleID string) (briefs.Story, bool, error) {
	return db.storyOf(ctx, guildID, articleID, "")
}

// StoryOfSlug is StoryOf for the article with that slug; ok is false too
// when no article has it.
func (db *DB) StoryOfSlug(ctx context.Context, guildID, slug string) (briefs.Story, bool, error) {
	return db.storyOf(ctx, guildID, "", slug)
}

func (db *DB) storyOf(ctx context.Context, guildID, articleID, slug string) (briefs.Story, bool, error) {
	if err := checkGuild(guildID); err != nil {
		return briefs.Story{}, false, fmt.Errorf("story: %w", err)
	}
	if articleID == "" && slug == "" {
		return briefs.Story{}, false, nil
	}
	k := db.guild(guildID)
	res, err := storyOfScript.Run(ctx, db.client, []string{k.base + "storyof"}, k.base, articleID, slug).Text()
	if errors.Is(err, redis.Nil) {
		return briefs.Story{}, false, nil
	} else if err != nil {
		return briefs.Story{}, false, db.fail("story", err)
	}
	st, err := decodeStory(res)
	if err != nil {
		db.log.Warn("unreadable story record", "guild", guildID, "err", err)
		return briefs.Story{}, false, nil
	}
	return st, true, nil
}

// decodeStory reads a story record as the scripts write it.
func decodeStory(s string) (briefs.Story, error) {
	var st briefs.Story
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return briefs.Story{}, err
	}
	if st.ID == "" || len(st.Sources) < 2 {
		return briefs.Story{}, fmt.Errorf("story %q lists %d sources", st.ID, len(st.Sources))
	}
	return st, nil
}
