package e2e

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/skillarena/arena/server/events"
)

// TestIntegrationSpine: alice submits an accepted, a wrong and an endless
// solution to hello; each gets the right outcome, the board ranks her right,
// and a websocket client receives every change.
func TestIntegrationSpine(t *testing.T) {
	p := startPlatform(t)
	alice := p.login("alice")
	bob := p.login("bob")

	before := p.board()
	if len(before.Rows) != 3 {
		t.Fatalf("board has %d rows before any submission, want the 3 demo contestants", len(before.Rows))
	}
	for _, r := range before.Rows {
		if r.Rank != 1 || r.Total != 0 {
			t.Fatalf("before any submission every row is rank 1 with 0 points, got %+v", r)
		}
	}
	ws := p.dialBoard(before.EventID)

	cases := []struct {
		code    string
		outcome string
		score   float64
		total   float64 // alice's total after this verdict
	}{
		{helloWrong, "wrong_answer", 0, 0},
		{helloAccepted, "accepted", 100, 100},
		{helloEndless, "time_limit", 0, 100},
	}
	for _, tc := range cases {
		sid := p.submit(alice, "hello", tc.code)

		// The queued submission shows as pending on the board at once.
		m := readMessage(t, ws, 5*time.Second)
		var r row
		if err := json.Unmarshal(m.Data, &r); err != nil || m.Type != "row" {
			t.Fatalf("first message after submit: %+v, %v", m, err)
		}
		if r.Contestant.ID != "alice" || r.Challenges["hello"].Pending != 1 {
			t.Fatalf("pending row = %+v", r)
		}

		got := p.waitDone(alice, sid, 60*time.Second)
		if got.Outcome != tc.outcome || got.Score != tc.score || got.MaxScore != 100 {
			t.Fatalf("%s: outcome %s score %v/%v, want %s %v/100", sid, got.Outcome, got.Score, got.MaxScore, tc.outcome, tc.score)
		}
		if got.Contestant != "alice" || got.Challenge != "hello" || got.Language != "python3" || got.JudgedAt == nil {
			t.Fatalf("%s: fields wrong: %+v", sid, got)
		}
		if len(got.Tests) == 0 || got.Tests[0].Outcome == "" {
			t.Fatalf("%s: no per-test results: %+v", sid, got.Tests)
		}

		// Then the verdict, with the recomputed row.
		m = readMessage(t, ws, 5*time.Second)
		if err := json.Unmarshal(m.Data, &r); err != nil || m.Type != "row" {
			t.Fatalf("verdict message: %+v, %v", m, err)
		}
		if r.Contestant.ID != "alice" || r.Total != tc.total || r.Challenges["hello"].Pending != 0 {
			t.Fatalf("verdict row = %+v, want alice total %v with nothing pending", r, tc.total)
		}
	}

	b := p.board()
	first := b.Rows[0]
	if first.Contestant.ID != "alice" || first.Rank != 1 || first.Total != 100 {
		t.Fatalf("alice should lead with 100, board = %+v", b.Rows)
	}
	if c := first.Challenges["hello"]; c.Attempts != 3 || c.Score != 100 || c.Pending != 0 {
		t.Fatalf("alice's hello cell = %+v, want 3 attempts, 100 points", c)
	}
	for _, r := range b.Rows[1:] {
		if r.Rank != 2 || r.Total != 0 {
			t.Fatalf("bob and carol share rank 2 with 0, got %+v", r)
		}
	}

	// Bob solves it later: he ranks below alice, who reached 100 first.
	sid := p.submit(bob, "hello", helloAccepted)
	if v := p.waitDone(bob, sid, 60*time.Second); v.Outcome != "accepted" {
		t.Fatalf("bob's solution: %s", v.Outcome)
	}
	b = p.board()
	ra, _ := b.row("alice")
	rb, _ := b.row("bob")
	if ra.Rank != 1 || rb.Total != 100 || rb.Rank > 2 || rb.Time < ra.Time {
		t.Fatalf("alice %+v should rank above bob %+v", ra, rb)
	}
	if ra.Time == rb.Time && rb.Rank != 1 {
		t.Fatalf("same total at the same second shares rank 1, got alice %d bob %d", ra.Rank, rb.Rank)
	}

	// A client that reconnects from the first event id misses nothing.
	again := p.dialBoard(before.EventID)
	n := 0
	var last string
	for n < 8 { // 4 submissions, each queued + judged
		m := readMessage(t, again, 5*time.Second)
		if last != "" && !events.Less(last, m.ID) {
			t.Fatalf("event ids not increasing: %s after %s", m.ID, last)
		}
		last = m.ID
		n++
	}

	// Contestants cannot read each other's submissions.
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if st := p.do("GET", "/api/submissions/"+sid, alice, "", nil, &e); st != 404 || e.Error.Code != "not_found" {
		t.Fatalf("alice reading bob's submission: status %d, %+v", st, e)
	}
}
