package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"
)

// The snapshot format, shared by the embedded data file and
// `briefbot backup` / `briefbot restore`:
//
//	{"format":"briefbot-snapshot","version":1,"prefix":"briefbot:",
//	 "saved_at":"2025-01-02T15:04:05.123Z",
//	 "keys":[
//	  {"key":"g:{1}:slugs","type":"hash","ttl_ms":0,"value":{"putin-kim":"ab12"}},
//	  ...]}
//
// Keys are relative to the prefix, so a snapshot can be restored under
// another prefix. type is string, hash, set, zset or list; value is a JSON
// string, an object of strings, an array of strings, an array of
// {"member":..,"score":..} (score a number, or "inf"/"-inf") or an array of
// strings. ttl_ms is the remaining time to live (0 = none). When a key or a
// value is not valid UTF-8, the entry has "encoding":"base64" and the key and
// every string of its value are base64 (standard encoding). An entry whose
// only such strings are values the store keeps compressed (an article
// record's article field, a cached brief: zstd frames, see compact.go) has
// "encoding":"base64-value" instead: its key and a hash's field names are
// as they are, every other string of its value is base64. Only the embedded
// data file holds such entries: a backup writes the compressed values as
// their JSON, and reading a snapshot compresses them again (compactKey).
// Snapshots written before compression restore as they did.
//
// saved_at is when the snapshot was taken. Loading the embedded data file
// counts the time since then against the TTLs (as Redis does with its own
// dump file); Restore starts the TTLs afresh (as Redis RESTORE does).
const (
	snapshotFormat  = "briefbot-snapshot"
	snapshotVersion = 1
)

// scanBatch is how many keys one SCAN step and one pipelined read handle;
// restoreBatch is how many keys one MULTI/EXEC restores.
const (
	scanBatch    = 500
	restoreBatch = 100
)

// maxTTLms is the longest TTL a snapshot may hold, in milliseconds: the
// longest time.Duration. A longer one would overflow on the way to PEXPIRE.
const maxTTLms = math.MaxInt64 / int64(time.Millisecond)

type snapshotHeader struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Prefix  string          `json:"prefix"`
	SavedAt time.Time       `json:"saved_at,omitzero"`
	Keys    json.RawMessage `json:"keys"`
}

type snapEntry struct {
	Key      string          `json:"key"`
	Type     string          `json:"type"`
	TTLms    int64           `json:"ttl_ms"`
	Encoding string          `json:"encoding,omitempty"`
	Value    json.RawMessage `json:"value"`
}

type zmember struct {
	Member *string `json:"member"`
	Score  score   `json:"score"`
}

// score is a sorted-set score; JSON has no infinities, so they are written
// as the strings "inf" and "-inf".
type score float64

func (s score) MarshalJSON() ([]byte, error) {
	switch {
	case math.IsInf(float64(s), 1):
		return []byte(`"inf"`), nil
	case math.IsInf(float64(s), -1):
		return []byte(`"-inf"`), nil
	}
	return strconv.AppendFloat(nil, float64(s), 'g', -1, 64), nil
}

func (s *score) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		switch strings.ToLower(str) {
		case "inf", "+inf":
			*s = score(math.Inf(1))
		case "-inf":
			*s = score(math.Inf(-1))
		default:
			return fmt.Errorf("score %q is not a number", str)
		}
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("score %s is not a number", b)
	}
	*s = score(f)
	return nil
}

// keyData is one validated key of a snapshot, ready to write.
type keyData struct {
	key     string // relative to the prefix
	typ     string
	ttl     time.Duration
	str     string
	pairs   []string // hash: field, value, field, value...
	members []string // set and list
	zs      []redis.Z
}

