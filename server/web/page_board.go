package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
)

type boardChallenge struct {
	Slug  string
	Title string
}

type boardPageData struct {
	page
	Board      *scoreboard.Board
	View       scoreboard.View
	Challenges []boardChallenge
}

// boardPage is the board: the jury's live view for judges (?view=public for
// the frozen one, as a projector in the hall shows it), the public view for
// everyone else. board.js keeps it live, animates rank changes, follows the
// reveal, and has the projector's fullscreen and auto-scroll.
func (s *Site) boardPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "board.title", "board")
	if err != nil {
		return err
	}
	view := request.BoardView(c)
	b, err := s.Board.Read(c.UserContext(), ct.ID, view)
	if err != nil {
		return request.Internal(err)
	}
	d := boardPageData{page: p, Board: b, View: view}
	for _, ch := range ct.Challenges {
		d.Challenges = append(d.Challenges, boardChallenge{Slug: ch.Slug, Title: ch.Title.In(p.Lang)})
	}
	return s.render(c, "board", d)
}
