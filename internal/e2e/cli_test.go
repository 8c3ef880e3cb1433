package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/cli"
)

func runArena(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	code := cli.Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// TestIntegrationCLI: a contestant logs in and submits with --wait from the
// command line, and gets the verdict as JSON.
func TestIntegrationCLI(t *testing.T) {
	p := startPlatform(t)
	dir := t.TempDir()
	tokens := filepath.Join(dir, "credentials.json")
	src := filepath.Join(dir, "hello.py")
	if err := os.WriteFile(src, []byte(helloAccepted), 0o644); err != nil {
		t.Fatal(err)
	}

	code, _, stderr := runArena(t, "wrong-password\n", "login", "--server", p.URL, "--user", "alice", "--token-file", tokens)
	if code == 0 || !strings.Contains(stderr, "wrong username or password") {
		t.Fatalf("login with a wrong password: code %d, %q", code, stderr)
	}
	code, _, stderr = runArena(t, password+"\n", "login", "--server", p.URL, "--user", "alice", "--token-file", tokens)
	if code != 0 {
		t.Fatalf("login: code %d, %s", code, stderr)
	}
	if fi, err := os.Stat(tokens); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, %v; want mode 0600", fi, err)
	}

	code, stdout, stderr := runArena(t, "", "submit", "--token-file", tokens, "--contest", "demo",
		"--challenge", "hello", "--language", "python3", "--wait", src)
	if code != 0 {
		t.Fatalf("submit: code %d, %s", code, stderr)
	}
	var res submissionView
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("submit --wait printed %q: %v", stdout, err)
	}
	if res.Status != "done" || res.Outcome != "accepted" || res.Score != 100 || res.Contestant != "alice" {
		t.Fatalf("result = %+v", res)
	}

	code, _, stderr = runArena(t, "", "submit", "--token-file", tokens, "--contest", "demo",
		"--challenge", "nope", "--language", "python3", src)
	if code == 0 || !strings.Contains(stderr, "not a challenge of this contest") {
		t.Fatalf("submit to an unknown challenge: code %d, %q", code, stderr)
	}
}
