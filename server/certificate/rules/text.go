package rules

import (
	"errors"

	"github.com/skillarena/arena/internal/message"
)

// Error is a rule or value that breaks a rule, as a message code with its
// arguments (internal/message); Error() is its English.
type Error struct{ Text message.Text }

func (e *Error) Error() string { return e.Text.String() }

// says is the Error with message code and args.
func says(code string, args ...any) error { return &Error{Text: message.New(code, args...)} }

// saysOf is the Error with message code saying inner first, then args.
func saysOf(code string, inner message.Text, args ...any) error {
	return &Error{Text: message.Wrap(code, inner, args...)}
}

// TextOf is err as a message: its code where it has one, else its English
// as it is.
func TextOf(err error) message.Text {
	var e *Error
	if errors.As(err, &e) {
		return e.Text
	}
	return message.Plain(err.Error())
}
