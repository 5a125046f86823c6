package store

import "github.com/redis/go-redis/v9"

// The Lua scripts of the store. Each runs atomically in Redis, and each checks
// everything before it writes anything: Redis does not roll back a script
// that fails half-way.
//
// The index scripts take KEYS = guildKeys.indexKeys():
// KEYS[1] slugs, KEYS[2] urls, KEYS[3] hashes, KEYS[4] recent,
// KEYS[5] slugidx, KEYS[6] listings, KEYS[7] fresh, KEYS[8] addclock; and ARGV[1] = the guild's key base, from
// which they build the per-article keys (all in the guild's hash slot).

// addScript stores an article, its listing, its brief and its index entries.
//
// ARGV: 1 base, 2 id, 3 wanted slug, 4 candidate slug, 5 exact ("1"/"0"),
// 6 url key, 7 content hash, 8 article JSON, 9 listing JSON, 10 added-at ms,
// 11 terms JSON, 12 brief version ("" = no brief), 13 brief JSON,
// 14 brief TTL ms (0 = none), 15 most articles of the guild (0 = no limit),
// 16 story to join ("" = none), 17 signature ("" = none), 18 signature TTL
// ms (0 = not kept), 19 source JSON, 20 the lead's source JSON, 21 most
// sources a story lists, 22 how much longer a source must be to build the
// story's brief, 23 and 24 the URL and content hash as records written
// before shortened index keys hold them, 25 the story check's mark of the
// guild's last add ("" = unchecked), 26... terms.
//
// Returns {"exists", article JSON} when the URL, content hash or id is known;
// {"conflict"} when exact and the slug is taken; {"slug", free slug} when the
// candidate is taken (the caller re-encodes with that slug and calls again);
// {"moved"} when the story check's mark is not the guild's add clock any
// more (an article came in since: the check is stale), before anything is
// written; {"created", n} after writing, n the number of articles it dropped.
//
// A guild holds at most ARGV[15] articles (counted in its recency set): a
// new article in a guild that holds that many already first drops the
// oldest (lowest added-at) with remove_article, briefs and index entries
// and all, at most evictMost per add. That is one when the guild was at the
// cap; after the cap was lowered, each add drops a few more than it adds
// until the guild is back under it (the retention sweep removes old ones
// meanwhile). Only a new article drops any: "exists", "conflict" and "slug"
// answers write nothing.
//
// Besides recent (scored by the caller's added-at, for listings), the
// article enters fresh, the set digests read, scored by the Redis server's
// clock (TIME, in ms) kept strictly increasing per guild by addclock: never
// by the adding instance's clock. Digest cursors compare on these scores, so
// an instance whose clock is behind cannot add a brief below a cursor that
// was already passed, and two adds never share a score. An article that
// joins a story does not enter fresh: its story was (or will be) posted
// under the lead's id, once.
var addScript = newScript(luaArticle + `
local base, id, wanted, cand, exact = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local url, hash = ARGV[6], ARGV[7]
local function existing(eid)
  local a = redis.call('HGET', base .. 'article:' .. eid, 'article')
  if a then return {'exists', a} end
  return nil
end
do
  local eid = owner(KEYS[2], url, ARGV[23])
  if eid then local r = existing(eid); if r then return r end end
  eid = owner(KEYS[3], hash, ARGV[24])
  if eid then local r = existing(eid); if r then return r end end
end
do local r = existing(id); if r then return r end end
if redis.call('HEXISTS', KEYS[1], cand) == 1 then
  if exact == '1' then return {'conflict'} end
  local n = 2
  while redis.call('HEXISTS', KEYS[1], wanted .. '-' .. n) == 1 do n = n + 1 end
  return {'slug', wanted .. '-' .. n}
end
if ARGV[25] ~= '' and (redis.call('GET', KEYS[8]) or '0') ~= ARGV[25] then return {'moved'} end
-- the digest clock is read before any article is dropped: dropping the
-- guild's last one deletes addclock, and the new score must still pass it
local score = next_add_score()
local most, dropped = tonumber(ARGV[15]), 0
if most > 0 then
  local over = redis.call('ZCARD', KEYS[4]) - most + 1
  if over > 0 then
    for _, old in ipairs(redis.call('ZRANGE', KEYS[4], 0, math.min(over, evictMost) - 1)) do
      drop_article(base, old)
      dropped = dropped + 1
    end
  end
end
local akey = base .. 'article:' .. id
redis.call('DEL', akey)
redis.call('HSET', akey, 'article', ARGV[8], 'slug', cand, 'url', url, 'hash', hash, 'terms', ARGV[11])
redis.call('HSET', KEYS[1], cand, id)
if url ~= '' then redis.call('HSET', KEYS[2], url, id) end
if hash ~= '' then redis.call('HSET', KEYS[3], hash, id) end
redis.call('ZADD', KEYS[4], ARGV[10], id)
redis.call('SET', KEYS[8], score)
if not story_join(base, id, cand, ARGV[16], ARGV[17], ARGV[18], ARGV[19], ARGV[20], tonumber(ARGV[21]), tonumber(ARGV[22])) then
  redis.call('ZADD', KEYS[7], score, id)
end
redis.call('ZADD', KEYS[5], 0, cand .. '\0' .. id)
redis.call('HSET', KEYS[6], id, ARGV[9])
index_terms(base, id, ARGV[10], 26)
cache_brief(base, akey, cand, ARGV[12], ARGV[13], ARGV[14])
return {'created', tostring(dropped)}
`)

