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
// 16... terms.
//
// Returns {"exists", article JSON} when the URL, content hash or id is known;
// {"conflict"} when exact and the slug is taken; {"slug", free slug} when the
// candidate is taken (the caller re-encodes with that slug and calls again);
// {"full"} when a new article would take the guild over ARGV[15] articles
// (counted in its recency set), before anything is written; {"created"}
// after writing.
//
// Besides recent (scored by the caller's added-at, for listings), the
// article enters fresh, the set digests read, scored by the Redis server's
// clock (TIME, in ms) kept strictly increasing per guild by addclock: never
// by the adding instance's clock. Digest cursors compare on these scores, so
// an instance whose clock is behind cannot add a brief below a cursor that
// was already passed, and two adds never share a score. A guild stored
// before fresh existed gets it filled from recent first, once.
var addScript = newScript(luaArticle + `
local base, id, wanted, cand, exact = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local url, hash = ARGV[6], ARGV[7]
local function existing(eid)
  local a = redis.call('HGET', base .. 'article:' .. eid, 'article')
  if a then return {'exists', a} end
  return nil
end
if url ~= '' then
  local eid = redis.call('HGET', KEYS[2], url)
  if eid then local r = existing(eid); if r then return r end end
end
if hash ~= '' then
  local eid = redis.call('HGET', KEYS[3], hash)
  if eid then local r = existing(eid); if r then return r end end
end
do local r = existing(id); if r then return r end end
local most = tonumber(ARGV[15])
if most > 0 and redis.call('ZCARD', KEYS[4]) >= most then return {'full'} end
if redis.call('HEXISTS', KEYS[1], cand) == 1 then
  if exact == '1' then return {'conflict'} end
  local n = 2
  while redis.call('HEXISTS', KEYS[1], wanted .. '-' .. n) == 1 do n = n + 1 end
  return {'slug', wanted .. '-' .. n}
end
local akey = base .. 'article:' .. id
redis.call('DEL', akey)
redis.call('HSET', akey, 'article', ARGV[8], 'slug', cand, 'url', url, 'hash', hash, 'terms', ARGV[11])
redis.call('HSET', KEYS[1], cand, id)
if url ~= '' then redis.call('HSET', KEYS[2], url, id) end
if hash ~= '' then redis.call('HSET', KEYS[3], hash, id) end
if redis.call('EXISTS', KEYS[7]) == 0 and redis.call('EXISTS', KEYS[4]) == 1 then
  -- Data from before fresh existed: its briefs enter it by added-at, the
  -- clock the cursors of that time compared on.
  redis.call('ZUNIONSTORE', KEYS[7], 1, KEYS[4])
end
redis.call('ZADD', KEYS[4], ARGV[10], id)
local t = redis.call('TIME')
local score = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[8]) or '0') or 0
if score <= last then score = last + 1 end
redis.call('SET', KEYS[8], string.format('%.0f', score))
redis.call('ZADD', KEYS[7], string.format('%.0f', score), id)
redis.call('ZADD', KEYS[5], 0, cand .. '\0' .. id)
redis.call('HSET', KEYS[6], id, ARGV[9])
index_terms(base, id, 16)
cache_brief(base, akey, cand, ARGV[12], ARGV[13], ARGV[14])
return {'created'}
`)

