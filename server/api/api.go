// Package api is SkillArena's HTTP surface: the JSON API under /api, the
// websockets under /ws, and the server-rendered pages. Routes are listed in
// one table in New; each handler lives in a file of its own.
package api

import (
	"errors"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/skillarena/arena/frontend"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/ratelimit"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

// Limits are the request limits the API enforces.
type Limits struct {
	// MaxSubmissionBytes caps one submitted file or text.
	MaxSubmissionBytes int
	// Submit limits submissions per contestant; Login and LoginAddr limit
	// failed logins per username and per client address.
	Submit    *ratelimit.Limiter
	Login     *ratelimit.Limiter
	LoginAddr *ratelimit.Limiter
	// SessionTTL is how long a login token lives.
	SessionTTL time.Duration
}

// Deps are what the handlers need.
type Deps struct {
	Accounts    *account.Store
	Contests    *contest.Store
	Submissions *submission.Store
	Board       *scoreboard.Store
	Events      *events.Log
	Hub         *events.Hub
	Blobs       *blob.Store
	Admin       *contest.Admin
	// Clarifications holds questions, answers and announcements.
	Clarifications *clarification.Store
	Audit          *audit.Log
	UI             *frontend.UI
	Log            *slog.Logger
	Limits         Limits
	// Ready reports whether the server's dependencies answer.
	Ready func() error
	// SecureCookies marks cookies Secure (serve behind HTTPS).
	SecureCookies bool
	Now           func() time.Time
}

type server struct{ Deps }

// New builds the Fiber app with every route.
func New(d Deps) *fiber.App {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &server{d}
	app := fiber.New(fiber.Config{
		ErrorHandler:          s.handleError,
		BodyLimit:             d.Limits.MaxSubmissionBytes + 1<<20,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	app.Use(recover.New(recover.Config{EnableStackTrace: false}))
	app.Use(s.securityHeaders, s.authenticate)

	for _, r := range s.routes() {
		app.Add(r.Method, r.Path, append([]fiber.Handler{s.allow(r.Access)}, r.Handler)...)
	}
	app.Use("/api", func(c *fiber.Ctx) error { return errNotFound("no such API route") })
	return app
}

// Access says who may call a route.
type Access int

// Access levels.
const (
	Public     Access = iota // anyone, logged in or not
	User                     // any logged-in user
	Contestant               // contestants
	Jury                     // judges and organizers
	Organizer                // organizers
)

func (a Access) String() string {
	return [...]string{"public", "user", "contestant", "jury", "organizer"}[a]
}

// Allows reports whether a user with role (or nobody, when !logged) may call.
func (a Access) Allows(logged bool, role account.Role) bool {
	switch a {
	case Public:
		return true
	case User:
		return logged
	case Contestant:
		return logged && role == account.Contestant
	case Jury:
		return logged && (role == account.Judge || role == account.Organizer)
	default:
		return logged && role == account.Organizer
	}
}

// Route is one entry of the route table: it registers the handler, feeds
// the OpenAPI document, and drives the every-route-times-every-role test.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Summary string
	Handler fiber.Handler
}

func (s *server) allow(a Access) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, logged := currentUser(c)
		if a.Allows(logged, u.Role) {
			return c.Next()
		}
		if !logged {
			return errUnauthorized("log in first")
		}
		return errForbidden("your role may not do this")
	}
}

