package clics_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/arenatest"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/api"
	"github.com/skillarena/arena/server/clics"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

const schemaURL = "https://skillarena.test/contest-api-2023-06.schema.json"

// schemas compiles the specification's objects from testdata.
func schemas(t *testing.T) func(def string) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile("testdata/contest-api-2023-06.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaURL, doc); err != nil {
		t.Fatal(err)
	}
	cache := map[string]*jsonschema.Schema{}
	return func(def string) *jsonschema.Schema {
		t.Helper()
		if s, ok := cache[def]; ok {
			return s
		}
		s, err := c.Compile(schemaURL + "#/$defs/" + def)
		if err != nil {
			t.Fatalf("compile %s: %v", def, err)
		}
		cache[def] = s
		return s
	}
}

// contestFixture is the app with an icpc contest "cl" (frozen an hour
// ago, running for another hour) in which ann solved hello before the
// freeze, ben was wrong before it and solved it after; a question from
// ann answered to her alone, one answered to all, and an announcement;
// in the points contest "run" ben scored 60, then 100.
type contestFixture struct {
	*arenatest.Fixture
	frozenSub string // ben's accept after the freeze
	schema    func(string) *jsonschema.Schema
}

func newContest(t *testing.T) *contestFixture {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	f := arenatest.New(t, now)
	f.Serve(t, api.New(api.Deps{Accounts: f.Accounts, Contests: f.Contests, Submissions: f.Subs, Board: f.Board,
		Admin: f.Admin, Audit: f.Audit, Clarifications: f.Clarifications, Events: f.Events, Hub: f.Hub, Blobs: f.Blobs,
		Judging: f.Judging, Sessions: f.Sessions, Pages: f.Site, Log: f.Log, Now: f.Now,
		Limits: api.Limits{MaxSubmissionBytes: arenatest.MaxSubmissionBytes}}))
	freeze := now.Add(-time.Hour)
	ct := &contest.Contest{ID: "cl", Title: challenges.Text{Zh: "区块链赛", En: "Chain cup"}, Start: now.Add(-2 * time.Hour),
		End: now.Add(time.Hour), Freeze: &freeze, Scoring: contest.ScoringICPC,
		Challenges: []contest.Challenge{
			{Slug: "hello", Title: challenges.Text{En: "Hello"}, Kind: "program", Points: 1, Languages: []string{"python3", "cpp17"}, Package: strings.Repeat("a", 64)},
			{Slug: "a-challenge-slug-longer-than-any-clics-id", Title: challenges.Text{Zh: "长题"}, Kind: "program", Points: 1, Languages: []string{"go"}, Package: strings.Repeat("c", 64)},
		},
		Staff: contest.Staff{Organizers: []string{"org"}, Judges: []string{"jury"}}}
	if err := f.Admin.Save(ctx, ct, "admin", "contest.create", "test"); err != nil {
		t.Fatal(err)
	}
	if err := f.Admin.Enroll(ctx, "cl", scoreboard.Contestant{ID: "ann", Name: "Ann", Organization: "清华大学"},
		scoreboard.Contestant{ID: "ben", Name: "Ben", Organization: "Peking University"}); err != nil {
		t.Fatal(err)
	}
	cf := &contestFixture{Fixture: f, schema: schemas(t)}
	cf.submit(t, "ann", 600, verdict.Accepted)
	cf.submit(t, "ben", 700, verdict.WrongAnswer)
	cf.frozenSub = cf.submit(t, "ben", 5000, verdict.Accepted)
	for _, sc := range []float64{60, 100} {
		cf.submitTo(t, "run", "ben", 300, verdict.Result{Outcome: verdict.Scored, Score: sc, MaxScore: 100,
			Tests: []verdict.Test{{Name: "1", Outcome: verdict.Accepted, Score: sc / 2, MaxScore: 50, CPUTimeMS: 7},
				{Name: "2", Outcome: verdict.WrongAnswer, MaxScore: 50, CPUTimeMS: 9}}})
	}
	q, err := f.Clarifications.Ask(ctx, "cl", "ann", "hello", "May input be empty?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Clarifications.Answer(ctx, "cl", q.ID, "jury", "No.", false); err != nil {
		t.Fatal(err)
	}
	q2, err := f.Clarifications.Ask(ctx, "cl", "ben", "", "Is Go allowed?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Clarifications.Answer(ctx, "cl", q2.ID, "jury", "Yes, for the second problem.", true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Clarifications.Announce(ctx, "cl", "jury", "", "Thirty minutes left."); err != nil {
		t.Fatal(err)
	}
	return cf
}