// typeCodec is everything a snapshot does with one Redis type: read a key's
// value, encode it as an entry's value, decode and check an entry's value,
// and write it back. codecs holds one per type, so that a type's reading,
// format and writing are described in one place.
type typeCodec struct {
	// read queues the command that reads a key's whole value.
	read func(ctx context.Context, p redis.Pipeliner, key string) redis.Cmder
	// encode makes an entry's value from read's answered command, passing
	// a hash's field names through the encoding's field and every other
	// string through its value; ok is false when the key is gone (a
	// missing string, an empty collection).
	encode func(c redis.Cmder, enc strEncoder) (v any, ok bool)
	// decode checks an entry's value and sets kd's, passing every string
	// through the decoder of its kind.
	decode func(raw json.RawMessage, dec strDecoder, kd *keyData) error
	// write queues the commands that write kd's value to key, which the
	// caller has deleted.
	write func(ctx context.Context, p redis.Pipeliner, key string, kd keyData)
}

// codecs are the types a snapshot holds, by the name TYPE gives them.
var codecs = map[string]typeCodec{
	"string": {
		read: func(ctx context.Context, p redis.Pipeliner, k string) redis.Cmder { return p.Get(ctx, k) },
		encode: func(c redis.Cmder, enc strEncoder) (any, bool) {
			s := c.(*redis.StringCmd)
			if errors.Is(s.Err(), redis.Nil) {
				return nil, false
			}
			return enc.value(s.Val()), true
		},
		decode: func(raw json.RawMessage, dec strDecoder, kd *keyData) error {
			if err := json.Unmarshal(raw, &kd.str); err != nil {
				return errors.New("a string value must be a JSON string")
			}
			var err error
			kd.str, err = dec.value(kd.str)
			return err
		},
		write: func(ctx context.Context, p redis.Pipeliner, k string, kd keyData) { p.Set(ctx, k, kd.str, 0) },
	},
	"hash": {
		read: func(ctx context.Context, p redis.Pipeliner, k string) redis.Cmder { return p.HGetAll(ctx, k) },
		encode: func(c redis.Cmder, enc strEncoder) (any, bool) {
			m := c.(*redis.MapStringStringCmd).Val()
			out := make(map[string]string, len(m))
			for f, s := range m {
				out[enc.field(f)] = enc.value(s)
			}
			return out, len(m) > 0
		},
		decode: func(raw json.RawMessage, dec strDecoder, kd *keyData) error {
			var m map[string]string
			if err := json.Unmarshal(raw, &m); err != nil {
				return errors.New("a hash value must be an object of strings")
			}
			for _, f := range slices.Sorted(maps.Keys(m)) {
				field, err := dec.field(f)
				if err != nil {
					return err
				}
				v, err := dec.value(m[f])
				if err != nil {
					return err
				}
				kd.pairs = append(kd.pairs, field, v)
			}
			return nil
		},
		write: func(ctx context.Context, p redis.Pipeliner, k string, kd keyData) {
			if len(kd.pairs) > 0 {
				p.HSet(ctx, k, toAny(kd.pairs)...)
			}
		},
	},
	// SMEMBERS answers in any order; a snapshot's is sorted, so that it is
	// stable. A list keeps its order.
	"set": membersCodec("set", func(ctx context.Context, p redis.Pipeliner, k string) redis.Cmder {
		return p.SMembers(ctx, k)
	}, true, redis.Pipeliner.SAdd),
	"list": membersCodec("list", func(ctx context.Context, p redis.Pipeliner, k string) redis.Cmder {
		return p.LRange(ctx, k, 0, -1)
	}, false, redis.Pipeliner.RPush),
	"zset": {
		read: func(ctx context.Context, p redis.Pipeliner, k string) redis.Cmder {
			return p.ZRangeWithScores(ctx, k, 0, -1)
		},
		encode: func(c redis.Cmder, enc strEncoder) (any, bool) {
			zs := c.(*redis.ZSliceCmd).Val()
			out := make([]zmember, len(zs))
			for i, z := range zs {
				m, _ := z.Member.(string)
				m = enc.value(m)
				out[i] = zmember{Member: &m, Score: score(z.Score)}
			}
			return out, len(zs) > 0
		},
		decode: decodeZset,
		write: func(ctx context.Context, p redis.Pipeliner, k string, kd keyData) {
			if len(kd.zs) > 0 {
				p.ZAdd(ctx, k, kd.zs...)
			}
		},
	},
}

// encodeAll passes every string of ss through enc, into a new slice.
func encodeAll(ss []string, enc func(string) string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = enc(s)
	}
	return out
}

