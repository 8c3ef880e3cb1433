package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/request"
)

func (s *server) getScoreboard(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	b, err := s.Board.Read(c.UserContext(), ct.ID, request.BoardView(c))
	if err != nil {
		return request.Internal(err)
	}
	return c.JSON(b)
}
