package api

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
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
	if !slices.Contains(ch.Languages, lang) {
		return errBadRequest(fmt.Sprintf("language: %q is not accepted for %s (accepted: %s)",
			lang, slug, strings.Join(ch.Languages, ", ")))
	}
	data, name, err := s.submittedFile(c)
	if err != nil {
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
		Elapsed: scoreboard.Elapsed(ct.Start, s.Now()),
	})
	if err != nil {
		return errInternal(err)
	}
	return c.Status(fiber.StatusAccepted).JSON(createdSubmission{ID: sub.ID, Status: sub.Status})
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