// removeScript deletes the article with slug ARGV[2], its cached briefs of
// every version and all its index entries. Returns the article JSON, or nil
// when the slug is unknown.
var removeScript = newScript(luaArticle + `
local base, slug = ARGV[1], ARGV[2]
local id = redis.call('HGET', KEYS[1], slug)
if not id then return false end
return {id, remove_article(base, id, slug)}
`)

// expireScript deletes, like removeScript, at most ARGV[3] of the articles
// added before ARGV[2] (Unix ms), oldest first. KEYS as addScript; ARGV[1]
// the guild's key base. Returns how many it deleted.
var expireScript = newScript(luaArticle + `
local base = ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do drop_article(base, id) end
if #ids > 0 and redis.call('ZCARD', KEYS[7]) == 0 then redis.call('DEL', KEYS[8]) end
return #ids
`)

// articleScript returns the article JSON of slug ARGV[2] (KEYS[1] = slugs),
// or nil.
var articleScript = newScript(`
local id = redis.call('HGET', KEYS[1], ARGV[2])
if not id then return false end
return redis.call('HGET', ARGV[1] .. 'article:' .. id, 'article')
`)

// cacheScript stores brief JSON ARGV[3] of version ARGV[2] for ARGV[4] ms
// (0 = no expiry) when the article KEYS[1] exists, under the slug its record
// holds. ARGV[1] is the guild's key base. Returns 1 when stored, 0 when the
// article is gone.
var cacheScript = newScript(luaArticle + `
local slug = redis.call('HGET', KEYS[1], 'slug')
if not slug then return 0 end
cache_brief(ARGV[1], KEYS[1], slug, ARGV[2], ARGV[3], ARGV[4])
return 1
`)

// recentScript returns {total, listing JSON...} of the articles newest first
// from offset ARGV[1], at most ARGV[2], marked with their stories. KEYS[1]
// recent, KEYS[2] listings; ARGV[3] the guild's key base.
var recentScript = newScript(luaHMGet + `
local total = redis.call('ZCARD', KEYS[1])
local out = {total}
local off, lim = tonumber(ARGV[1]), tonumber(ARGV[2])
if lim <= 0 then return out end
local ids = redis.call('ZREVRANGE', KEYS[1], off, off + lim - 1)
if #ids == 0 then return out end
local ls = hmget(KEYS[2], ids)
story_listings(ARGV[3], ids, ls)
for i = 1, #ids do out[#out + 1] = ls[i] or '' end
return out
`)

