package api

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/submission"
)

// Judging control: rejudge (preview, apply, cancel), manual override, the
// queue, the submission list and sources. Judges and organizers only, except
// where a contestant reads their own.

type rejudgeRequest struct {
	Submissions []string `json:"submissions"`
	Challenge   string   `json:"challenge"`
	Contestant  string   `json:"contestant"`
	Reason      string   `json:"reason"`
}

func (s *server) startRejudge(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	var req rejudgeRequest
	if err := c.BodyParser(&req); err != nil {
		return errBadRequest("body must be JSON {submissions: [...]} or {challenge, contestant}, with a reason")
	}
	if strings.TrimSpace(req.Reason) == "" {
		return errBadRequest("reason: say why (it goes into the audit log)")
	}
	sids := req.Submissions
	if len(sids) == 0 {
		if req.Challenge == "" && req.Contestant == "" {
			return errBadRequest("name submissions, a challenge or a contestant to rejudge")
		}
		if req.Challenge != "" {
			if _, ok := ct.Challenge(req.Challenge); !ok {
				return errBadRequest("challenge: " + req.Challenge + " is not in this contest")
			}
		}
		if sids, err = s.Submissions.Select(c.UserContext(), ct.ID, req.Challenge, req.Contestant); err != nil {
			return errInternal(err)
		}
	}
	if len(sids) == 0 {
		return errBadRequest("nothing matches: no submissions to rejudge")
	}
	u, _ := currentUser(c)
	b, err := s.Submissions.StartRejudge(c.UserContext(), ct.ID, sids, u.Username, req.Reason)
	if errors.Is(err, submission.ErrNotFound) || err != nil && strings.Contains(err.Error(), "not a submission of") {
		return errBadRequest(err.Error())
	}
	if err != nil {
		return errInternal(err)
	}
	if err := s.Audit.Append(c.UserContext(), ct.ID, audit.Entry{Who: u.Username, Action: "rejudge.start",
		Target: b.ID, Reason: req.Reason, Details: map[string]any{"submissions": sids}}); err != nil {
		return errInternal(err)
	}
	return c.Status(fiber.StatusAccepted).JSON(b)
}

func (s *server) getRejudge(c *fiber.Ctx) error {
	b, err := s.Submissions.Rejudge(c.UserContext(), c.Params("cid"), c.Params("rid"))
	if errors.Is(err, submission.ErrBatchNotFound) {
		return errNotFound("no rejudge " + c.Params("rid"))
	}
	if err != nil {
		return errInternal(err)
	}
	return c.JSON(b)
}

func (s *server) finishRejudge(apply bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cid, rid := c.Params("cid"), c.Params("rid")
		var b *submission.Batch
		var err error
		action := "rejudge.cancel"
		if apply {
			if err := s.resultsLocked(c, cid); err != nil {
				return err
			}
			action = "rejudge.apply"
			b, err = s.Submissions.ApplyRejudge(c.UserContext(), cid, rid)
		} else {
			b, err = s.Submissions.CancelRejudge(c.UserContext(), cid, rid)
		}
		switch {
		case errors.Is(err, submission.ErrBatchNotFound):
			return errNotFound("no rejudge " + rid)
		case errors.Is(err, submission.ErrBatchClosed):
			return errConflict(err.Error())
		case err != nil:
			return errInternal(err)
		}
		u, _ := currentUser(c)
		var changed []string
		for _, e := range b.Entries {
			if e.Changed && e.Skipped == "" && apply {
				changed = append(changed, e.Submission)
			}
		}
		if err := s.Audit.Append(c.UserContext(), cid, audit.Entry{Who: u.Username, Action: action, Target: rid,
			Reason: b.Reason, Details: map[string]any{"changed": changed}}); err != nil {
			return errInternal(err)
		}
		return c.JSON(b)
	}
}

type overrideRequest struct {
	Outcome string   `json:"outcome"`
	Score   *float64 `json:"score"`
	Reason  string   `json:"reason"`
}

