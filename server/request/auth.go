package request

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/internal/telemetry"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/ratelimit"
)

// Cookies, header and form field of sessions and CSRF protection.
const (
	SessionCookie = "arena_session"
	CSRFCookie    = "arena_csrf"
	CSRFHeader    = "X-CSRF-Token"
	// CSRFField is how HTML forms send the CSRF token.
	CSRFField = "_csrf"
	userLocal = "user"
)

// Sessions logs users in and out and finds who is asking.
type Sessions struct {
	Accounts *account.Store
	// Login spaces out a username's failed logins; LoginAddr limits failed
	// logins per client address.
	Login     *ratelimit.Backoff
	LoginAddr *ratelimit.Limiter
	// TTL is how long a login token lives.
	TTL time.Duration
	// Secure marks cookies Secure (serve behind HTTPS).
	Secure bool
	Now    func() time.Time
	// Metrics counts login attempts by result; nil counts nothing.
	Metrics *telemetry.Metrics
}

// Authenticate resolves a Bearer token or session cookie to a user, if any.
// Cookie-authenticated requests that change state must carry the CSRF token
// (double submit), so another site cannot act with a contestant's cookie.
func (s *Sessions) Authenticate(c *fiber.Ctx) error {
	token, fromCookie := "", false
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		if cred, ok := strings.CutPrefix(h, "Basic "); ok && strings.HasPrefix(c.Path(), BasicPrefix) {
			u, err := s.basic(c, cred)
			if err != nil {
				c.Set(fiber.HeaderWWWAuthenticate, `Basic realm="SkillArena"`)
				return err
			}
			c.Locals(userLocal, u)
			return c.Next()
		}
		t, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return Unauthorized("Authorization header must be 'Bearer TOKEN'")
		}
		token = strings.TrimSpace(t)
	} else if v := c.Cookies(SessionCookie); v != "" {
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
		return Unauthorized("token unknown or expired: log in again")
	}
	if err != nil {
		return Internal(err)
	}
	if fromCookie && c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		got := c.Get(CSRFHeader)
		if got == "" {
			got = c.FormValue(CSRFField) // HTML forms send it as a field
		}
		if !SameToken(c.Cookies(CSRFCookie), got) {
			return CSRF()
		}
	}
	c.Locals(userLocal, u)
	return c.Next()
}

// BasicPrefix is where HTTP basic authentication is accepted besides
// Bearer tokens: the CLICS Contest API, whose clients (the Resolver,
// contest data servers) log in with it. It is read-only, so a browser
// that remembers basic credentials cannot change anything with them.
const BasicPrefix = "/clics"

// basic authenticates "Basic base64(username:password)", where the
// password is the account's password (checked under the failed-login
// limits) or one of its API tokens.
func (s *Sessions) basic(c *fiber.Ctx, cred string) (account.User, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	username, password, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok || username == "" {
		return account.User{}, Unauthorized("Authorization header must be 'Basic base64(username:password)'")
	}
	u, err := s.Accounts.Lookup(c.UserContext(), password)
	switch {
	case err == nil && u.Username == username:
		return u, nil
	case err != nil && !errors.Is(err, account.ErrNoToken):
		return account.User{}, Internal(err)
	}
	u, result, err := s.checkPassword(c, username, password)
	s.Metrics.Login(result)
	return u, err
}