// submit makes and grades a submission to hello in cl, elapsed seconds
// after the start, with one test of outcome o; it returns its id.
func (cf *contestFixture) submit(t *testing.T, user string, elapsed int64, o verdict.Outcome) string {
	t.Helper()
	score := 0.0
	if o == verdict.Accepted {
		score = 1
	}
	return cf.submitTo(t, "cl", user, elapsed, verdict.Result{Outcome: o, Score: score, MaxScore: 1,
		Tests: []verdict.Test{{Name: "1", Outcome: o, Score: score, MaxScore: 1, CPUTimeMS: 120}}})
}

// submitTo makes a submission to hello in contest cid and grades it res.
func (cf *contestFixture) submitTo(t *testing.T, cid, user string, elapsed int64, res verdict.Result) string {
	t.Helper()
	ctx := context.Background()
	hash, err := cf.Blobs.Put(ctx, []byte("print('hi from "+user+"')\n"))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := cf.Subs.Submit(ctx, submission.New{Contest: cid, Challenge: "hello", Contestant: user, Language: "python3",
		FileName: "main.py", Blob: hash, MaxScore: res.MaxScore, Elapsed: elapsed})
	if err != nil {
		t.Fatal(err)
	}
	cf.Grade(t, res)
	return sub.ID
}

// get answers GET path as user ("" for nobody; "basic:user" with HTTP
// basic authentication), checking the status; on success it decodes the
// body into out.
func (cf *contestFixture) get(t *testing.T, path, user string, status int, out any) []byte {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if name, ok := strings.CutPrefix(user, "basic:"); ok {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(name+":"+arenatest.Password)))
	} else if tok, ok := cf.Tokens[user]; ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := cf.App.Test(req, 20000)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("GET %s as %q: %d %s, want %d", path, user, resp.StatusCode, body.Bytes(), status)
	}
	if status >= 400 {
		cf.valid(t, "error", body.Bytes(), path)
		var e struct{ Code int }
		if json.Unmarshal(body.Bytes(), &e); e.Code != status {
			t.Errorf("GET %s: error body %s does not carry code %d", path, body.Bytes(), status)
		}
	}
	if out != nil && status < 300 {
		if err := json.Unmarshal(body.Bytes(), out); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body.Bytes())
		}
	}
	return body.Bytes()
}

// valid checks body against the schema's definition def.
func (cf *contestFixture) valid(t *testing.T, def string, body []byte, where string) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: not JSON: %v: %s", where, err, body)
	}
	if err := cf.schema(def).Validate(v); err != nil {
		t.Errorf("%s does not match the specification's %s: %v\n%s", where, def, err, body)
	}
}

// feed reads the event feed to the present (stream=false) and checks
// every line against the notification schema.
func (cf *contestFixture) feed(t *testing.T, user, query string) []notification {
	t.Helper()
	return cf.feedOf(t, "cl", user, query)
}

