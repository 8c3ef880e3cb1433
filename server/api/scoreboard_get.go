package api

import (
	"github.com/gofiber/fiber/v2"
)

func (s *server) getScoreboard(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	b, err := s.Board.Read(c.UserContext(), ct.ID)
	if err != nil {
		return errInternal(err)
	}
	return c.JSON(b)
}
