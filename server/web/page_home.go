package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
)

type homeContest struct {
	ID    string
	Title string
	State contest.State
	Start time.Time
	End   time.Time
}

type homePageData struct {
	page
	Contests []homeContest
}

// homePage lists the contests; with only one, it goes straight to it.
func (s *Site) homePage(c *fiber.Ctx) error {
	cs, err := s.Contests.List(c.UserContext())
	if err != nil {
		return request.Internal(err)
	}
	if len(cs) == 1 {
		return c.Redirect("/contests/"+cs[0].ID, fiber.StatusFound)
	}
	d := homePageData{page: s.newPage(c, "home.title")}
	now := s.Now()
	for _, ct := range cs {
		d.Contests = append(d.Contests, homeContest{ID: ct.ID, Title: ct.Title.In(d.Lang), State: ct.StateAt(now), Start: ct.Start, End: ct.End})
	}
	return s.render(c, "home", d)
}
