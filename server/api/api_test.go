package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/arenatest"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
)

const testPassword = arenatest.Password

// fixture is the app of arenatest's fixture: the API with the pages.
type fixture struct{ *arenatest.Fixture }

// newFixture builds the app on a real Redis with a running contest "run",
// a finished one "old", and one user per role.
func newFixture(t *testing.T, now time.Time) *fixture { return serve(t, arenatest.New(t, now)) }

// certFixture is the app with certificates on, and a finished contest
// "fin" with certificate rules in which ann beat ben.
func certFixture(t *testing.T) *fixture { return serve(t, arenatest.NewCertificates(t)) }

// serve is the app on f's stores; sockets, if given, bound its websockets.
func serve(t *testing.T, f *arenatest.Fixture, sockets ...SocketLimits) *fixture {
	limits := Limits{MaxSubmissionBytes: arenatest.MaxSubmissionBytes}
	if len(sockets) > 0 {
		limits.Sockets = sockets[0]
	}
	return &fixture{f.Serve(t, New(Deps{Accounts: f.Accounts, Contests: f.Contests, Submissions: f.Subs, Board: f.Board,
		Admin: f.Admin, Audit: f.Audit, Certificates: f.Certificates, Clarifications: f.Clarifications, Events: f.Events,
		Hub: f.Hub, Blobs: f.Blobs, Judging: f.Judging, Sessions: f.Sessions, Pages: f.Site, Log: f.Log, Now: f.Now,
		Metrics: f.Metrics, Limits: limits}))}
}

