package api

// The server-rendered pages. Every page handler lives in a page_*.go file of
// its own; this file holds what they share: the data every template gets,
// rendering (whole pages and the fragments live pages fetch), forms that
// call the JSON API's own handlers, and the HTML error page.

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/frontend"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
)

const (
	langCookie = "arena_lang"
	csrfField  = "_csrf"
	// formErrLocal carries a failed form's error to the page that shows it again.
	formErrLocal = "form_error"
)

// page is what every page template gets.
type page struct {
	Lang string
	// OtherLang and SwitchURL make the language switch: this page in the other language.
	OtherLang string
	SwitchURL string
	Title     string
	// User is the logged-in user; nil for visitors.
	User *account.User
	// CSRF goes into every form as the _csrf field.
	CSRF string
	// Contest is set on a contest's pages: it drives the contest menu.
	Contest *contestNav
	// Nav names the menu entry of this page.
	Nav string
	// Notice is a translated confirmation (after a form), Error a translated
	// problem with ErrorDetail in the server's own words, if any.
	Notice      string
	Error       string
	ErrorDetail string
	// Event is the last event of the contest when the page was made: live
	// modules resume from it, so nothing between render and connect is lost.
	Event string
}

// Common returns the page itself, for templates that pass it on.
func (p page) Common() page { return p }

// IsJury reports whether the user is a judge or an organizer.
func (p page) IsJury() bool { return p.User != nil && isJury(*p.User) }

// IsOrganizer reports whether the user is an organizer.
func (p page) IsOrganizer() bool { return p.User != nil && p.User.Role == account.Organizer }

// IsContestant reports whether the user is a contestant.
func (p page) IsContestant() bool { return p.User != nil && p.User.Role == account.Contestant }

// contestNav is a contest as the contest menu and header show it.
type contestNav struct {
	ID     string
	Title  string
	State  contest.State
	Start  time.Time
	End    time.Time
	Freeze *time.Time
	// Frozen: the public board hides results now.
	Frozen    bool
	Unfrozen  bool
	Revealing bool
	Scoring   string
	// Remaining is the seconds to the start (before it) or to the end.
	Remaining int64
}

// lang picks the UI language: ?lang=, then the arena_lang cookie, then zh.
func lang(c *fiber.Ctx) string {
	for _, l := range []string{c.Query("lang"), c.Cookies(langCookie)} {
		for _, known := range frontend.Langs {
			if l == known {
				return l
			}
		}
	}
	return frontend.Langs[0]
}

// newPage starts the data of a page. A ?lang= choice is remembered in a cookie.
func (s *server) newPage(c *fiber.Ctx, titleKey string) page {
	l := lang(c)
	if q := c.Query("lang"); q == l && c.Cookies(langCookie) != l {
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: l, Path: "/", Expires: s.Now().AddDate(1, 0, 0),
			SameSite: fiber.CookieSameSiteLaxMode, Secure: s.SecureCookies})
	}
	other := frontend.Langs[0]
	if l == other {
		other = frontend.Langs[1]
	}
	p := page{Lang: l, OtherLang: other, SwitchURL: switchURL(c, other), CSRF: c.Cookies(csrfCookie)}
	if titleKey != "" {
		p.Title = s.UI.T(l, titleKey)
	}
	if u, ok := currentUser(c); ok {
		p.User = &u
	}
	if ok := c.Query("ok"); ok != "" && s.UI.Messages().Has("ok."+ok) {
		p.Notice = s.UI.T(l, "ok."+ok)
	}
	if err, ok := c.Locals(formErrLocal).(error); ok {
		p.Error, p.ErrorDetail = s.explain(l, err)
	}
	return p
}

// switchURL is the current page with ?lang=other.
func switchURL(c *fiber.Ctx, other string) string {
	q := url.Values{}
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) {
		if key := string(k); key != "lang" && key != "ok" {
			q.Add(key, string(v))
		}
	})
	q.Set("lang", other)
	return c.Path() + "?" + q.Encode()
}

// contestPage loads the :cid contest and starts a page for it.
func (s *server) contestPage(c *fiber.Ctx, titleKey, nav string) (*contest.Contest, page, error) {
	ct, err := s.contest(c)
	if err != nil {
		return nil, page{}, err
	}
	return ct, s.pageOf(c, ct, titleKey, nav), nil
}

// pageOf starts a page of contest ct.
func (s *server) pageOf(c *fiber.Ctx, ct *contest.Contest, titleKey, nav string) page {
	p := s.newPage(c, titleKey)
	p.Nav = nav
	now := s.Now()
	p.Contest = &contestNav{ID: ct.ID, Title: ct.Title.In(p.Lang), State: ct.StateAt(now), Start: ct.Start, End: ct.End,
		Freeze: ct.Freeze, Frozen: ct.FrozenAt(now) && (!ct.Unfrozen || ct.Revealing), Unfrozen: ct.Unfrozen,
		Revealing: ct.Revealing, Scoring: ct.Scoring}
	switch p.Contest.State {
	case contest.NotStarted:
		p.Contest.Remaining = int64(ct.Start.Sub(now) / time.Second)
	case contest.Running:
		p.Contest.Remaining = int64(ct.End.Sub(now) / time.Second)
	}
	return p
}

