package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/frontend"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/scoreboard"
)

// lang picks the UI language: ?lang=, then the arena_lang cookie, then zh.
func lang(c *fiber.Ctx) string {
	for _, l := range []string{c.Query("lang"), c.Cookies("arena_lang")} {
		for _, known := range frontend.Langs {
			if l == known {
				return l
			}
		}
	}
	return frontend.Langs[0]
}

type boardChallenge struct {
	Slug  string
	Title string
}

type boardPageData struct {
	Lang       string
	Title      string
	Board      *scoreboard.Board
	Challenges []boardChallenge
}

func (s *server) boardPage(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	b, err := s.Board.Read(c.UserContext(), ct.ID, boardView(c))
	if err != nil {
		return errInternal(err)
	}
	l := lang(c)
	d := boardPageData{Lang: l, Title: ct.Title.In(l), Board: b}
	for _, ch := range ct.Challenges {
		d.Challenges = append(d.Challenges, boardChallenge{Slug: ch.Slug, Title: ch.Title.In(l)})
	}
	c.Type("html", "utf-8")
	return s.UI.Render(c, "board", d)
}

func (s *server) static(c *fiber.Ctx) error {
	data, ctype, ok := s.UI.Asset(c.Path())
	if !ok {
		return errNotFound("no such file")
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(data)
}

// home sends visitors to the board of the newest running contest.
func (s *server) home(c *fiber.Ctx) error {
	cs, err := s.Contests.List(c.UserContext())
	if err != nil {
		return errInternal(err)
	}
	for _, ct := range cs {
		if ct.StateAt(s.Now()) == contest.Running {
			return c.Redirect("/contests/"+ct.ID+"/board", fiber.StatusFound)
		}
	}
	if len(cs) > 0 {
		return c.Redirect("/contests/"+cs[0].ID+"/board", fiber.StatusFound)
	}
	c.Type("txt", "utf-8")
	return c.SendString(strings.TrimSpace("SkillArena: no contest yet."))
}
