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
	// Names are the contestants' names.
	Names map[string]string
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
	if d.Names, err = s.contestantNames(c, ct.ID); err != nil {
		return err
	}
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

// rejudgeListed is one line of the rejudge list.
type rejudgeListed struct {
	*submission.Batch
	Done, Changed int
}

type rejudgesPageData struct {
	page
	Rejudges []rejudgeListed
}

// maxRejudgesListed bounds the rejudge list.
const maxRejudgesListed = 200

// rejudgesPage lists the contest's rejudges, newest first: who started
// each and why, its state, how far grading has come and what it changes.
func (s *Site) rejudgesPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "jury.rejudges_title", "submissions")
	if err != nil {
		return err
	}
	bs, err := s.Submissions.Rejudges(c.UserContext(), ct.ID, maxRejudgesListed)
	if err != nil {
		return request.Internal(err)
	}
	d := rejudgesPageData{page: p}
	for _, b := range bs {
		r := rejudgeListed{Batch: b}
		for _, e := range b.Entries {
			if e.New != nil {
				r.Done++
			}
			if e.Changed {
				r.Changed++
			}
		}
		d.Rejudges = append(d.Rejudges, r)
	}
	return s.render(c, "rejudges", d)
}
