package api

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/ratelimit"
)

const (
	sessionCookie = "arena_session"
	csrfCookie    = "arena_csrf"
	csrfHeader    = "X-CSRF-Token"
	userLocal     = "user"
)

// authenticate resolves a Bearer token or session cookie to a user, if any.
// Cookie-authenticated requests that change state must carry the CSRF token
// (double submit), so another site cannot act with a contestant's cookie.
func (s *server) authenticate(c *fiber.Ctx) error {
	token, fromCookie := "", false
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		t, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return errUnauthorized("Authorization header must be 'Bearer TOKEN'")
		}
		token = strings.TrimSpace(t)
	} else if v := c.Cookies(sessionCookie); v != "" {
		token, fromCookie = v, true
	}
	if token == "" {
		return c.Next()
	}
	u, err := s.Accounts.Lookup(c.UserContext(), token)
	if errors.Is(err, account.ErrNoToken) {
		if fromCookie {
			return c.Next() // a stale cookie is the same as none
		}
		return errUnauthorized("token unknown or expired: log in again")
	}
	if err != nil {
		return errInternal(err)
	}
	if fromCookie && c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		want, got := c.Cookies(csrfCookie), c.Get(csrfHeader)
		if got == "" {
			got = c.FormValue(csrfField) // HTML forms send it as a field
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return errCSRF()
		}
	}
	c.Locals(userLocal, u)
	return c.Next()
}

func currentUser(c *fiber.Ctx) (account.User, bool) {
	u, ok := c.Locals(userLocal).(account.User)
	return u, ok
}

func isJury(u account.User) bool { return u.Role == account.Judge || u.Role == account.Organizer }

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token string       `json:"token"`
	Role  account.Role `json:"role"`
}

func (s *server) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := c.BodyParser(&req); err != nil {
		return errBadRequest("body must be JSON {username, password}")
	}
	if req.Username == "" || req.Password == "" {
		return errBadRequest("username and password are required")
	}
	ctx := c.UserContext()
	// Only failures count: a contest hall behind one address logs in at once.
	keys := []struct {
		l   *ratelimit.Limiter
		key string
	}{{s.Limits.Login, req.Username}, {s.Limits.LoginAddr, c.IP()}}
	for _, k := range keys {
		over, wait, err := k.l.Exceeded(ctx, k.key)
		if err != nil {
			return errInternal(err)
		}
		if over {
			return errTooMany(fmt.Sprintf("too many failed logins; try again in %d s", int(wait.Seconds())+1))
		}
	}
	u, err := s.Accounts.Authenticate(ctx, req.Username, req.Password)
	if errors.Is(err, account.ErrBadCredentials) {
		for _, k := range keys {
			if _, _, err := k.l.Hit(ctx, k.key); err != nil {
				return errInternal(err)
			}
		}
		return errUnauthorized("wrong username or password")
	}
	if err != nil {
		return errInternal(err)
	}
	token, err := s.Accounts.IssueToken(ctx, u.Username, s.Limits.SessionTTL)
	if err != nil {
		return errInternal(err)
	}
	expires := s.Now().Add(s.Limits.SessionTTL)
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: s.SecureCookies})
	c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: rand.Text(), Path: "/", Expires: expires,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: s.SecureCookies})
	return c.JSON(loginResponse{Token: token, Role: u.Role})
}

func (s *server) logout(c *fiber.Ctx) error {
	token := strings.TrimPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if token == "" {
		token = c.Cookies(sessionCookie)
	}
	if token != "" {
		if err := s.Accounts.Revoke(c.UserContext(), token); err != nil {
			return errInternal(err)
		}
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), HTTPOnly: true})
	return c.SendStatus(fiber.StatusNoContent)
}
