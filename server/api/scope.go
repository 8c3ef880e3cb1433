package api

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/submission"
)

// scope is the contest a request acts in (request.Scope): the :cid
// contest, the contest of the :sid submission or of the :number
// certificate, or ?contest= (or the form's contest field); nil when it
// names none.
func (s *server) scope(c *fiber.Ctx) (*contest.Contest, error) {
	ctx := c.UserContext()
	cid := c.Params("cid")
	switch {
	case cid != "":
	case c.Params("sid") != "":
		sub, err := s.Submissions.Get(ctx, c.Params("sid"))
		if errors.Is(err, submission.ErrNotFound) {
			return nil, request.NotFound("no submission " + c.Params("sid"))
		}
		if err != nil {
			return nil, request.Internal(err)
		}
		cid = sub.Contest
	case c.Params("number") != "" && s.Certificates != nil:
		r, err := s.Certificates.Record(ctx, c.Params("number"))
		if err != nil {
			return nil, request.Fail(err)
		}
		cid = r.Contest
	default:
		cid = formOrQuery(c, "contest")
	}
	if cid == "" {
		return nil, nil
	}
	ct, err := s.Contests.Get(ctx, cid)
	if errors.Is(err, contest.ErrNotFound) {
		return nil, request.NotFound("no contest " + cid)
	}
	if err != nil {
		return nil, request.Internal(err)
	}
	return ct, nil
}

// organizes reports whether the caller organizes contest cid.
func (s *server) organizes(c *fiber.Ctx, cid string) bool {
	ct, err := s.Contests.Get(c.UserContext(), cid)
	return err == nil && request.Organizes(c, ct)
}
