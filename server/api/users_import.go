package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/roster"
)

// importPreview is the answer to a dry run, or to a file with problems.
type importPreview = roster.Preview

// importRejected is the error body of an import refused for its problems.
type importRejected struct {
	request.Body
	importPreview
}

// formOrQuery reads a multipart field, or the query parameter of that name.
func formOrQuery(c *fiber.Ctx, name string) string {
	if v := c.FormValue(name); v != "" {
		return v
	}
	return c.Query(name)
}

// importUsers creates contestants from an uploaded list (multipart "file",
// CSV or XLSX; optional "contest" and "prefix"). With dry_run=1 it answers
// the preview: every row with the username it would get, and every problem.
// A real import with problems is refused with 422 and the same preview; a
// clean one answers 201 with the login slips as CSV — the only time the
// passwords are shown.
func (s *server) importUsers(c *fiber.Ctx) error {
	if u, _ := request.User(c); formOrQuery(c, "contest") == "" && u.Role != account.Admin {
		return request.BadRequest("name the contest to register the contestants for: field contest")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return request.BadRequest("send the contestant list as multipart field \"file\" (CSV or XLSX)")
	}
	f, err := fh.Open()
	if err != nil {
		return request.Internal(fmt.Errorf("open upload: %w", err))
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return request.Internal(fmt.Errorf("read upload: %w", err))
	}
	dry, _ := strconv.ParseBool(formOrQuery(c, "dry_run"))
	u, _ := request.User(c)
	opt := roster.Options{Contest: formOrQuery(c, "contest"), Prefix: formOrQuery(c, "prefix"), DryRun: dry, Who: u.Username}
	im := &roster.Importer{Accounts: s.Accounts, Contests: s.Contests, Board: s.Board, Audit: s.Audit, Now: s.Now}
	res, err := im.Import(c.UserContext(), data, opt)
	switch {
	case errors.Is(err, contest.ErrNotFound):
		return request.NotFound("no contest " + opt.Contest)
	case errors.Is(err, roster.ErrBadPrefix):
		return request.BadRequest(err.Error())
	case res == nil:
		return request.Internal(err)
	}
	who, _ := request.User(c)
	if opt.DryRun {
		return c.JSON(roster.PreviewOf(res))
	}
	if !res.Imported {
		body := importRejected{importPreview: roster.PreviewOf(res)}
		body.Error.Code = "invalid_file"
		body.Error.Message = fmt.Sprintf("nothing was imported: the file has %d problem(s); the first: %s", len(res.Problems), res.Problems[0])
		return c.Status(fiber.StatusUnprocessableEntity).JSON(body)
	}
	s.Log.Info("contestants imported", "by", who.Username, "contest", opt.Contest, "users", len(res.Entries))
	if err != nil {
		// The accounts exist: the slips must still reach the organizer.
		s.Log.Error("import: registration failed", "contest", opt.Contest, "err", err)
		c.Set("X-Arena-Warning", "accounts created, but registering them for the contest failed: see the server log")
	}
	var buf bytes.Buffer
	if err := roster.WritePasswords(&buf, res); err != nil {
		return request.Internal(err)
	}
	name := "passwords.csv"
	if opt.Contest != "" {
		name = "passwords-" + opt.Contest + ".csv"
	}
	c.Attachment(name)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Arena-Imported", strconv.Itoa(len(res.Entries)))
	return c.Status(fiber.StatusCreated).Send(buf.Bytes())
}
