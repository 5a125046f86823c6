package briefs

import (
	"errors"
	"fmt"
)

// Error codes. A code says what kind of failure happened so that each adapter
// can map it to its own vocabulary (an exit code, an ephemeral Discord reply).
const (
	EINVALID     = "invalid"     // the caller sent something we cannot use
	ENOTFOUND    = "not_found"   // nothing matched
	EFORBIDDEN   = "forbidden"   // the caller lacks the permission the action needs
	ECONFLICT    = "conflict"    // the thing exists already (a slug that is taken)
	ETOOLARGE    = "too_large"   // input over a configured limit
	EUNAVAILABLE = "unavailable" // a dependency (Redis, a web site) did not answer
	EINTERNAL    = "internal"    // a bug or an unexpected failure
)

// Error is a failure the person who caused it should read. Message is written
// for that person; the wrapped chain (fmt.Errorf("...: %w", err)) is for logs.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("briefbot error: code=%s message=%s", e.Code, e.Message)
}

// Errorf is a helper that returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain; any other error is hidden behind a generic message, since its text
// may carry internals that are not the user's business.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrSite marks a failure of a web site that briefbot fetched (it did not
// answer in time, refused the connection, has a bad certificate...): the
// *Error in such a chain is written for the user and names the site, not
// briefbot's own services, so adapters show it as it is rather than a
// generic "unavailable" message.
var ErrSite = errors.New("the web site failed")
