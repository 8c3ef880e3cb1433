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

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)

	api := app.Group("/api")
	api.Post("/auth/login", s.login)
	api.Post("/auth/logout", s.logout)
	api.Get("/contests", s.listContests)
	api.Get("/contests/:cid", s.getContest)
	api.Get("/contests/:cid/challenges", s.requireUser, s.listChallenges)
	api.Post("/contests/:cid/submissions", s.requireRole(account.Contestant), s.createSubmission)
	api.Get("/submissions/:sid", s.requireUser, s.getSubmission)
	api.Get("/contests/:cid/scoreboard", s.getScoreboard)

	org := s.requireRole(account.Organizer)
	api.Post("/packages", org, s.uploadPackage)
	api.Put("/contests", org, s.loadContest)
	api.Patch("/contests/:cid/times", org, s.setContestTimes)
	api.Post("/contests/:cid/unfreeze", org, s.unfreezeContest)
	api.Post("/contests/:cid/reveal", org, s.revealNext)
	api.Get("/contests/:cid/audit", org, s.contestAudit)

	jury := s.requireRole(account.Judge, account.Organizer)
	api.Get("/contests/:cid/submissions", s.requireUser, s.listSubmissions)
	api.Get("/submissions/:sid/source", s.requireUser, s.getSource)
	api.Post("/submissions/:sid/override", jury, s.overrideSubmission)
	api.Post("/contests/:cid/rejudges", jury, s.startRejudge)
	api.Get("/contests/:cid/rejudges/:rid", jury, s.getRejudge)
	api.Post("/contests/:cid/rejudges/:rid/apply", jury, s.finishRejudge(true))
	api.Post("/contests/:cid/rejudges/:rid/cancel", jury, s.finishRejudge(false))
	api.Get("/queue", jury, s.judgingQueue)
	api.Get("/contests/:cid/clarifications", s.requireUser, s.listClarifications)
	api.Post("/contests/:cid/clarifications", s.requireRole(account.Contestant), s.askClarification)
	api.Post("/contests/:cid/clarifications/:id/answer", jury, s.answerClarification)
	api.Post("/contests/:cid/announcements", jury, s.announce)

	// Accounts: personal data masked everywhere but the organizers' export.
	api.Get("/users/me", s.requireUser, s.getMe)
	api.Get("/users", s.requireRole(account.Organizer, account.Judge), s.listUsers)
	api.Get("/users/export", s.requireRole(account.Organizer), s.exportUsers)
	api.Post("/users/import", s.requireRole(account.Organizer), s.importUsers)
	api.Get("/tokens", s.requireUser, s.listTokens)
	api.Post("/tokens", s.requireUser, s.createToken)
	api.Delete("/tokens/:id", s.requireUser, s.revokeToken)
	api.Use(func(c *fiber.Ctx) error { return errNotFound("no such API route") })

	app.Get("/ws/contests/:cid/:channel", s.socket())

	app.Get("/static/*", s.static)
	app.Get("/contests/:cid/board", s.boardPage)
	app.Get("/", s.home)
	return app
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
