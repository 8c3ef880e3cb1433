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
	// The username's attempt is counted before hashing, so concurrent guesses
	// cannot all pass the check; a right password takes it back.
	over, wait, err := s.Limits.LoginAddr.Exceeded(ctx, c.IP())
	if err == nil && !over {
		var n int64
		n, wait, err = s.Limits.Login.Hit(ctx, req.Username)
		over = s.Limits.Login.Max > 0 && n > s.Limits.Login.Max
	}
	if err != nil {
		return errInternal(err)
	}
	if over {
		return errTooMany(fmt.Sprintf("too many failed logins; try again in %d s", int(wait.Seconds())+1))
	}
	u, err := s.Accounts.Authenticate(ctx, req.Username, req.Password)
	if errors.Is(err, account.ErrBadCredentials) {
		if _, _, err := s.Limits.LoginAddr.Hit(ctx, c.IP()); err != nil {
			return errInternal(err)
		}
		return errUnauthorized("wrong username or password")
	}
	if err == nil || errors.Is(err, account.ErrBusy) {
		if uerr := s.Limits.Login.Undo(ctx, req.Username); uerr != nil {
			return errInternal(uerr)
		}
	}
	if errors.Is(err, account.ErrBusy) {
		return errTooMany("the server is busy logging others in; try again in a few seconds")
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
