package api

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/submission"
)

type rejudgePageData struct {
	page
	Batch   *submission.Batch
	Done    int
	Changed int
}

// rejudgeForm starts a rejudge (one submission, or a challenge and/or a
// contestant) through the API's own handler and shows its preview.
func (s *server) rejudgeForm(c *fiber.Ctx) error {
	var b submission.Batch
	if err := callAPI(c, s.startRejudge, &b); err != nil {
		return err
	}
	return seeOther(c, "/contests/"+c.Params("cid")+"/rejudges/"+b.ID, "rejudge_started")
}

// rejudgePage previews a rejudge: old and new verdict of every submission,
// what would change; apply or cancel. rejudge.js refreshes it while grading runs.
func (s *server) rejudgePage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "rejudge.title_short", "submissions")
	if err != nil {
		return err
	}
	b, err := s.Submissions.Rejudge(c.UserContext(), ct.ID, c.Params("rid"))
	if errors.Is(err, submission.ErrBatchNotFound) {
		return errNotFound("no rejudge " + c.Params("rid"))
	}
	if err != nil {
		return errInternal(err)
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

// rejudgeFinishForm applies or cancels a rejudge through the API's own handler.
func (s *server) rejudgeFinishForm(apply bool) fiber.Handler {
	h := s.finishRejudge(apply)
	return func(c *fiber.Ctx) error {
		if err := callAPI(c, h, nil); err != nil {
			return err
		}
		ok := "rejudge_cancelled"
		if apply {
			ok = "rejudge_applied"
		}
		return seeOther(c, "/contests/"+c.Params("cid")+"/rejudges/"+c.Params("rid"), ok)
	}
}
