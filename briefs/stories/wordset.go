package stories

import (
	"encoding/binary"
	"hash/fnv"
	"slices"
)

// wordSet is a set of words as ascending, distinct 16-bit hashes: two
// bytes a word to store, cheap to intersect. Two sets of 150 words share
// about one hash by chance in three, which moves their similarity by less
// than 0.01.
type wordSet []uint16

func newWordSet(words []string) wordSet {
	s := make(wordSet, 0, len(words))
	for _, w := range words {
		h := fnv.New32a()
		h.Write([]byte(w))
		v := h.Sum32()
		s = append(s, uint16(v^v>>16))
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// shared counts the hashes in both sets, walking them in step.
func (a wordSet) shared(b wordSet) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// appendTo writes the set's size and its hashes, two bytes each.
func (a wordSet) appendTo(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(a)))
	for _, h := range a {
		b = binary.BigEndian.AppendUint16(b, h)
	}
	return b
}

// readWordSet reads a set written by appendTo from the front of b and
// returns what follows it.
func readWordSet(b []byte) (wordSet, []byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k)/2 {
		return nil, nil, errBadSignature
	}
	b = b[k:]
	s := make(wordSet, n)
	for i := range s {
		s[i] = binary.BigEndian.Uint16(b[2*i:])
		if i > 0 && s[i] <= s[i-1] {
			return nil, nil, errBadSignature
		}
	}
	return s, b[2*n:], nil
}
