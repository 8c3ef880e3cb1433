package api

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

type createdSubmission struct {
	ID     string            `json:"id"`
	Status submission.Status `json:"status"`
}

// createSubmission validates a submission, stores its file and records it
// with its job in one atomic step: DESIGN.md's spine, step 1.
func (s *server) createSubmission(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u, _ := currentUser(c)
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	switch ct.StateAt(s.Now()) {
	case contest.NotStarted:
		return errConflict("the contest has not started yet")
	case contest.Ended:
		return errConflict("the contest has ended")
	}
	member, err := s.Contests.IsMember(ctx, ct.ID, u.Username)
	if err != nil {
		return errInternal(err)
	}
	if !member {
		return errForbidden("you are not a contestant of " + ct.ID)
	}

	slug := strings.TrimSpace(c.FormValue("challenge"))
	ch, ok := ct.Challenge(slug)
	if !ok {
		return errBadRequest(fmt.Sprintf("challenge: %q is not a challenge of this contest", slug))
	}
	lang := strings.TrimSpace(c.FormValue("language"))
	if ch.Kind != challenges.KindProgram && lang == "" && len(ch.Languages) > 0 {
		lang = ch.Languages[0] // file kinds (predictions, sql, ...) need not name one
	}
	if !slices.Contains(ch.Languages, lang) {
		return errBadRequest(fmt.Sprintf("language: %q is not accepted for %s (accepted: %s)",
			lang, slug, strings.Join(ch.Languages, ", ")))
	}
	data, name, err := s.submittedFile(c)
	if err != nil {
		return err
	}

	limits := contestLimits(ct, ch.Slug, scoreboard.Elapsed(ct.Start, s.Now()))
	if err := s.checkContestLimits(c, ct, ch.Slug, u.Username, limits); err != nil {
		return err
	}
	ok, wait, err := s.Limits.Submit.Allow(ctx, ct.ID+":"+u.Username)
	if err != nil {
		return errInternal(err)
	}
	if !ok {
		return errTooMany(fmt.Sprintf("too many submissions: try again in %d s", int(wait.Seconds())+1))
	}
	hash, err := s.Blobs.Put(ctx, data)
	if err != nil {
		return errInternal(err)
	}
	sub, err := s.Submissions.Submit(ctx, submission.New{
		Contest: ct.ID, Challenge: ch.Slug, Contestant: u.Username, Language: lang,
		FileName: name, Blob: hash, MaxScore: ch.Points,
		Elapsed: scoreboard.Elapsed(ct.Start, s.Now()), Limits: limits,
	})
	if err != nil {
		return limitRefusal(err, ct, ch.Slug)
	}
	return c.Status(fiber.StatusAccepted).JSON(createdSubmission{ID: sub.ID, Status: sub.Status})
}

// contestLimits are the contest's own submission rules for slug at
// elapsed seconds from the start: solved challenges closed when attempts
// after an accept are off, a total, a per-challenge daily count (days
// counted from the start) and a minimum interval between submissions.
func contestLimits(ct *contest.Contest, slug string, elapsed int64) submission.Limits {
	l := ct.Limits
	day := elapsed / 86400
	return submission.Limits{Total: l.Total, Challenges: ct.Slugs(), PerChallengePerDay: l.PerChallengePerDay,
		WindowStart: day * 86400, WindowEnd: (day + 1) * 86400, ClosedAfterAccept: !ct.AttemptsAfterAccept,
		MinInterval: time.Duration(l.MinIntervalSeconds) * time.Second}
}

// checkContestLimits refuses early, before the file is stored, a
// submission the contest's rules refuse now; Submit checks them again
// atomically as it records the submission.
func (s *server) checkContestLimits(c *fiber.Ctx, ct *contest.Contest, slug, user string, limits submission.Limits) error {
	err := s.Submissions.Check(c.UserContext(), submission.New{Contest: ct.ID, Challenge: slug, Contestant: user, Limits: limits})
	return limitRefusal(err, ct, slug)
}

// limitRefusal is the answer to a submission refused by the contest's rules.
func limitRefusal(err error, ct *contest.Contest, slug string) error {
	l := ct.Limits
	switch {
	case err == nil:
		return nil
	case errors.Is(err, submission.ErrSolved):
		return errConflict("you have already solved " + slug + "; this contest takes no more submissions to it")
	case errors.Is(err, submission.ErrTotalLimit):
		return errTooMany(fmt.Sprintf("you have used all %d submissions of this contest", l.Total))
	case errors.Is(err, submission.ErrDailyLimit):
		return errTooMany(fmt.Sprintf("you have used today's %d submissions to %s", l.PerChallengePerDay, slug))
	case errors.Is(err, submission.ErrTooSoon):
		return errTooMany(fmt.Sprintf("wait %d s between submissions", l.MinIntervalSeconds))
	}
	return errInternal(err)
}

// submittedFile returns the multipart "file" or the "code" field, checked.
func (s *server) submittedFile(c *fiber.Ctx) ([]byte, string, error) {
	max := s.Limits.MaxSubmissionBytes
	fh, err := c.FormFile("file")
	code := c.FormValue("code")
	switch {
	case err == nil && code != "":
		return nil, "", errBadRequest("send either file or code, not both")
	case err == nil:
		if fh.Size > int64(max) {
			return nil, "", errBadRequest(fmt.Sprintf("file: %d bytes is over the limit of %d", fh.Size, max))
		}
		f, err := fh.Open()
		if err != nil {
			return nil, "", errBadRequest("file: cannot be read")
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
		if err != nil {
			return nil, "", errBadRequest("file: cannot be read")
		}
		return checkSource(data, filepath.Base(fh.Filename), max)
	case code != "":
		return checkSource([]byte(code), "", max)
	default:
		return nil, "", errBadRequest("send the solution as a multipart file field \"file\" or a text field \"code\"")
	}
}

func checkSource(data []byte, name string, max int) ([]byte, string, error) {
	if len(data) > max {
		return nil, "", errBadRequest(fmt.Sprintf("submission: over the limit of %d bytes", max))
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, "", errBadRequest("submission: the file is empty")
	}
	if !utf8.Valid(data) {
		return nil, "", errBadRequest("submission: source code must be UTF-8 text")
	}
	if len(name) > 128 {
		name = name[:128]
	}
	return data, name, nil
}
