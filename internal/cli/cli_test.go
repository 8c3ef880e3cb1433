package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestHelp(t *testing.T) {
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(string) string { return "" }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		return Run(context.Background(), env, args), out.String(), errb.String()
	}
	tests := []struct {
		args  []string
		code  int
		wants []string
	}{
		{[]string{"--help"}, 0, []string{"serve", "judge", "up", "login", "submit", "images build"}},
		{[]string{"up", "--help"}, 0, []string{"--demo", "ARENA_DEMO_PASSWORD", "--redis", "ARENA_REDIS", "--slots"}},
		{[]string{"serve", "--help"}, 0, []string{"--addr", "ARENA_ADDR", "ARENA_DATA"}},
		{[]string{"judge", "--help"}, 0, []string{"--lease", "ARENA_LEASE"}},
		{[]string{"submit", "--help"}, 0, []string{"FILE", "--wait", "--contest"}},
		{[]string{"images", "build", "--help"}, 0, []string{"--mirror", "ARENA_MIRROR"}},
		{[]string{"challenge", "--help"}, 0, []string{"challenge try", "challenge verify", "challenge import"}},
		{[]string{"export", "help"}, 0, []string{"export winners"}},
		{[]string{"images", "-h"}, 0, []string{"images build"}},
	}
	for _, tt := range tests {
		code, out, _ := run(tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d", tt.args, code, tt.code)
		}
		for _, w := range tt.wants {
			if !strings.Contains(out, w) {
				t.Errorf("%v: help lacks %q:\n%s", tt.args, w, out)
			}
		}
	}
	if code, _, stderr := run("frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, stderr)
	}
	if code, _, stderr := run("challenge", "frobnicate"); code != 2 || !strings.Contains(stderr, `unknown subcommand "frobnicate"`) {
		t.Errorf("unknown subcommand: exit %d, %q", code, stderr)
	}
	if code, _, stderr := run("challenge"); code != 2 || !strings.Contains(stderr, "challenge verify") {
		t.Errorf("a group alone: exit %d, %q", code, stderr)
	}
	if code, _, stderr := run("judge", "--slots", "x"); code != 2 || !strings.Contains(stderr, "slots") {
		t.Errorf("bad flag value: exit %d, %q", code, stderr)
	}
}

func TestProgramName(t *testing.T) {
	for in, want := range map[string]string{"bin/arena": "bin/arena", "./arena": "./arena", "/usr/local/bin/arena": "/usr/local/bin/arena", "arena": "arena", "": "arena"} {
		if got := programName(in); got != want {
			t.Errorf("programName(%q) = %q, want %q", in, got, want)
		}
	}
}
