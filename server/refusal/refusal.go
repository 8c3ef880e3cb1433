// Package refusal is how a service turns a request down: what kind of
// refusal and why, in words safe to show the caller. The HTTP layer maps
// each kind to its status (server/request).
package refusal

import (
	"errors"
	"fmt"

	"github.com/skillarena/arena/internal/message"
)

// Kind is what kind of refusal it is.
type Kind int

// Kinds of refusal.
const (
	// Invalid: the request itself is wrong (a field, a file).
	Invalid Kind = iota + 1
	// NotFound: the thing asked for does not exist, or the caller may not know of it.
	NotFound
	// Forbidden: the caller may not do this.
	Forbidden
	// Conflict: the state of things does not allow it now.
	Conflict
	// Limited: a limit is used up (a count, a rate, an interval).
	Limited
)

// Error is a refusal with its public message: in English, and as a code
// with arguments for the UI to say in the reader's language (empty where a
// refusal has no code yet: the UI shows the English).
type Error struct {
	Kind    Kind
	Message string
	Text    message.Text
}

func (e *Error) Error() string { return e.Message }

// Invalidf refuses a malformed request.
func Invalidf(format string, args ...any) error { return newf(Invalid, format, args...) }

// NotFoundf refuses a request for something that is not there.
func NotFoundf(format string, args ...any) error { return newf(NotFound, format, args...) }

// Forbiddenf refuses a caller who may not do this.
func Forbiddenf(format string, args ...any) error { return newf(Forbidden, format, args...) }

// Conflictf refuses what the current state does not allow.
func Conflictf(format string, args ...any) error { return newf(Conflict, format, args...) }

// Limitedf refuses what a used-up limit does not allow.
func Limitedf(format string, args ...any) error { return newf(Limited, format, args...) }

// New refuses with the message code and its arguments (internal/message).
func New(k Kind, code string, args ...any) error {
	t := message.New(code, args...)
	return &Error{Kind: k, Message: t.String(), Text: t}
}

func newf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// As returns err's refusal, if it is one.
func As(err error) (*Error, bool) {
	var r *Error
	ok := errors.As(err, &r)
	return r, ok
}