func TestIntegrationRoutes(t *testing.T) {
	f := newFixture(t, time.Now())
	ok := map[string]string{"challenge": "hello", "language": "python3"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range ok {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	type tc struct {
		name     string
		method   string
		path     string
		user     string
		fields   map[string]string
		file     string
		status   int
		code     string // error code, for failures
		contains string // in the body
	}
	tests := []tc{
		{name: "health", method: "GET", path: "/healthz", status: 200, contains: "ok"},
		{name: "ready", method: "GET", path: "/readyz", status: 200, contains: "ok"},
		{name: "contests are public", method: "GET", path: "/api/contests", status: 200, contains: `"id":"run"`},
		{name: "one contest", method: "GET", path: "/api/contests/run", status: 200, contains: `"state":"running"`},
		{name: "unknown contest", method: "GET", path: "/api/contests/nope", status: 404, code: "not_found"},
		{name: "challenges need login", method: "GET", path: "/api/contests/run/challenges", status: 401, code: "unauthorized"},
		{name: "challenges", method: "GET", path: "/api/contests/run/challenges", user: "ann", status: 200, contains: `"slug":"hello"`},
		{name: "challenges hidden before start", method: "GET", path: "/api/contests/soon/challenges", user: "ann", status: 403, code: "forbidden"},
		{name: "jury sees challenges before start", method: "GET", path: "/api/contests/soon/challenges", user: "jury", status: 200, contains: "hello"},
		{name: "package hash never shown", method: "GET", path: "/api/contests/run/challenges", user: "ann", status: 200, contains: `"languages"`},
		{name: "board is public", method: "GET", path: "/api/contests/run/scoreboard", status: 200, contains: `"rows":[{"rank":1`},
		{name: "unknown route", method: "GET", path: "/api/nothing", status: 404, code: "not_found"},
		{name: "submit needs login", method: "POST", path: "/api/contests/run/submissions", fields: ok, file: "print(1)", status: 401, code: "unauthorized"},
		{name: "judges do not submit", method: "POST", path: "/api/contests/run/submissions", user: "jury", fields: ok, file: "print(1)", status: 403, code: "forbidden"},
		{name: "outsider", method: "POST", path: "/api/contests/run/submissions", user: "outsider", fields: ok, file: "print(1)", status: 403, code: "forbidden"},
		{name: "ended", method: "POST", path: "/api/contests/old/submissions", user: "ann", fields: ok, file: "print(1)", status: 409, contains: "ended"},
		{name: "not started", method: "POST", path: "/api/contests/soon/submissions", user: "ann", fields: ok, file: "print(1)", status: 409, contains: "not started"},
		{name: "unknown challenge", method: "POST", path: "/api/contests/run/submissions", user: "ann", fields: with(map[string]string{"challenge": "nope"}), file: "print(1)", status: 400, contains: "challenge"},
		{name: "unknown language", method: "POST", path: "/api/contests/run/submissions", user: "ann", fields: with(map[string]string{"language": "cobol"}), file: "print(1)", status: 400, contains: "language"},
		{name: "no file", method: "POST", path: "/api/contests/run/submissions", user: "ann", fields: ok, status: 400, contains: "file"},
		{name: "file and code", method: "POST", path: "/api/contests/run/submissions", user: "ann", fields: with(map[string]string{"code": "print(2)"}), file: "print(1)", status: 400, contains: "either"},
		{name: "empty file", method: "POST", path: "/api/contests/run/submissions", user: "ann", fields: ok, file: "  \n", status: 400, contains: "empty"},
		{name: "binary file", method: "POST", path: "/api/contests/run/submissions", user: "ann", fields: ok, file: "\xff\xfe\x00", status: 400, contains: "UTF-8"},
		{name: "too large", method: "POST", path: "/api/contests/run/submissions", user: "ann", fields: ok, file: strings.Repeat("#", 1001), status: 400, contains: "limit"},
		{name: "accepted", method: "POST", path: "/api/contests/run/submissions", user: "ann", fields: ok, file: "print(1)", status: 202, contains: `"status":"queued"`},
		{name: "accepted as text", method: "POST", path: "/api/contests/run/submissions", user: "ben", fields: with(map[string]string{"code": "print(1)"}), status: 202, contains: `"id":"run-`},
		{name: "others' submission hidden", method: "GET", path: "/api/submissions/run-1", user: "ben", status: 404, code: "not_found"},
		{name: "own submission", method: "GET", path: "/api/submissions/run-1", user: "ann", status: 200, contains: `"contestant":"ann"`},
		{name: "jury sees any", method: "GET", path: "/api/submissions/run-1", user: "jury", status: 200, contains: `"status":"queued"`},
		{name: "bad submission id", method: "GET", path: "/api/submissions/..%2f..", user: "jury", status: 404, code: "not_found"},
		{name: "blob hash never shown", method: "GET", path: "/api/submissions/run-2", user: "ben", status: 200, contains: `"tests":[]`},
		{name: "board page", method: "GET", path: "/contests/run/board?lang=en", status: 200, contains: "Live board"},
		{name: "board page zh", method: "GET", path: "/contests/run/board", status: 200, contains: "实时榜单"},
		{name: "websocket needs upgrade", method: "GET", path: "/ws/contests/run/board", status: 426, code: "upgrade_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			ctype := ""
			if tt.fields != nil || tt.file != "" {
				body, ctype = arenatest.MultipartBody(tt.fields, tt.file)
			}
			resp := f.Request(t, tt.method, tt.path, tt.user, ctype, body)
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, b)
			}
			if tt.code != "" {
				var e request.Body
				if err := json.Unmarshal(b, &e); err != nil || e.Error.Code != tt.code || e.Error.Message == "" {
					t.Fatalf("error body %s, want code %q with a message", b, tt.code)
				}
			}
			if tt.contains != "" && !strings.Contains(string(b), tt.contains) {
				t.Fatalf("body %s does not contain %q", b, tt.contains)
			}
			for _, secret := range []string{strings.Repeat("a", 64), "goroutine ", "blob"} {
				if strings.Contains(string(b), secret) {
					t.Fatalf("body leaks %q: %s", secret, b)
				}
			}
		})
	}
}

