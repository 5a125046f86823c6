package store

import (
	"context"
	"fmt"
	"slices"
)

// schemaVersion is the layout of the data this code writes. Layout 2 keeps
// term indexes as sorted sets scored by added-at (so that a search can walk
// them newest first and stop) and gives every guild its fresh set; layout 1
// had plain term sets and filled fresh on first use.
const schemaVersion = "2"

// upgradeBatch is how many terms one upgrade script converts: a guild of
// 100,000 articles takes a few hundred short scripts rather than one that
// blocks Redis for seconds.
const upgradeBatch = 100

// upgradeGuildScript brings one guild to layout 2, a batch at a time.
// KEYS: 1 recent, 2 fresh, 3 termidx. ARGV: 1 the guild's key base,
// 2 offset into termidx, 3 batch size. On the first batch it fills fresh from
// recent when fresh is missing (its briefs enter fresh by added-at, the
// clock the digest cursors of layout 1 compared on). Each term of the batch
// that is still a plain set becomes a sorted set scored by the recency index
// (ids without a recency score, which no listing could show, are dropped).
// Returns {how many terms the batch held, how many keys it changed}.
var upgradeGuildScript = newScript(`
local base, changed = ARGV[1], 0
if ARGV[2] == '0' and redis.call('EXISTS', KEYS[2]) == 0 and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('ZUNIONSTORE', KEYS[2], 1, KEYS[1])
  changed = 1
end
local off, n = tonumber(ARGV[2]), tonumber(ARGV[3])
local words = redis.call('ZRANGE', KEYS[3], off, off + n - 1)
for _, w in ipairs(words) do
  local key = base .. 'term:' .. w
  if redis.call('TYPE', key).ok == 'set' then
    local ids = redis.call('SMEMBERS', key)
    redis.call('DEL', key)
    changed = changed + 1
    for i = 1, #ids, 500 do
      local args = {}
      for j = i, math.min(i + 499, #ids) do
        local s = redis.call('ZSCORE', KEYS[1], ids[j])
        if s then args[#args + 1] = s; args[#args + 1] = ids[j] end
      end
      if #args > 0 then redis.call('ZADD', key, unpack(args)) end
    end
  end
end
return {#words, changed}
`)

// upgrade brings data written by an earlier layout to the current one,
// guild by guild, and then notes the layout under the prefix so that later
// starts skip the scan. It runs when the store opens and after a restore
// (a snapshot may be older than the code). Every step is idempotent, so two
// instances starting at once do no harm; instances of an older version must
// not run beside it (they would write plain term sets).
func (db *DB) upgrade(ctx context.Context) error {
	return db.write(func() (bool, error) { return db.upgradeData(ctx) })
}

// upgradeData is upgrade within a write that is already running (a
// restore's); it reports whether it changed any guild's data.
func (db *DB) upgradeData(ctx context.Context) (changed bool, err error) {
	if v, err := db.client.Get(ctx, db.schemaKey()).Result(); err == nil && v == schemaVersion {
		return false, nil
	}
	bases, err := db.guildBases(ctx)
	if err != nil {
		return false, err
	}
	for _, base := range bases {
		k := guildKeys{base: base}
		for off := 0; ; off += upgradeBatch {
			res, err := upgradeGuildScript.Run(ctx, db.client, []string{k.recent(), k.fresh(), k.termidx()},
				base, off, upgradeBatch).Int64Slice()
			if err != nil {
				return false, err
			}
			if len(res) != 2 {
				return false, fmt.Errorf("upgrade: unexpected script reply %v", res)
			}
			// Only a conversion is a change: data already in this layout
			// (an embedded data file, which keeps no schema key) is not
			// written again at every start.
			changed = changed || res[1] > 0
			if res[0] < upgradeBatch {
				break
			}
		}
	}
	return changed, db.client.Set(ctx, db.schemaKey(), schemaVersion, 0).Err()
}

// schemaKey holds the layout version. It is the store's own bookkeeping, not
// data: backups leave it out, and a store holding only it counts as empty.
func (db *DB) schemaKey() string { return db.prefix + "schema" }

// withoutSchemaKey drops the schema key from keys.
func (db *DB) withoutSchemaKey(keys []string) []string {
	return slices.DeleteFunc(keys, func(k string) bool { return k == db.schemaKey() })
}
