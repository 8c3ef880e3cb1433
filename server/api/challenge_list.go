package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
)

type challengeView struct {
	Slug      string          `json:"slug"`
	Title     challenges.Text `json:"title"`
	Category  string          `json:"category"`
	Kind      string          `json:"kind"`
	Points    float64         `json:"points"`
	Languages []string        `json:"languages"`
}

// listChallenges shows a contest's challenges; contestants see them only
// once the contest has started.
func (s *server) listChallenges(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	u, _ := request.User(c)
	if !ct.IsJury(u) && ct.StateAt(s.Now()) == contest.NotStarted {
		return request.Forbidden("the contest has not started yet")
	}
	out := make([]challengeView, len(ct.Challenges))
	for i, ch := range ct.Challenges {
		out[i] = challengeView{Slug: ch.Slug, Title: ch.Title, Category: ch.Category,
			Kind: ch.Kind, Points: ch.Points, Languages: ch.Languages}
	}
	return c.JSON(out)
}
