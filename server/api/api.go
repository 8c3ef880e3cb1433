// Package api is SkillArena's JSON API under /api and the websockets under
// /ws. Routes are listed in one table; each handler lives in a file of its
// own and only translates: it parses the request, calls the service that
// owns the rules (server/judging, contest.Admin, certificate.Service, ...)
// and maps its errors to the JSON answers (server/request). New builds the
// app and mounts the pages (server/web) beside the API.
package api

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/internal/telemetry"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/clics"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/ratelimit"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/statement"
	"github.com/skillarena/arena/server/submission"
)

// Limits are the request limits the API enforces.
type Limits struct {
	// MaxSubmissionBytes caps one submitted file or text.
	MaxSubmissionBytes int
	// Submit limits submissions per contestant; Login spaces out failed
	// logins per username, LoginAddr limits them per client address.
	Submit    *ratelimit.Limiter
	Login     *ratelimit.Backoff
	LoginAddr *ratelimit.Limiter
	// SessionTTL is how long a login token lives.
	SessionTTL time.Duration
	// Sockets bound the websockets (none when zero).
	Sockets SocketLimits
}

// Pages are the server-rendered pages mounted beside the API (server/web).
type Pages interface {
	// Routes is the pages' route table.
	Routes() []request.Route
	// ErrorPage shows an error to a browser asking for a page.
	ErrorPage(c *fiber.Ctx, e *request.Error) error
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
	// Judging takes submissions, rejudges and overrides; New makes one on
	// the stores and Limits when it is nil.
	Judging *judging.Service
	// Sessions logs users in and finds who is asking; New makes one on
	// Accounts and Limits when it is nil.
	Sessions *request.Sessions
	// Pages, when set, are mounted beside the API.
	Pages Pages
	Log   *slog.Logger
	// Limits are used where Judging or Sessions are nil, and for the body size.
	Limits Limits
	// Ready reports whether the server's dependencies answer.
	Ready func() error
	// SecureCookies marks cookies Secure (serve behind HTTPS).
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client, for the limits per address.
	TrustedProxies request.Proxies
	Now            func() time.Time
	// Metrics counts requests, logins and websockets (internal/telemetry);
	// nil counts nothing. It is never served on this app: /metrics has a
	// listener of its own.
	Metrics *telemetry.Metrics
}

type server struct {
	Deps
	sockets *socketSlots
	pool    *socketPool
}

// Services makes the judging service and the sessions of d from its stores
// and limits, where d has none yet; the pages get the same ones.
func (d Deps) Services() Deps {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Judging == nil {
		d.Judging = &judging.Service{Contests: d.Contests, Submissions: d.Submissions, Blobs: d.Blobs, Audit: d.Audit,
			Certificates: d.Certificates, Rate: d.Limits.Submit, MaxBytes: d.Limits.MaxSubmissionBytes, Now: d.Now,
			Packages: statement.NewCache(d.Blobs)}
	}
	if d.Sessions == nil {
		d.Sessions = &request.Sessions{Accounts: d.Accounts, Login: d.Limits.Login, LoginAddr: d.Limits.LoginAddr,
			TTL: d.Limits.SessionTTL, Secure: d.SecureCookies, Now: d.Now, Metrics: d.Metrics}
	}
	return d
}

// New builds the Fiber app with every route of the API and of d.Pages.
func New(d Deps) *fiber.App {
	d = d.Services()
	s := &server{Deps: d, sockets: newSocketSlots(d.Limits.Sockets), pool: newSocketPool(d.Metrics)}
	if d.Hub != nil {
		d.Hub.Prepare(prepareFrames)
	}
	cfg := request.AppConfig{Sessions: d.Sessions, BodyLimit: d.Limits.MaxSubmissionBytes + 1<<20, Log: d.Log,
		TrustedProxies: d.TrustedProxies, Metrics: d.Metrics}
	if d.Pages != nil {
		cfg.ErrorPage = d.Pages.ErrorPage
	}
	app := request.NewApp(cfg)
	app.Hooks().OnShutdown(func() error {
		s.pool.close()
		return nil
	})
	request.Mount(app, s.scope, mounted(s.routes()))
	if d.Pages != nil {
		request.Mount(app, s.scope, d.Pages.Routes())
	}
	cl := clics.New(clics.Deps{Contests: d.Contests, Submissions: d.Submissions, Board: d.Board, Clarifications: d.Clarifications,
		Events: d.Events, Audit: d.Audit, Blobs: d.Blobs, Packages: statement.NewCache(d.Blobs), Log: d.Log, Now: d.Now})
	request.Mount(app, s.scope, cl.Routes())
	app.Use(clics.Prefix, clics.NotFound)
	app.Use("/api", func(c *fiber.Ctx) error { return request.NotFound("no such API route") })
	return app
}

