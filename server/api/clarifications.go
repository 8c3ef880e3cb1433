package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/request"
)

type askRequest struct {
	Challenge string `json:"challenge"`
	Question  string `json:"question"`
}

// askClarification: a contestant asks about a challenge or in general.
func (s *server) askClarification(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	var req askRequest
	if err := c.BodyParser(&req); err != nil {
		return request.BadRequest("body must be JSON {challenge, question}")
	}
	u, _ := request.User(c)
	cl, err := s.Clarifications.AskIn(c.UserContext(), ct, s.Contests, u, req.Challenge, req.Question)
	if err != nil {
		return request.Fail(err)
	}
	return c.Status(fiber.StatusCreated).JSON(cl)
}

type answerRequest struct {
	Answer string `json:"answer"`
	ToAll  bool   `json:"to_all"`
}

func (s *server) answerClarification(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return request.NotFound("no such clarification")
	}
	var req answerRequest
	if err := c.BodyParser(&req); err != nil {
		return request.BadRequest("body must be JSON {answer, to_all}")
	}
	u, _ := request.User(c)
	cl, err := s.Clarifications.Answer(c.UserContext(), c.Params("cid"), id, u.Username, req.Answer, req.ToAll)
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(cl)
}

type announceRequest struct {
	Challenge string `json:"challenge"`
	Text      string `json:"text"`
}

func (s *server) announce(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	var req announceRequest
	if err := c.BodyParser(&req); err != nil {
		return request.BadRequest("body must be JSON {challenge, text}")
	}
	u, _ := request.User(c)
	cl, err := s.Clarifications.Announce(c.UserContext(), ct.ID, u.Username, req.Challenge, req.Text)
	if err != nil {
		return request.Fail(err)
	}
	return c.Status(fiber.StatusCreated).JSON(cl)
}

func (s *server) listClarifications(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	u, _ := request.User(c)
	list, err := s.Clarifications.List(c.UserContext(), ct.ID, u.Username, ct.IsJury(u))
	if err != nil {
		return request.Internal(err)
	}
	return c.JSON(list)
}
