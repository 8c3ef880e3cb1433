package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/arenatest"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/submission"
)

func (f *fixture) annTotal(t *testing.T) float64 {
	t.Helper()
	var b struct {
		Rows []struct {
			Contestant struct{ ID string }
			Total      float64
		}
	}
	f.JSON(t, "GET", "/api/contests/run/scoreboard", "jury", "", &b)
	for _, r := range b.Rows {
		if r.Contestant.ID == "ann" {
			return r.Total
		}
	}
	t.Fatal("ann not on the board")
	return 0
}

func TestIntegrationJudgingControl(t *testing.T) {
	f := newFixture(t, time.Now())
	sid := f.Submit(t, "ann", "print('hello')")
	f.Submit(t, "ben", "print('ben')")
	accepted := verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100}
	f.Grade(t, accepted)
	f.Grade(t, verdict.Result{Outcome: verdict.WrongAnswer, MaxScore: 100})
	if got := f.annTotal(t); got != 100 {
		t.Fatalf("ann's total = %v before the override", got)
	}

	// Manual override, with a reason, by the jury only.
	for _, tc := range []struct {
		user, body string
		status     int
	}{
		{"ann", `{"outcome":"wrong_answer","reason":"x"}`, 403},
		{"jury", `{"outcome":"wrong_answer"}`, 400},
		{"jury", `{"outcome":"magic","reason":"x"}`, 400},
		{"jury", `{"outcome":"scored","score":101,"reason":"x"}`, 400},
		{"jury", `{"outcome":"wrong_answer","reason":"identical to another contestant's code"}`, 200},
	} {
		if st := f.JSON(t, "POST", "/api/submissions/"+sid+"/override", tc.user, tc.body, nil); st != tc.status {
			t.Fatalf("override as %s with %s: %d, want %d", tc.user, tc.body, st, tc.status)
		}
	}
	var sub submission.Submission
	f.JSON(t, "GET", "/api/submissions/"+sid, "ann", "", &sub)
	if sub.Outcome != "wrong_answer" || sub.Score != 0 || sub.Override == "" {
		t.Fatalf("after the override: %+v", sub)
	}
	if got := f.annTotal(t); got != 0 {
		t.Fatalf("ann's total = %v after the override, want 0", got)
	}

	// Rejudge the challenge: a preview first, then apply.
	var b submission.Batch
	if st := f.JSON(t, "POST", "/api/contests/run/rejudges", "jury", `{"challenge":"hello","reason":"new tests"}`, &b); st != 202 {
		t.Fatalf("start rejudge: %d", st)
	}
	if b.State != submission.BatchRunning || len(b.Entries) != 2 {
		t.Fatalf("batch = %+v", b)
	}
	f.Grade(t, accepted)
	f.Grade(t, verdict.Result{Outcome: verdict.WrongAnswer, MaxScore: 100})
	f.JSON(t, "GET", "/api/contests/run/rejudges/"+b.ID, "jury", "", &b)
	if b.State != submission.BatchReady || !b.Entries[0].Changed || b.Entries[1].Changed {
		t.Fatalf("preview = %+v", b)
	}
	if got := f.annTotal(t); got != 0 {
		t.Fatalf("a preview changed the board: ann has %v", got)
	}
	if st := f.JSON(t, "POST", "/api/contests/run/rejudges/"+b.ID+"/apply", "jury", "", &b); st != 200 {
		t.Fatalf("apply: %d", st)
	}
	if got := f.annTotal(t); got != 100 {
		t.Fatalf("ann's total = %v after the rejudge, want 100", got)
	}
	if st := f.JSON(t, "POST", "/api/contests/run/rejudges/"+b.ID+"/cancel", "jury", "", nil); st != 409 {
		t.Fatalf("cancel after apply: %d, want 409", st)
	}
	if st := f.JSON(t, "POST", "/api/contests/run/rejudges", "jury", `{"reason":"x"}`, nil); st != 400 {
		t.Fatalf("rejudge of nothing: %d", st)
	}
	var rejudges []submission.Batch
	if st := f.JSON(t, "GET", "/api/contests/run/rejudges", "jury", "", &rejudges); st != 200 || len(rejudges) != 1 || rejudges[0].ID != b.ID ||
		rejudges[0].State != submission.BatchApplied || len(rejudges[0].Entries) != 2 {
		t.Fatalf("rejudge list: %d %+v", st, rejudges)
	}

	var audit []struct{ Action, Who, Reason string }
	f.JSON(t, "GET", "/api/contests/run/audit", "org", "", &audit)
	actions := map[string]bool{}
	for _, e := range audit {
		actions[e.Action] = true
	}
	for _, want := range []string{"submission.override", "rejudge.start", "rejudge.apply"} {
		if !actions[want] {
			t.Errorf("audit log lacks %s: %+v", want, audit)
		}
	}

	// Sources and lists: contestants see only their own.
	resp := f.Request(t, "GET", "/api/submissions/"+sid+"/source", "ann", "", nil)
	src, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(src) != "print('hello')" {
		t.Fatalf("ann's source: %d %q", resp.StatusCode, src)
	}
	if resp := f.Request(t, "GET", "/api/submissions/"+sid+"/source", "ben", "", nil); resp.StatusCode != 404 {
		t.Fatalf("ben reading ann's source: %d", resp.StatusCode)
	}
	var list []submission.Submission
	f.JSON(t, "GET", "/api/contests/run/submissions", "ann", "", &list)
	if len(list) != 1 || list[0].Contestant != "ann" {
		t.Fatalf("ann's list = %+v", list)
	}
	f.JSON(t, "GET", "/api/contests/run/submissions?contestant=ben", "jury", "", &list)
	if len(list) != 1 || list[0].Contestant != "ben" {
		t.Fatalf("jury's list for ben = %+v", list)
	}
	var q struct {
		Jobs    []submission.QueueEntry
		Workers []submission.Worker
	}
	if st := f.JSON(t, "GET", "/api/queue", "jury", "", &q); st != 200 || len(q.Jobs) != 0 {
		t.Fatalf("queue: %d %+v", st, q)
	}
	if len(q.Workers) != 1 || q.Workers[0].Name != "test-worker" || q.Workers[0].Busy {
		t.Fatalf("workers: %+v, want the idle test-worker", q.Workers)
	}
}