// SameToken reports whether the CSRF cookie's value want came back as got.
func SameToken(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// LogIn checks username and password under the failed-login limits and
// gives the browser the session and CSRF cookies. It returns the user and
// the new token.
func (s *Sessions) LogIn(c *fiber.Ctx, username, password string) (account.User, string, error) {
	u, token, result, err := s.logIn(c, username, password)
	s.Metrics.Login(result)
	return u, token, err
}

// logIn is LogIn; it also returns the attempt's result for the metrics.
func (s *Sessions) logIn(c *fiber.Ctx, username, password string) (account.User, string, string, error) {
	u, result, err := s.checkPassword(c, username, password)
	if err != nil {
		return account.User{}, "", result, err
	}
	token, err := s.Accounts.IssueToken(c.UserContext(), u.Username, s.TTL)
	if err != nil {
		return account.User{}, "", telemetry.LoginError, Internal(err)
	}
	expires := s.Now().Add(s.TTL)
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: s.Secure})
	c.Cookie(&fiber.Cookie{Name: CSRFCookie, Value: rand.Text(), Path: "/", Expires: expires,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: s.Secure})
	return u, token, telemetry.LoginAccepted, nil
}

// checkPassword checks username and password under the failed-login
// limits; it returns the user and the attempt's result for the metrics.
func (s *Sessions) checkPassword(c *fiber.Ctx, username, password string) (account.User, string, error) {
	ctx := c.UserContext()
	// Only failures count: a contest hall behind one address logs in at once.
	// The username's attempt is counted before hashing, so concurrent guesses
	// cannot all pass; past the free ones each waits longer, but none is
	// locked out, so the holder still gets in after the wait.
	over, wait, err := s.LoginAddr.Exceeded(ctx, ClientIP(c))
	if err != nil {
		return account.User{}, telemetry.LoginError, Internal(err)
	}
	if over {
		return account.User{}, telemetry.LoginRateLimited, TooMany(fmt.Sprintf("too many failed logins from your address; try again in %d s", seconds(wait)))
	}
	if wait, err = s.Login.Attempt(ctx, username); err != nil {
		return account.User{}, telemetry.LoginError, Internal(err)
	}
	if wait > 0 {
		return account.User{}, telemetry.LoginRateLimited, TooMany(fmt.Sprintf("too many failed logins for %s; try again in %d s", username, seconds(wait)))
	}
	u, err := s.Accounts.Authenticate(ctx, username, password)
	switch {
	case errors.Is(err, account.ErrBadCredentials):
		if _, _, err := s.LoginAddr.Hit(ctx, ClientIP(c)); err != nil {
			return account.User{}, telemetry.LoginError, Internal(err)
		}
		return account.User{}, telemetry.LoginWrongPassword, Unauthorized("wrong username or password")
	case errors.Is(err, account.ErrDisabled):
		return account.User{}, telemetry.LoginDisabled, Forbidden("this account is disabled: ask the organizers")
	case errors.Is(err, account.ErrBusy):
		return account.User{}, telemetry.LoginBusy, TooMany("the server is busy logging others in; try again in a few seconds")
	case err != nil:
		return account.User{}, telemetry.LoginError, Internal(err)
	}
	if err := s.Login.Reset(ctx, username); err != nil {
		return account.User{}, telemetry.LoginError, Internal(err)
	}
	return u, telemetry.LoginAccepted, nil
}

// seconds rounds a wait up to whole seconds, as a message says it.
func seconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

// LogOut revokes token, if any, and clears the session cookie.
func (s *Sessions) LogOut(c *fiber.Ctx, token string) error {
	if token != "" {
		if err := s.Accounts.Revoke(c.UserContext(), token); err != nil {
			return Internal(err)
		}
	}
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), HTTPOnly: true})
	return nil
}

// User is the logged-in user of the request, if any.
func User(c *fiber.Ctx) (account.User, bool) {
	u, ok := c.Locals(userLocal).(account.User)
	return u, ok
}

// OnJury reports whether the caller is on ct's jury (contest.Contest.IsJury).
func OnJury(c *fiber.Ctx, ct *contest.Contest) bool {
	u, ok := User(c)
	return ok && ct.IsJury(u)
}

// Organizes reports whether the caller organizes ct (contest.Contest.IsOrganizer).
func Organizes(c *fiber.Ctx, ct *contest.Contest) bool {
	u, ok := User(c)
	return ok && ct.IsOrganizer(u)
}