func (s *server) overrideSubmission(c *fiber.Ctx) error {
	var req overrideRequest
	if err := c.BodyParser(&req); err != nil {
		return errBadRequest("body must be JSON {outcome, score, reason}")
	}
	o, err := verdict.Parse(req.Outcome)
	if err != nil || o == verdict.SystemError || o == verdict.Skipped {
		return errBadRequest("outcome: " + strconv.Quote(req.Outcome) + " is not an outcome a jury may set")
	}
	if strings.TrimSpace(req.Reason) == "" {
		return errBadRequest("reason: say why (it goes into the audit log and shows on the submission)")
	}
	old, err := s.Submissions.Get(c.UserContext(), c.Params("sid"))
	if errors.Is(err, submission.ErrNotFound) {
		return errNotFound("no submission " + c.Params("sid"))
	}
	if err != nil {
		return errInternal(err)
	}
	if err := s.resultsLocked(c, old.Contest); err != nil {
		return err
	}
	score := 0.0
	if req.Score != nil {
		score = *req.Score
	} else if o == verdict.Accepted {
		score = old.MaxScore
	}
	if score < 0 || score > old.MaxScore {
		return errBadRequest("score: must be in 0.." + strconv.FormatFloat(old.MaxScore, 'f', -1, 64))
	}
	sub, err := s.Submissions.Override(c.UserContext(), old.ID, o, score, req.Reason)
	if err != nil {
		return errInternal(err)
	}
	u, _ := currentUser(c)
	if err := s.Audit.Append(c.UserContext(), sub.Contest, audit.Entry{Who: u.Username, Action: "submission.override",
		Target: sub.ID, Reason: req.Reason, Details: map[string]any{
			"from": map[string]any{"outcome": old.Outcome, "score": old.Score},
			"to":   map[string]any{"outcome": sub.Outcome, "score": sub.Score}}}); err != nil {
		return errInternal(err)
	}
	return c.JSON(sub)
}

func (s *server) judgingQueue(c *fiber.Ctx) error {
	q, err := s.Submissions.Queue(c.UserContext(), 500)
	if err != nil {
		return errInternal(err)
	}
	w, err := s.Submissions.Workers(c.UserContext())
	if err != nil {
		return errInternal(err)
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
	u, _ := currentUser(c)
	f := submission.Filter{Challenge: c.Query("challenge"), Contestant: c.Query("contestant"), Outcome: c.Query("outcome")}
	if !isJury(u) {
		f.Contestant = u.Username
	}
	subs, err := s.Submissions.List(c.UserContext(), ct.ID, f, 500, 20000)
	if err != nil {
		return errInternal(err)
	}
	for i := range subs {
		subs[i] = s.forViewer(u, ct, subs[i])
	}
	return c.JSON(subs)
}

// forViewer hides from contestants what they may not see: each test's
// jury-only detail and sandbox output (verdict.Test.ForContestant), and
// the private score of a predictions submission before the results are
// final. Every route and page that shows a submission goes through it.
func (s *server) forViewer(u account.User, ct *contest.Contest, sub submission.Submission) submission.Submission {
	if isJury(u) {
		return sub
	}
	tests := make([]verdict.Test, len(sub.Tests))
	for i, t := range sub.Tests {
		tests[i] = t.ForContestant()
	}
	sub.Tests = tests
	if sub.PublicScore != nil && !ct.Unfrozen {
		sub.Score = *sub.PublicScore
		sub.Tests = []verdict.Test{}
	}
	return sub
}

// getSource sends a submission's file to its contestant or the jury.
func (s *server) getSource(c *fiber.Ctx) error {
	sub, err := s.visibleSubmission(c)
	if err != nil {
		return err
	}
	data, err := s.Blobs.Get(c.UserContext(), sub.Blob)
	if errors.Is(err, blob.ErrNotFound) {
		return errNotFound("the file of " + sub.ID + " is missing from the blob store")
	}
	if err != nil {
		return errInternal(err)
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+safeName(sub.FileName, sub.ID)+`"`)
	return c.Send(data)
}

func safeName(name, fallback string) string {
	name = strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" {
		return fallback
	}
	return name
}

// resultsLocked refuses changes to results once certificates were issued
// for the contest: the records would no longer match the standings.
func (s *server) resultsLocked(c *fiber.Ctx, cid string) error {
	if s.Certificates == nil {
		return nil
	}
	done, err := s.Certificates.Finalized(c.UserContext(), cid)
	if err != nil {
		return errInternal(err)
	}
	if done {
		return errConflict("results of " + cid + " are final: certificates have been issued")
	}
	return nil
}
