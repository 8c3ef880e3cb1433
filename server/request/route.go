package request

import (
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/skillarena/arena/internal/telemetry"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

// Access says who may call a route.
type Access int

// Access levels. Jury and Organizer routes that name a contest (see
// Scope) admit that contest's staff only (contest.Contest.IsJury,
// IsOrganizer); those that name none admit the accounts of those roles, and
// their handlers show each caller only the contests they staff.
const (
	Public     Access = iota // anyone, logged in or not
	LoggedIn                 // any logged-in user
	Contestant               // contestants
	Jury                     // the contest's jury: its judges and organizers, and admins
	Organizer                // the contest's organizers, and admins
	Admin                    // admins
)

func (a Access) String() string {
	return [...]string{"public", "user", "contestant", "jury", "organizer", "admin"}[a]
}

// Allows reports whether a user with role (or nobody, when !logged) may
// call, in some contest.
func (a Access) Allows(logged bool, role account.Role) bool {
	switch a {
	case Public:
		return true
	case LoggedIn:
		return logged
	case Contestant:
		return logged && role == account.Contestant
	case Jury:
		return logged && role.Staff()
	case Organizer:
		return logged && (role == account.Organizer || role == account.Admin)
	default:
		return logged && role == account.Admin
	}
}

// AllowsIn reports whether u may call in contest ct.
func (a Access) AllowsIn(u account.User, ct *contest.Contest) bool {
	switch a {
	case Jury:
		return ct.IsJury(u)
	case Organizer:
		return ct.IsOrganizer(u)
	default:
		return a.Allows(true, u.Role)
	}
}

// Scope finds the contest a request acts in: the :cid contest, the
// contest of the :sid submission or :number certificate, or ?contest=;
// nil when it names none. Its errors are answers (NotFound, Internal).
type Scope func(c *fiber.Ctx) (*contest.Contest, error)

const contestLocal = "arena.contest"

// InContest is the contest the request acts in, as the access check found
// it (nil before, or when it names none).
func InContest(c *fiber.Ctx) *contest.Contest {
	ct, _ := c.Locals(contestLocal).(*contest.Contest)
	return ct
}

// Route is one entry of a route table: it registers the handler, feeds
// the OpenAPI document, and drives the every-route-times-every-role test.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Summary string
	Handler fiber.Handler
}

// allow refuses a caller the route's access does not admit, in the
// contest scope finds for Jury and Organizer routes; it first names r for
// the metrics (telemetry.SetRoute).
func allow(r Route, scope Scope) fiber.Handler {
	a := r.Access
	return func(c *fiber.Ctx) error {
		telemetry.SetRoute(c, r.Method, r.Path)
		u, logged := User(c)
		if !a.Allows(logged, u.Role) {
			if !logged {
				return Unauthorized("log in first")
			}
			return Forbidden("your role may not do this")
		}
		if a != Jury && a != Organizer || scope == nil {
			return c.Next()
		}
		ct, err := scope(c)
		if err != nil {
			return err
		}
		if ct != nil {
			if !a.AllowsIn(u, ct) {
				if a == Organizer {
					return Forbidden("you are not an organizer of contest " + ct.ID)
				}
				return Forbidden("you are not on the jury of contest " + ct.ID)
			}
			c.Locals(contestLocal, ct)
		}
		return c.Next()
	}
}

// Mount registers routes on app, each behind its access check in the
// contest scope finds.
func Mount(app *fiber.App, scope Scope, routes []Route) {
	for _, r := range routes {
		app.Add(r.Method, r.Path, allow(r, scope), r.Handler)
	}
}

// AppConfig is what NewApp needs.
type AppConfig struct {
	Sessions *Sessions
	// BodyLimit caps a request body.
	BodyLimit int
	// ErrorPage shows an error as an HTML page to a browser asking for a
	// page; nil answers JSON to everyone.
	ErrorPage func(c *fiber.Ctx, e *Error) error
	Log       *slog.Logger
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (see ClientIP).
	TrustedProxies Proxies
	// Metrics counts every request by route pattern and status; nil counts nothing.
	Metrics *telemetry.Metrics
}

// NewApp makes the Fiber app every route is mounted on: requests counted,
// panics recovered, security headers, the caller authenticated, and every
// error answered as JSON {error: {code, message}} or, for a browser, as a
// page. Text answers (HTML, JSON, JS, CSS, CSV) are compressed for clients
// that accept it (see Compress).
func NewApp(cfg AppConfig) *fiber.App {
	app := fiber.New(fiber.Config{
		ErrorHandler:          cfg.handleError,
		BodyLimit:             cfg.BodyLimit,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Gives a connection's read and write buffers back between requests:
		// an idle keep-alive connection and a websocket (which keeps what the
		// upgrade request held) then hold none (docs/performance.md).
		ReduceMemoryUsage: true,
	})
	app.Use(cfg.Metrics.HTTP())
	app.Use(recover.New(recover.Config{EnableStackTrace: false}), Compress())
	app.Use(cfg.TrustedProxies.findClient, securityHeaders, cfg.Sessions.Authenticate)
	return app
}