// feedOf reads the event feed of contest cid to the present.
func (cf *contestFixture) feedOf(t *testing.T, cid, user, query string) []notification {
	t.Helper()
	body := cf.get(t, "/clics/contests/"+cid+"/event-feed?stream=false"+query, user, 200, nil)
	var out []notification
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue // keep-alive
		}
		cf.valid(t, "notification", sc.Bytes(), "event-feed line")
		var n notification
		if err := json.Unmarshal(sc.Bytes(), &n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// integrity checks that every notification refers only to objects the
// feed sent before it (known: "type/id" of what was sent, kept across a
// resume), as the specification's referential integrity asks.
func integrity(t *testing.T, known map[string]bool, lines []notification) {
	t.Helper()
	refs := map[string]map[string]string{
		"submissions":    {"team_id": "teams", "problem_id": "problems", "language_id": "languages"},
		"judgements":     {"submission_id": "submissions"},
		"runs":           {"judgement_id": "judgements"},
		"teams":          {"organization_id": "organizations"},
		"clarifications": {"from_team_id": "teams", "to_team_id": "teams", "reply_to_id": "clarifications", "problem_id": "problems"},
	}
	for _, n := range lines {
		var data map[string]any
		_ = json.Unmarshal(n.Data, &data)
		for prop, typ := range refs[n.Type] {
			if id, ok := data[prop].(string); ok && !known[typ+"/"+id] {
				t.Errorf("%s %s refers to %s %s, not sent before it", n.Type, n.Data, typ, id)
			}
		}
		if n.Type == "awards" {
			for _, id := range data["team_ids"].([]any) {
				if !known["teams/"+id.(string)] {
					t.Errorf("award %s names team %s, not sent before it", n.Data, id)
				}
			}
		}
		if n.ID != nil {
			known[n.Type+"/"+*n.ID] = true
		}
	}
}

type notification struct {
	Type  string          `json:"type"`
	ID    *string         `json:"id"`
	Data  json.RawMessage `json:"data"`
	Token string          `json:"token"`
}

// collections are the collection endpoints and their object schemas.
var collections = map[string]string{
	"judgement-types": "judgement-type", "languages": "language", "problems": "problem", "groups": "group",
	"organizations": "organization", "teams": "team", "submissions": "submission", "judgements": "judgement",
	"runs": "run", "clarifications": "clarification", "awards": "award",
}

// TestIntegrationEndpointsMatchSpecification reads every endpoint as every
// kind of caller and checks each answer against the specification's schemas.
func TestIntegrationEndpointsMatchSpecification(t *testing.T) {
	cf := newContest(t)
	for _, user := range []string{"", "ann", "jury", "admin", "jury2", "basic:org"} {
		t.Run("as "+cmpOr(user, "nobody"), func(t *testing.T) {
			cf.valid(t, "api", cf.get(t, "/clics", user, 200, nil), "/clics")
			var all []json.RawMessage
			cf.get(t, "/clics/contests", user, 200, &all)
			if len(all) < 5 {
				t.Errorf("contests: %d, want the fixture's five", len(all))
			}
			for _, c := range all {
				cf.valid(t, "contest", c, "/clics/contests")
			}
			// cl scores icpc (pass-fail), run points (score).
			for _, cid := range []string{"cl", "run"} {
				for path, def := range map[string]string{"": "contest", "/access": "access", "/state": "state", "/scoreboard": "scoreboard"} {
					cf.valid(t, def, cf.get(t, "/clics/contests/"+cid+path, user, 200, nil), cid+path)
				}
				for ep, def := range collections {
					var objs []json.RawMessage
					cf.get(t, "/clics/contests/"+cid+"/"+ep, user, 200, &objs)
					for _, o := range objs {
						cf.valid(t, def, o, cid+"/"+ep)
						var id struct{ ID string }
						_ = json.Unmarshal(o, &id)
						one := cf.get(t, "/clics/contests/"+cid+"/"+ep+"/"+id.ID, user, 200, nil)
						if !bytes.Equal(bytes.TrimSpace(one), o) {
							t.Errorf("%s/%s/%s: %s, the collection has %s", cid, ep, id.ID, one, o)
						}
					}
					if cid == "cl" && ep != "groups" && len(objs) == 0 || cid == "run" && (ep == "judgements" || ep == "runs") && len(objs) == 0 {
						t.Errorf("%s/%s: empty", cid, ep)
					}
				}
				integrity(t, map[string]bool{}, cf.feedOf(t, cid, user, ""))
			}
			lines := cf.feed(t, user, "")
			integrity(t, map[string]bool{}, lines)
			types := map[string]int{}
			for _, n := range lines {
				types[n.Type]++
			}
			for _, want := range []string{"contest", "state", "judgement-types", "languages", "problems", "organizations", "teams",
				"submissions", "judgements", "runs", "clarifications", "awards"} {
				if types[want] == 0 {
					t.Errorf("the event feed has no %s notification: %v", want, types)
				}
			}
		})
	}

	// What the objects say, as the staff see them.
	var contestObj map[string]any
	cf.get(t, "/clics/contests/cl", "jury", 200, &contestObj)
	if contestObj["scoreboard_type"] != "pass-fail" || contestObj["penalty_time"] != 20.0 ||
		contestObj["duration"] != "3:00:00.000" || contestObj["scoreboard_freeze_duration"] != "2:00:00.000" {
		t.Errorf("contest: %v", contestObj)
	}
	var run map[string]any
	cf.get(t, "/clics/contests/run", "", 200, &run)
	if run["scoreboard_type"] != "score" || run["penalty_time"] != nil {
		t.Errorf("a points contest: %v, want a score scoreboard without penalty_time", run)
	}
	var pjs []map[string]any
	cf.get(t, "/clics/contests/run/judgements", "jury", 200, &pjs)
	if len(pjs) != 2 || pjs[0]["judgement_type_id"] != "WA" || pjs[0]["score"] != 60.0 ||
		pjs[1]["judgement_type_id"] != "AC" || pjs[1]["score"] != 100.0 {
		t.Errorf("points judgements: %v, want WA 60 then AC 100", pjs)
	}
	var psb struct {
		Rows []struct {
			TeamID   string `json:"team_id"`
			Score    map[string]any
			Problems []map[string]any
		}
	}
	cf.get(t, "/clics/contests/run/scoreboard", "", 200, &psb)
	if len(psb.Rows) == 0 || psb.Rows[0].TeamID != "ben" || psb.Rows[0].Score["score"] != 100.0 || psb.Rows[0].Score["num_solved"] != nil ||
		psb.Rows[0].Problems[0]["score"] != 100.0 || psb.Rows[0].Problems[0]["time"] != 5.0 {
		t.Errorf("points scoreboard: %+v", psb.Rows)
	}
	var problems []map[string]any
	cf.get(t, "/clics/contests/cl/problems", "", 200, &problems)
	if len(problems) != 2 || problems[0]["id"] != "hello" || problems[0]["label"] != "A" || problems[0]["ordinal"] != 1.0 ||
		problems[1]["label"] != "B" || problems[1]["name"] != "长题" || len(problems[1]["id"].(string)) > 36 {
		t.Errorf("problems: %v", problems)
	}
	var teams []map[string]any
	cf.get(t, "/clics/contests/cl/teams", "", 200, &teams)
	var orgs []map[string]any
	cf.get(t, "/clics/contests/cl/organizations", "", 200, &orgs)
	if len(teams) != 2 || teams[0]["id"] != "ann" || teams[0]["organization_id"] == nil || len(orgs) != 2 {
		t.Fatalf("teams %v, organizations %v", teams, orgs)
	}
	var org map[string]any
	cf.get(t, "/clics/contests/cl/organizations/"+teams[0]["organization_id"].(string), "", 200, &org)
	if org["name"] != "清华大学" {
		t.Errorf("ann's organization: %v", org)
	}
	var filtered []map[string]any
	cf.get(t, "/clics/contests/cl/submissions?team_id=ben", "jury", 200, &filtered)
	if len(filtered) != 2 {
		t.Errorf("submissions?team_id=ben: %d, want 2", len(filtered))
	}
	var types []map[string]any
	cf.get(t, "/clics/contests/cl/judgement-types", "", 200, &types)
	for _, jt := range types {
		want := map[string][2]bool{"AC": {false, true}, "WA": {true, false}, "CE": {false, false}}
		if w, ok := want[jt["id"].(string)]; ok && (jt["penalty"] != w[0] || jt["solved"] != w[1]) {
			t.Errorf("judgement type %v: want penalty %v, solved %v", jt, w[0], w[1])
		}
	}
}

// TestIntegrationLongContestID: a contest id longer than a CLICS id is
// served under the hash that stands for it.
func TestIntegrationLongContestID(t *testing.T) {
	cf := newContest(t)
	ctx := context.Background()
	ct, _ := cf.Contests.Get(ctx, "cl")
	ct.ID = "provincial-blockchain-skills-contest-2026-final"
	if err := cf.Admin.Save(ctx, ct, "admin", "contest.create", "test"); err != nil {
		t.Fatal(err)
	}
	var all []map[string]any
	cf.get(t, "/clics/contests", "", 200, &all)
	id := ""
	for _, c := range all {
		if c["id"] != "cl" && c["name"] == "Chain cup" {
			id = c["id"].(string)
		}
	}
	if len(id) == 0 || len(id) > 36 {
		t.Fatalf("the long contest's CLICS id: %q in %v", id, all)
	}
	var got map[string]any
	cf.get(t, "/clics/contests/"+id, "", 200, &got)
	if got["id"] != id {
		t.Errorf("GET /clics/contests/%s: %v", id, got)
	}
	cf.get(t, "/clics/contests/h0123456789abcdef/state", "", 404, nil)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// judgementOf finds the judgement of a submission in a list.
func judgementOf(js []map[string]any, sid string) map[string]any {
	n := sid[strings.LastIndex(sid, "-")+1:]
	for _, j := range js {
		if j["submission_id"] == n {
			return j
		}
	}
	return nil
}

// TestIntegrationRoleFiltering: during the freeze the public, contestants
// and another contest's staff do not see results after the freeze, nor
// questions; the contest's staff and admins see everything.
func TestIntegrationRoleFiltering(t *testing.T) {
	cf := newContest(t)
	for _, tc := range []struct {
		user  string
		staff bool
	}{{"", false}, {"ann", false}, {"jury2", false}, {"org2", false}, {"jury", true}, {"org", true}, {"admin", true}, {"basic:jury", true}} {
		t.Run(cmpOr(tc.user, "nobody"), func(t *testing.T) {
			var js []map[string]any
			cf.get(t, "/clics/contests/cl/judgements", tc.user, 200, &js)
			j := judgementOf(js, cf.frozenSub)
			if j == nil {
				t.Fatalf("no judgement of %s in %v", cf.frozenSub, js)
			}
			if got := j["judgement_type_id"]; tc.staff && got != "AC" || !tc.staff && got != nil {
				t.Errorf("judgement after the freeze: %v (staff %v)", j, tc.staff)
			}
			var runs []map[string]any
			cf.get(t, "/clics/contests/cl/runs?judgement_id="+j["id"].(string), tc.user, 200, &runs)
			if tc.staff != (len(runs) == 1) {
				t.Errorf("runs of the frozen judgement: %v (staff %v)", runs, tc.staff)
			}
			var sb struct {
				State struct{ Frozen *string }
				Rows  []struct {
					TeamID string `json:"team_id"`
					Score  struct {
						NumSolved int `json:"num_solved"`
					}
					Problems []struct {
						ProblemID  string `json:"problem_id"`
						NumPending int    `json:"num_pending"`
						Solved     bool
					}
				}
			}
			cf.get(t, "/clics/contests/cl/scoreboard", tc.user, 200, &sb)
			for _, r := range sb.Rows {
				if r.TeamID == "ben" {
					if tc.staff && (r.Score.NumSolved != 1 || r.Problems[0].NumPending != 0) ||
						!tc.staff && (r.Score.NumSolved != 0 || r.Problems[0].NumPending != 1) {
						t.Errorf("ben on the scoreboard: %+v (staff %v)", r, tc.staff)
					}
				}
			}
			if sb.State.Frozen == nil {
				t.Error("state: not frozen")
			}
			var clars []map[string]any
			cf.get(t, "/clics/contests/cl/clarifications", tc.user, 200, &clars)
			questions, texts := 0, ""
			for _, c := range clars {
				if c["from_team_id"] != nil {
					questions++
				}
				texts += c["text"].(string) + "|"
			}
			if tc.staff && (len(clars) != 5 || questions != 2) || !tc.staff && (len(clars) != 2 || questions != 0 || strings.Contains(texts, "No.")) {
				t.Errorf("clarifications: %v (staff %v)", clars, tc.staff)
			}
			var sub map[string]any
			cf.get(t, "/clics/contests/cl/submissions/1", tc.user, 200, &sub)
			if tc.staff != (sub["files"] != nil) {
				t.Errorf("submission files listed: %v (staff %v)", sub["files"], tc.staff)
			}
			files := 404
			if tc.staff {
				files = 200
			}
			body := cf.get(t, "/clics/contests/cl/submissions/1/files", tc.user, files, nil)
			if tc.staff && !bytes.HasPrefix(body, []byte("PK")) {
				t.Errorf("files: not a zip: %q", body[:min(len(body), 20)])
			}
			var access struct {
				Endpoints []struct {
					Type       string
					Properties []string
				}
			}
			cf.get(t, "/clics/contests/cl/access", tc.user, 200, &access)
			for _, e := range access.Endpoints {
				if e.Type == "submissions" && slices.Contains(e.Properties, "files") != tc.staff {
					t.Errorf("access lists submissions' %v (staff %v)", e.Properties, tc.staff)
				}
			}
			for _, n := range cf.feed(t, tc.user, "") {
				if n.Type == "judgements" && n.ID != nil && *n.ID == j["id"] && strings.Contains(string(n.Data), `"AC"`) != tc.staff {
					t.Errorf("feed: judgement %s (staff %v)", n.Data, tc.staff)
				}
			}
		})
	}

	// Revealing ben's cell shows its judgement to the public, in the REST
	// answers and in the feed from a token before the reveal.
	ctx := context.Background()
	ct, _ := cf.Contests.Get(ctx, "cl")
	ct.End = time.Now().Add(-time.Minute)
	if err := cf.Admin.Save(ctx, ct, "admin", "contest.times", "test"); err != nil {
		t.Fatal(err)
	}
	before := cf.feed(t, "", "")
	token := lastToken(before)
	if _, err := cf.Admin.RevealNext(ctx, "cl", "org"); err != nil {
		t.Fatal(err)
	}
	var js []map[string]any
	cf.get(t, "/clics/contests/cl/judgements", "", 200, &js)
	if j := judgementOf(js, cf.frozenSub); j["judgement_type_id"] != "AC" {
		t.Errorf("after the reveal the public sees %v", j)
	}
	revealed := false
	for _, n := range cf.feed(t, "", "&since_token="+token) {
		revealed = revealed || n.Type == "judgements" && strings.Contains(string(n.Data), `"AC"`)
	}
	if !revealed {
		t.Error("the public feed resumed before the reveal does not show the revealed judgement")
	}
}

// TestIntegrationFeedUnfreeze: a public client that read the feed during
// the freeze and resumes after the organizers unfroze the board gets the
// judgements it saw unjudged, and nothing it cannot place.
func TestIntegrationFeedUnfreeze(t *testing.T) {
	cf := newContest(t)
	ctx := context.Background()
	during := cf.feed(t, "", "")
	known := map[string]bool{}
	integrity(t, known, during)
	token := lastToken(during)
	ct, _ := cf.Contests.Get(ctx, "cl")
	ct.End = time.Now().Add(-time.Minute)
	if err := cf.Admin.Save(ctx, ct, "admin", "contest.times", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := cf.Admin.Unfreeze(ctx, "cl", "org", "ceremony over"); err != nil {
		t.Fatal(err)
	}
	after := cf.feed(t, "", "&since_token="+token)
	integrity(t, known, after)
	n := cf.frozenSub[strings.LastIndex(cf.frozenSub, "-")+1:]
	thawed, judged := false, false
	for _, x := range after {
		judged = judged || x.Type == "judgements" && x.ID != nil && *x.ID == n && strings.Contains(string(x.Data), `"AC"`)
		thawed = thawed || x.Type == "state" && !strings.Contains(string(x.Data), `"thawed":null`)
	}
	if !judged || !thawed {
		t.Errorf("after the unfreeze the resumed public feed: judgement %v, thawed state %v", judged, thawed)
	}
	// Read from the start, the same feed places every judgement after its submission.
	integrity(t, map[string]bool{}, cf.feed(t, "", ""))
}

func lastToken(ns []notification) string {
	token := ""
	for _, n := range ns {
		if n.Token != "" {
			token = n.Token
		}
	}
	return token
}

// TestIntegrationErrors: 404 for unknown contests, endpoints and ids; 400
// for a since_token the feed never gave; 401 for wrong basic credentials.
func TestIntegrationErrors(t *testing.T) {
	cf := newContest(t)
	for _, tc := range []struct {
		path, user string
		status     int
	}{
		{"/clics/contests/nope", "", 404},
		{"/clics/contests/nope/problems", "admin", 404},
		{"/clics/contests/nope/event-feed", "", 404},
		{"/clics/contests/cl/problems/nope", "", 404},
		{"/clics/contests/cl/teams/nope", "jury", 404},
		{"/clics/contests/cl/submissions/999", "jury", 404},
		{"/clics/contests/cl/submissions/999/files", "jury", 404},
		{"/clics/contests/cl/judgements/1-1", "jury", 404},
		{"/clics/contests/cl/submissions/01", "jury", 404},
		{"/clics/contests/cl/runs/1", "jury", 404},
		{"/clics/contests/cl/runs/1-9", "jury", 404},
		{"/clics/contests/cl/runs/3-1", "", 404},
		{"/clics/contests/cl/persons", "", 404},
		{"/clics/nothing", "", 404},
		{"/clics/contests/cl/scoreboard?group_id=x", "", 400},
		{"/clics/contests/cl/event-feed?since_token=yesterday", "", 400},
		{"/clics/contests/cl/event-feed?since_token=99999999999999-0", "jury", 400},
		{"/clics/contests/soon/problems", "", 200},
	} {
		cf.get(t, tc.path, tc.user, tc.status, nil)
	}
	if _, err := cf.Clarifications.Announce(context.Background(), "soon", "jury", "hello", "Bring your ID card."); err != nil {
		t.Fatal(err)
	}
	var none, clars []map[string]any
	cf.get(t, "/clics/contests/soon/problems", "", 200, &none)
	cf.get(t, "/clics/contests/soon/clarifications", "", 200, &clars)
	if len(none) != 0 || len(clars) != 1 || clars[0]["problem_id"] != nil {
		t.Errorf("before the start the public sees problems %v and clarifications %v", none, clars)
	}
	var staffClars []map[string]any
	cf.get(t, "/clics/contests/soon/clarifications", "jury", 200, &staffClars)
	if len(staffClars) != 1 || staffClars[0]["problem_id"] != "hello" {
		t.Errorf("the staff's clarifications before the start: %v", staffClars)
	}
	req := httptest.NewRequest("GET", "/clics/contests/cl/judgements", nil)
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("jury:wrong")))
	resp, err := cf.App.Test(req, 20000)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic") {
		t.Errorf("wrong basic password: %d %v", resp.StatusCode, resp.Header)
	}
	req = httptest.NewRequest("GET", "/api/users/me", nil)
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("jury:"+arenatest.Password)))
	if resp, _ := cf.App.Test(req, 20000); resp.StatusCode != 401 {
		t.Errorf("basic authentication outside /clics: %d, want 401", resp.StatusCode)
	}
}

