// Package arenatest builds SkillArena's HTTP side on a real Redis for the
// tests of server/api and server/web: seeded stores, the services, the
// pages, and a client that calls the app as a given user.
package arenatest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/frontend"
	"github.com/skillarena/arena/internal/telemetry"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/ratelimit"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
	"github.com/skillarena/arena/server/web"
)

// Password is every test user's password.
const Password = "correct horse"

// MaxSubmissionBytes caps a submission in tests.
const MaxSubmissionBytes = 1000

// Fixture is the stores, services and pages of one test, and the app
// once the test's package built it.
type Fixture struct {
	// App is what Serve was given.
	App    *fiber.App
	Tokens map[string]string
	Redis  *redis.Client
	// Server is the redis-server behind Redis, for tests that kill it.
	Server *testenv.Redis
	users  []string

	Accounts       *account.Store
	Contests       *contest.Store
	Subs           *submission.Store
	Board          *scoreboard.Store
	Audit          *audit.Log
	Admin          *contest.Admin
	Clarifications *clarification.Store
	Events         *events.Log
	Hub            *events.Hub
	Blobs          *blob.Store
	Certificates   *certificate.Service
	Judging        *judging.Service
	Sessions       *request.Sessions
	Site           *web.Site
	Log            *slog.Logger
	Now            func() time.Time
	// Metrics counts the fixture's Redis errors, logins and applied
	// results; tests hand it to the app to count its requests.
	Metrics *telemetry.Metrics
	// SubmitRate and LoginAddrRate are the rate limits; LoginRate spaces
	// out a username's failed logins (1 s after the fifth, doubling).
	SubmitRate, LoginAddrRate *ratelimit.Limiter
	LoginRate                 *ratelimit.Backoff
	// VerifyRate limits certificate verifications per address, WrongCodeRate
	// the wrong verification codes (WrongCodes of them).
	VerifyRate, WrongCodeRate *ratelimit.Limiter
}

// PublicURL is the public address certificates link to in tests.
const PublicURL = "https://arena.example.org"

// WrongCodes is how many wrong verification codes an address may send in tests.
const WrongCodes = 5

// limitWindow is the rate limiters' window in tests: windows are fixed, so a
// minute-long one could roll over in the middle of a test and reset a count.
const limitWindow = 24 * time.Hour

// base makes the stores on a fresh Redis with users, the services and the pages.
func base(t *testing.T, clock func() time.Time, users []account.User, certificates bool, loginLimit int64) *Fixture {
	t.Helper()
	ctx := context.Background()
	server := testenv.StartRedis(t)
	rdb := server.Client()
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ui, err := frontend.New()
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{Tokens: map[string]string{}, Redis: rdb, Server: server, Accounts: account.NewStore(rdb), Contests: contest.NewStore(rdb),
		Subs: submission.NewStore(rdb), Board: scoreboard.NewStore(rdb), Audit: audit.New(rdb),
		Clarifications: clarification.NewStore(rdb), Events: events.NewLog(rdb), Hub: events.NewHub(rdb, slog.Default()),
		Blobs: blobs, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock,
		SubmitRate: ratelimit.New(rdb, "submit", 3, limitWindow), LoginRate: ratelimit.NewBackoff(rdb, "login", loginLimit, time.Second, time.Minute, limitWindow),
		LoginAddrRate: ratelimit.New(rdb, "login-addr", max(20, loginLimit), limitWindow), Metrics: telemetry.New(),
		VerifyRate: ratelimit.New(rdb, "verify-addr", 1000, limitWindow), WrongCodeRate: ratelimit.New(rdb, "verify-code", WrongCodes, limitWindow)}
	rdb.AddHook(f.Metrics.RedisHook())
	f.Subs.CountResults(f.Metrics)
	for _, u := range users {
		if err := f.Accounts.Put(ctx, u, Password); err != nil {
			t.Fatal(err)
		}
		f.users = append(f.users, u.Username)
	}
	f.Admin = &contest.Admin{Contests: f.Contests, Accounts: f.Accounts, Board: f.Board, Audit: f.Audit, Now: f.Now}
	if certificates {
		f.Certificates = certificate.New(certificate.Config{Redis: rdb, Contests: f.Contests, Board: f.Board, Accounts: f.Accounts,
			Audit: f.Audit, KeyDir: t.TempDir(), Lookups: f.VerifyRate, WrongCodes: f.WrongCodeRate, PublicURL: PublicURL})
		f.Admin.Finalized = f.Certificates.Finalized
	}
	f.Judging = &judging.Service{Contests: f.Contests, Submissions: f.Subs, Blobs: blobs, Audit: f.Audit,
		Certificates: f.Certificates, Rate: f.SubmitRate, MaxBytes: MaxSubmissionBytes, Now: f.Now}
	f.Clarifications.AuditTo(f.Audit)
	f.Sessions = &request.Sessions{Accounts: f.Accounts, Login: f.LoginRate, LoginAddr: f.LoginAddrRate, TTL: time.Hour, Now: f.Now,
		Metrics: f.Metrics}
	f.Site = web.New(web.Deps{UI: ui, Sessions: f.Sessions, Judging: f.Judging, Admin: f.Admin, Certificates: f.Certificates,
		Clarifications: f.Clarifications, Accounts: f.Accounts, Contests: f.Contests, Submissions: f.Subs, Board: f.Board,
		Events: f.Events, Blobs: blobs, Audit: f.Audit, Log: f.Log, Now: f.Now})
	return f
}

