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

// TextOf is err as a message: its code where it has one, else its English
// as it is.
func TextOf(err error) message.Text {
	var e *Error
	var inv *InvalidError
	switch {
	case errors.As(err, &e):
		return e.Text
	case errors.As(err, &inv):
		return inv.Text
	}
	return message.Plain(err.Error())
}
