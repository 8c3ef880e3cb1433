package api

import (
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
// and none: a caller without access gets 401 (anonymous) or 403 (wrong
// role), with the JSON error body; a caller with access never does.
func TestIntegrationEveryRouteEveryRole(t *testing.T) {
	f := newFixture(t, time.Now())
	sid := f.Submit(t, "ann", "print(1)")
	s := &server{}
	values := strings.NewReplacer(":cid", "run", ":sid", sid, ":rid", "nope", ":id", "1", ":channel", "board", "*", "x")
	roles := map[string]struct {
		logged bool
		role   string
	}{
		"":     {false, ""},
		"ann":  {true, "contestant"},
		"jury": {true, "judge"},
		"org":  {true, "organizer"},
	}
	for _, r := range append(mounted(s.routes()), f.Site.Routes()...) {
		for user, who := range roles {
			t.Run(r.Method+" "+r.Path+" as "+user, func(t *testing.T) {
				resp := f.Request(t, r.Method, values.Replace(r.Path), user, "application/json", strings.NewReader("{}"))
				body, _ := io.ReadAll(resp.Body)
				allowed := r.Access.Allows(who.logged, roleOf(who.role))
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