// findScript returns the listing JSON of the articles in every term set
// ARGV[3...], newest first, at most ARGV[2]. KEYS[1] recent, KEYS[2]
// listings. The work is bounded whatever the guild's size (luaSearch).
var findScript = newScript(luaHMGet + luaSearch + `
local base, lim = ARGV[1], tonumber(ARGV[2])
local full = {}
for i = 3, #ARGV do full[#full + 1] = base .. 'term:' .. ARGV[i] end
local ids = search(base, KEYS[1], full, '', lim, {}, nil, findBudget)
local out = {}
if #ids == 0 then return out end
local ls = hmget(KEYS[2], ids)
story_listings(base, ids, ls)
for i = 1, #ids do out[i] = ls[i] or '' end
return out
`)

// suggestScript answers autocomplete in one round trip: first the articles
// whose slug lies between ARGV[3] and ARGV[4] (ZRANGEBYLEX bounds, "" for
// none) in slug order, then, newest first, those indexed under every full
// term ARGV[6...] and, when ARGV[5] is not empty, under some term starting
// with ARGV[5] (the word still being typed). At most ARGV[2] listings.
// KEYS[1] slugidx, KEYS[2] recent, KEYS[3] listings, KEYS[4] termidx;
// ARGV[1] the guild's key base. The work is bounded whatever the guild's
// size (luaSearch).
var suggestScript = newScript(luaHMGet + luaSearch + `
local base, lim, partial = ARGV[1], tonumber(ARGV[2]), ARGV[5]
local ids, seen = {}, {}
if ARGV[3] ~= '' then
  for _, m in ipairs(redis.call('ZRANGEBYLEX', KEYS[1], ARGV[3], ARGV[4], 'LIMIT', 0, lim)) do
    local id = string.sub(m, string.find(m, '\0', 1, true) + 1)
    if not seen[id] then seen[id] = true; ids[#ids + 1] = id end
  end
end
local full = {}
for i = 6, #ARGV do full[#full + 1] = base .. 'term:' .. ARGV[i] end
if #ids < lim and (partial ~= '' or #full > 0) then
  for _, id in ipairs(search(base, KEYS[2], full, partial, lim - #ids, seen, KEYS[4], suggestBudget)) do ids[#ids + 1] = id end
end
local out = {}
if #ids == 0 then return out end
local ls = hmget(KEYS[3], ids)
story_listings(base, ids, ls)
for i = 1, #ids do out[i] = ls[i] or '' end
return out
`)