// decodeAll passes every string of ss through dec, in place.
func decodeAll(ss []string, dec func(string) (string, error)) error {
	var err error
	for i := range ss {
		if ss[i], err = dec(ss[i]); err != nil {
			return err
		}
	}
	return nil
}

// membersCodec is the codec of a type whose value is an array of strings
// (set, list): read reads it, sorted sorts it for the snapshot, add writes
// it.
func membersCodec(typ string, read func(context.Context, redis.Pipeliner, string) redis.Cmder, sorted bool,
	add func(p redis.Pipeliner, ctx context.Context, key string, members ...any) *redis.IntCmd) typeCodec {
	return typeCodec{
		read: read,
		encode: func(c redis.Cmder, enc strEncoder) (any, bool) {
			ms := c.(*redis.StringSliceCmd).Val()
			if sorted {
				slices.Sort(ms)
			}
			return encodeAll(ms, enc.value), len(ms) > 0
		},
		decode: func(raw json.RawMessage, dec strDecoder, kd *keyData) error {
			if err := json.Unmarshal(raw, &kd.members); err != nil {
				return fmt.Errorf("a %s value must be an array of strings", typ)
			}
			return decodeAll(kd.members, dec.value)
		},
		write: func(ctx context.Context, p redis.Pipeliner, k string, kd keyData) {
			if len(kd.members) > 0 {
				add(p, ctx, k, toAny(kd.members)...)
			}
		},
	}
}

// decodeZset decodes a sorted set's array of members and scores.
func decodeZset(raw json.RawMessage, dec strDecoder, kd *keyData) error {
	var zs []zmember
	if err := json.Unmarshal(raw, &zs); err != nil {
		return fmt.Errorf(`a zset value must be an array of {"member":..,"score":..}: %v`, err)
	}
	for _, z := range zs {
		if z.Member == nil {
			return errors.New("a zset entry has no member")
		}
		m, err := dec.value(*z.Member)
		if err != nil {
			return err
		}
		if math.IsNaN(float64(z.Score)) {
			return errors.New("a zset score is not a number")
		}
		kd.zs = append(kd.zs, redis.Z{Member: m, Score: float64(z.Score)})
	}
	return nil
}

// strEncoder is how an entry's encoding writes its strings: field the
// field names of a hash, value every other string of the value.
type strEncoder struct{ field, value func(string) string }

// strDecoder undoes a strEncoder.
type strDecoder struct{ field, value func(string) (string, error) }

// encodeEntry makes the snapshot entry of the key rel (relative to the
// prefix) of type typ from its answered read command. ok is false when the
// key is gone. With expand, a value the store keeps compressed is written
// as its JSON. When any string is not UTF-8, the entry is base64-encoded so
// that the JSON holds the bytes unchanged: throughout ("base64"), or, when
// the key and field names are UTF-8 and every string that is not is a
// compressed value of the store (see compactValue), only the value's
// strings other than field names ("base64-value"), so that the entry keeps
// its key readable.
func encodeEntry(rel, typ string, ttl int64, c redis.Cmder, expand bool) (e snapEntry, ok bool, err error) {
	codec := codecs[typ]
	keyValid, valid, compressed := utf8.ValidString(rel), true, true
	check := func(s string) string {
		if expand && strings.HasPrefix(s, string(zstdMagic)) {
			if js, err := expandValue([]byte(s)); err == nil {
				s = string(js)
			}
		}
		if !utf8.ValidString(s) {
			valid = false
			compressed = compressed && strings.HasPrefix(s, string(zstdMagic))
		}
		return s
	}
	v, ok := codec.encode(c, strEncoder{field: func(s string) string {
		keyValid = keyValid && utf8.ValidString(s)
		return s
	}, value: check})
	if !ok {
		return e, false, nil
	}
	e = snapEntry{Key: rel, Type: typ, TTLms: ttl}
	if !keyValid || !valid {
		b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
		value := func(s string) string { return b64(check(s)) }
		if keyValid && compressed {
			e.Encoding = "base64-value"
			v, _ = codec.encode(c, strEncoder{field: func(s string) string { return s }, value: value})
		} else {
			e.Encoding, e.Key = "base64", b64(rel)
			v, _ = codec.encode(c, strEncoder{field: b64, value: value})
		}
	}
	e.Value, err = json.Marshal(v)
	return e, true, err
}

