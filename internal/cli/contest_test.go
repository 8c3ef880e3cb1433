package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/frontend"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/submission"
)

// TestIntegrationContestLoad loads a contest.yaml, submits, then loads an
// edited file: the contest changes and the submission stays.
func TestIntegrationContestLoad(t *testing.T) {
	r := testenv.StartRedis(t)
	rdb := r.Client()
	ctx := context.Background()
	if err := account.NewStore(rdb).Put(ctx, account.User{Username: "ann", Name: "Ann", Role: account.Contestant}, "long enough"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	abs, _ := filepath.Abs("../../challenges/hello")
	start := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	yaml := func(end time.Time, extra string) string {
		return "id: city-2026\ntitle: {zh: 城市赛, en: City final}\nstart: " + start.Format(time.RFC3339) +
			"\nend: " + end.Format(time.RFC3339) + "\nscoring: icpc\nchallenges:\n  - package: " + abs +
			"\n    points: 10\ncontestants: [ann]\n" + extra
	}
	file := filepath.Join(dir, "contest.yaml")
	run := func(content string) (int, string) {
		if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		code := Run(ctx, env, []string{"contest", "load", "--redis", r.Addr, "--data", filepath.Join(dir, "data"), file})
		return code, out.String() + errb.String()
	}
	end := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	if code, out := run(yaml(end, "")); code != 0 || !strings.Contains(out, "city-2026 loaded") ||
		!strings.Contains(out, frontend.Clock(start, shanghai)+" to ") || !strings.Contains(out, "(Asia/Shanghai)") {
		t.Fatalf("load: %d %s", code, out)
	}
	subs := submission.NewStore(rdb)
	if _, err := subs.Submit(ctx, submission.New{Contest: "city-2026", Challenge: "hello", Contestant: "ann", Language: "python3", Blob: "b", MaxScore: 10}); err != nil {
		t.Fatal(err)
	}
	later := end.Add(30 * time.Minute)
	if code, out := run(yaml(later, "")); code != 0 {
		t.Fatalf("reload: %d %s", code, out)
	}
	c, err := contest.NewStore(rdb).Get(ctx, "city-2026")
	if err != nil || !c.End.Equal(later) || c.Scoring != "icpc" || c.Challenges[0].Points != 10 {
		t.Fatalf("after reload: %+v, %v", c, err)
	}
	if s, err := subs.Get(ctx, "city-2026-1"); err != nil || s.Contestant != "ann" {
		t.Fatalf("the submission did not survive the reload: %+v, %v", s, err)
	}
	if ok, _ := contest.NewStore(rdb).IsMember(ctx, "city-2026", "ann"); !ok {
		t.Fatal("ann is not registered")
	}
	for _, bad := range []struct{ content, want string }{
		{yaml(end, "colour: red\n"), "colour"},
		{strings.Replace(yaml(end, ""), "scoring: icpc", "scoring: elo", 1), "scoring"},
		{strings.Replace(yaml(end, ""), abs, filepath.Join(dir, "missing"), 1), "challenges[0].package"},
		{strings.Replace(yaml(end, ""), "[ann]", "[nobody]", 1), "contestants[0]: \"nobody\""},
		{yaml(start.Add(-time.Hour), ""), "end"},
		{yaml(end, "timezone: Mars/Base\n"), `contest.yaml: timezone: "Mars/Base" is not a known time zone`},
	} {
		if code, out := run(bad.content); code == 0 || !strings.Contains(out, bad.want) {
			t.Errorf("bad contest.yaml: code %d, %q; want an error naming %s", code, out, bad.want)
		}
		if c, _ := contest.NewStore(rdb).Get(ctx, "city-2026"); !c.End.Equal(later) {
			t.Fatalf("a refused contest.yaml changed the contest: end %v", c.End)
		}
	}
}
