package request

import (
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/document"
	"github.com/skillarena/arena/server/refusal"
	"github.com/skillarena/arena/server/submission"
)

// Error is an error with a safe public message; the cause stays in the log.
type Error struct {
	Status  int
	Code    string
	Message string
	Cause   error
	// Text is Message as a code and arguments (internal/message), for the
	// UI to say in the reader's language; empty where there is none.
	Text message.Text
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Cause }

// BadRequest answers 400.
func BadRequest(msg string) error {
	return &Error{Status: fiber.StatusBadRequest, Code: "bad_request", Message: msg}
}

// NotFound answers 404.
func NotFound(msg string) error {
	return &Error{Status: fiber.StatusNotFound, Code: "not_found", Message: msg}
}

// Forbidden answers 403.
func Forbidden(msg string) error {
	return &Error{Status: fiber.StatusForbidden, Code: "forbidden", Message: msg}
}

// Unauthorized answers 401.
func Unauthorized(msg string) error {
	return &Error{Status: fiber.StatusUnauthorized, Code: "unauthorized", Message: msg}
}

// Conflict answers 409.
func Conflict(msg string) error {
	return &Error{Status: fiber.StatusConflict, Code: "conflict", Message: msg}
}

// TooMany answers 429.
func TooMany(msg string) error {
	return &Error{Status: fiber.StatusTooManyRequests, Code: "rate_limited", Message: msg}
}

// Internal answers 500 and keeps cause for the log; while the store is
// down or failing over, 503 (sent with Retry-After).
func Internal(cause error) error {
	if storeDown(cause) {
		return &Error{Status: fiber.StatusServiceUnavailable, Code: "unavailable", Message: "the service is briefly unavailable; try again in a few seconds", Cause: cause}
	}
	return &Error{Status: fiber.StatusInternalServerError, Code: "internal", Message: "something went wrong on our side; it has been logged", Cause: cause}
}

// Say is err, an *Error, saying the message code with args
// (internal/message) instead: its Message becomes the code's English.
func Say(err error, code string, args ...any) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	t := message.New(code, args...)
	said := *e
	said.Message, said.Text = t.String(), t
	return &said
}

// RetryAfter is the Retry-After of a 503, in seconds.
const RetryAfter = "5"

// storeDown reports whether err says Redis cannot be reached or cannot
// take writes now (a failover, a restart loading its data), as opposed to
// a fault in SkillArena.
func storeDown(err error) bool {
	var ne net.Error
	switch {
	case err == nil:
		return false
	case errors.As(err, &ne), errors.Is(err, redis.ErrPoolTimeout), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	}
	for _, prefix := range []string{"LOADING", "READONLY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"} {
		if redis.HasErrorPrefix(err, prefix) {
			return true
		}
	}
	return false
}

// CSRF is the answer to a cookie-authenticated write without the CSRF token.
func CSRF() error {
	return &Error{Status: fiber.StatusForbidden, Code: "csrf", Message: "missing or wrong " + CSRFHeader + " header (or " + CSRFField + " form field)"}
}

// Body is the JSON shape of every error answer.
type Body struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		// MessageCode and MessageArgs are Message as a code with its
		// arguments (internal/message; the UI's "msg.CODE"), where it has one.
		MessageCode string   `json:"message_code,omitempty"`
		MessageArgs []string `json:"message_args,omitempty"`
		// MessageInner is the message said first, where one is said inside another.
		MessageInner *message.Text `json:"message_inner,omitempty"`
	} `json:"error"`
}

// refused is the answer to a refusal, by its kind.
func refused(r *refusal.Error) error {
	var err error
	switch r.Kind {
	case refusal.Invalid:
		err = BadRequest(r.Message)
	case refusal.NotFound:
		err = NotFound(r.Message)
	case refusal.Forbidden:
		err = Forbidden(r.Message)
	case refusal.Conflict:
		err = Conflict(r.Message)
	case refusal.Limited:
		err = TooMany(r.Message)
	default:
		return Internal(r)
	}
	err.(*Error).Text = r.Text
	return err
}

// Fail translates what a service returned into the answer to send: a
// refusal by its kind, the stores' own errors by what they mean, anything
// else as an internal error.
func Fail(err error) error {
	var e *Error
	var inv *contest.InvalidError
	var ie *certificate.InputError
	if errors.As(err, &e) {
		return e
	}
	if r, ok := refusal.As(err); ok {
		return refused(r)
	}
	switch {
	case errors.Is(err, submission.ErrUnconfirmed):
		return &Error{Status: fiber.StatusServiceUnavailable, Code: "unconfirmed", Message: "your submission was recorded, but the database could not yet confirm it is safe: look at your submissions before sending it again", Cause: err}
	case errors.Is(err, contest.ErrNotFound):
		return Say(NotFound(""), "refusal.no_contest")
	case errors.Is(err, contest.ErrNotEnded):
		return Say(Conflict(""), "refusal.not_ended")
	case errors.As(err, &inv):
		e := BadRequest(inv.Error()).(*Error)
		e.Text = inv.Text
		return e
	case errors.Is(err, certificate.ErrNotFound):
		return Say(NotFound(""), "cert.not_found")
	case errors.Is(err, certificate.ErrNoRules):
		return Say(Conflict(""), "cert.no_rules")
	case errors.Is(err, certificate.ErrNotFinal):
		return Say(Conflict(""), "cert.not_final")
	case errors.Is(err, certificate.ErrFinalized):
		return Say(Conflict(""), "cert.finalized")
	case errors.Is(err, certificate.ErrNotFinalized):
		return Say(Conflict(""), "cert.not_finalized")
	case errors.Is(err, certificate.ErrRevoked):
		return Say(Conflict(""), "cert.revoked")
	case errors.As(err, &ie):
		// The cause keeps the file's problems, each a code, for a page to list.
		return &Error{Status: fiber.StatusBadRequest, Code: "bad_request", Message: ie.Error(), Text: ie.Text, Cause: ie}
	case errors.Is(err, document.ErrNoFont):
		return &Error{Status: fiber.StatusServiceUnavailable, Code: "unavailable", Message: err.Error(), Cause: err}
	case errors.Is(err, clarification.ErrNotFound):
		return Say(NotFound(""), "refusal.no_clarification")
	case errors.Is(err, clarification.ErrEmpty):
		return Say(BadRequest(""), "refusal.text_empty")
	case errors.Is(err, clarification.ErrTooLong):
		return Say(BadRequest(""), "refusal.text_too_long", clarification.MaxText)
	}
	return Internal(err)
}

// CodeFor is the error code of a status Fiber itself answers with.
func CodeFor(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "not_found"
	case fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "too_large"
	case fiber.StatusBadRequest:
		return "bad_request"
	case fiber.StatusUnauthorized:
		return "unauthorized"
	case fiber.StatusForbidden:
		return "forbidden"
	}
	if status >= 500 {
		return "internal"
	}
	return "error"
}