// luaArticle defines the steps the article scripts share, so that adding,
// replacing, caching and removing keep an article's keys the same way. base
// is the guild's key base, akey the article's record.
//
// index_terms adds article id, scored by its added-at (the score of the
// recency index), under the terms ARGV[first...], in the term sets and the
// term vocabulary (for autocomplete by word prefix).
// unindex_content removes what the record f (HGETALL of akey) indexed: its
// URL and content-hash entries, its terms (dropping words no article uses
// any more from the vocabulary), and its cached briefs of every version.
// remove_article deletes article id (slug) with its record, cached briefs
// and every index entry (KEYS as addScript), and returns its article JSON
// ("" when the record was gone).
// drop_article removes article id, found by id in an index (the recency
// set, when retention or the per-guild cap drops the oldest), with
// remove_article; an index entry without its record (or whose slug names
// another article) loses only what names the id. evictMost bounds how many
// the add script drops at once.
// cache_brief stores brief JSON of a summarizer version under the slug for
// ttl ms (0: no expiry) and notes the version in the record; an empty
// version stores nothing.
const luaArticle = luaStory + `
local function next_add_score()
  local t = redis.call('TIME')
  local score = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local last = tonumber(redis.call('GET', KEYS[8]) or '0') or 0
  if score <= last then score = last + 1 end
  return string.format('%.0f', score)
end
local function owner(h, key, legacy)
  if key == '' then return nil end
  local id = redis.call('HGET', h, key)
  if not id and legacy ~= '' and legacy ~= key then id = redis.call('HGET', h, legacy) end
  return id or nil
end
local function index_terms(base, id, score, first)
  for i = first, #ARGV do
    redis.call('ZADD', base .. 'term:' .. ARGV[i], score, id)
    redis.call('ZADD', base .. 'termidx', 0, ARGV[i])
  end
end
local function unindex_content(base, akey, id, slug, f)
  if f.url and f.url ~= '' and redis.call('HGET', KEYS[2], f.url) == id then redis.call('HDEL', KEYS[2], f.url) end
  if f.hash and f.hash ~= '' and redis.call('HGET', KEYS[3], f.hash) == id then redis.call('HDEL', KEYS[3], f.hash) end
  if f.terms and f.terms ~= '' then
    local ok, terms = pcall(cjson.decode, f.terms)
    if ok and type(terms) == 'table' then
      for _, t in ipairs(terms) do
        if type(t) == 'string' then
          redis.call('ZREM', base .. 'term:' .. t, id)
          if redis.call('ZCARD', base .. 'term:' .. t) == 0 then redis.call('ZREM', base .. 'termidx', t) end
        end
      end
    end
  end
  for k, _ in pairs(f) do
    if string.sub(k, 1, 2) == 'v:' then
      redis.call('DEL', base .. 'brief:' .. slug .. ':' .. string.sub(k, 3))
      redis.call('HDEL', akey, k)
    end
  end
end
local function remove_article(base, id, slug)
  story_leave(base, id, false)
  local akey = base .. 'article:' .. id
  local rec = redis.call('HGETALL', akey)
  local f = {}
  for i = 1, #rec, 2 do f[rec[i]] = rec[i + 1] end
  redis.call('HDEL', KEYS[1], slug)
  unindex_content(base, akey, id, slug, f)
  redis.call('ZREM', KEYS[4], id)
  redis.call('ZREM', KEYS[7], id)
  if redis.call('ZCARD', KEYS[7]) == 0 then redis.call('DEL', KEYS[8]) end
  redis.call('ZREM', KEYS[5], slug .. '\0' .. id)
  redis.call('HDEL', KEYS[6], id)
  redis.call('DEL', akey)
  return f.article or ''
end
local evictMost = 8
local function drop_article(base, id)
  local slug = redis.call('HGET', base .. 'article:' .. id, 'slug')
  if slug and redis.call('HGET', KEYS[1], slug) == id then
    remove_article(base, id, slug)
  else
    -- an index entry without its record: drop what names the id
    redis.call('ZREM', KEYS[4], id)
    redis.call('ZREM', KEYS[7], id)
    redis.call('HDEL', KEYS[6], id)
  end
end
local function cache_brief(base, akey, slug, version, json, ttl)
  if version == '' then return end
  local bkey = base .. 'brief:' .. slug .. ':' .. version
  if tonumber(ttl) > 0 then
    redis.call('SET', bkey, json, 'PX', ttl)
  else
    redis.call('SET', bkey, json)
  end
  redis.call('HSET', akey, 'v:' .. version, '1')
end
`

