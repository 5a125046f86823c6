package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Large values (an article record's Article JSON, a cached brief's JSON)
// are stored zstd-compressed: a zstd frame, which starts with its magic
// number, where the old layout stored the JSON itself, which starts with
// "{". Readers take either, so data written before compression reads as
// it did. The Lua scripts never look inside these values: they store them
// and hand them back as given. A value that compression would not shrink
// is stored as plain JSON.

// valueDict is the raw zstd dictionary of the compressed values: the
// skeletons of the Brief and Article JSON as encoding/json writes them, so
// that their field names cost almost nothing in a value of a few KB. A
// frame names its dictionary by id (valueDictID). Never change the
// dictionary of an id: stored values need it to decompress. A new
// dictionary takes a new id, and the decoder keeps the old ones.
const (
	valueDictID = 32769
	valueDict   = `{"article_id":"","guild_id":"","slug":"","title":"","gist":"","bullets":["",""],` +
		`"source_url":"https://www.","site":"www.","byline":"By ","published_at":"2025-01-01T00:00:00Z",` +
		`"image_url":"https://","reading_minutes":3,"entities":["",""],"lang":"en","summarizer":"extractive/",` +
		`"version":"","created_at":"2025-01-01T00:00:00.000000000Z"}` +
		`{"id":"","guild_id":"","slug":"","title":"","text":"","source_url":"https://www.","site":"www.",` +
		`"byline":"By ","published_at":"2025-01-01T00:00:00Z","image_url":"https://","lang":"en",` +
		`"content_hash":"","added_by":"","added_at":"2025-01-01T00:00:00.000000000Z"}`
)

// zstdMagic starts every zstd frame; no JSON starts with it.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// maxDecoded bounds what one stored value may decompress to: far above
// any article the bot accepts, far below what would hurt the process.
const maxDecoded = 64 << 20

// The encoder and decoder are made at first use, not when the package
// loads: every command of the binary imports the store, few touch an
// article.
var (
	zEnc = sync.OnceValue(func() *zstd.Encoder {
		// The default level: the best saves 3% more but takes ten times
		// as long (some 400 µs an article), which the tests' bulk adds feel.
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderCRC(false),
			zstd.WithWindowSize(1<<18), zstd.WithEncoderConcurrency(4), zstd.WithEncoderDictRaw(valueDictID, []byte(valueDict)))
		if err != nil {
			panic(err)
		}
		return e
	})
	zDec = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderMaxMemory(maxDecoded), zstd.WithDecoderConcurrency(4),
			zstd.WithDecoderDictRaw(valueDictID, []byte(valueDict)))
		if err != nil {
			panic(err)
		}
		return d
	})
)

// minCompress is the shortest value worth compressing.
const minCompress = 128

// compactValue is the stored form of the JSON value js: a zstd frame when
// that is shorter, else js itself.
func compactValue(js []byte) []byte {
	if len(js) < minCompress {
		return js
	}
	z := zEnc().EncodeAll(js, make([]byte, 0, len(js)/2))
	if len(z) >= len(js) {
		return js
	}
	return z
}

// expandValue is the JSON of a stored value, compressed (a zstd frame) or
// not (the JSON itself, as the old layout stored it).
func expandValue(v []byte) ([]byte, error) {
	if !bytes.HasPrefix(v, zstdMagic) {
		return v, nil
	}
	js, err := zDec().DecodeAll(v, nil)
	if err != nil {
		return nil, fmt.Errorf("decompress stored value: %w", err)
	}
	return js, nil
}

// decodeStored decodes a stored value, compressed or not, as JSON into v.
func decodeStored(stored []byte, v any) error {
	js, err := expandValue(stored)
	if err != nil {
		return err
	}
	return json.Unmarshal(js, v)
}

// compactKey compresses, in a key read from a snapshot, the values the
// store keeps compressed when the snapshot holds them as JSON (a backup,
// or a snapshot of the old layout): an article record's article field and
// a cached brief.
func compactKey(kd *keyData) {
	rest, ok := strings.CutPrefix(kd.key, "g:{")
	if !ok {
		return
	}
	if _, rest, ok = strings.Cut(rest, "}:"); !ok {
		return
	}
	isJSON := func(s string) bool { return strings.HasPrefix(s, "{") }
	switch {
	case kd.typ == "hash" && strings.HasPrefix(rest, "article:"):
		for i := 0; i+1 < len(kd.pairs); i += 2 {
			if kd.pairs[i] == "article" && isJSON(kd.pairs[i+1]) {
				kd.pairs[i+1] = string(compactValue([]byte(kd.pairs[i+1])))
			}
		}
	case kd.typ == "string" && strings.HasPrefix(rest, "brief:") && isJSON(kd.str):
		kd.str = string(compactValue([]byte(kd.str)))
	}
}
