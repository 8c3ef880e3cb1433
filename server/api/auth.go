package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/request"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token string       `json:"token"`
	Role  account.Role `json:"role"`
}

// login takes JSON only: a form another site posts (login CSRF, logging a
// visitor in as someone else) cannot be JSON without the browser asking
// this server first, and a browser's cross-site request is refused as well.
func (s *server) login(c *fiber.Ctx) error {
	if !c.Is("json") {
		return &request.Error{Status: fiber.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "send the login as JSON {username, password} with Content-Type: application/json"}
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return request.Forbidden("logging in from another site is not allowed")
	}
	var req loginRequest
	if err := c.BodyParser(&req); err != nil {
		return request.BadRequest("body must be JSON {username, password}")
	}
	if req.Username == "" || req.Password == "" {
		return request.BadRequest("username and password are required")
	}
	u, token, err := s.Sessions.LogIn(c, req.Username, req.Password)
	if err != nil {
		return err
	}
	return c.JSON(loginResponse{Token: token, Role: u.Role})
}

func (s *server) logout(c *fiber.Ctx) error {
	token := strings.TrimPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if token == "" {
		token = c.Cookies(request.SessionCookie)
	}
	if err := s.Sessions.LogOut(c, token); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
