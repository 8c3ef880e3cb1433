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
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/ratelimit"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/statement"
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
	// Certificates reviews, issues, verifies and exports certificates;
	// without it the certificate routes answer 404.
	Certificates *certificate.Service
	UI           *frontend.UI
	// Statements reads statements and attachments from package archives;
	// New makes one on Blobs when it is nil.
	Statements *statement.Cache
	Log        *slog.Logger
	Limits     Limits
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
	if d.Statements == nil && d.Blobs != nil {
		d.Statements = statement.NewCache(d.Blobs)
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

		{get, "/api/certificates/keys", Public, "The public keys that sign certificates (Ed25519)", s.publicKeys},
		{get, "/api/certificates/:number", Public, "Verify a certificate: masked holder, level, contest, date, signature, revocation", s.verifyCertificate},
		{get, "/api/certificates/:number/record", User, "The signed record, for arena certificate verify (holder or organizer)", s.certificateRecord},
		{get, "/api/certificates/:number/pdf", User, "The certificate as PDF (holder or organizer)", s.certificatePDF},
		{post, "/api/certificates/:number/revoke", Organizer, "Revoke a certificate {reason}", s.revokeCertificate},
		{put, "/api/certificates/:number/agency-number", Organizer, "Record the agency's national number {agency_number, reason}", s.setAgencyNumber},
		{get, "/api/contests/:cid/certificates", Organizer, "Certificate review: flags from the final standings, or the finalized list", s.reviewCertificates},
		{post, "/api/contests/:cid/certificates/overrides", Organizer, "Override a contestant's {status, award, level} with a reason", s.overrideCertificate},
		{del, "/api/contests/:cid/certificates/overrides/:contestant", Organizer, "Remove an override {reason}", s.clearCertificateOverride},
		{post, "/api/contests/:cid/certificates/scores", Organizer, "Import an imported part's scores: multipart file, part, reason", s.importPartScores},
		{post, "/api/contests/:cid/certificates/finalize", Organizer, "Finalize: lock the results and issue signed certificates {reason}", s.finalizeCertificates},
		{get, "/api/contests/:cid/winners", Organizer, "Winner list with full personal data (?format=csv|xlsx|json|pdf&all=1&lang=en)", s.exportWinners},
		{get, "/verify/:number", Public, "Certificate verification page (the QR code's target)", s.verifyPage},

		{get, "/ws/contests/:cid/:channel", Public, "Websocket: board, submissions, feed or clarifications; ?since=EVENT_ID resumes", s.socket()},

		{get, "/static/*", Public, "Static assets (content-hashed names)", s.static},

		// Pages (server-rendered; forms send the _csrf field). Handlers in page_*.go.
		{get, "/", Public, "Home page: the contests", s.homePage},
		{get, "/login", Public, "Log-in page", s.loginPage},
		{post, "/login", Public, "Log in from the form", s.loginForm},
		{post, "/logout", Public, "Log out from the form", s.logoutForm},
		{get, "/contests/:cid", Public, "Contest home: countdown, announcements, menu", s.contestHomePage},
		{get, "/contests/:cid/board", Public, "Board page: live for the jury, frozen for the public; projector mode", s.boardPage},
		{get, "/contests/:cid/challenges", User, "Challenge list with your status", s.challengesPage},
		{get, "/contests/:cid/challenges/:slug", User, "Statement and attachments", s.challengePage},
		{get, "/contests/:cid/challenges/:slug/attachments/*", User, "Download an attachment", s.attachmentDownload},
		{get, "/contests/:cid/submit", Contestant, "Submit page: file or text, language, remaining quota", s.submitPage},
		{post, "/contests/:cid/submit", Contestant, "Submit from the form", s.submitForm},
		{get, "/contests/:cid/submissions", User, "Submissions page: yours, or the jury's live feed with filters", s.submissionsPage},
		{get, "/submissions/:sid", User, "Submission page: verdict, tests; source and output for the jury", s.submissionPage},
		{get, "/contests/:cid/clarifications", User, "Clarifications page: ask and read answers; the jury's inbox", s.clarificationsPage},
		{post, "/contests/:cid/clarifications", Contestant, "Ask from the form", s.askForm},
		{post, "/contests/:cid/clarifications/:id/answer", Jury, "Answer from the form, to one or all", s.answerForm},
		{post, "/contests/:cid/announcements", Jury, "Announce from the form", s.announceForm},
		{post, "/contests/:cid/rejudges", Jury, "Start a rejudge from the form", s.rejudgeForm},
		{get, "/contests/:cid/rejudges/:rid", Jury, "Rejudge page: what would change", s.rejudgePage},
		{post, "/contests/:cid/rejudges/:rid/apply", Jury, "Apply a rejudge from the form", s.rejudgeFinishForm(true)},
		{post, "/contests/:cid/rejudges/:rid/cancel", Jury, "Cancel a rejudge from the form", s.rejudgeFinishForm(false)},
		{get, "/contests/:cid/admin", Organizer, "Contest dashboard: state, queue, times, freeze and reveal", s.adminPage},
		{post, "/contests/:cid/admin/times", Organizer, "Change the contest's times from the form", s.timesForm},
		{post, "/contests/:cid/admin/reveal", Organizer, "Reveal the next frozen result from the form", s.revealForm},
		{post, "/contests/:cid/admin/unfreeze", Organizer, "Reveal the whole board from the form", s.unfreezeForm},
		{get, "/contests/:cid/import", Organizer, "Contestant import page", s.importPage},
		{post, "/contests/:cid/import", Organizer, "Preview or import contestants from the form", s.importForm},
		{get, "/contests/:cid/audit", Organizer, "Audit log page", s.auditPage},
		{get, "/contests/:cid/certificates", Organizer, "Winner review and certificates: flags and why, overrides, finalize, exports, issued certificates", s.certificatesPage},
		{post, "/contests/:cid/certificates/overrides", Organizer, "Override a contestant's status, award or level from the form", s.certOverrideForm},
		{post, "/contests/:cid/certificates/overrides/:contestant/clear", Organizer, "Remove an override from the form", s.certClearOverrideForm},
		{post, "/contests/:cid/certificates/scores", Organizer, "Import an imported part's scores from the form", s.certScoresForm},
		{post, "/contests/:cid/certificates/finalize", Organizer, "Finalize from the form, after its confirmation step", s.certFinalizeForm},
		{post, "/contests/:cid/certificates/:number/revoke", Organizer, "Revoke a certificate from the form", s.certRevokeForm},
		{post, "/contests/:cid/certificates/:number/agency-number", Organizer, "Record a certificate's national number from the form", s.certAgencyForm},
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
	if wantsHTML(c) {
		return s.errorPage(c, ae)
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
