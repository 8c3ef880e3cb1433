package web

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/submission"
)

// maxSourceShown is the largest source the page shows inline.
const maxSourceShown = 512 << 10

type submissionPageData struct {
	page
	Sub         submission.Submission
	Titles      map[string]string
	SourceLines []string
	// Names are the contestants' names, for the jury's feed row.
	Names map[string]string
	// For the jury: the contestant's name, the submissions before and
	// after this one in the contest, and the outcomes the override form offers.
	ContestantName string
	Prev, Next     string
	Outcomes       []string
}

// submissionPage shows one submission to its contestant or the jury: the
// verdict (live until judged), per-test outcome, score, time and memory,
// the source with line numbers and, for the jury, the sandbox output and a
// rejudge. ?fragment=detail and ?fragment=row render parts for the live
// module; a row that does not match the feed's filters is 204.
func (s *Site) submissionPage(c *fiber.Ctx) error {
	sub, ct, err := request.ShownSubmission(c, s.Judging)
	if err != nil {
		return err
	}
	p := s.pageOf(c, ct, "sub.title_short", "submissions")
	p.Title = s.UI.Messages().Tf(p.Lang, "sub.title", sub.ID)
	d := submissionPageData{page: p, Sub: sub, Titles: challengeTitles(ct, p.Lang)}
	switch c.Query("fragment") {
	case "row":
		f, _, err := s.filterOf(c, ct.ID)
		if err != nil {
			return err
		}
		if p.IsJury() && !f.Match(d.Sub) {
			return c.SendStatus(fiber.StatusNoContent)
		}
		if p.IsJury() {
			if d.Names, err = s.contestantNames(c, ct.ID); err != nil {
				return err
			}
		}
		return s.render(c, "submission", d)
	case "detail":
		return s.render(c, "submission", d)
	}
	if d.Event, err = s.lastEvent(c, ct.ID); err != nil {
		return err
	}
	if p.IsJury() {
		if err := s.juryFacts(c, &d); err != nil {
			return err
		}
	}
	src, err := s.Blobs.Get(c.UserContext(), sub.Blob)
	switch {
	case errors.Is(err, blob.ErrNotFound):
	case err != nil:
		return request.Internal(err)
	case len(src) <= maxSourceShown && utf8.Valid(src):
		d.SourceLines = strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n"), "\n")
	}
	return s.render(c, "submission", d)
}

// juryFacts fills in what only the jury's page shows.
func (s *Site) juryFacts(c *fiber.Ctx, d *submissionPageData) error {
	ctx := c.UserContext()
	d.ContestantName = d.Sub.Contestant
	if u, err := s.Accounts.Get(ctx, d.Sub.Contestant); err == nil && u.Name != "" {
		d.ContestantName = u.Name
	}
	cid, n, _ := submission.SplitID(d.Sub.ID)
	for _, nb := range []struct {
		num int64
		to  *string
	}{{n - 1, &d.Prev}, {n + 1, &d.Next}} {
		if nb.num < 1 {
			continue
		}
		sid := submission.ID(cid, nb.num)
		_, err := s.Submissions.Get(ctx, sid)
		switch {
		case err == nil:
			*nb.to = sid
		case !errors.Is(err, submission.ErrNotFound):
			return request.Internal(err)
		}
	}
	for _, o := range feedOutcomes {
		if o != string(verdict.SystemError) {
			d.Outcomes = append(d.Outcomes, o)
		}
	}
	return nil
}

// overrideForm sets a submission's outcome by hand, with a reason: the
// same audited service call as the API's.
func (s *Site) overrideForm(c *fiber.Ctx) error {
	o := judging.Override{Outcome: c.FormValue("outcome"), Reason: c.FormValue("reason")}
	if v := strings.TrimSpace(c.FormValue("score")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return s.formFailed(c, request.BadRequest("score: "+strconv.Quote(v)+" is not a number"), s.submissionPage)
		}
		o.Score = &f
	}
	u, _ := request.User(c)
	sub, err := s.Judging.Override(c.UserContext(), c.Params("sid"), o, u.Username)
	if err != nil {
		return s.formFailed(c, request.Fail(err), s.submissionPage)
	}
	return seeOther(c, "/submissions/"+sub.ID, "overridden")
}
