package stories

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"slices"
)

// wordSet is a set of words as ascending, distinct 32-bit hashes: small to
// store and cheap to intersect.
type wordSet []uint32

func newWordSet(words []string) wordSet {
	s := make(wordSet, 0, len(words))
	for _, w := range words {
		h := fnv.New32a()
		h.Write([]byte(w))
		s = append(s, h.Sum32())
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

// appendTo writes the set's size and its hashes as varint gaps: sorted
// hashes of a few hundred words take about three bytes each.
func (a wordSet) appendTo(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(a)))
	prev := uint32(0)
	for _, h := range a {
		b = binary.AppendUvarint(b, uint64(h-prev))
		prev = h
	}
	return b
}

// readWordSet reads a set written by appendTo from the front of b and
// returns what follows it.
func readWordSet(b []byte) (wordSet, []byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, nil, errBadSignature
	}
	b = b[k:]
	s := make(wordSet, 0, n)
	prev := uint64(0)
	for range n {
		d, k := binary.Uvarint(b)
		if k <= 0 || prev+d > math.MaxUint32 || (len(s) > 0 && d == 0) {
			return nil, nil, errBadSignature
		}
		prev += d
		s = append(s, uint32(prev))
		b = b[k:]
	}
	return s, b, nil
}
