package request

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/document"
	"github.com/skillarena/arena/server/refusal"
)

func TestFailTranslatesServiceErrors(t *testing.T) {
	for _, tc := range []struct {
		err          error
		status       int
		code, prefix string
	}{
		{refusal.Invalidf("challenge: %q is not a challenge of this contest", "x"), 400, "bad_request", "challenge:"},
		{refusal.NotFoundf("no submission %s", "run-9"), 404, "not_found", "no submission run-9"},
		{refusal.Forbiddenf("you are not a contestant of run"), 403, "forbidden", "you are not"},
		{fmt.Errorf("wrapped: %w", refusal.Conflictf("the contest has ended")), 409, "conflict", "the contest has ended"},
		{refusal.Limitedf("wait %d s between submissions", 30), 429, "rate_limited", "wait 30 s"},
		{contest.ErrNotFound, 404, "not_found", "no such contest"},
		{certificate.ErrFinalized, 409, "conflict", certificate.ErrFinalized.Error()},
		{document.ErrNoFont, 503, "unavailable", document.ErrNoFont.Error()},
		{clarification.ErrNotFound, 404, "not_found", "no such clarification"},
		{Conflict("as it is"), 409, "conflict", "as it is"},
		{errors.New("redis: connection refused"), 500, "internal", "something went wrong"},
		{fmt.Errorf("load contest: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), 503, "unavailable", "the service is briefly unavailable"},
		{fmt.Errorf("read board: %w", io.EOF), 503, "unavailable", "the service is briefly unavailable"},
		{fmt.Errorf("submit: %w", redis.ErrPoolTimeout), 503, "unavailable", "the service is briefly unavailable"},
		{redis.ErrClosed, 500, "internal", "something went wrong"},
	} {
		var e *Error
		if !errors.As(Fail(tc.err), &e) {
			t.Fatalf("%v: not an *Error", tc.err)
		}
		if e.Status != tc.status || e.Code != tc.code || len(e.Message) < len(tc.prefix) || e.Message[:len(tc.prefix)] != tc.prefix {
			t.Errorf("%v: got %d %s %q, want %d %s %q…", tc.err, e.Status, e.Code, e.Message, tc.status, tc.code, tc.prefix)
		}
	}
}
