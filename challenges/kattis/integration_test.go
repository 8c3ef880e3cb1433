package kattis_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillarena/arena/challenges/kattis"
	"github.com/skillarena/arena/internal/cli"
	"github.com/skillarena/arena/internal/testenv"
)

// TestIntegrationImportedFixturesVerify grades the reference solutions of
// the imported fixtures in the real sandbox: the scoring tree's partially
// accepted submission must earn exactly the groups it solves, and the
// 2023-07 package's folders must mean what they say.
func TestIntegrationImportedFixturesVerify(t *testing.T) {
	docker := testenv.Docker(t)
	testenv.Image(t, docker, "skillarena/python3:latest")
	testenv.Image(t, docker, "skillarena/go:latest")
	root := t.TempDir()
	var dirs []string
	for _, name := range []string{"oddsum", "hellomd"} {
		dst := filepath.Join(root, name)
		if _, err := kattis.Import(filepath.Join("testdata", name), dst, kattis.Options{TimeMS: 1000}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dst)
	}
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	code := cli.Run(context.Background(), env, append([]string{"challenge", "verify", "--parallel", "2"}, dirs...))
	t.Logf("verify:\n%s", out.String())
	if code != 0 {
		t.Fatalf("verify of the imported fixtures: exit %d\n%s", code, errb.String())
	}
	for _, want := range []string{"7 reference solution(s) graded, 0 differ", "solutions/scored/small_only.py", "30/100"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("verify output lacks %q", want)
		}
	}
}
