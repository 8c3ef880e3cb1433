package api

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/roster"
)

type staffRequest struct {
	contest.Staff
	Reason string `json:"reason"`
}

// getStaff shows who organizes and judges the :cid contest.
func (s *server) getStaff(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	return c.JSON(staffView(ct.Staff))
}

// setStaff replaces the :cid contest's organizers and judges (admins).
func (s *server) setStaff(c *fiber.Ctx) error {
	var req staffRequest
	if err := request.Parse(c, &req, "body must be JSON {organizers: [username], judges: [username], reason}"); err != nil {
		return err
	}
	u, _ := request.User(c)
	ct, err := s.Admin.SetStaff(c.UserContext(), c.Params("cid"), req.Staff, u.Username, strings.TrimSpace(req.Reason))
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(staffView(ct.Staff))
}

// staffView never answers null for an empty list.
func staffView(st contest.Staff) contest.Staff {
	if st.Organizers == nil {
		st.Organizers = []string{}
	}
	if st.Judges == nil {
		st.Judges = []string{}
	}
	return st
}

type newStaffAccount struct {
	Username     string       `json:"username"`
	Name         string       `json:"name"`
	Organization string       `json:"organization"`
	Role         account.Role `json:"role"`
}

// createStaffAccount makes an admin, organizer or judge account with a
// generated password, shown once (admins; contestants come by import).
func (s *server) createStaffAccount(c *fiber.Ctx) error {
	var req newStaffAccount
	if err := request.Parse(c, &req, "body must be JSON {username, name, organization, role}"); err != nil {
		return err
	}
	if !req.Role.Staff() {
		return request.BadRequest("role: give admin, organizer or judge (contestants are imported: POST /api/users/import)")
	}
	if !account.ValidUsername(req.Username) {
		return request.BadRequest("username: use letters, digits, '_', '.', '-', starting with a letter or digit (at most 64)")
	}
	password, err := roster.GeneratePassword()
	if err != nil {
		return request.Internal(err)
	}
	u := account.User{Username: req.Username, Name: strings.TrimSpace(req.Name), Organization: strings.TrimSpace(req.Organization), Role: req.Role}
	var conflict *account.ConflictError
	err = s.Accounts.CreateAll(c.UserContext(), []account.User{u}, []string{password})
	if errors.As(err, &conflict) {
		return request.Conflict(conflict.Error())
	}
	if err != nil {
		return request.Fail(err)
	}
	by, _ := request.User(c)
	s.Log.Info("staff account created", "by", by.Username, "user", u.Username, "role", u.Role)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"username": u.Username, "role": u.Role, "password": password})
}
