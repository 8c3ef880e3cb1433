package api

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/submission"
)

// visibleSubmission loads the :sid submission if the caller may see it: its
// contestant or the jury. Others get the same answer as for a missing one,
// so contestants learn nothing of each other's submissions.
func (s *server) visibleSubmission(c *fiber.Ctx) (submission.Submission, error) {
	u, _ := currentUser(c)
	sub, err := s.Submissions.Get(c.UserContext(), c.Params("sid"))
	if errors.Is(err, submission.ErrNotFound) || err == nil && sub.Contestant != u.Username && !isJury(u) {
		return submission.Submission{}, errNotFound("no submission " + c.Params("sid"))
	}
	if err != nil {
		return submission.Submission{}, errInternal(err)
	}
	return sub, nil
}

// getSubmission shows one submission to its contestant or to the jury.
func (s *server) getSubmission(c *fiber.Ctx) error {
	sub, err := s.visibleSubmission(c)
	if err != nil {
		return err
	}
	ct, err := s.Contests.Get(c.UserContext(), sub.Contest)
	if err != nil {
		return errInternal(err)
	}
	u, _ := currentUser(c)
	return c.JSON(s.forViewer(u, ct, sub))
}
