package api

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/request"
)

// TestIntegrationEveryRouteEveryRole walks the route table with every role
// and none, in contest "run" (and on a submission of it): its staff (org,
// jury), the staff of contest "other" (org2, jury2), an admin, a
// contestant. A caller without access gets 401 (anonymous) or 403 (wrong
// role, or staff of the other contest), with the JSON error body; a caller
// with access never does. Staff of the other contest see no submission of
// run on the routes open to every user.
func TestIntegrationEveryRouteEveryRole(t *testing.T) {
	f := newFixture(t, time.Now())
	sid := f.Submit(t, "ann", "print(1)")
	s := &server{}
	values := strings.NewReplacer(":cid", "run", ":sid", sid, ":rid", "nope", ":id", "1", ":channel", "board", "*", "x")
	run, err := f.Contests.Get(context.Background(), "run")
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]struct {
		logged bool
		role   string
	}{
		"":      {false, ""},
		"ann":   {true, "contestant"},
		"jury":  {true, "judge"},
		"org":   {true, "organizer"},
		"jury2": {true, "judge"},
		"org2":  {true, "organizer"},
		"admin": {true, "admin"},
	}
	for _, r := range append(mounted(s.routes()), f.Site.Routes()...) {
		for user, who := range roles {
			t.Run(r.Method+" "+r.Path+" as "+user, func(t *testing.T) {
				resp := f.Request(t, r.Method, values.Replace(r.Path), user, "application/json", strings.NewReader("{}"))
				body, _ := io.ReadAll(resp.Body)
				u := account.User{Username: user, Role: roleOf(who.role)}
				allowed := r.Access.Allows(who.logged, u.Role)
				if scoped := strings.Contains(r.Path, ":cid") || strings.Contains(r.Path, ":sid"); allowed && scoped {
					allowed = r.Access.AllowsIn(u, run)
				}
				if strings.Contains(r.Path, ":sid") && r.Method == "GET" && (user == "jury2" || user == "org2") && resp.StatusCode != 404 {
					t.Fatalf("staff of another contest: got %d %s, want 404", resp.StatusCode, body)
				}
				denied := resp.StatusCode == 401 || resp.StatusCode == 403
				if allowed && denied {
					t.Fatalf("%s may call it, got %d: %s", r.Access, resp.StatusCode, body)
				}
				if !allowed {
					want := 403
					if !who.logged {
						want = 401
					}
					var e request.Body
					if resp.StatusCode != want || json.Unmarshal(body, &e) != nil || e.Error.Code == "" {
						t.Fatalf("access %s: got %d %s, want %d with an error body", r.Access, resp.StatusCode, body, want)
					}
				}
				if resp.StatusCode >= 500 {
					t.Fatalf("server error: %d %s", resp.StatusCode, body)
				}
				if r.Path == "/api/auth/logout" && who.logged {
					f.Login(t, user) // logging out revoked the token
				}
			})
		}
	}
}

// TestIntegrationContestantsSeeTheFrozenBoard: during the freeze a
// contestant asking for the jury view still gets the public, frozen board.
func TestIntegrationContestantsSeeTheFrozenBoard(t *testing.T) {
	f := newFixture(t, time.Now())
	freeze := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	if st := f.JSON(t, "PATCH", "/api/contests/run/times", "org", `{"freeze":"`+freeze+`","reason":"last hour"}`, nil); st != 200 {
		t.Fatalf("set freeze: %d", st)
	}
	f.Submit(t, "ann", "print(1)")
	f.Grade(t, accepted())
	type board struct {
		View   string
		Frozen bool
		Rows   []struct {
			Contestant struct{ ID string }
			Total      float64
			Challenges map[string]struct{ Pending int }
		}
	}
	for _, tc := range []struct {
		user, query, view string
		frozen            bool
		annTotal          float64
	}{
		{"", "", "public", true, 0},
		{"ann", "?view=jury", "public", true, 0},
		{"jury", "", "jury", false, 100},
		{"jury", "?view=public", "public", true, 0},
	} {
		var b board
		f.JSON(t, "GET", "/api/contests/run/scoreboard"+tc.query, tc.user, "", &b)
		if b.View != tc.view || b.Frozen != tc.frozen {
			t.Fatalf("%s%s: view %s frozen %v", tc.user, tc.query, b.View, b.Frozen)
		}
		for _, r := range b.Rows {
			if r.Contestant.ID == "ann" && (r.Total != tc.annTotal || tc.view == "public" && r.Challenges["hello"].Pending != 1) {
				t.Fatalf("%s%s: ann's row %+v", tc.user, tc.query, r)
			}
		}
	}
}

func roleOf(r string) account.Role { return account.Role(r) }

func accepted() verdict.Result {
	return verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100}
}

