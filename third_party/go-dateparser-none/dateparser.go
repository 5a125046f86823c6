// Package dateparser stands in for github.com/markusmobius/go-dateparser,
// which go-htmldate (used by go-trafilatura) imports for its extensive
// date search. briefbot never runs that search (trafilatura's date mode is
// Disabled: dates come from briefbot's own metadata reader), and the real
// package costs about 130 ms and 30 MB of heap at every start for its
// language tables, and 8 MB of binary with a WebAssembly regexp engine.
// This stand-in has the few names go-htmldate uses; Parse finds no date.
package dateparser

import (
	"errors"
	"time"
)

// ParserType names a parsing strategy.
type ParserType uint8

// The strategies go-htmldate asks for.
const (
	Timestamp ParserType = iota
	NegativeTimestamp
	RelativeTime
	CustomFormat
	AbsoluteTime
	NoSpacesTime
)

// PreferredDateSource says which side of now an ambiguous date falls on.
type PreferredDateSource uint8

// The date sources.
const (
	CurrentPeriod PreferredDateSource = iota
	Past
	Future
)

// Configuration of a parse; ignored.
type Configuration struct {
	PreferredDateSource PreferredDateSource
	StrictParsing       bool
	Languages           []string
	Locales             []string
	CurrentTime         time.Time
	DefaultTimezone     *time.Location
}

// Date is a parsed date.
type Date struct {
	Time time.Time
}

// Parser parses dates; this one never finds any.
type Parser struct {
	ParserTypes []ParserType
}

// ErrDisabled is returned by every Parse.
var ErrDisabled = errors.New("dateparser: not built into briefbot")

// Parse finds no date.
func (p *Parser) Parse(cfg *Configuration, str string, formats ...string) (Date, error) {
	return Date{}, ErrDisabled
}