// routes is every route of the server, in one table.
func (s *server) routes() []Route {
	get, post, put, patch, del := fiber.MethodGet, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete
	return []Route{
		{get, "/healthz", Public, "Liveness: the process answers", s.healthz},
		{get, "/readyz", Public, "Readiness: Redis answers", s.readyz},
		{get, "/api/openapi.json", Public, "This API, as an OpenAPI 3 document", s.openAPI},

		{post, "/api/auth/login", Public, "Log in with {username, password}: a Bearer token and a session cookie", s.login},
		{post, "/api/auth/logout", Public, "Log out: revoke the token or session", s.logout},
		{get, "/api/users/me", User, "Your account (personal data masked)", s.getMe},
		{get, "/api/tokens", User, "List your API tokens (organizers: ?user=)", s.listTokens},
		{post, "/api/tokens", User, "Create a named API token {label, days}; shown once", s.createToken},
		{del, "/api/tokens/:id", User, "Revoke an API token", s.revokeToken},
		{get, "/api/users", Jury, "List users, personal data masked (?contest=)", s.listUsers},
		{get, "/api/users/export", Organizer, "Export users with full personal data (csv, xlsx, json)", s.exportUsers},
		{post, "/api/users/import", Organizer, "Import contestants from CSV/XLSX (dry_run to preview)", s.importUsers},

		{get, "/api/contests", Public, "List contests", s.listContests},
		{put, "/api/contests", Organizer, "Create or update a contest from contest.yaml (body)", s.loadContest},
		{post, "/api/packages", Organizer, "Upload a challenge package (.tar.gz) to name in contest.yaml", s.uploadPackage},
		{get, "/api/contests/:cid", Public, "One contest", s.getContest},
		{get, "/api/contests/:cid/challenges", User, "The contest's challenges", s.listChallenges},
		{get, "/api/contests/:cid/scoreboard", Public, "The board: public (frozen) view; the jury's live view for judges", s.getScoreboard},
		{patch, "/api/contests/:cid/times", Organizer, "Change start, end or freeze {start, end, freeze, clear_freeze, reason}", s.setContestTimes},
		{post, "/api/contests/:cid/unfreeze", Organizer, "Reveal the whole public board (after the end)", s.unfreezeContest},
		{post, "/api/contests/:cid/reveal", Organizer, "Reveal the next frozen result, lowest ranked first", s.revealNext},
		{get, "/api/contests/:cid/audit", Organizer, "The contest's audit log", s.contestAudit},

		{post, "/api/contests/:cid/submissions", Contestant, "Submit: multipart challenge, language, file or code", s.createSubmission},
		{get, "/api/contests/:cid/submissions", User, "Submissions: your own; all for the jury (?challenge=&contestant=&outcome=)", s.listSubmissions},
		{get, "/api/submissions/:sid", User, "One submission (yours, or any for the jury)", s.getSubmission},
		{get, "/api/submissions/:sid/source", User, "A submission's file (yours, or any for the jury)", s.getSource},
		{post, "/api/submissions/:sid/override", Jury, "Set the outcome by hand {outcome, score, reason}", s.overrideSubmission},
		{post, "/api/contests/:cid/rejudges", Jury, "Rejudge {submissions} or {challenge, contestant}, as a preview", s.startRejudge},
		{get, "/api/contests/:cid/rejudges/:rid", Jury, "A rejudge and what it would change", s.getRejudge},
		{post, "/api/contests/:cid/rejudges/:rid/apply", Jury, "Apply a rejudge's changes", s.finishRejudge(true)},
		{post, "/api/contests/:cid/rejudges/:rid/cancel", Jury, "Drop a rejudge", s.finishRejudge(false)},
		{get, "/api/queue", Jury, "The judging queue: waiting and graded jobs, by worker", s.judgingQueue},

		{get, "/api/contests/:cid/clarifications", User, "Clarifications you may see", s.listClarifications},
		{post, "/api/contests/:cid/clarifications", Contestant, "Ask {challenge, question}", s.askClarification},
		{post, "/api/contests/:cid/clarifications/:id/answer", Jury, "Answer {answer, to_all}", s.answerClarification},
		{post, "/api/contests/:cid/announcements", Jury, "Announce {challenge, text} to everyone", s.announce},

		{get, "/ws/contests/:cid/:channel", Public, "Websocket: board, submissions, feed or clarifications; ?since=EVENT_ID resumes", s.socket()},

		{get, "/static/*", Public, "Static assets (content-hashed names)", s.static},
		{get, "/contests/:cid/board", Public, "The live board page", s.boardPage},
		{get, "/", Public, "Home: the running contest's board", s.home},
	}
}

// apiError is an error with a safe public message; the cause stays in the log.
type apiError struct {
	Status  int
	Code    string
	Message string
	Cause   error
}

func (e *apiError) Error() string { return e.Message }
func (e *apiError) Unwrap() error { return e.Cause }

func errBadRequest(msg string) error {
	return &apiError{fiber.StatusBadRequest, "bad_request", msg, nil}
}
func errNotFound(msg string) error  { return &apiError{fiber.StatusNotFound, "not_found", msg, nil} }
func errForbidden(msg string) error { return &apiError{fiber.StatusForbidden, "forbidden", msg, nil} }
func errUnauthorized(msg string) error {
	return &apiError{fiber.StatusUnauthorized, "unauthorized", msg, nil}
}
func errConflict(msg string) error { return &apiError{fiber.StatusConflict, "conflict", msg, nil} }
func errTooMany(msg string) error {
	return &apiError{fiber.StatusTooManyRequests, "rate_limited", msg, nil}
}
func errInternal(cause error) error {
	return &apiError{fiber.StatusInternalServerError, "internal", "something went wrong on our side; it has been logged", cause}
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// handleError maps every error to JSON {error: {code, message}}.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	var ae *apiError
	var fe *fiber.Error
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &fe):
		ae = &apiError{Status: fe.Code, Code: codeFor(fe.Code), Message: fe.Message}
	default:
		ae = errInternal(err).(*apiError)
	}
	if ae.Status >= 500 {
		s.Log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	var body errorBody
	body.Error.Code, body.Error.Message = ae.Code, ae.Message
	return c.Status(ae.Status).JSON(body)
}

func codeFor(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "not_found"
	case fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "too_large"
	case fiber.StatusBadRequest:
		return "bad_request"
	case fiber.StatusUnauthorized:
		return "unauthorized"
	case fiber.StatusForbidden:
		return "forbidden"
	}
	if status >= 500 {
		return "internal"
	}
	return "error"
}

func (s *server) securityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	return c.Next()
}

func (s *server) healthz(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) }

func (s *server) readyz(c *fiber.Ctx) error {
	if s.Ready != nil {
		if err := s.Ready(); err != nil {
			s.Log.Warn("not ready", "err", err)
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
		}
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