func TestIntegrationContestAdmin(t *testing.T) {
	f := newFixture(t, time.Now())
	end := time.Now().Add(3 * time.Hour).UTC().Format(time.RFC3339)
	if st := f.JSON(t, "PATCH", "/api/contests/run/times", "jury", `{"end":"`+end+`","reason":"x"}`, nil); st != 403 {
		t.Fatalf("judge changing times: %d", st)
	}
	if st := f.JSON(t, "PATCH", "/api/contests/run/times", "org", `{"end":"`+end+`"}`, nil); st != 400 {
		t.Fatalf("no reason: %d", st)
	}
	if st := f.JSON(t, "PATCH", "/api/contests/run/times", "org", `{"end":"2000-01-01T00:00:00Z","reason":"x"}`, nil); st != 400 {
		t.Fatalf("end before start: %d", st)
	}
	var cv contestView
	if st := f.JSON(t, "PATCH", "/api/contests/run/times", "org", `{"end":"`+end+`","reason":"power cut in hall B"}`, &cv); st != 200 || cv.End.Format(time.RFC3339) != end {
		t.Fatalf("extend: %d %+v", st, cv)
	}
	if st := f.JSON(t, "POST", "/api/contests/run/unfreeze", "org", "", nil); st != 409 {
		t.Fatalf("unfreeze while running: %d", st)
	}
	if st := f.JSON(t, "POST", "/api/contests/old/unfreeze", "org", `{"reason":"ceremony"}`, nil); st != 200 {
		t.Fatalf("unfreeze after the end: %d", st)
	}
	var rv revealResponse
	if st := f.JSON(t, "POST", "/api/contests/old/reveal", "org", "", &rv); st != 200 || !rv.Done {
		t.Fatalf("reveal with nothing frozen: %d %+v", st, rv)
	}
	if st := f.JSON(t, "GET", "/api/contests/run/audit", "jury", "", nil); st != 403 {
		t.Fatalf("judge reading the audit log: %d", st)
	}
	var audit []struct {
		Action, Who, Reason string
		Details             map[string]any
	}
	f.JSON(t, "GET", "/api/contests/run/audit", "org", "", &audit)
	if len(audit) == 0 || audit[0].Action != "contest.times" || audit[0].Who != "org" || audit[0].Reason != "power cut in hall B" || audit[0].Details["end"] == nil {
		t.Fatalf("audit = %+v", audit)
	}

	// Upload a package, then load a contest.yaml naming it.
	fsys, _ := challenges.Example("hello")
	archive, err := challenges.Archive(fsys)
	if err != nil {
		t.Fatal(err)
	}
	body, ctype := multipartRaw("package", "hello.tar.gz", archive)
	resp := f.Request(t, "POST", "/api/packages", "org", ctype, body)
	var up struct{ Package, Slug string }
	if resp.StatusCode != 201 || json.NewDecoder(resp.Body).Decode(&up) != nil || !strings.HasPrefix(up.Package, "sha256:") {
		t.Fatalf("upload: %s %+v", resp.Status, up)
	}
	body, ctype = multipartRaw("package", "junk.tar.gz", []byte("not a package"))
	if resp := f.Request(t, "POST", "/api/packages", "org", ctype, body); resp.StatusCode != 400 {
		t.Fatalf("junk package: %s", resp.Status)
	}
	start := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	yaml := "id: city\ntitle: {zh: 市赛}\nstart: " + start + "\nend: " + end + "\nscoring: icpc\nchallenges:\n  - package: " + up.Package + "\n    points: 50\ncontestants: [ann]\n"
	if st := f.JSON(t, "PUT", "/api/contests", "org", yaml, nil); st != 403 {
		t.Fatalf("an organizer creating a contest: %d, want 403 (admins create contests)", st)
	}
	staffed := yaml + "organizers: [org]\njudges: [jury]\n"
	if st := f.JSON(t, "PUT", "/api/contests", "admin", staffed, &cv); st != 200 || cv.ID != "city" || cv.Scoring != "icpc" {
		t.Fatalf("load: %d %+v", st, cv)
	}
	// Its organizer reloads it; the staff, left out, stays.
	if st := f.JSON(t, "PUT", "/api/contests", "org", yaml, nil); st != 200 {
		t.Fatalf("its organizer reloading: %d", st)
	}
	var staff struct{ Organizers, Judges []string }
	if f.JSON(t, "GET", "/api/contests/city/staff", "org", "", &staff); len(staff.Organizers) != 1 || len(staff.Judges) != 1 || staff.Judges[0] != "jury" {
		t.Fatalf("staff after a reload without it: %+v", staff)
	}
	for user, want := range map[string]int{"org": 403, "org2": 403} {
		if st := f.JSON(t, "PUT", "/api/contests", user, yaml+"organizers: [org, org2]\n", nil); st != want {
			t.Errorf("%s changing the staff by contest.yaml: %d, want %d", user, st, want)
		}
	}
	// ann is registered by the file: she may submit to city.
	body, ctype = arenatest.MultipartBody(map[string]string{"challenge": "hello", "language": "python3"}, "print(1)")
	if resp := f.Request(t, "POST", "/api/contests/city/submissions", "ann", ctype, body); resp.StatusCode != 202 {
		t.Fatalf("ann submitting to the loaded contest: %s", resp.Status)
	}
	for _, bad := range []struct{ yaml, want string }{
		{yaml + "colour: red\n", "colour"},
		{strings.Replace(yaml, "scoring: icpc", "scoring: elo", 1), "scoring"},
		{strings.Replace(yaml, up.Package, "sha256:"+strings.Repeat("0", 64), 1), "challenges[0].package"},
		{strings.Replace(yaml, "[ann]", "[org]", 1), "not a contestant"},
		{yaml + "organizers: [jury]\n", "organizers[0]: jury is a judge account"},
		{yaml + "judges: [ann]\n", "judges[0]: ann is a contestant account"},
		{yaml + "judges: [nobody]\n", "judges[0]: no account"},
		{yaml + "tier: city\ncertificates:\n  occupation: x\n  unofficial: [ann]\n  disqualified: [ben]\n", `certificates.disqualified[0]: \"ben\" is not a contestant of this contest`},
		{yaml + "tier: city\ncertificates:\n  occupation: x\n  levels: [{level: 三级, top_n: 1, rank_within: class, who: student}]\n", "certificates.levels[0].rank_within"},
	} {
		resp := f.Request(t, "PUT", "/api/contests", "admin", "application/yaml", strings.NewReader(bad.yaml))
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 400 || !strings.Contains(string(b), bad.want) {
			t.Errorf("bad contest.yaml: %d %s, want 400 naming %s", resp.StatusCode, b, bad.want)
		}
	}
	// The problem as codes, the field's problem said inside the field.
	resp = f.Request(t, "PUT", "/api/contests", "admin", "application/yaml",
		strings.NewReader(yaml+"tier: city\ncertificates:\n  occupation: x\n  levels: [{level: 三级, top_percent: 101}]\n"))
	var coded struct {
		Error struct {
			Message      string `json:"message"`
			MessageCode  string `json:"message_code"`
			MessageInner struct {
				Code  string   `json:"message_code"`
				Args  []string `json:"message_args"`
				Inner struct {
					Code string `json:"message_code"`
				} `json:"message_inner"`
			} `json:"message_inner"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&coded); err != nil || resp.StatusCode != 400 ||
		coded.Error.Message != "contest.yaml: certificates.levels[0].top_percent: must be in 0..100" || coded.Error.MessageCode != "contest.yaml" ||
		coded.Error.MessageInner.Code != "rules.field" || strings.Join(coded.Error.MessageInner.Args, ",") != "levels[0].top_percent" ||
		coded.Error.MessageInner.Inner.Code != "rules.percent" {
		t.Errorf("a bad contest.yaml's codes: %d %v %+v", resp.StatusCode, err, coded)
	}
	// A contestant of the contest may be listed as unofficial.
	if st := f.JSON(t, "PUT", "/api/contests", "org", yaml+"tier: city\ncertificates:\n  occupation: x\n  unofficial: [ann]\n", nil); st != 200 {
		t.Fatalf("unofficial contestant: %d", st)
	}
	if st := f.JSON(t, "PUT", "/api/contests", "jury", yaml, nil); st != 403 {
		t.Fatalf("judge loading a contest: %d", st)
	}
}

func TestIntegrationClarifications(t *testing.T) {
	f := newFixture(t, time.Now())
	type clar struct {
		ID       int64
		From     string
		Question string
		Answer   string
		Public   bool
	}
	var c clar
	if st := f.JSON(t, "POST", "/api/contests/run/clarifications", "ann", `{"challenge":"hello","question":"May the name contain spaces?"}`, &c); st != 201 {
		t.Fatalf("ask: %d", st)
	}
	if st := f.JSON(t, "POST", "/api/contests/run/clarifications", "ann", `{"question":"   "}`, nil); st != 400 {
		t.Fatalf("empty question: %d", st)
	}
	if st := f.JSON(t, "POST", "/api/contests/run/clarifications", "jury", `{"question":"x"}`, nil); st != 403 {
		t.Fatalf("judge asking: %d", st)
	}
	count := func(user string) int {
		var l []clar
		f.JSON(t, "GET", "/api/contests/run/clarifications", user, "", &l)
		return len(l)
	}
	if count("ann") != 1 || count("ben") != 0 || count("jury") != 1 {
		t.Fatalf("visible: ann %d ben %d jury %d", count("ann"), count("ben"), count("jury"))
	}
	if st := f.JSON(t, "POST", "/api/contests/run/clarifications/1/answer", "ann", `{"answer":"yes"}`, nil); st != 403 {
		t.Fatalf("contestant answering: %d", st)
	}
	f.JSON(t, "POST", "/api/contests/run/clarifications/1/answer", "jury", `{"answer":"Yes."}`, &c)
	if c.Answer != "Yes." || c.Public || count("ben") != 0 {
		t.Fatalf("private answer: %+v, ben sees %d", c, count("ben"))
	}
	f.JSON(t, "POST", "/api/contests/run/clarifications/1/answer", "jury", `{"answer":"Yes, spaces are allowed.","to_all":true}`, &c)
	if !c.Public || count("ben") != 1 {
		t.Fatalf("answer to all: %+v, ben sees %d", c, count("ben"))
	}
	if st := f.JSON(t, "POST", "/api/contests/run/announcements", "jury", `{"text":"The contest is extended by 10 minutes."}`, nil); st != 201 || count("ben") != 2 {
		t.Fatalf("announce: %d, ben sees %d", st, count("ben"))
	}
	if st := f.JSON(t, "POST", "/api/contests/run/clarifications/99/answer", "jury", `{"answer":"x"}`, nil); st != 404 {
		t.Fatalf("unknown clarification: %d", st)
	}
}

// TestIntegrationSocketChannels: each channel sends only what the listener
// may see.
func TestIntegrationSocketChannels(t *testing.T) {
	f := newFixture(t, time.Now())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = f.App.Listener(ln) }()
	t.Cleanup(func() { _ = f.App.Shutdown() })
	base := "ws://" + ln.Addr().String() + "/ws/contests/run/"
	// From the last event of the setup (its enrolments' resets) on.
	since, err := f.Events.Last(context.Background(), "run")
	if err != nil {
		t.Fatal(err)
	}
	dial := func(channel, user string) (*websocket.Conn, int) {
		h := http.Header{}
		if tok, ok := f.Tokens[user]; ok {
			h.Set("Authorization", "Bearer "+tok)
		}
		c, resp, err := websocket.DefaultDialer.Dial(base+channel+"?since="+since, h)
		if err != nil {
			if resp != nil {
				return nil, resp.StatusCode
			}
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c, 101
	}
	if _, st := dial("feed", "ann"); st != 403 {
		t.Fatalf("contestant on the jury feed: %d", st)
	}
	if _, st := dial("submissions", ""); st != 401 {
		t.Fatalf("anonymous on submissions: %d", st)
	}
	if _, st := dial("nope", "ann"); st != 404 {
		t.Fatalf("unknown channel: %d", st)
	}
	f.Submit(t, "ben", "print(1)")
	f.Submit(t, "ann", "print(2)")
	f.JSON(t, "POST", "/api/contests/run/clarifications", "ben", `{"question":"ben's secret question"}`, nil)
	f.JSON(t, "POST", "/api/contests/run/announcements", "jury", `{"text":"for everyone"}`, nil)

	read := func(c *websocket.Conn, n int) []boardMessage {
		var out []boardMessage
		for len(out) < n {
			_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
			var m boardMessage
			if err := c.ReadJSON(&m); err != nil {
				t.Fatalf("read: %v (got %d of %d)", err, len(out), n)
			}
			out = append(out, m)
		}
		// Nothing more may come.
		_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		var extra boardMessage
		if err := c.ReadJSON(&extra); err == nil {
			t.Fatalf("unexpected extra message %+v", extra)
		}
		return out
	}
	annSubs, _ := dial("submissions", "ann")
	if m := read(annSubs, 1); !strings.Contains(string(m[0].Data), `"contestant":"ann"`) {
		t.Fatalf("ann's submissions channel: %s", m[0].Data)
	}
	jury, _ := dial("feed", "jury")
	read(jury, 2)
	annClar, _ := dial("clarifications", "ann")
	if m := read(annClar, 1); !strings.Contains(string(m[0].Data), "for everyone") {
		t.Fatalf("ann's clarifications: %s", m[0].Data)
	}
	benClar, _ := dial("clarifications", "ben")
	read(benClar, 2)
	board, _ := dial("board", "")
	for _, m := range read(board, 2) {
		if m.Type != "row" {
			t.Fatalf("board message %+v", m)
		}
	}
}

// TestIntegrationHugeUpload: a body over the limit is refused with a JSON
// error, before it is read, and records nothing.
func TestIntegrationHugeUpload(t *testing.T) {
	f := newFixture(t, time.Now())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = f.App.Listener(ln) }()
	t.Cleanup(func() { _ = f.App.Shutdown() })
	// Announce a 3 MB body and send none of it: the server must answer from
	// the headers alone (a client still writing would see the connection close).
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /api/contests/run/submissions HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n", ln.Addr(), f.Tokens["ann"], 3<<20)
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to an oversize request: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || !strings.Contains(string(b), `"too_large"`) {
		t.Fatalf("huge upload: %d %s", resp.StatusCode, b)
	}
	if _, err := f.Subs.Get(context.Background(), "run-1"); err == nil {
		t.Fatal("the refused upload was recorded")
	}
}
