// Package web is SkillArena's server-rendered pages: every page handler in
// a file of its own, the forms that call the services (server/judging,
// contest.Admin, certificate.Service, ...) directly, and the HTML error
// page. The JSON API is server/api; what both share about a request
// (sessions, CSRF, route access, errors) is server/request.
package web

import (
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/frontend"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/statement"
	"github.com/skillarena/arena/server/submission"
)

// Deps are what the pages need.
type Deps struct {
	UI       *frontend.UI
	Sessions *request.Sessions
	Judging  *judging.Service
	Admin    *contest.Admin
	// Certificates is nil on a server without certificates.
	Certificates   *certificate.Service
	Clarifications *clarification.Store
	Accounts       *account.Store
	Contests       *contest.Store
	Submissions    *submission.Store
	Board          *scoreboard.Store
	Events         *events.Log
	Blobs          *blob.Store
	Audit          *audit.Log
	// Statements reads statements and attachments; New makes one on Blobs when it is nil.
	Statements *statement.Cache
	Log        *slog.Logger
	Now        func() time.Time
}

// Site is the pages, mounted by api.New beside the JSON API.
type Site struct{ Deps }

// New makes the pages.
func New(d Deps) *Site {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Statements == nil && d.Blobs != nil {
		d.Statements = statement.NewCache(d.Blobs)
	}
	return &Site{d}
}

// route is a request.Route of this package, so the table may list its fields in order.
type route request.Route

// Routes is every page's route (forms send the _csrf field).
func (s *Site) Routes() []request.Route {
	routes := s.routes()
	out := make([]request.Route, len(routes))
	for i, r := range routes {
		out[i] = request.Route(r)
	}
	return out
}

func (s *Site) routes() []route {
	get, post := fiber.MethodGet, fiber.MethodPost
	public, user, contestant, jury, organizer, admin := request.Public, request.LoggedIn, request.Contestant, request.Jury, request.Organizer, request.Admin
	return []route{
		{get, "/verify/:number", public, "Certificate verification page (the QR code's target)", s.verifyPage},
		{get, "/static/*", public, "Static assets (content-hashed names)", s.static},
		{get, "/", public, "Home page: the contests", s.homePage},
		{get, "/login", public, "Log-in page", s.loginPage},
		{get, "/account", user, "Your account: your certificates of every contest, with PDF, signed record and verification link", s.accountPage},
		{post, "/login", public, "Log in from the form", s.loginForm},
		{post, "/logout", public, "Log out from the form", s.logoutForm},
		{get, "/contests/:cid", public, "Contest home: countdown, announcements, menu", s.contestHomePage},
		{get, "/contests/:cid/board", public, "Board page: live for the jury, frozen for the public; projector mode", s.boardPage},
		{get, "/contests/:cid/challenges", user, "Challenge list with your status", s.challengesPage},
		{get, "/contests/:cid/challenges/:slug", user, "Statement and attachments", s.challengePage},
		{get, "/contests/:cid/challenges/:slug/attachments/*", user, "Download an attachment", s.attachmentDownload},
		{get, "/contests/:cid/submit", contestant, "Submit page: file or text, language, remaining quota", s.submitPage},
		{post, "/contests/:cid/submit", contestant, "Submit from the form", s.submitForm},
		{get, "/contests/:cid/submissions", user, "Submissions page: yours, or the jury's live feed with filters", s.submissionsPage},
		{get, "/submissions/:sid", user, "Submission page: verdict, tests; source and output for the jury", s.submissionPage},
		{post, "/submissions/:sid/override", jury, "Set a submission's outcome by hand from the form, with a reason", s.overrideForm},
		{get, "/contests/:cid/clarifications", user, "Clarifications page: ask and read answers; the jury's inbox", s.clarificationsPage},
		{post, "/contests/:cid/clarifications", contestant, "Ask from the form", s.askForm},
		{post, "/contests/:cid/clarifications/:id/answer", jury, "Answer from the form, to one or all", s.answerForm},
		{post, "/contests/:cid/announcements", jury, "Announce from the form", s.announceForm},
		{post, "/contests/:cid/rejudges", jury, "Start a rejudge from the form", s.rejudgeForm},
		{get, "/contests/:cid/rejudges", jury, "Rejudge list: who, why, state, progress, changes", s.rejudgesPage},
		{get, "/contests/:cid/rejudges/:rid", jury, "Rejudge page: what would change", s.rejudgePage},
		{post, "/contests/:cid/rejudges/:rid/apply", jury, "Apply a rejudge from the form", s.rejudgeFinishForm(true)},
		{post, "/contests/:cid/rejudges/:rid/cancel", jury, "Cancel a rejudge from the form", s.rejudgeFinishForm(false)},
		{get, "/contests/:cid/similarity", jury, "Similarity page: pairs of contestants whose last submissions to ?challenge= look alike", s.similarityPage},
		{get, "/contests/:cid/similarity/:a/:b", jury, "Two submissions side by side, the fragments they share highlighted", s.similarPairPage},
		{get, "/contests/:cid/admin", organizer, "Contest dashboard: state, queue, times, freeze and reveal", s.adminPage},
		{post, "/contests/:cid/admin/times", organizer, "Change the contest's times from the form", s.timesForm},
		{post, "/contests/:cid/admin/staff", admin, "Replace the contest's organizers and judges from the form", s.staffForm},
		{post, "/contests/:cid/admin/reveal", organizer, "Reveal the next frozen result from the form", s.revealForm},
		{post, "/contests/:cid/admin/unfreeze", organizer, "Reveal the whole board from the form", s.unfreezeForm},
		{get, "/contests/:cid/import", organizer, "Contestant import page", s.importPage},
		{post, "/contests/:cid/import", organizer, "Preview or import contestants from the form", s.importForm},
		{get, "/contests/:cid/audit", organizer, "Audit log page: a page at a time, ?q= searches", s.auditPage},
		{get, "/contests/:cid/statistics", organizer, "Statistics: submissions over time, verdicts by challenge, the judging queue over time", s.statsPage},
		{get, "/contests/:cid/certificates", organizer, "Winner review and certificates: flags and why, overrides, finalize, exports, issued certificates", s.certificatesPage},
		{post, "/contests/:cid/certificates/overrides", organizer, "Override a contestant's status, award or level from the form", s.certOverrideForm},
		{post, "/contests/:cid/certificates/overrides/preview", organizer, "Preview from the override form whose results a change would move, with a form to apply it", s.certPreviewForm},
		{post, "/contests/:cid/certificates/overrides/:contestant/clear", organizer, "Remove an override from the form", s.certClearOverrideForm},
		{post, "/contests/:cid/certificates/scores", organizer, "Import an imported part's scores from the form", s.certScoresForm},
		{post, "/contests/:cid/certificates/finalize", organizer, "Finalize from the form, after its confirmation step", s.certFinalizeForm},
		{post, "/contests/:cid/certificates/agency-numbers", organizer, "Record national numbers from a file (CSV/XLSX), all or nothing, from the form", s.certAgencyImportForm},
		{post, "/contests/:cid/certificates/template", organizer, "Adjust the printed certificates (title, issuer lines, logo) from the form", s.certTemplateForm},
		{post, "/contests/:cid/certificates/:number/revoke", organizer, "Revoke a certificate from the form", s.certRevokeForm},
		{post, "/contests/:cid/certificates/:number/agency-number", organizer, "Record a certificate's national number from the form", s.certAgencyForm},
	}
}

