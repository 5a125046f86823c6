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
	shapes wordShapes // turns most other words away before the table
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
		ws.shapes.add(w)
	}
	return ws
}

func (ws *wordSet) slot(h uint64) int { return int((h * 0x9E3779B97F4A7C15) >> ws.shift) }

// has reports whether w, whose hash is h, is in the set.
func (ws *wordSet) has(h uint64, w []byte) bool {
	if len(w) > 0 && !ws.shapes.may(w) {
		return false
	}
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

// countTable counts words: a map[string]int for the many increments of
// noteLower, with open addressing on the FNV-1a hash of the word. The zero
// value is an empty table.
type countTable struct {
	hashes []uint64
	keys   []string
	counts []int32 // 0 marks an empty slot
	n      int
	shift  uint
}

// add counts one more w.
func (t *countTable) add(w string) {
	if 2*(t.n+1) > len(t.counts) {
		t.grow()
	}
	h := hashString(fnvOffset, w)
	mask := len(t.counts) - 1
	for i := int((h * 0x9E3779B97F4A7C15) >> t.shift); ; i = (i + 1) & mask {
		switch {
		case t.counts[i] == 0:
			t.hashes[i], t.keys[i], t.counts[i] = h, w, 1
			t.n++
			return
		case t.hashes[i] == h && t.keys[i] == w:
			t.counts[i]++
			return
		}
	}
}

// get returns the count of w.
func (t *countTable) get(w string) int {
	if t.n == 0 {
		return 0
	}
	h := hashString(fnvOffset, w)
	mask := len(t.counts) - 1
	for i := int((h * 0x9E3779B97F4A7C15) >> t.shift); ; i = (i + 1) & mask {
		switch {
		case t.counts[i] == 0:
			return 0
		case t.hashes[i] == h && t.keys[i] == w:
			return int(t.counts[i])
		}
	}
}

// getBytes is get for a word in a buffer.
func (t *countTable) getBytes(w []byte) int {
	if t.n == 0 {
		return 0
	}
	h := hashBytes(fnvOffset, w)
	mask := len(t.counts) - 1
	for i := int((h * 0x9E3779B97F4A7C15) >> t.shift); ; i = (i + 1) & mask {
		switch {
		case t.counts[i] == 0:
			return 0
		case t.hashes[i] == h && t.keys[i] == string(w):
			return int(t.counts[i])
		}
	}
}

// grow makes room (256 slots at first) and moves the entries.
func (t *countTable) grow() {
	size, bits := 256, uint(8)
	for size < 4*(t.n+1) {
		size, bits = size*2, bits+1
	}
	hashes, keys, counts := t.hashes, t.keys, t.counts
	t.hashes, t.keys, t.counts, t.shift = make([]uint64, size), make([]string, size), make([]int32, size), 64-bits
	mask := size - 1
	for k, c := range counts {
		if c == 0 {
			continue
		}
		h := hashes[k]
		i := int((h * 0x9E3779B97F4A7C15) >> t.shift)
		for t.counts[i] != 0 {
			i = (i + 1) & mask
		}
		t.hashes[i], t.keys[i], t.counts[i] = h, keys[k], c
	}
}

// reset empties the table, keeping its memory and dropping its references
// to the text.
func (t *countTable) reset() {
	if t.n > 0 {
		clear(t.counts)
		clear(t.keys)
		t.n = 0
	}
}

// dangleShapes filters the entries of the lexicon's dangle, built on first
// use.
func (lx *lexicon) dangleShapes() *wordShapes {
	lx.dangleOnce.Do(func() {
		lx.dangleShape = new(wordShapes)
		for w := range lx.dangle {
			if w != "" {
				lx.dangleShape.add(w)
			}
		}
	})
	return lx.dangleShape
}

// wordShapes is a filter of words by shape: bit last%64 of cell (length%16,
// first byte) is set for each word of a set. A word whose bit is clear is
// in none.
type wordShapes [16 * 27]uint64

func (ws *wordShapes) cell(b []byte) (int, uint64) {
	c := 26
	if b[0] >= 'a' && b[0] <= 'z' {
		c = int(b[0] - 'a')
	}
	return (len(b)%16)*27 + c, 1 << (b[len(b)-1] % 64)
}

func (ws *wordShapes) add(w string) {
	i, bit := ws.cell([]byte(w))
	ws[i] |= bit
}

func (ws *wordShapes) may(b []byte) bool {
	i, bit := ws.cell(b)
	return ws[i]&bit != 0
}
