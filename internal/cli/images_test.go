package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/sandbox/images"
)

func TestPrintImageReports(t *testing.T) {
	var out bytes.Buffer
	printImageReports(&Env{Stdout: &out}, []images.Report{
		{Image: "skillarena/cpp:latest", Recipe: "dc063a1491913264", Built: true, Size: 353_600_000, Took: 65 * time.Second},
		{Image: "skillarena/node:latest", Recipe: "41731d85e16fc73c", Size: 205_000_000},
	})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "IMAGE") {
		t.Fatalf("table:\n%s", out.String())
	}
	for i, want := range [][]string{{"skillarena/cpp:latest", "built in 1m5s", "353.6MB"}, {"skillarena/node:latest", "up to date", "205MB"}} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("line %q lacks %q", lines[i+1], w)
			}
		}
	}
	out.Reset()
	printImageReports(&Env{Stdout: &out}, nil)
	if out.Len() != 0 {
		t.Errorf("no reports printed %q", out.String())
	}
}

func TestImageNames(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{""}, ""},
		{[]string{"python3,sqlite"}, "skillarena/python3 skillarena/sqlite"},
		{[]string{" go , ", "other/x"}, "skillarena/go other/x"},
	} {
		if got := strings.Join(imageNames(tc.in), " "); got != tc.want {
			t.Errorf("imageNames(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPrintImageStatus(t *testing.T) {
	var out bytes.Buffer
	want := strings.Repeat("b", 64)
	printImageStatus(&Env{Stdout: &out}, []images.Status{
		{Image: "skillarena/go:latest", Present: true, Current: true, Size: 562_500_000, Labels: map[string]string{images.LabelRecipe: want}},
		{Image: "skillarena/cpp:latest", Present: true, Want: want, Labels: map[string]string{images.LabelRecipe: strings.Repeat("a", 64)}},
		{Image: "skillarena/node:latest"},
	})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("table:\n%s", out.String())
	}
	for i, want := range [][]string{
		{"skillarena/go:latest", "bbbbbbbbbbbbbbbb", "current", "562.5MB"},
		{"skillarena/cpp:latest", "aaaaaaaaaaaaaaaa", "stale (expects bbbbbbbbbbbbbbbb)"},
		{"skillarena/node:latest", "missing"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("line %q lacks %q", lines[i+1], w)
			}
		}
	}
}

func TestImagesBundleArguments(t *testing.T) {
	for _, args := range [][]string{{"images", "save"}, {"images", "load", "a", "b"}} {
		var stderr bytes.Buffer
		env := &Env{Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(string) string { return "" }, Log: slog.New(slog.DiscardHandler)}
		if code := Run(context.Background(), env, args); code == 0 || !strings.Contains(stderr.String(), "want one bundle FILE") {
			t.Errorf("%v: exit %d, %s", args, code, stderr.String())
		}
	}
	// A foreign file is refused before the engine is asked anything.
	junk := filepath.Join(t.TempDir(), "junk.bundle")
	os.WriteFile(junk, []byte("this is not a bundle, only some text long enough"), 0o644)
	var stderr bytes.Buffer
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(string) string { return "" }, Log: slog.New(slog.DiscardHandler)}
	if code := Run(context.Background(), env, []string{"images", "load", junk}); code == 0 || !strings.Contains(stderr.String(), "not a SkillArena image bundle") {
		t.Errorf("junk: exit %d, %s", code, stderr.String())
	}
}
