package api

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
)

// contestView is a contest as the API shows it.
type contestView struct {
	ID     string          `json:"id"`
	Title  challenges.Text `json:"title"`
	Start  time.Time       `json:"start"`
	End    time.Time       `json:"end"`
	Freeze *time.Time      `json:"freeze,omitempty"`
	// Timezone is where the contest takes place (IANA name); the times
	// above are UTC.
	Timezone string `json:"timezone"`
	Scoring  string `json:"scoring"`
	// PenaltyMinutes applies to icpc scoring.
	PenaltyMinutes      int64          `json:"penalty_minutes"`
	Limits              contest.Limits `json:"limits"`
	AttemptsAfterAccept bool           `json:"attempts_after_accept"`
	State               contest.State  `json:"state"`
	// Frozen: the public board hides results after the freeze now.
	Frozen bool `json:"frozen"`
	// Unfrozen: the organizer revealed the board; results are final.
	Unfrozen   bool `json:"unfrozen"`
	Revealing  bool `json:"revealing"`
	Challenges int  `json:"challenges"`
}

func (s *server) viewContest(c *contest.Contest) contestView {
	now := s.Now()
	return contestView{ID: c.ID, Title: c.Title, Start: c.Start, End: c.End, Freeze: c.Freeze,
		Timezone: c.Location().String(), Scoring: c.Scoring, PenaltyMinutes: c.PenaltyMinutes, Limits: c.Limits, AttemptsAfterAccept: c.AttemptsAfterAccept,
		State: c.StateAt(now), Frozen: c.FrozenAt(now) && (!c.Unfrozen || c.Revealing), Unfrozen: c.Unfrozen,
		Revealing: c.Revealing, Challenges: len(c.Challenges)}
}

func (s *server) listContests(c *fiber.Ctx) error {
	cs, err := s.Contests.List(c.UserContext())
	if err != nil {
		return request.Internal(err)
	}
	out := make([]contestView, len(cs))
	for i, ct := range cs {
		out[i] = s.viewContest(ct)
	}
	return c.JSON(out)
}

func (s *server) getContest(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	return c.JSON(s.viewContest(ct))
}

// contest loads the contest named by the :cid parameter.
func (s *server) contest(c *fiber.Ctx) (*contest.Contest, error) {
	return request.Contest(c, s.Contests)
}
