package api

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/request"
)

// tokenView is a token as lists show it: never the token itself.
type tokenView struct {
	account.TokenInfo
	// Current marks the token this request was made with.
	Current bool `json:"current"`
}

type createTokenRequest struct {
	Label string `json:"label"`
	// Days the token lives: 1 to 3650, 365 if left out.
	Days int `json:"days"`
}

type createTokenResponse struct {
	// Token is shown only in this answer.
	Token string `json:"token"`
	account.TokenInfo
}

// requestToken is the token the request authenticated with, if any.
func requestToken(c *fiber.Ctx) string {
	if t, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer "); ok {
		return strings.TrimSpace(t)
	}
	return c.Cookies(request.SessionCookie)
}

// tokenOwner is whose tokens the request is about: the caller, or for an
// admin the user named by ?user=.
func (s *server) tokenOwner(c *fiber.Ctx) (string, error) {
	u, _ := request.User(c)
	other := c.Query("user")
	if other == "" || other == u.Username {
		return u.Username, nil
	}
	if u.Role != account.Admin {
		return "", request.Forbidden("only admins may see or revoke other users' tokens")
	}
	if _, err := s.Accounts.Get(c.UserContext(), other); errors.Is(err, account.ErrNotFound) {
		return "", request.NotFound("no user " + other)
	} else if err != nil {
		return "", request.Internal(err)
	}
	return other, nil
}

// listTokens lists the live tokens (sessions and API tokens) of the caller,
// or of ?user= for organizers.
func (s *server) listTokens(c *fiber.Ctx) error {
	owner, err := s.tokenOwner(c)
	if err != nil {
		return err
	}
	list, err := s.Accounts.Tokens(c.UserContext(), owner)
	if err != nil {
		return request.Internal(err)
	}
	current := ""
	if t := requestToken(c); t != "" {
		current = account.TokenID(t)
	}
	out := make([]tokenView, len(list))
	for i, ti := range list {
		out[i] = tokenView{TokenInfo: ti, Current: ti.ID == current}
	}
	return c.JSON(out)
}

// createToken issues a named long-lived API token to the caller.
func (s *server) createToken(c *fiber.Ctx) error {
	var req createTokenRequest
	if err := c.BodyParser(&req); err != nil {
		return request.BadRequest("body must be JSON {label, days}")
	}
	req.Label = strings.TrimSpace(req.Label)
	if req.Label == "" || len(req.Label) > account.MaxLabel {
		return request.BadRequest("label: name the token (1 to 100 characters), e.g. what runs with it")
	}
	if req.Days == 0 {
		req.Days = 365
	}
	if req.Days < 1 || req.Days > 3650 {
		return request.BadRequest("days: from 1 to 3650")
	}
	u, _ := request.User(c)
	token, info, err := s.Accounts.IssueAPIToken(c.UserContext(), u.Username, req.Label, time.Duration(req.Days)*24*time.Hour)
	if err != nil {
		return request.Fail(err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(createTokenResponse{Token: token, TokenInfo: info})
}

// revokeToken revokes one of the caller's tokens by id, or for organizers
// one of ?user='s.
func (s *server) revokeToken(c *fiber.Ctx) error {
	owner, err := s.tokenOwner(c)
	if err != nil {
		return err
	}
	err = s.Accounts.RevokeID(c.UserContext(), owner, c.Params("id"))
	if errors.Is(err, account.ErrNoToken) {
		return request.NotFound("no token " + c.Params("id") + " of " + owner)
	}
	if err != nil {
		return request.Internal(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