// luaSearch finds, newest first, the articles indexed under every term set
// of a search, with work bounded whatever the guild's size: term sets are
// sorted sets scored like the recency index, so the newest matches are the
// first ones met walking the smallest set from its newest end.
//
// search(base, recent, full, partial, need, seen, termidx, budget) returns
// at most need ids not in seen that are in every set of full and, when
// partial is not empty, have a term starting with partial (looked up in the
// vocabulary termidx; when one word starts with it, that word's set is one
// more full set). It answers from one of three plans:
//
//   - No full set and at most prefixWords words starting with partial: the
//     newest need (plus seen) ids of each word, merged.
//   - Those words index at most unionMost articles in all, fewer than the
//     smallest full set: their articles are read whole, sorted and checked
//     against the full sets.
//   - Otherwise it walks the smallest full set (or recent, when there is
//     none) newest first, checking each id against the other sets (ZSCORE)
//     and partial against the article's own term list. After some misses
//     against one condition it asks that set (or each word starting with
//     partial, when they are listed) for its newest id at or below the walk
//     and jumps there, so sets that overlap only in old articles meet in a
//     few steps; a probe that finds no gap doubles the misses before the
//     next.
//
// Each plan stops after budget lookups (a check of an id against a set or a
// term list, or a probe; reading ids that match is bounded by need) and
// answers with what it found: the newest matches among the articles it
// looked at. Only a search whose matches are rare among many articles
// holding its rarest term ends that way. A search by command (findBudget)
// looks further than autocomplete (suggestBudget), which runs at every
// keystroke and whose every millisecond of Redis time delays every guild.
const luaSearch = `
local prefixWords, probeWords, unionMost, findBudget, suggestBudget = 100, 8, 1000, 1200, 80
local function has_prefix_term(base, id, partial)
  local t = redis.call('HGET', base .. 'article:' .. id, 'terms')
  if not t then return false end
  return string.find(t, '["' .. partial, 1, true) == 1 or string.find(t, ',"' .. partial, 1, true) ~= nil
end
local function union_newest(base, words, full, need, seen, per, budget)
  local keys = {}
  for i, w in ipairs(words) do keys[i] = base .. 'term:' .. w end
  local ids = {}
  if per > 0 then
    -- the newest per of each word, sorted here: a few dozen ids
    local all, dup = {}, {}
    for _, k in ipairs(keys) do
      local got = redis.call('ZREVRANGE', k, 0, per - 1, 'WITHSCORES')
      for i = 1, #got, 2 do
        if not dup[got[i]] then dup[got[i]] = true; all[#all + 1] = {got[i], tonumber(got[i + 1])} end
      end
    end
    table.sort(all, function(a, b)
      if a[2] ~= b[2] then return a[2] > b[2] end
      return a[1] > b[1]
    end)
    for i, e in ipairs(all) do ids[i] = e[1] end
  else
    -- whole sets, united and sorted by Redis (oldest first; read backwards)
    local got = redis.call('ZUNION', #keys, unpack(keys))
    for i = #got, 1, -1 do ids[#ids + 1] = got[i] end
  end
  local out, ops = {}, 0
  for _, id in ipairs(ids) do
    if not seen[id] then
      local ok = true
      for _, k in ipairs(full) do
        ops = ops + 1
        if not redis.call('ZSCORE', k, id) then ok = false; break end
      end
      if ok then
        out[#out + 1] = id
        if #out >= need then break end
      end
      if ops >= budget then break end
    end
  end
  return out
end
local function holds(base, c, id)
  if c.key then return redis.call('ZSCORE', c.key, id) ~= false end
  return has_prefix_term(base, id, c.partial)
end
local function newest_at_or_below(base, c, s)
  if c.key then
    local got = redis.call('ZREVRANGEBYSCORE', c.key, s, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
    return got[2], 1
  end
  local best = nil
  for _, w in ipairs(c.words) do
    local got = redis.call('ZREVRANGEBYSCORE', base .. 'term:' .. w, s, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
    if got[2] and (not best or tonumber(got[2]) > tonumber(best)) then best = got[2] end
  end
  return best, #c.words
end
local function walk(base, driver, conds, need, seen, budget)
  local out, hi, skip, ops = {}, '+inf', 0, 0
  while true do
    local got = redis.call('ZREVRANGEBYSCORE', driver, hi, '-inf', 'WITHSCORES', 'LIMIT', skip, 100)
    if #got == 0 then return out end
    local last, jump = tonumber(got[#got]), nil
    for i = 1, #got, 2 do
      local id, s = got[i], got[i + 1]
      if s == hi then skip = skip + 1 else hi, skip = s, 1 end
      local ok = not seen[id]
      for _, c in ipairs(conds) do
        if not ok then break end
        ops = ops + 1
        if not holds(base, c, id) then
          ok = false
          c.misses = c.misses + 1
          if (c.key or c.words) and c.misses >= c.every then
            c.misses = 0
            local below, cost = newest_at_or_below(base, c, s)
            ops = ops + cost
            if not below then return out end
            if tonumber(below) < last then
              jump, c.every = below, c.first
            else
              c.every = c.every * 2 -- the sets interleave: probe less often
            end
          end
        end
      end
      if ok then
        out[#out + 1] = id
        if #out >= need then return out end
      end
      if ops >= budget then return out end
      if jump then hi, skip = jump, 0; break end
    end
  end
end
local function search(base, recent, full, partial, need, seen, termidx, budget)
  if need <= 0 then return {} end
  local conds = {}
  for _, k in ipairs(full) do
    local c = redis.call('ZCARD', k)
    if c == 0 then return {} end
    conds[#conds + 1] = {key = k, card = c, misses = 0, every = 8, first = 8}
  end
  table.sort(conds, function(a, b) return a.card < b.card end)
  local nsets = #conds
  if partial ~= '' then
    local words = redis.call('ZRANGEBYLEX', termidx, '[' .. partial, '(' .. partial .. '\255', 'LIMIT', 0, prefixWords + 1)
    if #words == 0 then return {} end
    if #words == 1 then
      -- one word starts with partial: its set is the condition
      local k = base .. 'term:' .. words[1]
      local c = redis.call('ZCARD', k)
      if c == 0 then return {} end
      conds[#conds + 1] = {key = k, card = c, misses = 0, every = 8, first = 8}
      table.sort(conds, function(a, b) return a.card < b.card end)
      nsets = #conds
    elseif #words <= prefixWords then
      local nseen = 0
      for _ in pairs(seen) do nseen = nseen + 1 end
      if nsets == 0 and #words * (need + nseen) <= budget then
        -- the newest need of each word hold the newest need of them all
        return union_newest(base, words, full, need, seen, need + nseen, budget)
      end
      local size = 0
      for _, w in ipairs(words) do
        size = size + redis.call('ZCARD', base .. 'term:' .. w)
        if size > unionMost then break end
      end
      if size <= unionMost and (nsets == 0 or size < conds[1].card) then
        return union_newest(base, words, full, need, seen, 0, budget)
      end
      if #words > probeWords then words = nil end -- a probe would cost more than it saves
      conds[#conds + 1] = {partial = partial, words = words, misses = 0, every = 8 * #(words or {}), first = 8 * #(words or {})}
    else
      conds[#conds + 1] = {partial = partial, misses = 0}
    end
  end
  local driver = recent
  if nsets > 0 then driver = table.remove(conds, 1).key end
  return walk(base, driver, conds, need, seen, budget)
end
`

