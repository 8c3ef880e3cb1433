package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/request"
)

// getSubmission shows one submission to its contestant or to the jury.
func (s *server) getSubmission(c *fiber.Ctx) error {
	sub, _, err := request.ShownSubmission(c, s.Judging)
	if err != nil {
		return err
	}
	return c.JSON(sub)
}