// lastEvent is the id live modules resume from.
func (s *server) lastEvent(c *fiber.Ctx, cid string) (string, error) {
	id, err := s.Events.Last(c.UserContext(), cid)
	if err != nil {
		return "", errInternal(err)
	}
	if id == "" {
		id = "0-0"
	}
	return id, nil
}

// render sends a page, or with ?fragment=NAME only its "frag-NAME" block.
// Pages are personal: nothing is cached.
func (s *server) render(c *fiber.Ctx, view string, data any) error {
	block := "layout.html"
	if f := c.Query("fragment"); f != "" {
		block = "frag-" + f
		if !s.UI.HasBlock(view, block) {
			return errNotFound("no fragment " + f)
		}
	}
	c.Type("html", "utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.UI.RenderBlock(c, view, block, data)
}

// wantsHTML reports whether an error should be an HTML page: a browser
// asking for a page, not the JSON API.
func wantsHTML(c *fiber.Ctx) bool {
	p := c.Path()
	for _, prefix := range []string{"/api/", "/ws/", "/static/", "/healthz", "/readyz"} {
		if strings.HasPrefix(p, prefix) {
			return false
		}
	}
	return strings.Contains(c.Get(fiber.HeaderAccept), "text/html")
}

type errorPageData struct {
	page
	Status  int
	Message string
	Detail  string
}

// errorPage shows an error as a page: a visitor who must log in is sent to
// the log-in page; anything else gets a translated explanation and never
// any internals.
func (s *server) errorPage(c *fiber.Ctx, ae *apiError) error {
	if ae.Status == fiber.StatusUnauthorized {
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	p := s.newPage(c, "error.title")
	msg, detail := s.explain(p.Lang, ae)
	c.Status(ae.Status)
	if err := s.UI.Render(c, "error", errorPageData{page: p, Status: ae.Status, Message: msg, Detail: detail}); err != nil {
		s.Log.Error("render error page", "err", err)
		c.Type("txt", "utf-8")
		return c.SendString(http500Text)
	}
	c.Type("html", "utf-8")
	return nil
}

const http500Text = "SkillArena: something went wrong on our side; it has been logged."

// explain turns an error into a translated message and the server's own
// words (which are English, and left out for internal errors).
func (s *server) explain(l string, err error) (msg, detail string) {
	var ae *apiError
	if !errors.As(err, &ae) {
		return s.UI.T(l, "error.internal"), ""
	}
	if ae.Status >= 500 {
		return s.UI.T(l, "error.internal"), ""
	}
	key := "error." + ae.Code
	if !s.UI.Messages().Has(key) {
		key = "error.request"
	}
	return s.UI.T(l, key), ae.Message
}

// errCSRF is the answer to a cookie-authenticated write without the CSRF token.
func errCSRF() error {
	return &apiError{fiber.StatusForbidden, "csrf", "missing or wrong " + csrfHeader + " header (or " + csrfField + " form field)", nil}
}

// formFailed shows page again with err above the form, with err's status.
func (s *server) formFailed(c *fiber.Ctx, err error, page fiber.Handler) error {
	var ae *apiError
	if !errors.As(err, &ae) {
		return err
	}
	if ae.Status >= 500 {
		return err
	}
	c.Locals(formErrLocal, err)
	c.Status(ae.Status)
	return page(c)
}

// callAPI runs a JSON API handler on the current request — so a form gets
// exactly the API's checks — and decodes its answer into out. An answer
// with an error status comes back as an error; the response is left empty
// for the page handler to fill.
func callAPI(c *fiber.Ctx, h fiber.Handler, out any) error {
	if err := h(c); err != nil {
		return err
	}
	resp := c.Response()
	status, body := resp.StatusCode(), append([]byte(nil), resp.Body()...)
	resp.ResetBody()
	c.Status(fiber.StatusOK)
	if status >= 400 {
		var e errorBody
		_ = json.Unmarshal(body, &e)
		return &apiError{Status: status, Code: e.Error.Code, Message: e.Error.Message}
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return errInternal(err)
		}
	}
	return nil
}

// seeOther sends the browser on after a form, with a confirmation to show.
func seeOther(c *fiber.Ctx, path, ok string) error {
	if ok != "" {
		path, frag, _ := strings.Cut(path, "#")
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "ok=" + url.QueryEscape(ok)
		if frag != "" {
			path += "#" + frag
		}
		return c.Redirect(path, fiber.StatusSeeOther)
	}
	return c.Redirect(path, fiber.StatusSeeOther)
}

// localPath accepts only a path on this site, for ?next= redirects.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}

func (s *server) static(c *fiber.Ctx) error {
	data, ctype, ok := s.UI.Asset(c.Path())
	if !ok {
		return errNotFound("no such file")
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(data)
}