// Access levels of the route table.
const (
	Public     = request.Public
	User       = request.LoggedIn
	Contestant = request.Contestant
	Jury       = request.Jury
	Organizer  = request.Organizer
	Admin      = request.Admin
)

// Route is one entry of the route table (a request.Route of this package,
// so the table may list its fields in order).
type Route request.Route

// mounted is routes as request.Mount takes them.
func mounted(routes []Route) []request.Route {
	out := make([]request.Route, len(routes))
	for i, r := range routes {
		out[i] = request.Route(r)
	}
	return out
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
		{post, "/api/users", Admin, "Create an admin, organizer or judge account {username, name, organization, role}; its password is shown once", s.createStaffAccount},
		{get, "/api/users/export", Organizer, "Export users with full personal data (csv, xlsx, json)", s.exportUsers},
		{post, "/api/users/import", Organizer, "Import contestants from CSV/XLSX (dry_run to preview)", s.importUsers},

		{get, "/api/contests", Public, "List contests", s.listContests},
		{put, "/api/contests", Organizer, "Create (admins) or update (its organizers) a contest from contest.yaml (body); only admins change its staff", s.loadContest},
		{post, "/api/packages", Organizer, "Upload a challenge package (.tar.gz) to name in contest.yaml", s.uploadPackage},
		{get, "/api/contests/:cid", Public, "One contest", s.getContest},
		{get, "/api/contests/:cid/challenges", User, "The contest's challenges", s.listChallenges},
		{get, "/api/contests/:cid/scoreboard", Public, "The board: public (frozen) view; the jury's live view for judges", s.getScoreboard},
		{patch, "/api/contests/:cid/times", Organizer, "Change start, end or freeze {start, end, freeze, clear_freeze, reason}", s.setContestTimes},
		{post, "/api/contests/:cid/unfreeze", Organizer, "Reveal the whole public board (after the end)", s.unfreezeContest},
		{post, "/api/contests/:cid/reveal", Organizer, "Reveal the next frozen result, lowest ranked first", s.revealNext},
		{get, "/api/contests/:cid/staff", Organizer, "The contest's organizers and judges", s.getStaff},
		{put, "/api/contests/:cid/staff", Admin, "Replace the contest's staff {organizers, judges, reason}; audited", s.setStaff},
		{get, "/api/contests/:cid/audit", Organizer, "The contest's audit log", s.contestAudit},

		{post, "/api/contests/:cid/submissions", Contestant, "Submit: multipart challenge, language, file or code", s.createSubmission},
		{get, "/api/contests/:cid/submissions", User, "Submissions: your own; all for the jury (?challenge=&contestant=&outcome=)", s.listSubmissions},
		{get, "/api/submissions/:sid", User, "One submission (yours, or any for the jury)", s.getSubmission},
		{get, "/api/submissions/:sid/source", User, "A submission's file (yours, or any for the jury)", s.getSource},
		{post, "/api/submissions/:sid/override", Jury, "Set the outcome by hand {outcome, score, reason}", s.overrideSubmission},
		{post, "/api/contests/:cid/rejudges", Jury, "Rejudge {submissions} or {challenge, contestant}, as a preview", s.startRejudge},
		{get, "/api/contests/:cid/rejudges", Jury, "The latest rejudges (at most 200), newest first, each with its entries", s.listRejudges},
		{get, "/api/contests/:cid/rejudges/:rid", Jury, "A rejudge and what it would change", s.getRejudge},
		{post, "/api/contests/:cid/rejudges/:rid/apply", Jury, "Apply a rejudge's changes", s.finishRejudge(true)},
		{post, "/api/contests/:cid/rejudges/:rid/cancel", Jury, "Drop a rejudge", s.finishRejudge(false)},
		{get, "/api/contests/:cid/similarity", Jury, "Similarity of the contestants' last submissions per language to ?challenge=: pairs, best first, with matching line ranges", s.getSimilarity},
		{get, "/api/queue", Jury, "The judging queue: waiting and graded jobs, by worker", s.judgingQueue},

		{get, "/api/contests/:cid/clarifications", User, "Clarifications you may see", s.listClarifications},
		{post, "/api/contests/:cid/clarifications", Contestant, "Ask {challenge, question}", s.askClarification},
		{post, "/api/contests/:cid/clarifications/:id/answer", Jury, "Answer {answer, to_all}", s.answerClarification},
		{post, "/api/contests/:cid/announcements", Jury, "Announce {challenge, text} to everyone", s.announce},

		{get, "/api/certificates/keys", Public, "The public keys that sign certificates (Ed25519)", s.publicKeys},
		{get, "/api/certificates/:number", Public, "Verify a certificate: valid/revoked/invalid; with ?code= the masked holder, level, contest, date (rate limited per address)", s.verifyCertificate},
		{get, "/api/certificates/:number/record", User, "The signed record, for arena certificate verify (holder or organizer)", s.certificateRecord},
		{get, "/api/certificates/:number/pdf", User, "The certificate as PDF (holder or organizer)", s.certificatePDF},
		{post, "/api/certificates/:number/revoke", Organizer, "Revoke a certificate {reason}", s.revokeCertificate},
		{put, "/api/certificates/:number/agency-number", Organizer, "Record the agency's national number {agency_number, reason}", s.setAgencyNumber},
		{get, "/api/contests/:cid/certificates", Organizer, "Certificate review: flags from the final standings, or the finalized list", s.reviewCertificates},
		{post, "/api/contests/:cid/certificates/overrides", Organizer, "Override a contestant's {status, award, level} with a reason", s.overrideCertificate},
		{post, "/api/contests/:cid/certificates/overrides/preview", Organizer, "Preview an override {contestant, status, award, level}: whose place, award and level would change, before and after; changes nothing", s.previewCertificateOverride},
		{del, "/api/contests/:cid/certificates/overrides/:contestant", Organizer, "Remove an override {reason}", s.clearCertificateOverride},
		{post, "/api/contests/:cid/certificates/scores", Organizer, "Import an imported part's scores: multipart file, part, reason; dry_run=1 only checks the file and lists what it would import", s.importPartScores},
		{post, "/api/contests/:cid/certificates/finalize", Organizer, "Finalize: lock the results and issue signed certificates {reason}", s.finalizeCertificates},
		{post, "/api/contests/:cid/certificates/agency-numbers", Organizer, "Import national numbers: multipart file (CSV/XLSX: certificate or ID number, agency number), reason; all or nothing", s.importAgencyNumbers},
		{get, "/api/contests/:cid/certificates/records", Organizer, "Every signed record of the contest as one JSON array, for arena certificate verify (audited)", s.exportRecords},
		{get, "/api/contests/:cid/certificates/template", Organizer, "The certificate template: {title, title_en, issuer, logo}", s.certificateTemplate},
		{put, "/api/contests/:cid/certificates/template", Organizer, "Adjust the printed certificates: multipart title, title_en, issuer (a line each), logo (PNG/JPEG), remove_logo, reason; audited", s.setCertificateTemplate},
		{get, "/api/users/me/certificates", User, "Your own certificates, of every contest, with links to their PDF and signed record", s.myCertificates},
		{get, "/api/contests/:cid/winners", Organizer, "Winner list with full personal data (?format=csv|xlsx|json|pdf&all=1&lang=en)", s.exportWinners},
		{get, "/ws/contests/:cid/:channel", Public, "Websocket: board, submissions, feed or clarifications; ?since=EVENT_ID resumes", s.socket()},
	}
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