func TestIntegrationAuth(t *testing.T) {
	f := newFixture(t, time.Now())
	login := func(user, pw string) int {
		resp := f.Request(t, "POST", "/api/auth/login", "", "application/json", strings.NewReader(`{"username":"`+user+`","password":"`+pw+`"}`))
		return resp.StatusCode
	}
	if st := login("ann", "wrong password"); st != 401 {
		t.Fatalf("wrong password: %d", st)
	}
	if st := login("nobody", "whatever1"); st != 401 {
		t.Fatalf("unknown user: %d", st)
	}
	resp := f.Request(t, "POST", "/api/auth/login", "", "application/json", strings.NewReader(`{"username":`))
	if resp.StatusCode != 400 {
		t.Fatalf("malformed JSON: %d", resp.StatusCode)
	}
	// Login CSRF: another site's form, or its script, does not log a visitor in.
	form := "username=ann&password=" + testPassword
	if resp := f.Request(t, "POST", "/api/auth/login", "", "application/x-www-form-urlencoded", strings.NewReader(form)); resp.StatusCode != 415 {
		t.Fatalf("form-encoded login: %d, want 415", resp.StatusCode)
	}
	if st, _, _ := f.Call(t, "POST", "/api/auth/login", "", `{"username":"ann","password":"`+testPassword+`"}`, "Sec-Fetch-Site", "cross-site"); st != 403 {
		t.Fatalf("cross-site login: %d, want 403", st)
	}
	// The per-user backoff (free for 5 failures here) holds off the next
	// attempt, even with the right password; other users are not affected.
	var codes []int
	for i := 0; i < 5; i++ {
		codes = append(codes, login("ben", "guess"))
	}
	codes = append(codes, login("ben", testPassword), login("ann", testPassword))
	if codes[4] != 401 || codes[5] != 429 || codes[6] != 200 {
		t.Fatalf("login statuses %v: want 401 x5, then 429 for ben, 200 for ann", codes)
	}
	// The guesser only delays ben: after the wait (1 s here) his password works.
	time.Sleep(1100 * time.Millisecond)
	if st := login("ben", testPassword); st != 200 {
		t.Fatalf("ben after the wait: %d, want 200", st)
	}
	if st := login("ben", "guess"); st != 401 {
		t.Fatalf("a guess after ben's login: %d, want 401 (his login starts the count over)", st)
	}

	// A bad Bearer token is refused, not treated as anonymous.
	req := httptest.NewRequest("GET", "/api/contests", nil)
	req.Header.Set("Authorization", "Bearer not-a-token")
	r, _ := f.App.Test(req)
	if r.StatusCode != 401 {
		t.Fatalf("bad token: %d", r.StatusCode)
	}

	// The session cookie works for reads, and for writes only with the CSRF token.
	resp = f.Request(t, "POST", "/api/auth/login", "", "application/json", strings.NewReader(`{"username":"ann","password":"`+testPassword+`"}`))
	var session, csrf string
	for _, c := range resp.Cookies() {
		switch c.Name {
		case request.SessionCookie:
			session = c.Value
			if !c.HttpOnly {
				t.Fatal("session cookie must be HttpOnly")
			}
		case request.CSRFCookie:
			csrf = c.Value
		}
	}
	if session == "" || csrf == "" {
		t.Fatalf("login set no session/CSRF cookies: %v", resp.Cookies())
	}
	cookieReq := func(withCSRF bool) int {
		body, ctype := arenatest.MultipartBody(map[string]string{"challenge": "hello", "language": "python3"}, "print(1)")
		req := httptest.NewRequest("POST", "/api/contests/run/submissions", body)
		req.Header.Set("Content-Type", ctype)
		req.AddCookie(&http.Cookie{Name: request.SessionCookie, Value: session})
		req.AddCookie(&http.Cookie{Name: request.CSRFCookie, Value: csrf})
		if withCSRF {
			req.Header.Set(request.CSRFHeader, csrf)
		}
		r, err := f.App.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		return r.StatusCode
	}
	if st := cookieReq(false); st != 403 {
		t.Fatalf("cookie write without CSRF header: %d, want 403", st)
	}
	if st := cookieReq(true); st != 202 {
		t.Fatalf("cookie write with CSRF header: %d, want 202", st)
	}
}

