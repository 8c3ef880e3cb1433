package images_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/images"
	"github.com/skillarena/arena/sandbox/runner"
)

// buildRunner compiles the static arena-runner for the images, unless
// ARENA_TEST_RUNNER names one already built (deploy/test.sh does), so that
// tests and deploy scripts agree on the runner and do not rebuild the image
// back and forth.
func buildRunner(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("ARENA_TEST_RUNNER"); bin != "" {
		return bin
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		testenv.Missing(t, "go toolchain not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "arena-runner")
	cmd := exec.Command(gobin, "build", "-o", bin, "github.com/skillarena/arena/sandbox/runner/cmd/arena-runner")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build arena-runner: %v\n%s", err, out)
	}
	return bin
}

// TestIntegrationBuild builds the python3 image (a no-op when it is up to
// date), checks that a second build changes nothing, and runs the runner
// in the result.
func TestIntegrationBuild(t *testing.T) {
	cli := testenv.Docker(t)
	if _, err := exec.LookPath("mmdebstrap"); err != nil {
		testenv.Missing(t, "mmdebstrap not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	opts := images.Options{RunnerPath: buildRunner(t), Only: []string{"skillarena/python3"}}

	var logs bytes.Buffer
	opts.Log = slog.New(slog.NewTextHandler(&logs, nil))
	start := time.Now()
	reports, err := images.Build(ctx, cli, opts)
	if err != nil {
		t.Fatalf("first build: %v\n%s", err, logs.String())
	}
	if len(reports) != 1 || reports[0].Image != "skillarena/python3:latest" || reports[0].Size < 10<<20 {
		t.Fatalf("first build reports %+v", reports)
	}
	t.Logf("first build took %v:\n%s", time.Since(start), logs.String())
	ref := images.Ref("skillarena/python3")
	before, err := cli.ImageInspect(ctx, ref)
	if err != nil {
		t.Fatalf("inspect after build: %v", err)
	}
	for _, l := range []string{images.LabelRecipe, images.LabelRunner} {
		if before.Config.Labels[l] == "" {
			t.Errorf("image lacks label %s", l)
		}
	}
	if before.Config.User != "65534:65534" || before.Config.WorkingDir != "/work" {
		t.Errorf("image user %q workdir %q", before.Config.User, before.Config.WorkingDir)
	}

	logs.Reset()
	start = time.Now()
	reports, err = images.Build(ctx, cli, opts)
	if err != nil {
		t.Fatalf("second build: %v", err)
	}
	if len(reports) != 1 || reports[0].Built || reports[0].Size != before.Size {
		t.Errorf("second build reports %+v, want not built, size %d", reports, before.Size)
	}
	after, err := cli.ImageInspect(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if after.ID != before.ID {
		t.Errorf("second build replaced the image: %s -> %s", before.ID, after.ID)
	}
	if !strings.Contains(logs.String(), "up to date") || time.Since(start) > 10*time.Second {
		t.Errorf("second build was not a no-op (%v):\n%s", time.Since(start), logs.String())
	}

	// A changed runner rebuilds only the top image and drops the old one;
	// building with the original runner again restores it.
	changed := filepath.Join(t.TempDir(), "arena-runner")
	data, err := os.ReadFile(opts.RunnerPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(changed, append(data, "\x00skillarena-test"...), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, runnerPath := range []string{changed, opts.RunnerPath} {
		logs.Reset()
		o := opts
		o.RunnerPath = runnerPath
		reports, err := images.Build(ctx, cli, o)
		if err != nil {
			t.Fatalf("rebuild with %s: %v", runnerPath, err)
		}
		if len(reports) != 1 || !reports[0].Built {
			t.Errorf("rebuild with %s reports %+v", runnerPath, reports)
		}
		for _, msg := range []string{"out of date", "base file system already imported", "image built", "previous image"} {
			if !strings.Contains(logs.String(), msg) {
				t.Errorf("rebuild with %s: log lacks %q:\n%s", runnerPath, msg, logs.String())
			}
		}
	}
	final, err := cli.ImageInspect(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if final.Config.Labels[images.LabelRunner] != before.Config.Labels[images.LabelRunner] {
		t.Errorf("runner label not restored")
	}

	sb := container.NewWithClient(cli, nil)
	res, err := sb.Run(ctx, container.Config{Image: ref}, runner.Request{
		Files: []runner.File{{Name: "main.py", Data: []byte("import json, sys\nprint(json.dumps({'n': int(input()) * 2}))\n")}},
		Run:   runner.Step{Command: []string{"python3", "main.py"}, Limits: runner.Limits{CPUTimeMS: 2000}},
		Tests: []runner.Test{{Name: "1", Input: []byte("21\n")}},
	})
	if err != nil {
		t.Fatalf("run in built image: %v", err)
	}
	if sr := res.Tests[0]; sr.Status != runner.StatusOK || string(sr.Stdout) != "{\"n\": 42}\n" {
		t.Fatalf("run in built image: %+v (stderr %s)", sr, sr.Stderr)
	}
}

func TestIntegrationBuildErrors(t *testing.T) {
	cli := testenv.Docker(t)
	ctx := context.Background()
	if _, err := images.Build(ctx, cli, images.Options{}); err == nil || !strings.Contains(err.Error(), "no runner binary") {
		t.Errorf("no runner: %v", err)
	}
	if _, err := images.Build(ctx, cli, images.Options{RunnerPath: "/bin/sh"}); err == nil || !strings.Contains(err.Error(), "CGO_ENABLED=0") {
		t.Errorf("dynamic runner: %v", err)
	}
	if _, err := images.Build(ctx, cli, images.Options{RunnerPath: "/bin/sh", Only: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), "no recipe") {
		t.Errorf("unknown recipe: %v", err)
	}
}
