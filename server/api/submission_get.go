package api

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/submission"
)

// getSubmission shows one submission to its contestant or to the jury.
func (s *server) getSubmission(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	sub, err := s.Submissions.Get(c.UserContext(), c.Params("sid"))
	if errors.Is(err, submission.ErrNotFound) {
		return errNotFound("no submission " + c.Params("sid"))
	}
	if err != nil {
		return errInternal(err)
	}
	if sub.Contestant != u.Username && !isJury(u) {
		// Same answer as a missing one: contestants learn nothing of others' submissions.
		return errNotFound("no submission " + c.Params("sid"))
	}
	ct, err := s.Contests.Get(c.UserContext(), sub.Contest)
	if err != nil {
		return errInternal(err)
	}
	return c.JSON(s.forViewer(u, ct, sub))
}