func TestIntegrationSubmitRateLimit(t *testing.T) {
	f := newFixture(t, time.Now())
	var codes []int
	for i := 0; i < 4; i++ {
		body, ctype := arenatest.MultipartBody(map[string]string{"challenge": "hello", "language": "python3"}, "print(1)")
		codes = append(codes, f.Request(t, "POST", "/api/contests/run/submissions", "ann", ctype, body).StatusCode)
	}
	if codes[0] != 202 || codes[2] != 202 || codes[3] != 429 {
		t.Fatalf("statuses %v: want three 202 then 429", codes)
	}
	// A refused submission is not recorded.
	if _, err := f.Subs.Get(context.Background(), "run-4"); err == nil {
		t.Fatal("the rate-limited submission was recorded")
	}
}

func multipartRaw(field, name string, data []byte) (io.Reader, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile(field, name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

// TestIntegrationSubmitContestLimits: the contest's own limits refuse with
// their status and message, before the rate limit.
func TestIntegrationSubmitContestLimits(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, time.Now())
	contests := f.Contests
	ct, err := contests.Get(ctx, "run")
	if err != nil {
		t.Fatal(err)
	}
	ct.Limits = contest.Limits{Total: 2}
	if err := contests.Put(ctx, ct); err != nil {
		t.Fatal(err)
	}
	submit := func(user string) (int, string) {
		body, ctype := arenatest.MultipartBody(map[string]string{"challenge": "hello", "language": "python3"}, "print(1)")
		resp := f.Request(t, "POST", "/api/contests/run/submissions", user, ctype, body)
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e.Error.Message
	}
	for i := range 2 {
		if st, msg := submit("ann"); st != 202 {
			t.Fatalf("submission %d: %d %s", i+1, st, msg)
		}
	}
	for range 2 { // the second would also pass the rate limit of 3
		if st, msg := submit("ann"); st != 429 || msg != "you have used all 2 submissions of this contest" {
			t.Fatalf("over the total: %d %q", st, msg)
		}
	}
	ct.Limits = contest.Limits{MinIntervalSeconds: 3600}
	if err := contests.Put(ctx, ct); err != nil {
		t.Fatal(err)
	}
	if st, msg := submit("ben"); st != 202 {
		t.Fatalf("ben's first: %d %s", st, msg)
	}
	if st, msg := submit("ben"); st != 429 || msg != "wait 3600 s between submissions" {
		t.Fatalf("within the interval: %d %q", st, msg)
	}
}

// TestIntegrationRedisDown: while Redis is down, the API and the pages
// answer 503 with Retry-After and a message, not 500.
func TestIntegrationRedisDown(t *testing.T) {
	f := newFixture(t, time.Now())
	f.Server.Kill()
	for _, tc := range []struct {
		method, path, user string
		header             []string
	}{
		{"GET", "/api/contests/run/scoreboard", "", nil},
		{"GET", "/api/contests/run/submissions", "ann", nil},
		{"POST", "/api/auth/login", "", nil},
		{"GET", "/contests/run/board", "", []string{"Accept", "text/html"}},
	} {
		body := ""
		if tc.path == "/api/auth/login" {
			body = `{"username":"ann","password":"` + testPassword + `"}`
		}
		st, b, hdr := f.Call(t, tc.method, tc.path, tc.user, body, tc.header...)
		if st != 503 || hdr.Get("Retry-After") == "" || !strings.Contains(string(b), "try again") && !strings.Contains(string(b), "再试") {
			t.Errorf("%s %s with Redis down: %d Retry-After %q: %.200s", tc.method, tc.path, st, hdr.Get("Retry-After"), b)
		}
	}
}