// TestIntegrationFeedResumes: a client that resumes from the last token it
// read gets the events after it, and only those.
func TestIntegrationFeedResumes(t *testing.T) {
	cf := newContest(t)
	first := cf.feed(t, "jury", "")
	known := map[string]bool{}
	integrity(t, known, first)
	token := lastToken(first)
	if token == "" {
		t.Fatal("the feed gave no token")
	}
	again := cf.feed(t, "jury", "&since_token="+token)
	for _, n := range again {
		if n.Type == "submissions" || n.Type == "judgements" {
			t.Errorf("nothing happened, yet the resumed feed sends %s %s", n.Type, n.Data)
		}
	}
	sid := cf.submit(t, "ann", 6000, verdict.WrongAnswer)
	n := sid[strings.LastIndex(sid, "-")+1:]
	resumed := cf.feed(t, "jury", "&since_token="+token)
	integrity(t, known, resumed)
	got := map[string]string{}
	for _, x := range resumed {
		if x.ID != nil && (x.Type == "submissions" || x.Type == "judgements") {
			got[x.Type+"/"+*x.ID] = string(x.Data)
		}
	}
	if len(got) != 2 || !strings.Contains(got["judgements/"+n], `"WA"`) || got["submissions/"+n] == "" {
		t.Errorf("resumed feed: %v, want submission %s and its WA judgement only", got, n)
	}
	if next := lastToken(resumed); next == token || next == "" {
		t.Errorf("resumed feed's last token %q, was %q", next, token)
	}
	// Every line of one event shares its token only on the last of them.
	for i, x := range first {
		if x.Type == "judgements" && x.Token != "" && i+1 < len(first) && first[i+1].Type == "runs" {
			t.Errorf("a judgement carries the token of an event whose runs follow: %v", x)
		}
	}
}

