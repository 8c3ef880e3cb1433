package web

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/blob"
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
		f, _ := filterOf(c)
		if p.IsJury() && !filterMatch(f, d.Sub) {
			return c.SendStatus(fiber.StatusNoContent)
		}
		return s.render(c, "submission", d)
	case "detail":
		return s.render(c, "submission", d)
	}
	if d.Event, err = s.lastEvent(c, ct.ID); err != nil {
		return err
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

// filterMatch is submission.Filter's rule, for one submission.
func filterMatch(f submission.Filter, sub submission.Submission) bool {
	return (f.Challenge == "" || sub.Challenge == f.Challenge) &&
		(f.Contestant == "" || sub.Contestant == f.Contestant) &&
		(f.Outcome == "" || sub.Outcome == f.Outcome || f.Outcome == string(sub.Status))
}
