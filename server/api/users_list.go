package api

import (
	"bytes"
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/privacy"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/roster"
)

// getMe shows the caller's own account, personal data masked.
func (s *server) getMe(c *fiber.Ctx) error {
	u, _ := request.User(c)
	return c.JSON(privacy.Masked(u))
}

// usersOf returns the users of ?contest= (its contestants; the access
// check has found the caller on its staff), or for an admin every user
// when allUsers. Everyone else must name a contest.
func (s *server) usersOf(c *fiber.Ctx, allUsers bool) ([]account.User, error) {
	ctx := c.UserContext()
	cid := c.Query("contest")
	if cid == "" {
		if u, _ := request.User(c); !allUsers || u.Role != account.Admin {
			return nil, request.BadRequest("name the contest whose contestants you want: ?contest=CID")
		}
		us, err := s.Accounts.List(ctx)
		if err != nil {
			return nil, request.Internal(err)
		}
		return us, nil
	}
	if _, err := s.Contests.Get(ctx, cid); errors.Is(err, contest.ErrNotFound) {
		return nil, request.NotFound("no contest " + cid)
	} else if err != nil {
		return nil, request.Internal(err)
	}
	names, err := s.Contests.Members(ctx, cid)
	if err != nil {
		return nil, request.Internal(err)
	}
	us, err := s.Accounts.GetMany(ctx, names)
	if err != nil {
		return nil, request.Internal(err)
	}
	return us, nil
}

// listUsers lists accounts (?contest=CID: that contest's contestants) with
// personal data masked.
func (s *server) listUsers(c *fiber.Ctx) error {
	us, err := s.usersOf(c, true)
	if err != nil {
		return err
	}
	out := make([]privacy.User, len(us))
	for i, u := range us {
		out[i] = privacy.Masked(u)
	}
	return c.JSON(out)
}

// exportUsers is the organizers' export of ?contest='s contestants:
// personal data unmasked, as CSV (UTF-8 with a BOM, the default), XLSX or
// JSON (?format=). It always names a contest, admins' too. Every export
// goes into that contest's audit log.
func (s *server) exportUsers(c *fiber.Ctx) error {
	us, err := s.usersOf(c, false)
	if err != nil {
		return err
	}
	format := c.Query("format", "csv")
	if format != "csv" && format != "xlsx" && format != "json" {
		return request.BadRequest("format: use csv, xlsx or json")
	}
	out := make([]privacy.User, len(us))
	for i, u := range us {
		out[i] = privacy.Full(u)
	}
	who, _ := request.User(c)
	if err := s.Audit.Append(c.UserContext(), c.Query("contest"), audit.Entry{Who: who.Username, Action: "users.export",
		Details: map[string]any{"format": format, "rows": len(out)}}); err != nil {
		return request.Fail(err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	name := "users"
	if cid := c.Query("contest"); cid != "" {
		name = "users-" + cid
	}
	if format == "json" {
		return c.JSON(out)
	}
	c.Attachment(name + "." + format)
	var buf bytes.Buffer
	switch format {
	case "xlsx":
		if err := roster.WriteUsersXLSX(&buf, out); err != nil {
			return request.Internal(err)
		}
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	default:
		if err := roster.WriteUsersCSV(&buf, out); err != nil {
			return request.Internal(err)
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	}
	return c.Send(buf.Bytes())
}
