package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/scoreboard"
)

// boardView is the view a request may see: the jury sees the live board
// (or the public one with ?view=public), everyone else the public board.
func boardView(c *fiber.Ctx) scoreboard.View {
	u, ok := currentUser(c)
	if ok && isJury(u) && c.Query("view") != string(scoreboard.Public) {
		return scoreboard.Jury
	}
	return scoreboard.Public
}

func (s *server) getScoreboard(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	b, err := s.Board.Read(c.UserContext(), ct.ID, boardView(c))
	if err != nil {
		return errInternal(err)
	}
	return c.JSON(b)
}