// decodeSnapshot reads and checks a whole snapshot.
func decodeSnapshot(r io.Reader) ([]keyData, time.Time, error) {
	dec := json.NewDecoder(r)
	var h snapshotHeader
	if err := dec.Decode(&h); err != nil {
		return nil, time.Time{}, jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, time.Time{}, errors.New("unexpected data after the snapshot")
	}
	if h.Format != snapshotFormat {
		return nil, time.Time{}, fmt.Errorf("format is %q, want %q", h.Format, snapshotFormat)
	}
	if h.Version != snapshotVersion {
		return nil, time.Time{}, fmt.Errorf("version %d is not supported (this briefbot reads version %d)", h.Version, snapshotVersion)
	}
	if len(h.Keys) == 0 || string(h.Keys) == "null" {
		return nil, time.Time{}, errors.New(`no "keys" list`)
	}
	var entries []snapEntry
	if err := json.Unmarshal(h.Keys, &entries); err != nil {
		return nil, time.Time{}, fmt.Errorf(`"keys": %w`, jsonProblem(err))
	}
	keys := make([]keyData, 0, len(entries))
	seen := make(map[string]bool, len(entries))
	for i, e := range entries {
		kd, err := decodeEntry(e)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("key %d (%q): %w", i+1, e.Key, err)
		}
		compactKey(&kd)
		if seen[kd.key] {
			return nil, time.Time{}, fmt.Errorf("key %d (%q) appears twice", i+1, e.Key)
		}
		seen[kd.key] = true
		keys = append(keys, kd)
	}
	return keys, h.SavedAt, nil
}

func jsonProblem(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("bad JSON at byte %d: %v", se.Offset, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("bad JSON at byte %d: %s where %s was expected", te.Offset, te.Value, te.Type)
	}
	if errors.Is(err, io.EOF) {
		return errors.New("empty input")
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the JSON ends early (truncated?)")
	}
	return err
}

// decodeEntry checks one entry of a snapshot: its encoding, key and TTL,
// then its value, which its type's codec reads.
func decodeEntry(e snapEntry) (keyData, error) {
	dec, err := entryDecoder(e.Encoding)
	if err != nil {
		return keyData{}, err
	}
	key, err := dec.field(e.Key)
	if err != nil {
		return keyData{}, fmt.Errorf("key: %w", err)
	}
	if key == "" {
		return keyData{}, errors.New("empty key")
	}
	if e.TTLms < 0 {
		return keyData{}, fmt.Errorf("negative ttl_ms %d", e.TTLms)
	}
	if e.TTLms > maxTTLms {
		return keyData{}, fmt.Errorf("ttl_ms %d is too large (at most %d, about 292 years)", e.TTLms, int64(maxTTLms))
	}
	kd := keyData{key: key, typ: e.Type, ttl: time.Duration(e.TTLms) * time.Millisecond}
	if len(e.Value) == 0 || string(e.Value) == "null" {
		return keyData{}, errors.New("no value")
	}
	codec, ok := codecs[e.Type]
	if !ok {
		return keyData{}, fmt.Errorf("unknown type %q", e.Type)
	}
	if err := codec.decode(e.Value, dec, &kd); err != nil {
		return keyData{}, err
	}
	return kd, nil
}

// entryDecoder returns what undoes an entry's encoding of its strings: the
// key and a hash's field names go through field, every other string
// through value.
func entryDecoder(encoding string) (strDecoder, error) {
	same := func(s string) (string, error) { return s, nil }
	unb64 := func(s string) (string, error) {
		b, err := base64.StdEncoding.DecodeString(s)
		return string(b), err
	}
	switch encoding {
	case "":
		return strDecoder{field: same, value: same}, nil
	case "base64":
		return strDecoder{field: unb64, value: unb64}, nil
	case "base64-value":
		return strDecoder{field: same, value: unb64}, nil
	}
	return strDecoder{}, fmt.Errorf("unknown encoding %q", encoding)
}