// luaHMGet defines hmget(key, fields), HMGET in chunks: Lua's unpack fails
// on a few thousand arguments, and a listing page may be asked for more.
const luaHMGet = `
local function hmget(key, fields)
  local out = {}
  for i = 1, #fields, 1000 do
    local chunk = {}
    for j = i, math.min(i + 999, #fields) do chunk[#chunk + 1] = fields[j] end
    local got = redis.call('HMGET', key, unpack(chunk))
    for j = 1, #chunk do out[#out + 1] = got[j] end
  end
  return out
end
` + luaStoryListings

// luaStoryListings defines story_listings(base, ids, ls), which marks the
// listings ls of articles ids with their stories:
// "story_of" (the lead's slug) on an article that joined another's story,
// "story_sources" (how many) on a story's lead. It adds the field inside
// the listing's JSON object, so the replies keep their shape.
const luaStoryListings = `
local function story_listings(base, ids, ls)
  if #ids == 0 then return end
  local of = hmget(base .. 'storyof', ids)
  local st = hmget(base .. 'stories', ids)
  for i = 1, #ids do
    local l = ls[i]
    if l and l ~= '' and string.sub(l, -1) == '}' then
      if of[i] then
        local slug = redis.call('HGET', base .. 'article:' .. of[i], 'slug')
        if slug then ls[i] = string.sub(l, 1, -2) .. ',"story_of":' .. cjson.encode(slug) .. '}' end
      elseif st[i] then
        local ok, d = pcall(cjson.decode, st[i])
        if ok and type(d) == 'table' and type(d.src) == 'table' then
          ls[i] = string.sub(l, 1, -2) .. ',"story_sources":' .. #d.src .. '}'
        end
      end
    end
  end
end
`

// scriptSources are the sources of all scripts, loaded when the store
// connects.
var scriptSources []string

func newScript(src string) *redis.Script {
	scriptSources = append(scriptSources, src)
	return redis.NewScript(src)
}
