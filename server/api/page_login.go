package api

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"
)

type loginPageData struct {
	page
	Next     string
	Username string
}

// loginPage shows the log-in form. It gives the browser a CSRF cookie
// first, so the form itself is protected against log-in forgery.
func (s *server) loginPage(c *fiber.Ctx) error {
	d := loginPageData{page: s.newPage(c, "login.title"), Next: localPath(c.Query("next", c.FormValue("next"))), Username: c.FormValue("username")}
	if d.CSRF == "" {
		d.CSRF = rand.Text()
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: d.CSRF, Path: "/", SameSite: fiber.CookieSameSiteStrictMode, Secure: s.SecureCookies})
	}
	return s.render(c, "login", d)
}

// loginForm logs in with the form's username and password through the API's
// own log-in (same rate limits, same session and CSRF cookies), then goes on
// to ?next= or the home page.
func (s *server) loginForm(c *fiber.Ctx) error {
	want, got := c.Cookies(csrfCookie), c.FormValue(csrfField)
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return s.formFailed(c, &apiError{Status: fiber.StatusBadRequest, Code: "csrf", Message: "the form expired: try again"}, s.loginPage)
	}
	var out loginResponse
	if err := callAPI(c, s.login, &out); err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Status == fiber.StatusUnauthorized {
			// A wrong login, not a missing one: show the form again.
			err = &apiError{Status: fiber.StatusUnauthorized, Code: "bad_login", Message: ae.Message}
		}
		return s.formFailed(c, err, s.loginPage)
	}
	return c.Redirect(localPath(c.FormValue("next", "/")), fiber.StatusSeeOther)
}

// logoutForm ends the browser's session (the session cookie; API tokens
// stay valid) and goes home.
func (s *server) logoutForm(c *fiber.Ctx) error {
	if token := c.Cookies(sessionCookie); token != "" {
		if err := s.Accounts.Revoke(c.UserContext(), token); err != nil {
			return errInternal(err)
		}
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), HTTPOnly: true})
	return c.Redirect("/", fiber.StatusSeeOther)
}
