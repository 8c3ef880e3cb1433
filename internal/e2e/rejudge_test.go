package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestIntegrationRejudge: the jury overrides a verdict, then rejudges the
// challenge with the real judge worker; the preview shows the change and
// applying it restores the board.
func TestIntegrationRejudge(t *testing.T) {
	p := startPlatform(t)
	alice, judge := p.login("alice"), p.login("judge")
	sid := p.submit(alice, "hello", helloAccepted)
	p.waitDone(alice, sid, 60*time.Second)

	body := strings.NewReader(`{"outcome":"wrong_answer","reason":"suspected copy"}`)
	if st := p.do("POST", "/api/submissions/"+sid+"/override", judge, "application/json", body, nil); st != 200 {
		t.Fatalf("override: %d", st)
	}
	if r, _ := p.board().row("alice"); r.Total != 0 {
		t.Fatalf("after the override alice has %v", r.Total)
	}

	var batch struct {
		ID      string
		State   string
		Entries []struct {
			Submission string
			Changed    bool
			New        *struct{ Outcome string }
		}
	}
	if st := p.do("POST", "/api/contests/demo/rejudges", judge, "application/json",
		strings.NewReader(`{"challenge":"hello","reason":"cleared after review"}`), &batch); st != 202 {
		t.Fatalf("start rejudge: %d", st)
	}
	deadline := time.Now().Add(60 * time.Second)
	for batch.State != "ready" {
		if time.Now().After(deadline) {
			t.Fatalf("rejudge not ready: %+v", batch)
		}
		time.Sleep(100 * time.Millisecond)
		p.do("GET", "/api/contests/demo/rejudges/"+batch.ID, judge, "", nil, &batch)
	}
	if len(batch.Entries) != 1 || !batch.Entries[0].Changed || batch.Entries[0].New.Outcome != "accepted" {
		t.Fatalf("preview: %+v", batch)
	}
	if r, _ := p.board().row("alice"); r.Total != 0 {
		t.Fatal("the preview changed the board")
	}
	if st := p.do("POST", "/api/contests/demo/rejudges/"+batch.ID+"/apply", judge, "", nil, nil); st != 200 {
		t.Fatalf("apply: %d", st)
	}
	if r, _ := p.board().row("alice"); r.Total != 100 {
		t.Fatalf("after applying alice has %v", r.Total)
	}
	if v := p.submission(alice, sid); v.Outcome != "accepted" {
		t.Fatalf("submission after the rejudge: %s", v.Outcome)
	}
}