// contest loads the contest named by the :cid parameter.
func (s *Site) contest(c *fiber.Ctx) (*contest.Contest, error) { return request.Contest(c, s.Contests) }

// certs returns the certificate service, or an error when this server has none.
func (s *Site) certs() (*certificate.Service, error) {
	if s.Certificates == nil {
		return nil, request.NotFound("certificates are not enabled on this server")
	}
	return s.Certificates, nil
}

const (
	langCookie = "arena_lang"
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
	// ErrorList says each problem of a file refused as a whole, translated.
	ErrorList []string
	// Event is the last event of the contest when the page was made: live
	// modules resume from it, so nothing between render and connect is lost.
	Event string
	// jury and organizer say whether the user is on the contest's jury and
	// among its organizers (contest.Contest.IsJury, IsOrganizer).
	jury, organizer bool
}

// Common returns the page itself, for templates that pass it on.
func (p page) Common() page { return p }

// IsJury reports whether the user is on the jury of the page's contest.
func (p page) IsJury() bool { return p.jury }

// IsOrganizer reports whether the user organizes the page's contest.
func (p page) IsOrganizer() bool { return p.organizer }

// Zone is the time zone the page shows times in: its contest's, else the
// default contest zone.
func (p page) Zone() *time.Location {
	if p.Contest != nil && p.Contest.Zone != nil {
		return p.Contest.Zone
	}
	return (&contest.Contest{}).Location()
}

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
	// Zone is the contest's time zone, in which its pages show times.
	Zone *time.Location
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
func (s *Site) newPage(c *fiber.Ctx, titleKey string) page {
	l := lang(c)
	if q := c.Query("lang"); q == l && c.Cookies(langCookie) != l {
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: l, Path: "/", Expires: s.Now().AddDate(1, 0, 0),
			SameSite: fiber.CookieSameSiteLaxMode, Secure: s.Sessions.Secure})
	}
	other := frontend.Langs[0]
	if l == other {
		other = frontend.Langs[1]
	}
	p := page{Lang: l, OtherLang: other, SwitchURL: switchURL(c, other), CSRF: c.Cookies(request.CSRFCookie)}
	if titleKey != "" {
		p.Title = s.UI.T(l, titleKey)
	}
	if u, ok := request.User(c); ok {
		p.User = &u
	}
	if ok := c.Query("ok"); ok != "" && s.UI.Messages().Has("ok."+ok) {
		p.Notice = s.UI.T(l, "ok."+ok)
	}
	if err, ok := c.Locals(formErrLocal).(error); ok {
		p.Error, p.ErrorDetail = s.explain(l, err)
		var ie *certificate.InputError
		if errors.As(err, &ie) {
			for _, t := range ie.Problems {
				p.ErrorList = append(p.ErrorList, s.UI.Messages().SayOr(l, t, t.String()))
			}
		}
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
func (s *Site) contestPage(c *fiber.Ctx, titleKey, nav string) (*contest.Contest, page, error) {
	ct, err := s.contest(c)
	if err != nil {
		return nil, page{}, err
	}
	return ct, s.pageOf(c, ct, titleKey, nav), nil
}

// pageOf starts a page of contest ct.
func (s *Site) pageOf(c *fiber.Ctx, ct *contest.Contest, titleKey, nav string) page {
	p := s.newPage(c, titleKey)
	p.Nav = nav
	p.jury, p.organizer = request.OnJury(c, ct), request.Organizes(c, ct)
	now := s.Now()
	p.Contest = &contestNav{ID: ct.ID, Title: ct.Title.In(p.Lang), State: ct.StateAt(now), Start: ct.Start, End: ct.End,
		Freeze: ct.Freeze, Frozen: ct.FrozenAt(now) && (!ct.Unfrozen || ct.Revealing), Unfrozen: ct.Unfrozen,
		Revealing: ct.Revealing, Scoring: ct.Scoring, Zone: ct.Location()}
	switch p.Contest.State {
	case contest.NotStarted:
		p.Contest.Remaining = int64(ct.Start.Sub(now) / time.Second)
	case contest.Running:
		p.Contest.Remaining = int64(ct.End.Sub(now) / time.Second)
	}
	return p
}

// lastEvent is the id live modules resume from.
func (s *Site) lastEvent(c *fiber.Ctx, cid string) (string, error) {
	id, err := s.Events.Last(c.UserContext(), cid)
	if err != nil {
		return "", request.Internal(err)
	}
	if id == "" {
		id = "0-0"
	}
	return id, nil
}

// render sends a page, or with ?fragment=NAME only its "frag-NAME" block.
// Pages are personal: nothing is cached.
func (s *Site) render(c *fiber.Ctx, view string, data any) error {
	block := "layout.html"
	if f := c.Query("fragment"); f != "" {
		block = "frag-" + f
		if !s.UI.HasBlock(view, block) {
			return request.NotFound("no fragment " + f)
		}
	}
	c.Type("html", "utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.UI.RenderBlock(c, view, block, data)
}

type errorPageData struct {
	page
	Status  int
	Message string
	Detail  string
}

// ErrorPage shows an error as a page: a visitor who must log in is sent to
// the log-in page; anything else gets a translated explanation and never
// any internals.
func (s *Site) ErrorPage(c *fiber.Ctx, ae *request.Error) error {
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
func (s *Site) explain(l string, err error) (msg, detail string) {
	var ae *request.Error
	if !errors.As(err, &ae) {
		return s.UI.T(l, "error.internal"), ""
	}
	if ae.Status >= 500 && ae.Status != fiber.StatusServiceUnavailable { // 503s say only what is safe
		return s.UI.T(l, "error.internal"), ""
	}
	if said, ok := s.UI.Say(l, ae.Text); ok {
		return said, ""
	}
	key := "error." + ae.Code
	if !s.UI.Messages().Has(key) {
		key = "error.request"
	}
	if l != "en" && !genericError[ae.Code] && key != "error.request" {
		return s.UI.T(l, key), "" // the server's English says the same
	}
	return s.UI.T(l, key), ae.Message
}

// genericError are the codes whose translation says only what kind of
// error it is: the server's own words say what went wrong.
var genericError = map[string]bool{"bad_request": true, "not_found": true, "forbidden": true, "conflict": true,
	"rate_limited": true, "unauthorized": true, "unavailable": true, "too_large": true, "method_not_allowed": true}

// formFailed shows page again with err above the form, with err's status.
func (s *Site) formFailed(c *fiber.Ctx, err error, page fiber.Handler) error {
	var ae *request.Error
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

// localPath accepts only a path on this site, for ?next= redirects; else "/".
// Browsers drop tabs and newlines from a URL and read a backslash as a
// slash, so "/\t/evil.example" would leave the site: those are refused,
// also where percent-escaped.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	for _, form := range []string{p, u.Path} {
		if !strings.HasPrefix(form, "/") || strings.HasPrefix(form, "//") || strings.ContainsFunc(form, func(r rune) bool {
			return r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r)
		}) {
			return "/"
		}
	}
	return p
}

func (s *Site) static(c *fiber.Ctx) error {
	data, ctype, ok := s.UI.Asset(c.Path())
	if !ok {
		return request.NotFound("no such file")
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(data)
}