// TestIntegrationFeedStreams reads the live feed over a real connection: a
// submission made while it is open arrives as a notification.
func TestIntegrationFeedStreams(t *testing.T) {
	cf := newContest(t)
	ln, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = cf.App.Listener(ln) }()
	t.Cleanup(func() { _ = cf.App.ShutdownWithTimeout(time.Second) })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lines, err := openFeed(ctx, "http://"+ln.Addr().String()+"/clics/contests/cl/event-feed", cf.Tokens["jury"])
	if err != nil {
		t.Fatal(err)
	}
	seen := func(want string) bool {
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					return false
				}
				if strings.Contains(l, want) {
					return true
				}
			case <-ctx.Done():
				return false
			}
		}
	}
	if !seen(`"type":"state"`) {
		t.Fatal("the live feed never sent the state")
	}
	sid := cf.submit(t, "ben", 6500, verdict.TimeLimit)
	n := sid[strings.LastIndex(sid, "-")+1:]
	if !seen(fmt.Sprintf(`"judgement_type_id":"TLE"`)) || !strings.HasSuffix(sid, "-"+n) {
		t.Error("the live feed did not send the new judgement")
	}
}

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// openFeed reads a streaming feed line by line until ctx ends.
func openFeed(ctx context.Context, url, token string) (<-chan string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
		return nil, fmt.Errorf("feed: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	out := make(chan string)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			select {
			case out <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// TestIntegrationFeedKeepAliveAndClock: a silent feed sends keep-alive
// newlines, and sends the state again when the clock passes the freeze,
// which no log event marks.
func TestIntegrationFeedKeepAliveAndClock(t *testing.T) {
	cf := newContest(t)
	ctx := context.Background()
	now := time.Now()
	ct, _ := cf.Contests.Get(ctx, "cl")
	ct.ID, ct.Start, ct.End = "tick", now.Add(-time.Minute), now.Add(time.Hour)
	freeze := now.Add(1500 * time.Millisecond)
	ct.Freeze = &freeze
	if err := cf.Admin.Save(ctx, ct, "admin", "contest.create", "test"); err != nil {
		t.Fatal(err)
	}
	cl := clics.New(clics.Deps{Contests: cf.Contests, Submissions: cf.Subs, Board: cf.Board, Clarifications: cf.Clarifications,
		Events: cf.Events, Audit: cf.Audit, Blobs: cf.Blobs, Log: cf.Log, KeepAlive: 300 * time.Millisecond, Poll: 50 * time.Millisecond})
	app := request.NewApp(request.AppConfig{Sessions: cf.Sessions, Log: cf.Log})
	request.Mount(app, nil, cl.Routes())
	ln, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(time.Second) })
	rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	lines, err := openFeed(rctx, "http://"+ln.Addr().String()+"/clics/contests/tick/event-feed", "")
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	blank := 0
	for l := range lines {
		switch {
		case l == "":
			blank++
		case strings.Contains(l, `"type":"state"`):
			states = append(states, l)
		}
		if blank > 0 && len(states) >= 2 {
			break
		}
	}
	if len(states) < 2 || !strings.Contains(states[0], `"frozen":null`) || strings.Contains(states[1], `"frozen":null`) {
		t.Errorf("states sent: %v, want one before the freeze and one after", states)
	}
	if blank == 0 {
		t.Error("no keep-alive newline")
	}
}
