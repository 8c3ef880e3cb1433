package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
)

type contestPageData struct {
	page
	Challenges      int
	Announcements   []clarification.Clarification
	ChallengeTitles map[string]string
}

// challengeTitles maps each challenge's slug to its title in lang.
func challengeTitles(ct *contest.Contest, lang string) map[string]string {
	m := make(map[string]string, len(ct.Challenges))
	for _, ch := range ct.Challenges {
		m[ch.Slug] = ch.Title.In(lang)
	}
	return m
}

// contestHomePage shows a contest: countdown, times, rules, the menu for
// the visitor's role and, once logged in, the announcements, live.
func (s *Site) contestHomePage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "contest.title", "home")
	if err != nil {
		return err
	}
	p.Title = ct.Title.In(p.Lang)
	d := contestPageData{page: p, Challenges: len(ct.Challenges), ChallengeTitles: challengeTitles(ct, p.Lang)}
	if u, ok := request.User(c); ok {
		if d.Event, err = s.lastEvent(c, ct.ID); err != nil {
			return err
		}
		list, err := s.Clarifications.List(c.UserContext(), ct.ID, u.Username, false)
		if err != nil {
			return request.Internal(err)
		}
		for _, cl := range list {
			if cl.Public {
				d.Announcements = append(d.Announcements, cl)
			}
		}
	}
	return s.render(c, "contest", d)
}
