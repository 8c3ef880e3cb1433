package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/request"
)

// getSimilarity reports, for the jury, how alike the contestants' last
// submissions to ?challenge= are (judging.Service.Similarity).
func (s *server) getSimilarity(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	slug := c.Query("challenge")
	if slug == "" {
		return request.BadRequest("name the challenge: ?challenge=SLUG")
	}
	r, err := s.Judging.Similarity(c.UserContext(), ct, slug)
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(r)
}
