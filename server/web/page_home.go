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
	// Zone is the contest's, in which its times are shown.
	Zone *time.Location
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
	d := homePageData{page: s.newPage(c, "home.title")} // also remembers ?lang=
	if len(cs) == 1 {
		to := "/contests/" + cs[0].ID
		if c.Query("lang") != "" {
			to += "?lang=" + d.Lang
		}
		return c.Redirect(to, fiber.StatusFound)
	}
	now := s.Now()
	for _, ct := range cs {
		d.Contests = append(d.Contests, homeContest{ID: ct.ID, Title: ct.Title.In(d.Lang), State: ct.StateAt(now), Start: ct.Start, End: ct.End,
			Zone: ct.Location()})
	}
	return s.render(c, "home", d)
}
