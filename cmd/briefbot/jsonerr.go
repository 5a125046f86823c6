package main

import (
	"fmt"
	"regexp"
	"strings"
)

// JSON decoding errors name Go types ("Go value of type main.summarizeInput",
// "where store.snapshotHeader was expected"); a person who wrote the JSON
// wants the JSON they should have written instead.

var (
	// goTypeError is json.UnmarshalTypeError's own text.
	goTypeError = regexp.MustCompile(`json: cannot unmarshal (\w+(?: \S+)?) into Go (?:value|struct field \w+\.(\S+)) of type (\S+)`)
	// goTypeExpected is that error described by the store ("array where
	// store.snapshotHeader was expected"): a qualified, slice or map type.
	goTypeExpected = regexp.MustCompile(`(?:\b(array|object|number|string|bool) )?where ((?:\[\]|map\[)\S*|\w+\.\w+) was expected`)
)

// plainGoTypes rewrites the Go type names of JSON decoding errors in msg as
// the JSON a person should write.
func plainGoTypes(msg string) string {
	msg = goTypeError.ReplaceAllStringFunc(msg, func(m string) string {
		sub := goTypeError.FindStringSubmatch(m)
		if sub[2] != "" {
			return fmt.Sprintf("%q must be %s, not %s", sub[2], jsonWord(sub[3]), jsonValue(sub[1]))
		}
		return fmt.Sprintf("%s where %s was expected", jsonValue(sub[1]), jsonWord(sub[3]))
	})
	return goTypeExpected.ReplaceAllStringFunc(msg, func(m string) string {
		sub := goTypeExpected.FindStringSubmatch(m)
		got := ""
		if sub[1] != "" {
			got = jsonValue(sub[1]) + " "
		}
		return got + "where " + jsonWord(sub[2]) + " was expected"
	})
}

// jsonWord names the JSON that decodes into the Go type named goType.
func jsonWord(goType string) string {
	switch {
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "a number"
	case strings.HasPrefix(goType, "[]"), strings.HasPrefix(goType, "["):
		return "an array"
	case strings.HasPrefix(goType, "interface"), goType == "any":
		return "a value"
	}
	return "an object" // a map or a struct
}

// jsonValue names a JSON value as json.UnmarshalTypeError describes it
// ("array", "number", "number -5", "bool").
func jsonValue(v string) string {
	kind, _, _ := strings.Cut(v, " ")
	switch kind {
	case "array", "object":
		return "an " + kind
	case "bool":
		return "true or false"
	case "number", "string":
		return "a " + kind
	}
	return v
}