func TestOpenAPIListsEveryRoute(t *testing.T) {
	s := &server{}
	doc := s.openAPIDoc()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &parsed); err != nil || parsed.OpenAPI != "3.0.3" {
		t.Fatalf("document: %v %q", err, parsed.OpenAPI)
	}
	n := 0
	for _, r := range s.routes() {
		if !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		n++
		path, _ := openAPIPath(r.Path)
		op, ok := parsed.Paths[path][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s missing from the document", r.Method, path)
			continue
		}
		if op["summary"] == "" || op["x-access"] != r.Access.String() {
			t.Errorf("%s %s: %v", r.Method, path, op)
		}
	}
	if n < 30 {
		t.Fatalf("only %d API routes", n)
	}
}

// TestIntegrationStaffOfOneContest: a judge of contest "other" sees contest
// run as the public does until an admin puts them on its staff (audited),
// and staff accounts come from admins.
func TestIntegrationStaffOfOneContest(t *testing.T) {
	f := newFixture(t, time.Now())
	sid := f.Submit(t, "ann", "print(1)")
	type board struct{ View string }
	seen := func(user string) (subs int, view string, queued bool) {
		var list []struct{ ID string }
		f.JSON(t, "GET", "/api/contests/run/submissions", user, "", &list)
		var b board
		f.JSON(t, "GET", "/api/contests/run/scoreboard", user, "", &b)
		var q struct{ Jobs []struct{ Submission string } }
		f.JSON(t, "GET", "/api/queue", user, "", &q)
		for _, j := range q.Jobs {
			queued = queued || j.Submission == sid
		}
		return len(list), b.View, queued
	}
	for _, tc := range []struct {
		user   string
		subs   int
		view   string
		queued bool
	}{
		{"jury", 1, "jury", true},
		{"admin", 1, "jury", true},
		{"jury2", 0, "public", false},
		{"org2", 0, "public", false},
	} {
		if subs, view, queued := seen(tc.user); subs != tc.subs || view != tc.view || queued != tc.queued {
			t.Errorf("%s sees %d submissions, the %s board, queued %v; want %d, %s, %v", tc.user, subs, view, queued, tc.subs, tc.view, tc.queued)
		}
	}
	staff := `{"organizers":["org"],"judges":["jury","jury2"],"reason":"second hall"}`
	for user, want := range map[string]int{"org": 403, "jury": 403, "org2": 403} {
		if st := f.JSON(t, "PUT", "/api/contests/run/staff", user, staff, nil); st != want {
			t.Errorf("%s setting the staff: %d, want %d", user, st, want)
		}
	}
	for _, bad := range []string{
		`{"organizers":["jury2"],"judges":[],"reason":"x"}`,
		`{"organizers":["org"],"judges":["ann"],"reason":"x"}`,
		`{"organizers":["org"],"judges":["jury"]}`,
	} {
		if st := f.JSON(t, "PUT", "/api/contests/run/staff", "admin", bad, nil); st != 400 {
			t.Errorf("staff %s: %d, want 400", bad, st)
		}
	}
	if st := f.JSON(t, "PUT", "/api/contests/run/staff", "admin", staff, nil); st != 200 {
		t.Fatalf("admin setting the staff: %d", st)
	}
	if subs, view, _ := seen("jury2"); subs != 1 || view != "jury" {
		t.Fatalf("jury2 on run's jury sees %d submissions and the %s board", subs, view)
	}
	if st := f.JSON(t, "POST", "/api/contests/run/unfreeze", "jury2", `{"reason":"x"}`, nil); st != 403 {
		t.Fatalf("a judge unfreezing: %d", st)
	}
	var audit []struct {
		Action, Who, Reason string
		Details             map[string]any
	}
	f.JSON(t, "GET", "/api/contests/run/audit", "org", "", &audit)
	if len(audit) == 0 || audit[0].Action != "contest.staff" || audit[0].Who != "admin" || audit[0].Reason != "second hall" || audit[0].Details["judges"] == nil {
		t.Fatalf("audit: %+v", audit)
	}

	var made struct{ Username, Role, Password string }
	if st := f.JSON(t, "POST", "/api/users", "org", `{"username":"judge3","role":"judge"}`, nil); st != 403 {
		t.Fatalf("an organizer making accounts: %d", st)
	}
	if st := f.JSON(t, "POST", "/api/users", "admin", `{"username":"judge3","role":"contestant"}`, nil); st != 400 {
		t.Fatalf("a contestant account by hand: %d", st)
	}
	if st := f.JSON(t, "POST", "/api/users", "admin", `{"username":"judge3","name":"Judge Three","role":"judge"}`, &made); st != 201 || made.Role != "judge" || len(made.Password) < 8 {
		t.Fatalf("make a judge: %d %+v", st, made)
	}
	if st := f.JSON(t, "POST", "/api/users", "admin", `{"username":"judge3","role":"judge"}`, nil); st != 409 {
		t.Fatalf("the same username again: %d", st)
	}
}
