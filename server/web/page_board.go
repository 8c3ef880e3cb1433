package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
)

type boardChallenge struct {
	Slug  string
	Title string
}

type boardPageData struct {
	page
	View       scoreboard.View
	Scoring    string
	Frozen     bool
	Challenges []boardChallenge
	// Source is the board's JSON, which the page preloads and board.js draws.
	Source string
	// Columns is how many columns a row has; StatsSpan how many the
	// footer's label spans, before the challenges.
	Columns   int
	StatsSpan int
	// Elapsed is the contest time so far in seconds, Length the contest's.
	Elapsed, Length int64
}

// boardPage is the board: the jury's live view for judges (?view=public for
// the frozen one, as a projector in the hall shows it), the public view for
// everyone else. The page itself carries no rows, so it costs the same for
// 50 contestants or 5,000: board.js fetches the board's JSON (encoded and
// gzipped once per event, with an ETag) and draws only the rows in sight;
// it keeps the board live, animates rank changes, follows the reveal, and
// has the projector's fullscreen and auto-scroll.
func (s *Site) boardPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "board.title", "board")
	if err != nil {
		return err
	}
	view := request.BoardView(c, ct)
	d := boardPageData{page: p, View: view, Scoring: ct.Scoring, Frozen: frozen(ct, view),
		Source: "/api/contests/" + ct.ID + "/scoreboard"}
	if view == scoreboard.Public && p.IsJury() {
		d.Source += "?view=public"
	}
	for _, ch := range ct.Challenges {
		d.Challenges = append(d.Challenges, boardChallenge{Slug: ch.Slug, Title: ch.Title.In(p.Lang)})
	}
	d.Columns = 4 + len(d.Challenges)
	if ct.Scoring == contest.ScoringICPC {
		d.Columns++
	}
	d.StatsSpan = d.Columns - len(d.Challenges)
	d.Length = int64(ct.End.Sub(ct.Start) / time.Second)
	d.Elapsed = min(d.Length, max(0, int64(s.Now().Sub(ct.Start)/time.Second)))
	return s.render(c, "board", d)
}

// frozen reports whether view of ct's board hides results after the freeze,
// as scoreboard.Board.Frozen says once it is read.
func frozen(ct *contest.Contest, view scoreboard.View) bool {
	p := ct.BoardParams()
	return view == scoreboard.Public && p.Freeze >= 0 && !p.Unfrozen
}
