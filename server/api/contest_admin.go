package api

import (
	"math"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
)

type timesRequest struct {
	contest.Times
	Reason string `json:"reason"`
}

// setContestTimes changes start, end or freeze, e.g. to extend a running contest.
func (s *server) setContestTimes(c *fiber.Ctx) error {
	var req timesRequest
	if err := c.BodyParser(&req); err != nil {
		return request.BadRequest("body must be JSON {start, end, freeze, clear_freeze, reason} with RFC 3339 times")
	}
	if strings.TrimSpace(req.Reason) == "" {
		return request.BadRequest("reason: say why the times change (it goes into the audit log)")
	}
	u, _ := request.User(c)
	ct, err := s.Admin.SetTimes(c.UserContext(), c.Params("cid"), req.Times, u.Username, req.Reason)
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(s.viewContest(ct))
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (s *server) unfreezeContest(c *fiber.Ctx) error {
	var req reasonRequest
	_ = c.BodyParser(&req)
	u, _ := request.User(c)
	ct, err := s.Admin.Unfreeze(c.UserContext(), c.Params("cid"), u.Username, req.Reason)
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(s.viewContest(ct))
}

type revealResponse struct {
	Done     bool   `json:"done"`
	Revealed any    `json:"revealed,omitempty"`
	EventID  string `json:"event_id,omitempty"`
}

// revealNext reveals one frozen result on the public board.
func (s *server) revealNext(c *fiber.Ctx) error {
	u, _ := request.User(c)
	r, err := s.Admin.RevealNext(c.UserContext(), c.Params("cid"), u.Username)
	if err != nil {
		return request.Fail(err)
	}
	if r == nil {
		return c.JSON(revealResponse{Done: true})
	}
	return c.JSON(revealResponse{Revealed: r, EventID: r.EventID})
}

func (s *server) contestAudit(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	entries, err := s.Audit.List(c.UserContext(), ct.ID, 1000)
	if err != nil {
		return request.Internal(err)
	}
	return c.JSON(entries)
}

// uploadPackage takes a challenge package as a .tar.gz, checks it whole, and
// stores it; contest.yaml then names it as "sha256:HASH".
func (s *server) uploadPackage(c *fiber.Ctx) error {
	data, err := request.Upload(c, "package", math.MaxInt64, "send the package as a multipart file field \"package\" (.tar.gz)")
	if err != nil {
		return err
	}
	ch, err := (contest.Uploads{Blobs: s.Blobs}).Check(c.UserContext(), data)
	if err != nil {
		return request.Fail(err)
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"package": "sha256:" + ch.Package, "slug": ch.Slug, "title": ch.Title, "kind": ch.Kind})
}

// loadContest creates or updates a contest from contest.yaml (the request
// body); packages are named by the hashes uploadPackage returned.
func (s *server) loadContest(c *fiber.Ctx) error {
	u, _ := request.User(c)
	ct, err := s.Admin.Load(c.UserContext(), c.Body(), contest.Uploads{Blobs: s.Blobs}.Resolve, contest.AccountLookup(s.Accounts), u)
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(s.viewContest(ct))
}