// Compress compresses answers with brotli or gzip, as the client accepts,
// at the fastest level: answers are made per request on a shared machine.
// Only compressible types are compressed (text, JSON, JavaScript, XML:
// fasthttp's list), never an answer that already has a Content-Encoding
// (the board's cached gzip), never a websocket upgrade and never a
// streamed feed (the CLICS event feed).
func Compress() fiber.Handler {
	return compress.New(compress.Config{Level: compress.LevelBestSpeed, Next: func(c *fiber.Ctx) bool {
		return strings.HasPrefix(c.Path(), "/ws/") || c.Get(fiber.HeaderUpgrade) != "" || strings.HasSuffix(c.Path(), "/event-feed")
	}})
}

func (cfg AppConfig) handleError(c *fiber.Ctx, err error) error {
	var e *Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &e):
	case errors.As(err, &fe):
		e = &Error{Status: fe.Code, Code: CodeFor(fe.Code), Message: fe.Message}
	default:
		e = Internal(err).(*Error)
	}
	if e.Status >= 500 {
		cfg.Log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	if e.Status == fiber.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, RetryAfter)
	}
	if strings.HasPrefix(c.Path(), "/clics") {
		// The Contest API's error body.
		return c.Status(e.Status).JSON(fiber.Map{"code": e.Status, "message": e.Message})
	}
	if cfg.ErrorPage != nil && WantsHTML(c) {
		return cfg.ErrorPage(c, e)
	}
	var body Body
	body.Error.Code, body.Error.Message = e.Code, e.Message
	body.Error.MessageCode, body.Error.MessageArgs, body.Error.MessageInner = e.Text.Code, e.Text.Args, e.Text.Inner
	return c.Status(e.Status).JSON(body)
}

// WantsHTML reports whether an error should be an HTML page: a browser
// asking for a page, not the JSON API.
func WantsHTML(c *fiber.Ctx) bool {
	p := c.Path()
	for _, prefix := range []string{"/api/", "/ws/", "/static/", "/healthz", "/readyz"} {
		if strings.HasPrefix(p, prefix) {
			return false
		}
	}
	return strings.Contains(c.Get(fiber.HeaderAccept), "text/html")
}

func securityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	return c.Next()
}

// Contest loads the contest named by the :cid parameter (the one the
// access check loaded, if it did).
func Contest(c *fiber.Ctx, contests *contest.Store) (*contest.Contest, error) {
	if ct := InContest(c); ct != nil && ct.ID == c.Params("cid") {
		return ct, nil
	}
	ct, err := contests.Get(c.UserContext(), c.Params("cid"))
	if errors.Is(err, contest.ErrNotFound) {
		return nil, NotFound("no contest " + c.Params("cid"))
	}
	if err != nil {
		return nil, Internal(err)
	}
	return ct, nil
}

// VisibleSubmission loads the :sid submission and its contest if the
// caller may see it (judging.Service.Visible).
func VisibleSubmission(c *fiber.Ctx, j *judging.Service) (submission.Submission, *contest.Contest, error) {
	u, _ := User(c)
	sub, ct, err := j.Visible(c.UserContext(), u, c.Params("sid"))
	if err != nil {
		return submission.Submission{}, nil, Fail(err)
	}
	return sub, ct, nil
}

// ShownSubmission is the :sid submission as the caller may see it
// (judging.ForViewer), and its contest.
func ShownSubmission(c *fiber.Ctx, j *judging.Service) (submission.Submission, *contest.Contest, error) {
	sub, ct, err := VisibleSubmission(c, j)
	if err != nil {
		return submission.Submission{}, nil, err
	}
	u, _ := User(c)
	return judging.ForViewer(u, ct, sub), ct, nil
}

// Rejudge starts the rejudge the request asks for in the :cid contest
// (judging.Service.StartRejudge), as the caller.
func Rejudge(c *fiber.Ctx, contests *contest.Store, j *judging.Service) (*submission.Batch, error) {
	ct, err := Contest(c, contests)
	if err != nil {
		return nil, err
	}
	var req judging.Rejudge
	if err := Parse(c, &req, "body must be JSON {submissions: [...]} or {challenge, contestant}, with a reason"); err != nil {
		return nil, err
	}
	u, _ := User(c)
	b, err := j.StartRejudge(c.UserContext(), ct, req, u.Username)
	if err != nil {
		return nil, Fail(err)
	}
	return b, nil
}

// Parse reads a JSON or form body into out; msg says what it must be.
func Parse(c *fiber.Ctx, out any, msg string) error {
	if err := c.BodyParser(out); err != nil {
		return BadRequest(msg)
	}
	return nil
}

// SafeFileName is name fit for a Content-Disposition header, or fallback.
func SafeFileName(name, fallback string) string {
	name = strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" {
		return fallback
	}
	return name
}

// BoardView is the board of ct a request may see: its jury sees the live
// board (or the public one with ?view=public), everyone else the public board.
func BoardView(c *fiber.Ctx, ct *contest.Contest) scoreboard.View {
	if OnJury(c, ct) && c.Query("view") != string(scoreboard.Public) {
		return scoreboard.Jury
	}
	return scoreboard.Public
}
