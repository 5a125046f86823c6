// Package stories will group articles that report the same event.
package stories
