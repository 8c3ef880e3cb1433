package loadtest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/server/roster"
)

func TestContestantListIsClean(t *testing.T) {
	sh := roster.Parse(contestantList(2500), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if len(sh.Problems) > 0 {
		t.Fatalf("%d problems, first: %v", len(sh.Problems), sh.Problems[0])
	}
	if len(sh.Rows) != 2500 {
		t.Fatalf("%d rows, want 2500", len(sh.Rows))
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, tt := range []struct {
		cfg Config
		ok  bool
	}{
		{Config{}, true},
		{Config{Server: "http://127.0.0.1:8080", Redis: "127.0.0.1:6379"}, true},
		{Config{Server: "http://localhost:8080", Redis: "[::1]:6379"}, true},
		{Config{Server: "http://10.0.0.5:8080", Redis: "127.0.0.1:6379"}, false},
		{Config{Server: "http://127.0.0.1:8080"}, false},
		{Config{Server: "https://127.0.0.1", Redis: "127.0.0.1:6379"}, false},
		{Config{Redis: "redis.example.com:6379"}, false},
	} {
		if err := checkLoopback(tt.cfg); (err == nil) != tt.ok {
			t.Errorf("%+v: err = %v, want ok = %v", tt.cfg, err, tt.ok)
		}
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	WriteTable(&b, []Row{{What: "logins", Figure: "1.0 s", Goal: "≤ 20 s", Met: true}, {What: "import", Figure: "40 s", Goal: "≤ 30 s"}})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 || !strings.Contains(lines[2], "logins") || !strings.HasSuffix(lines[2], "yes |") || !strings.HasSuffix(lines[3], "no |") {
		t.Fatalf("table:\n%s", b.String())
	}
}

func TestScenarioNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Scenarios() {
		if s.Name == "" || seen[s.Name] || s.Run == nil || s.Timeout <= 0 {
			t.Errorf("scenario %q: empty, repeated, without Run or without a timeout", s.Name)
		}
		seen[s.Name] = true
	}
}
