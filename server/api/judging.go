package api

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/submission"
)

// Judging control: rejudge (preview, apply, cancel), manual override, the
// queue, the submission list and sources. Judges and organizers only, except
// where a contestant reads their own.

func (s *server) startRejudge(c *fiber.Ctx) error {
	b, err := request.Rejudge(c, s.Contests, s.Judging)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(b)
}

func (s *server) getRejudge(c *fiber.Ctx) error {
	b, err := s.Submissions.Rejudge(c.UserContext(), c.Params("cid"), c.Params("rid"))
	if errors.Is(err, submission.ErrBatchNotFound) {
		return request.NotFound("no rejudge " + c.Params("rid"))
	}
	if err != nil {
		return request.Internal(err)
	}
	return c.JSON(b)
}

// maxRejudgesListed bounds GET .../rejudges.
const maxRejudgesListed = 200

func (s *server) listRejudges(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	bs, err := s.Submissions.Rejudges(c.UserContext(), ct.ID, maxRejudgesListed)
	if err != nil {
		return request.Internal(err)
	}
	return c.JSON(bs)
}

func (s *server) finishRejudge(apply bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, _ := request.User(c)
		b, err := s.Judging.FinishRejudge(c.UserContext(), c.Params("cid"), c.Params("rid"), apply, u.Username)
		if err != nil {
			return request.Fail(err)
		}
		return c.JSON(b)
	}
}

func (s *server) overrideSubmission(c *fiber.Ctx) error {
	var req judging.Override
	if err := c.BodyParser(&req); err != nil {
		return request.BadRequest("body must be JSON {outcome, score, reason}")
	}
	u, _ := request.User(c)
	sub, err := s.Judging.Override(c.UserContext(), c.Params("sid"), req, u.Username)
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(sub)
}

func (s *server) judgingQueue(c *fiber.Ctx) error {
	all, err := s.Submissions.Queue(c.UserContext(), 500)
	if err != nil {
		return request.Internal(err)
	}
	juries := map[string]bool{}
	q := []submission.QueueEntry{}
	for _, e := range all {
		on, seen := juries[e.Contest]
		if !seen {
			ct, err := s.Contests.Get(c.UserContext(), e.Contest)
			on = err == nil && request.OnJury(c, ct)
			juries[e.Contest] = on
		}
		if on {
			q = append(q, e)
		}
	}
	w, err := s.Submissions.Workers(c.UserContext())
	if err != nil {
		return request.Internal(err)
	}
	return c.JSON(fiber.Map{"jobs": q, "workers": w})
}

// listSubmissions lists a contest's submissions: all of them for the jury
// (filter by challenge, contestant, outcome), a contestant's own otherwise.
func (s *server) listSubmissions(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	u, _ := request.User(c)
	f := submission.Filter{Challenge: c.Query("challenge"), Contestant: c.Query("contestant"), Outcome: c.Query("outcome")}
	if !ct.IsJury(u) {
		f.Contestant = u.Username
	}
	subs, err := s.Submissions.List(c.UserContext(), ct.ID, f, 500, 20000)
	if err != nil {
		return request.Internal(err)
	}
	for i := range subs {
		subs[i] = judging.ForViewer(u, ct, subs[i])
	}
	return c.JSON(subs)
}

// getSource sends a submission's file to its contestant or the jury.
func (s *server) getSource(c *fiber.Ctx) error {
	sub, _, err := request.VisibleSubmission(c, s.Judging)
	if err != nil {
		return err
	}
	data, err := s.Blobs.Get(c.UserContext(), sub.Blob)
	if errors.Is(err, blob.ErrNotFound) {
		return request.NotFound("the file of " + sub.ID + " is missing from the blob store")
	}
	if err != nil {
		return request.Internal(err)
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+request.SafeFileName(sub.FileName, sub.ID)+`"`)
	return c.Send(data)
}