// removeScript deletes the article with slug ARGV[2], its cached briefs of
// every version and all its index entries. Returns the article JSON, or nil
// when the slug is unknown.
var removeScript = newScript(luaArticle + `
local base, slug = ARGV[1], ARGV[2]
local id = redis.call('HGET', KEYS[1], slug)
if not id then return false end
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
return {id, f.article or ''}
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
// from offset ARGV[1], at most ARGV[2]. KEYS[1] recent, KEYS[2] listings.
var recentScript = newScript(luaHMGet + `
local total = redis.call('ZCARD', KEYS[1])
local out = {total}
local off, lim = tonumber(ARGV[1]), tonumber(ARGV[2])
if lim <= 0 then return out end
local ids = redis.call('ZREVRANGE', KEYS[1], off, off + lim - 1)
if #ids == 0 then return out end
local ls = hmget(KEYS[2], ids)
for i = 1, #ids do out[#out + 1] = ls[i] or '' end
return out
`)

// findScript returns the listing JSON of the articles in every term set
// ARGV[3...], newest first, at most ARGV[2]. KEYS[1] recent, KEYS[2]
// listings. Common terms are answered by walking the newest articles
// (luaNewest) rather than intersecting sets of the whole guild.
var findScript = newScript(luaHMGet + luaNewest + `
local base, lim = ARGV[1], tonumber(ARGV[2])
local keys = {}
for i = 3, #ARGV do keys[#keys + 1] = base .. 'term:' .. ARGV[i] end
if lim > 0 and walk_pays(KEYS[1], keys, nil, lim) then
  local found, complete = newest_matching(KEYS[1], keys, {}, lim, {})
  if complete then
    local out = {}
    if #found == 0 then return out end
    local ls = hmget(KEYS[2], found)
    for i = 1, #found do out[i] = ls[i] or '' end
    return out
  end
end
local ids = redis.call('SINTER', unpack(keys))
local scored = {}
for _, id in ipairs(ids) do
  local s = redis.call('ZSCORE', KEYS[1], id)
  if s then scored[#scored + 1] = {id, tonumber(s)} end
end
table.sort(scored, function(a, b)
  if a[2] ~= b[2] then return a[2] > b[2] end
  return a[1] > b[1]
end)
local out = {}
if lim <= 0 or #scored == 0 then return out end
local pick = {}
for i = 1, math.min(lim, #scored) do pick[i] = scored[i][1] end
local ls = hmget(KEYS[2], pick)
for i = 1, #pick do out[i] = ls[i] or '' end
return out
`)

// suggestScript answers autocomplete in one round trip: first the articles
// whose slug lies between ARGV[3] and ARGV[4] (ZRANGEBYLEX bounds, "" for
// none) in slug order, then, newest first, those indexed under every full
// term ARGV[6...] and, when ARGV[5] is not empty, under some term starting
// with ARGV[5] (the word still being typed), looked up in the term
// vocabulary. At most ARGV[2] listings. KEYS[1] slugidx, KEYS[2] recent,
// KEYS[3] listings, KEYS[4] termidx; ARGV[1] the guild's key base. Common
// terms are answered by walking the newest articles (luaNewest), the same
// answer as intersecting the sets.
var suggestScript = newScript(luaHMGet + luaNewest + `
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
local walked = false
if #ids < lim and (partial ~= '' or #full > 0) then
  local union = {}
  if partial ~= '' then
    local words = redis.call('ZRANGEBYLEX', KEYS[4], '[' .. partial, '(' .. partial .. '\255', 'LIMIT', 0, 100)
    for _, w in ipairs(words) do union[#union + 1] = base .. 'term:' .. w end
  end
  local size
  if partial ~= '' then
    -- the biggest sets first: a match is found in fewer steps
    local cards = {}
    size = 0
    for _, k in ipairs(union) do cards[k] = redis.call('SCARD', k); size = size + cards[k] end
    table.sort(union, function(a, b) return cards[a] > cards[b] end)
  end
  if (partial == '' or #union > 0) and walk_pays(KEYS[2], full, size, lim - #ids) then
    local found, complete = newest_matching(KEYS[2], full, union, lim - #ids, seen)
    if complete then
      walked = true
      for _, id in ipairs(found) do ids[#ids + 1] = id end
    end
  end
end
if not walked and #ids < lim and (partial ~= '' or #full > 0) then
  local cands
  if partial ~= '' then
    cands = {}
    local words = redis.call('ZRANGEBYLEX', KEYS[4], '[' .. partial, '(' .. partial .. '\255', 'LIMIT', 0, 100)
    local union = {}
    for _, w in ipairs(words) do union[#union + 1] = base .. 'term:' .. w end
    if #union > 0 then
      for _, id in ipairs(redis.call('SUNION', unpack(union))) do
        local ok = true
        for _, k in ipairs(full) do
          if redis.call('SISMEMBER', k, id) == 0 then ok = false; break end
        end
        if ok then cands[#cands + 1] = id end
      end
    end
  else
    cands = redis.call('SINTER', unpack(full))
  end
  local scored = {}
  for _, id in ipairs(cands) do
    if not seen[id] then
      local s = redis.call('ZSCORE', KEYS[2], id)
      if s then scored[#scored + 1] = {id, tonumber(s)} end
    end
  end
  table.sort(scored, function(a, b)
    if a[2] ~= b[2] then return a[2] > b[2] end
    return a[1] > b[1]
  end)
  for _, e in ipairs(scored) do
    if #ids >= lim then break end
    ids[#ids + 1] = e[1]
  end
end
local out = {}
if #ids == 0 then return out end
local ls = hmget(KEYS[3], ids)
for i = 1, #ids do out[i] = ls[i] or '' end
return out
`)

// luaArticle defines the steps the article scripts share, so that adding,
// replacing, caching and removing keep an article's keys the same way. base
// is the guild's key base, akey the article's record.
//
// index_terms adds article id under the terms ARGV[first...], in the term
// sets and the term vocabulary (for autocomplete by word prefix).
// unindex_content removes what the record f (HGETALL of akey) indexed: its
// URL and content-hash entries, its terms (dropping words no article uses
// any more from the vocabulary), and its cached briefs of every version.
// cache_brief stores brief JSON of a summarizer version under the slug for
// ttl ms (0: no expiry) and notes the version in the record; an empty
// version stores nothing.
const luaArticle = `
local function index_terms(base, id, first)
  for i = first, #ARGV do
    redis.call('SADD', base .. 'term:' .. ARGV[i], id)
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
          redis.call('SREM', base .. 'term:' .. t, id)
          if redis.call('SCARD', base .. 'term:' .. t) == 0 then redis.call('ZREM', base .. 'termidx', t) end
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

// luaNewest lets a search by terms stop early when the terms are common.
// walk_pays(recent, all, any_size, need) tells whether walking the recent
// index is likely to find need ids in every set of all (and in the union of
// sets of any_size ids, when any_size is not nil) within walkIds ids:
// the smallest candidate set must hold more than walkFrom ids (else
// intersecting costs little) and, taking the sets as independent, the
// expected walk need / density must be at most walkIds. newest_matching
// walks the sorted set recent newest first (ZREVRANGE in chunks, ties in the
// same order as the sorts of the scripts) for ids not in seen that are in
// every set of all and, when any is not empty, in some set of any, until it
// has need of them; it gives up after walkBudget set lookups. It returns the
// ids and whether the walk was complete (need found, or the whole index
// walked): when it is not, the caller intersects the sets instead.
const luaNewest = `
local walkFrom, walkIds, walkBudget = 1000, 2000, 4000
local function walk_pays(recent, all, any_size, need)
  local n = redis.call('ZCARD', recent)
  if n == 0 or need <= 0 then return false end
  local d, smallest = 1, nil
  for _, k in ipairs(all) do
    local c = redis.call('SCARD', k)
    if not smallest or c < smallest then smallest = c end
    d = d * c / n
  end
  if any_size then
    if not smallest or any_size < smallest then smallest = any_size end
    d = d * math.min(1, any_size / n)
  end
  return smallest ~= nil and smallest > walkFrom and d > 0 and need / d <= walkIds
end
local function newest_matching(recent, all, any, need, seen)
  local out, off, ops = {}, 0, 0
  while true do
    local ids = redis.call('ZREVRANGE', recent, off, off + 199)
    for _, id in ipairs(ids) do
      if not seen[id] then
        local ok = true
        for _, k in ipairs(all) do
          ops = ops + 1
          if redis.call('SISMEMBER', k, id) == 0 then ok = false; break end
        end
        if ok and #any > 0 then
          ok = false
          for _, k in ipairs(any) do
            ops = ops + 1
            if redis.call('SISMEMBER', k, id) == 1 then ok = true; break end
          end
        end
        if ok then
          out[#out + 1] = id
          if #out >= need then return out, true end
        end
      end
      if ops > walkBudget then return out, false end
    end
    if #ids < 200 then return out, true end
    off = off + 200
  end
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
`

// scriptSources are the sources of all scripts, loaded when the store
// connects.
var scriptSources []string

func newScript(src string) *redis.Script {
	scriptSources = append(scriptSources, src)
	return redis.NewScript(src)
}
