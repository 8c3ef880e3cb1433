package web

import (
	"crypto/rand"
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/request"
)

type loginPageData struct {
	page
	Next     string
	Username string
}

// loginPage shows the log-in form. It gives the browser a CSRF cookie
// first, so the form itself is protected against log-in forgery.
func (s *Site) loginPage(c *fiber.Ctx) error {
	d := loginPageData{page: s.newPage(c, "login.title"), Next: localPath(c.Query("next", c.FormValue("next"))), Username: c.FormValue("username")}
	if d.CSRF == "" {
		d.CSRF = rand.Text()
		c.Cookie(&fiber.Cookie{Name: request.CSRFCookie, Value: d.CSRF, Path: "/", SameSite: fiber.CookieSameSiteStrictMode, Secure: s.Sessions.Secure})
	}
	return s.render(c, "login", d)
}

// loginForm logs in with the form's username and password as the API's
// log-in does (same rate limits, same session and CSRF cookies), then goes
// on to ?next= or the home page.
func (s *Site) loginForm(c *fiber.Ctx) error {
	if !request.SameToken(c.Cookies(request.CSRFCookie), c.FormValue(request.CSRFField)) {
		return s.formFailed(c, &request.Error{Status: fiber.StatusBadRequest, Code: "csrf", Message: "the form expired: try again"}, s.loginPage)
	}
	var req struct{ Username, Password string }
	err := c.BodyParser(&req)
	switch {
	case err != nil:
		err = request.BadRequest("body must be JSON {username, password}")
	case req.Username == "" || req.Password == "":
		err = request.BadRequest("username and password are required")
	default:
		_, _, err = s.Sessions.LogIn(c, req.Username, req.Password)
	}
	if err != nil {
		var ae *request.Error
		if errors.As(err, &ae) && ae.Status == fiber.StatusUnauthorized {
			// A wrong login, not a missing one: show the form again.
			err = &request.Error{Status: fiber.StatusUnauthorized, Code: "bad_login", Message: ae.Message}
		}
		return s.formFailed(c, err, s.loginPage)
	}
	return c.Redirect(localPath(c.FormValue("next", "/")), fiber.StatusSeeOther)
}

// logoutForm ends the browser's session (the session cookie; API tokens
// stay valid) and goes home.
func (s *Site) logoutForm(c *fiber.Ctx) error {
	if err := s.Sessions.LogOut(c, c.Cookies(request.SessionCookie)); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}
