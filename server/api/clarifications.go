package api

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/clarification"
)

func clarError(err error) error {
	switch {
	case errors.Is(err, clarification.ErrNotFound):
		return errNotFound("no such clarification")
	case errors.Is(err, clarification.ErrEmpty), errors.Is(err, clarification.ErrTooLong):
		return errBadRequest(err.Error())
	}
	return errInternal(err)
}

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
		return errBadRequest("body must be JSON {challenge, question}")
	}
	if req.Challenge != "" {
		if _, ok := ct.Challenge(req.Challenge); !ok {
			return errBadRequest("challenge: " + req.Challenge + " is not in this contest")
		}
	}
	u, _ := currentUser(c)
	if u.Role == account.Contestant {
		member, err := s.Contests.IsMember(c.UserContext(), ct.ID, u.Username)
		if err != nil {
			return errInternal(err)
		}
		if !member {
			return errForbidden("you are not a contestant of " + ct.ID)
		}
	}
	cl, err := s.Clarifications.Ask(c.UserContext(), ct.ID, u.Username, req.Challenge, req.Question)
	if err != nil {
		return clarError(err)
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
		return errNotFound("no such clarification")
	}
	var req answerRequest
	if err := c.BodyParser(&req); err != nil {
		return errBadRequest("body must be JSON {answer, to_all}")
	}
	u, _ := currentUser(c)
	cl, err := s.Clarifications.Answer(c.UserContext(), c.Params("cid"), id, u.Username, req.Answer, req.ToAll)
	if err != nil {
		return clarError(err)
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
		return errBadRequest("body must be JSON {challenge, text}")
	}
	u, _ := currentUser(c)
	cl, err := s.Clarifications.Announce(c.UserContext(), ct.ID, u.Username, req.Challenge, req.Text)
	if err != nil {
		return clarError(err)
	}
	return c.Status(fiber.StatusCreated).JSON(cl)
}

func (s *server) listClarifications(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	list, err := s.Clarifications.List(c.UserContext(), ct.ID, u.Username, isJury(u))
	if err != nil {
		return errInternal(err)
	}
	return c.JSON(list)
}
