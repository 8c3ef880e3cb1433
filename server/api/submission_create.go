package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/submission"
)

type createdSubmission struct {
	ID     string            `json:"id"`
	Status submission.Status `json:"status"`
}

// createSubmission takes a submission through judging.Service.Submit:
// docs/architecture.md's spine, step 1.
func (s *server) createSubmission(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	u, _ := request.User(c)
	sub, err := s.Judging.Submit(c.UserContext(), ct, judging.Entry{Contestant: u.Username,
		Challenge: c.FormValue("challenge"), Language: c.FormValue("language"),
		Source: func() ([]byte, string, error) { return request.SubmittedFile(c, s.Judging.MaxBytes) }})
	if err != nil {
		return request.Fail(err)
	}
	return c.Status(fiber.StatusAccepted).JSON(createdSubmission{ID: sub.ID, Status: sub.Status})
}
