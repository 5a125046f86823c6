package rouge

import (
	"slices"
	"strings"
	"sync"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// Tokenize splits s into ROUGE tokens the way ROUGE-1.5.5 does with the
// settings behind the oracle in shared/evaldata:
//
//   - ASCII letters are lower-cased;
//   - every byte outside [a-z0-9] is a separator, so non-ASCII letters
//     (é, ’, the Kelvin sign) and every byte of their UTF-8 encoding split
//     words, as in the byte-oriented Perl script;
//   - tokens longer than 3 characters are reduced by the Porter (1980)
//     stemmer of github.com/blevesearch/go-porterstemmer; shorter ones are
//     kept as they are.
//
// The stemmer is called as StemWithoutLowerCasing on the already lower-case
// word. The module's Stem and StemString differ only in lower-casing first
// (with unicode.ToLower), so all three give the same stems here; a test
// checks that on every word of the oracle file. With these settings the
// module reproduces ROUGE-1.5.5's Perl stemmer on the oracle.
//
// Newlines are ordinary separators here; Lsum is the only metric that looks
// at lines.
func Tokenize(s string) []string {
	t := newTokenizer()
	defer t.release()
	toks, _ := t.tokenize(s, nil, nil)
	return toks
}

// tokenByte maps each byte to itself lower-cased when it belongs to a token
// ([A-Za-z0-9]) and to 0 when it is a separator.
var tokenByte = func() (tb [256]byte) {
	for c := '0'; c <= '9'; c++ {
		tb[c] = byte(c)
	}
	for c := 'a'; c <= 'z'; c++ {
		tb[c] = byte(c)
		tb[c-'a'+'A'] = byte(c)
	}
	return tb
}()

// tokenizer holds the buffers of one tokenization.
type tokenizer struct {
	out   []byte            // stemmed tokens, back to back
	ends  []int             // end offset of each token in out
	word  []byte            // the current word, lower-cased
	runes []rune            // stemmer buffer
	local map[string]string // stems this tokenizer has looked up, read without locks
}

var tokenizerPool = sync.Pool{New: func() any { return new(tokenizer) }}

func newTokenizer() *tokenizer { return tokenizerPool.Get().(*tokenizer) }

func (t *tokenizer) release() {
	if cap(t.out) > 1<<20 || cap(t.ends) > 1<<18 {
		return // do not keep huge buffers alive
	}
	tokenizerPool.Put(t)
}

// tokenize appends the tokens of s to toks. When lineEnds is not nil, it also
// appends, for every line of s (split on '\n', as rouge-score does for
// rougeLsum, empty lines dropped), the number of tokens in toks after that
// line. All token strings share one allocation.
func (t *tokenizer) tokenize(s string, toks []string, lineEnds []int) ([]string, []int) {
	t.out = t.out[:0]
	t.ends = t.ends[:0]
	t.word = t.word[:0]
	var lines []int // token count after each line, relative to this call
	track := lineEnds != nil
	lineHasText := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if k := tokenByte[c]; k != 0 {
			t.word = append(t.word, k)
			lineHasText = true
			continue
		}
		if len(t.word) > 0 {
			t.emit()
		}
		if c != '\n' {
			lineHasText = true
		} else if lineHasText {
			if track {
				lines = append(lines, len(t.ends))
			}
			lineHasText = false
		}
	}
	if len(t.word) > 0 {
		t.emit()
	}
	if lineHasText && track {
		lines = append(lines, len(t.ends))
	}
	if len(t.ends) == 0 && len(lines) == 0 {
		return toks, lineEnds
	}
	all := string(t.out) // the one allocation behind every token string
	start := 0
	base := len(toks)
	toks = slices.Grow(toks, len(t.ends))
	for _, end := range t.ends {
		toks = append(toks, all[start:end])
		start = end
	}
	for _, n := range lines {
		lineEnds = append(lineEnds, base+n)
	}
	return toks, lineEnds
}

// emit stems the current word, appends it to out and resets the word.
func (t *tokenizer) emit() {
	w := t.word
	t.word = t.word[:0]
	if len(w) <= 3 {
		t.out = append(t.out, w...)
		t.ends = append(t.ends, len(t.out))
		return
	}
	if st, ok := t.local[string(w)]; ok {
		t.out = append(t.out, st...)
		t.ends = append(t.ends, len(t.out))
		return
	}
	st, ok := stemCache.get(w)
	if !ok {
		st = t.stem(w)
		stemCache.put(string(w), st)
	}
	if t.local == nil {
		t.local = make(map[string]string, 256)
	}
	if len(t.local) < localCacheMax {
		t.local[string(w)] = st
	}
	t.out = append(t.out, st...)
	t.ends = append(t.ends, len(t.out))
}

// stem runs the Porter stemmer on a lower-case ASCII word. The word is
// already lower-case, so StemWithoutLowerCasing gives the same result as
// Stem and StemString (which lower-case with unicode.ToLower first) without
// a pass and an allocation.
func (t *tokenizer) stem(w []byte) string {
	t.runes = t.runes[:0]
	for _, c := range w {
		t.runes = append(t.runes, rune(c))
	}
	r := porterstemmer.StemWithoutLowerCasing(t.runes)
	var b strings.Builder
	b.Grow(len(r))
	for _, c := range r {
		b.WriteByte(byte(c)) // the stemmer only shortens words or writes ASCII letters
	}
	return b.String()
}

// stemCache remembers the stems of words seen before. Porter stemming costs
// far more than a map lookup, and news text repeats its words. The cache
// stops growing at stemCacheMax entries per shard, so memory stays bounded
// on any input.
var stemCache = newStemShards()

const (
	localCacheMax = 1 << 12 // entries per pooled tokenizer
	stemShards    = 32
	stemCacheMax  = 1 << 13 // entries per shard: 256k words in all
)

type stemShard struct {
	mu sync.RWMutex
	m  map[string]string
}

type stemShardSet [stemShards]stemShard

func newStemShards() *stemShardSet {
	var s stemShardSet
	for i := range s {
		s[i].m = make(map[string]string)
	}
	return &s
}

func shardOf[T string | []byte](w T) int {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(w); i++ {
		h ^= uint32(w[i])
		h *= 16777619
	}
	return int(h % stemShards)
}

func (s *stemShardSet) get(w []byte) (string, bool) {
	sh := &s[shardOf(w)]
	sh.mu.RLock()
	st, ok := sh.m[string(w)] // no allocation: the compiler special-cases this conversion
	sh.mu.RUnlock()
	return st, ok
}

func (s *stemShardSet) put(w, st string) {
	sh := &s[shardOf(w)]
	sh.mu.Lock()
	if len(sh.m) < stemCacheMax {
		sh.m[w] = st
	}
	sh.mu.Unlock()
}