// New is a running contest "run", a finished one "old" and one not
// started "soon", staffed by org (organizer) and jury (judge); a running
// contest "other" staffed by org2 and jury2; admin; and ann and ben
// (contestants of all four) and outsider (of none).
func New(t *testing.T, now time.Time) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := base(t, func() time.Time { return now }, []account.User{
		{Username: "org", Role: account.Organizer}, {Username: "jury", Role: account.Judge},
		{Username: "org2", Role: account.Organizer}, {Username: "jury2", Role: account.Judge},
		{Username: "admin", Role: account.Admin},
		{Username: "ann", Name: "Ann", Role: account.Contestant}, {Username: "ben", Name: "Ben", Role: account.Contestant},
		{Username: "outsider", Role: account.Contestant},
	}, false, 5)
	staff := contest.Staff{Organizers: []string{"org"}, Judges: []string{"jury"}}
	ch := contest.Challenge{Slug: "hello", Title: challenges.Text{En: "Hello"}, Category: "data", Kind: "program",
		Points: 100, Languages: []string{"python3"}, Package: strings.Repeat("a", 64)}
	for _, ct := range []*contest.Contest{
		{ID: "run", Title: challenges.Text{En: "Running"}, Start: now.Add(-time.Hour), End: now.Add(time.Hour), Challenges: []contest.Challenge{ch}, Staff: staff},
		{ID: "old", Title: challenges.Text{En: "Old"}, Start: now.Add(-3 * time.Hour), End: now.Add(-2 * time.Hour), Challenges: []contest.Challenge{ch}, Staff: staff},
		{ID: "soon", Title: challenges.Text{En: "Soon"}, Start: now.Add(time.Hour), End: now.Add(2 * time.Hour), Challenges: []contest.Challenge{ch}, Staff: staff},
		{ID: "other", Title: challenges.Text{En: "Other"}, Start: now.Add(-time.Hour), End: now.Add(time.Hour), Challenges: []contest.Challenge{ch},
			Staff: contest.Staff{Organizers: []string{"org2"}, Judges: []string{"jury2"}}},
	} {
		if err := f.Contests.Put(ctx, ct); err != nil {
			t.Fatal(err)
		}
		if err := f.Contests.AddMembers(ctx, ct.ID, "ann", "ben"); err != nil {
			t.Fatal(err)
		}
		if err := f.Board.Enroll(ctx, ct.ID, scoreboard.Contestant{ID: "ann", Name: "Ann"}, scoreboard.Contestant{ID: "ben", Name: "Ben"}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// NewCertificates has certificates on, and a finished contest "fin" with
// certificate rules in which ann beat ben; users org, ann and ben.
func NewCertificates(t *testing.T) *Fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	f := base(t, time.Now, []account.User{
		{Username: "org", Role: account.Organizer},
		{Username: "ann", Name: "安娜", Role: account.Contestant, IDNumber: "110105199003071239", Phone: "13812345678", Category: "worker"},
		{Username: "ben", Name: "本杰明", Role: account.Contestant, IDNumber: "440304200002294568", Category: "student"},
	}, true, 50)
	ct := &contest.Contest{ID: "fin", Title: challenges.Text{Zh: "数据竞赛", En: "Data contest"}, Start: now.Add(-3 * time.Hour), End: now.Add(-time.Hour),
		Tier: "city", Challenges: []contest.Challenge{{Slug: "hello", Title: challenges.Text{En: "Hello"}, Kind: "program", Points: 100,
			Languages: []string{"python3"}, Package: strings.Repeat("a", 64)}},
		Certificates: &rules.Rules{Occupation: "大数据工程技术人员", OccupationCode: "2-02-38-03", Issuer: "组委会",
			Levels: []rules.Promotion{{Level: rules.Level3, Placing: rules.Placing{TopN: 1}}}},
		Staff: contest.Staff{Organizers: []string{"org"}}}
	if err := f.Admin.Save(ctx, ct, "org", "contest.create", "test"); err != nil {
		t.Fatal(err)
	}
	if err := f.Admin.Enroll(ctx, "fin", scoreboard.Contestant{ID: "ann", Name: "安娜"}, scoreboard.Contestant{ID: "ben", Name: "本杰明"}); err != nil {
		t.Fatal(err)
	}
	_ = f.Subs.EnsureGroup(ctx)
	for i, s := range []struct {
		user  string
		score float64
	}{{"ann", 100}, {"ben", 60}} {
		sub, err := f.Subs.Submit(ctx, submission.New{Contest: "fin", Challenge: "hello", Contestant: s.user, Language: "python3",
			Blob: strings.Repeat("b", 64), MaxScore: 100, Elapsed: int64(100 + i)})
		if err != nil {
			t.Fatal(err)
		}
		job, err := f.Subs.Take(ctx, "w", time.Minute, 100*time.Millisecond)
		if err != nil || job == nil {
			t.Fatalf("take: %v", err)
		}
		if _, err := f.Subs.Apply(ctx, job, sub, verdict.Result{Outcome: verdict.Scored, Score: s.score, MaxScore: 100}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// Serve makes app the fixture's app (api.New on the fixture's stores and
// services, Pages: f.Site) and logs every user in.
func (f *Fixture) Serve(t *testing.T, app *fiber.App) *Fixture {
	t.Helper()
	f.App = app
	for _, u := range f.users {
		f.Login(t, u)
	}
	return f
}

// Login gives user a fresh token.
func (f *Fixture) Login(t *testing.T, user string) {
	t.Helper()
	delete(f.Tokens, user)
	resp := f.Request(t, "POST", "/api/auth/login", "", "application/json", strings.NewReader(`{"username":"`+user+`","password":"`+Password+`"}`))
	var out struct{ Token string }
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&out) != nil || out.Token == "" {
		t.Fatalf("login %s: %s", user, resp.Status)
	}
	f.Tokens[user] = out.Token
}

// Request sends a request as user (a Bearer token; "" for nobody).
func (f *Fixture) Request(t *testing.T, method, path, user, ctype string, body io.Reader) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if tok, ok := f.Tokens[user]; ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := f.App.Test(req, 20000)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// JSON sends a JSON body and decodes a successful answer into out; an
// error status must come with an error body.
func (f *Fixture) JSON(t *testing.T, method, path, user, body string, out any) int {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	resp := f.Request(t, method, path, user, "application/json", r)
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	if resp.StatusCode >= 400 && !strings.Contains(string(b), `"error"`) {
		t.Fatalf("%s %s: %d without an error body: %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

// Call makes a request with a JSON body and header pairs, and returns the
// status, body and header.
func (f *Fixture) Call(t *testing.T, method, path, user, body string, header ...string) (int, []byte, http.Header) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if tok, ok := f.Tokens[user]; ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := f.App.Test(req, 20000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// Submit submits code to "hello" in "run" as user and returns the submission's id.
func (f *Fixture) Submit(t *testing.T, user, code string) string {
	t.Helper()
	body, ctype := MultipartBody(map[string]string{"challenge": "hello", "language": "python3"}, code)
	resp := f.Request(t, "POST", "/api/contests/run/submissions", user, ctype, body)
	var out struct{ ID string }
	if resp.StatusCode != 202 || json.NewDecoder(resp.Body).Decode(&out) != nil {
		t.Fatalf("submit as %s: %s", user, resp.Status)
	}
	return out.ID
}

// Grade plays the judge worker: it takes the next job and stores res.
func (f *Fixture) Grade(t *testing.T, res verdict.Result) *submission.Job {
	t.Helper()
	ctx := context.Background()
	_ = f.Subs.EnsureGroup(ctx)
	job, err := f.Subs.Take(ctx, "test-worker", time.Minute, 100*time.Millisecond)
	if err != nil || job == nil {
		t.Fatalf("take: %v %v", job, err)
	}
	if job.Rejudge != "" {
		if err := f.Subs.StoreRejudge(ctx, job, res); err != nil {
			t.Fatal(err)
		}
		return job
	}
	sub, _ := f.Subs.Get(ctx, job.SID)
	if _, err := f.Subs.Apply(ctx, job, sub, res); err != nil {
		t.Fatal(err)
	}
	return job
}

// MultipartBody is a multipart form of fields and, unless file is "", a
// file "main.py".
func MultipartBody(fields map[string]string, file string) (io.Reader, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != "" {
		fw, _ := mw.CreateFormFile("file", "main.py")
		_, _ = fw.Write([]byte(file))
	}
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}
