package stories

import (
	"encoding/binary"
	"errors"
	"time"
)

// signatureFormat is the first byte of an encoded signature; a signature
// of another format is unreadable, and its article is simply not compared.
const signatureFormat = 2

var errBadSignature = errors.New("stories: not a signature")

// MarshalBinary encodes the signature compactly (a few hundred bytes) for
// the store, which keeps it beside its article while it can still be
// matched.
func (s Signature) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 16+2*(len(s.Lead)+len(s.Title)+len(s.Names)))
	b = append(b, signatureFormat)
	var at int64
	if !s.At.IsZero() {
		at = s.At.Unix()
	}
	b = binary.AppendVarint(b, at)
	b = s.Lead.appendTo(b)
	b = s.Title.appendTo(b)
	return s.Names.appendTo(b), nil
}

// UnmarshalBinary reads a signature written by MarshalBinary.
func (s *Signature) UnmarshalBinary(b []byte) error {
	if len(b) == 0 || b[0] != signatureFormat {
		return errBadSignature
	}
	at, k := binary.Varint(b[1:])
	if k <= 0 {
		return errBadSignature
	}
	b = b[1+k:]
	var out Signature
	if at != 0 {
		out.At = time.Unix(at, 0).UTC()
	}
	var err error
	if out.Lead, b, err = readWordSet(b); err != nil {
		return err
	}
	if out.Title, b, err = readWordSet(b); err != nil {
		return err
	}
	if out.Names, b, err = readWordSet(b); err != nil {
		return err
	}
	if len(b) != 0 {
		return errBadSignature
	}
	*s = out
	return nil
}
