package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/submission"
)

type rejudgePageData struct {
	page
	Batch   *submission.Batch
	Done    int
	Changed int
}

// rejudgeForm starts a rejudge (one submission, or a challenge and/or a
// contestant) and shows its preview.
func (s *Site) rejudgeForm(c *fiber.Ctx) error {
	b, err := request.Rejudge(c, s.Contests, s.Judging)
	if err != nil {
		return err
	}
	return seeOther(c, "/contests/"+c.Params("cid")+"/rejudges/"+b.ID, "rejudge_started")
}

// rejudgePage previews a rejudge: old and new verdict of every submission,
// what would change; apply or cancel. rejudge.js refreshes it while grading runs.
func (s *Site) rejudgePage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "rejudge.title_short", "submissions")
	if err != nil {
		return err
	}
	b, err := s.Submissions.Rejudge(c.UserContext(), ct.ID, c.Params("rid"))
	if errors.Is(err, submission.ErrBatchNotFound) {
		return request.Say(request.NotFound(""), "refusal.no_rejudge", c.Params("rid"))
	}
	if err != nil {
		return request.Internal(err)
	}
	d := rejudgePageData{page: p, Batch: b}
	for _, e := range b.Entries {
		if e.New != nil {
			d.Done++
		}
		if e.Changed {
			d.Changed++
		}
	}
	return s.render(c, "rejudge", d)
}

// rejudgeFinishForm applies or cancels a rejudge.
func (s *Site) rejudgeFinishForm(apply bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, _ := request.User(c)
		if _, err := s.Judging.FinishRejudge(c.UserContext(), c.Params("cid"), c.Params("rid"), apply, u.Username); err != nil {
			return request.Fail(err)
		}
		ok := "rejudge_cancelled"
		if apply {
			ok = "rejudge_applied"
		}
		return seeOther(c, "/contests/"+c.Params("cid")+"/rejudges/"+c.Params("rid"), ok)
	}
}
