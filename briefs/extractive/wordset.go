package extractive

// wordSet is a fixed set of words looked up by their FNV-1a hash (see
// hashBytes), for the per-word tests of tokenize: the caller has the hash
// already, so a look-up is a probe of a small table of hashes, and a
// comparison of the word itself on a hit. Open addressing with linear
// probing; 0 marks an empty slot.
type wordSet struct {
	shift  uint
	hashes []uint64
	words  []string
}

func newWordSet(words map[string]bool) *wordSet {
	n := 0
	for w, ok := range words {
		if ok && w != "" {
			n++
		}
	}
	size, bits := 8, uint(3)
	for size < 2*n {
		size, bits = size*2, bits+1
	}
	ws := &wordSet{shift: 64 - bits, hashes: make([]uint64, size), words: make([]string, size)}
	for w, ok := range words {
		if !ok || w == "" {
			continue
		}
		h := hashString(fnvOffset, w)
		if h == 0 {
			panic("extractive: a word whose hash marks an empty slot: " + w)
		}
		i := ws.slot(h)
		for ws.hashes[i] != 0 {
			i = (i + 1) & (size - 1)
		}
		ws.hashes[i], ws.words[i] = h, w
	}
	return ws
}

func (ws *wordSet) slot(h uint64) int { return int((h * 0x9E3779B97F4A7C15) >> ws.shift) }

// has reports whether w, whose hash is h, is in the set.
func (ws *wordSet) has(h uint64, w []byte) bool {
	mask := len(ws.hashes) - 1
	for i := ws.slot(h); ; i = (i + 1) & mask {
		switch ws.hashes[i] {
		case 0:
			return false
		case h:
			if ws.words[i] == string(w) {
				return true
			}
		}
	}
}

// stopSet is the lexicon's stopwords as a wordSet, built on first use.
func (lx *lexicon) stopSet() *wordSet {
	lx.stopOnce.Do(func() { lx.stopWords = newWordSet(lx.stop) })
	return lx.stopWords
}
