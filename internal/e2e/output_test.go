package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestIntegrationSandboxOutputForJuryOnly: a crashing solution's stderr is
// in the submission detail for the jury, and kept from the contestant.
func TestIntegrationSandboxOutputForJuryOnly(t *testing.T) {
	p := startPlatform(t)
	alice, judge := p.login("alice"), p.login("judge")
	sid := p.submit(alice, "hello", "raise ValueError('boom')\n")
	if v := p.waitDone(alice, sid, 60*time.Second); v.Outcome != "runtime_error" {
		t.Fatalf("outcome %s, want runtime_error", v.Outcome)
	}
	type detail struct {
		Tests []struct {
			Outcome string `json:"outcome"`
			Output  string `json:"output"`
		} `json:"tests"`
	}
	var jury, own detail
	p.do("GET", "/api/submissions/"+sid, judge, "", nil, &jury)
	p.do("GET", "/api/submissions/"+sid, alice, "", nil, &own)
	if len(jury.Tests) == 0 || !strings.Contains(jury.Tests[0].Output, "ValueError: boom") {
		t.Fatalf("jury sees %+v, want the traceback", jury.Tests)
	}
	if len(own.Tests) == 0 || own.Tests[0].Output != "" || own.Tests[0].Outcome != "runtime_error" {
		t.Fatalf("contestant sees %+v, want outcomes without output", own.Tests)
	}
}
