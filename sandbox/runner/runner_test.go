package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skillarena/arena/sandbox/runner"
)

// TestMain lets the test binary stand in for arena-runner: Execute re-executes
// its own binary as the exec shim.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == runner.ShimFlag {
		os.Exit(runner.RunShim(os.Args[1:], os.Stderr))
	}
	os.Exit(m.Run())
}

var quick = runner.Limits{CPUTimeMS: 2000, WallTimeMS: 4000, MemoryBytes: 128 << 20, OutputBytes: 1 << 20}

// execute runs req in a fresh work directory.
func execute(t *testing.T, req runner.Request) runner.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return runner.Execute(ctx, req, runner.Options{WorkDir: t.TempDir()})
}

// one runs a shell script as the run step on a single test.
func one(t *testing.T, script string, l runner.Limits, input string) runner.StepResult {
	t.Helper()
	res := execute(t, runner.Request{
		Run:   runner.Step{Command: []string{"sh", "-c", script}, Limits: l},
		Tests: []runner.Test{{Name: "t1", Input: []byte(input)}},
	})
	if res.Error != "" {
		t.Fatalf("runner error: %s", res.Error)
	}
	if len(res.Tests) != 1 {
		t.Fatalf("got %d test results, want 1", len(res.Tests))
	}
	return res.Tests[0]
}

func TestIntegrationAccepted(t *testing.T) {
	sr := one(t, "tr a-z A-Z", quick, "hello\n")
	if sr.Status != runner.StatusOK || string(sr.Stdout) != "HELLO\n" || sr.ExitCode != 0 {
		t.Fatalf("got %s exit %d stdout %q stderr %q", sr.Status, sr.ExitCode, sr.Stdout, sr.Stderr)
	}
	if sr.MemoryBytes <= 0 || sr.WallTimeMS < 0 {
		t.Errorf("no measurements: %+v", sr)
	}
}

func TestIntegrationStdinSeekable(t *testing.T) {
	// The input is a regular (in-memory) file: programs may seek it.
	sr := one(t, "head -c 3 >/dev/null; cat <&0; test -f /dev/stdin && echo regular", quick, "abcdef")
	if sr.Status != runner.StatusOK || string(sr.Stdout) != "def"+"regular\n" {
		t.Fatalf("got %s stdout %q stderr %q", sr.Status, sr.Stdout, sr.Stderr)
	}
}

func TestIntegrationCPUTimeLimit(t *testing.T) {
	start := time.Now()
	sr := one(t, "while :; do :; done", runner.Limits{CPUTimeMS: 1000, WallTimeMS: 10000}, "")
	if sr.Status != runner.StatusTimeLimit {
		t.Fatalf("got %s (signal %s, cpu %d ms), want time_limit", sr.Status, sr.Signal, sr.CPUTimeMS)
	}
	if sr.CPUTimeMS < 900 || time.Since(start) > 5*time.Second {
		t.Errorf("cpu %d ms after %v: the CPU limit did not stop it at about 1 s", sr.CPUTimeMS, time.Since(start))
	}
	if sr.Signal != "SIGXCPU" {
		t.Errorf("signal %q, want SIGXCPU", sr.Signal)
	}
}

func TestIntegrationCPUTimeLimitIgnoringSIGXCPU(t *testing.T) {
	sr := one(t, `trap "" XCPU; while :; do :; done`, runner.Limits{CPUTimeMS: 1000, WallTimeMS: 10000}, "")
	if sr.Status != runner.StatusTimeLimit || sr.Signal != "SIGKILL" {
		t.Fatalf("got %s signal %q cpu %d ms, want time_limit by SIGKILL", sr.Status, sr.Signal, sr.CPUTimeMS)
	}
}

func TestIntegrationWallTimeLimit(t *testing.T) {
	start := time.Now()
	// The background sleep keeps stdout open: the whole group must die.
	sr := one(t, "sleep 30 & sleep 30", runner.Limits{CPUTimeMS: 1000, WallTimeMS: 300}, "")
	if sr.Status != runner.StatusTimeLimit {
		t.Fatalf("got %s, want time_limit", sr.Status)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v, want about 300 ms", d)
	}
	if sr.WallTimeMS < 300 {
		t.Errorf("wall %d ms < limit", sr.WallTimeMS)
	}
}

func TestIntegrationGroupKilledAfterExit(t *testing.T) {
	sr := one(t, "sleep 30 >/dev/null 2>&1 & echo $!", quick, "")
	if sr.Status != runner.StatusOK {
		t.Fatalf("got %s", sr.Status)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(sr.Stdout)))
	if err != nil {
		t.Fatalf("pid %q: %v", sr.Stdout, err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || strings.Contains(string(stat), ") Z ") {
			return // gone or a zombie
		}
		if time.Now().After(deadline) {
			t.Fatalf("background process %d still alive: %s", pid, stat)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestIntegrationOutputLimit(t *testing.T) {
	l := quick
	l.OutputBytes = 1000
	start := time.Now()
	sr := one(t, "yes", l, "")
	if sr.Status != runner.StatusOutputLimit {
		t.Fatalf("got %s, want output_limit", sr.Status)
	}
	if len(sr.Stdout) != 1000 {
		t.Errorf("kept %d bytes of stdout, want 1000", len(sr.Stdout))
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v: not killed at the cap", d)
	}
}

func TestIntegrationStderrCapped(t *testing.T) {
	sr := one(t, "head -c 100000 /dev/zero >&2", quick, "")
	if sr.Status != runner.StatusOK {
		t.Fatalf("got %s: too much stderr is not a failure", sr.Status)
	}
	if len(sr.Stderr) != runner.StderrCap {
		t.Errorf("kept %d bytes of stderr, want %d", len(sr.Stderr), runner.StderrCap)
	}
}

func TestIntegrationRuntimeError(t *testing.T) {
	sr := one(t, "echo partial; echo oops >&2; exit 3", quick, "")
	if sr.Status != runner.StatusRuntimeError || sr.ExitCode != 3 || sr.Signal != "" {
		t.Fatalf("got %s exit %d signal %q", sr.Status, sr.ExitCode, sr.Signal)
	}
	if string(sr.Stdout) != "partial\n" || string(sr.Stderr) != "oops\n" {
		t.Errorf("stdout %q stderr %q", sr.Stdout, sr.Stderr)
	}
}

func TestIntegrationSignal(t *testing.T) {
	sr := one(t, "kill -SEGV $$", quick, "")
	if sr.Status != runner.StatusRuntimeError || sr.Signal != "SIGSEGV" || sr.ExitCode != -1 {
		t.Fatalf("got %s signal %q exit %d", sr.Status, sr.Signal, sr.ExitCode)
	}
}

func TestIntegrationCommandNotFound(t *testing.T) {
	res := execute(t, runner.Request{
		Run:   runner.Step{Command: []string{"no-such-program-here"}, Limits: quick},
		Tests: []runner.Test{{Name: "t1"}},
	})
	sr := res.Tests[0]
	if res.Error != "" || sr.Status != runner.StatusRuntimeError || sr.ExitCode != 127 {
		t.Fatalf("error %q status %s exit %d stderr %q", res.Error, sr.Status, sr.ExitCode, sr.Stderr)
	}
}

func TestIntegrationMemoryLimit(t *testing.T) {
	// The shell keeps the whole command substitution in memory.
	l := quick
	l.MemoryBytes = 32 << 20
	sr := one(t, `x=$(head -c 100000000 /dev/zero | tr '\0' a); echo ${#x}`, l, "")
	if sr.Status != runner.StatusMemoryLimit {
		t.Fatalf("got %s, peak %d bytes, want memory_limit", sr.Status, sr.MemoryBytes)
	}
	if sr.MemoryBytes < 100_000_000 {
		t.Errorf("peak %d bytes, want at least 100 MB", sr.MemoryBytes)
	}
}

func TestIntegrationMemoryLimitPython(t *testing.T) {
	python := pythonPath(t)
	l := quick
	l.MemoryBytes = 64 << 20
	res := execute(t, runner.Request{
		Files: []runner.File{{Name: "hog.py", Data: []byte("x = bytearray(200 * 1024 * 1024)\nprint(len(x))\n")}},
		Run:   runner.Step{Command: []string{python, "hog.py"}, Limits: l},
		Tests: []runner.Test{{Name: "t1"}},
	})
	if sr := res.Tests[0]; sr.Status != runner.StatusMemoryLimit || sr.MemoryBytes < 200<<20 {
		t.Fatalf("error %q status %s peak %d", res.Error, sr.Status, sr.MemoryBytes)
	}
}

func TestIntegrationCPUMeasured(t *testing.T) {
	python := pythonPath(t)
	res := execute(t, runner.Request{
		Files: []runner.File{{Name: "spin.py", Data: []byte("import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n")}},
		Run:   runner.Step{Command: []string{python, "spin.py"}, Limits: quick},
		Tests: []runner.Test{{Name: "t1"}},
	})
	sr := res.Tests[0]
	if sr.Status != runner.StatusOK || sr.CPUTimeMS < 250 || sr.CPUTimeMS > 1500 {
		t.Fatalf("error %q status %s cpu %d ms, want ok with about 300 ms", res.Error, sr.Status, sr.CPUTimeMS)
	}
}

func TestIntegrationProcessLimits(t *testing.T) {
	sr := one(t, "ulimit -n; ulimit -c; ulimit -f; cat /proc/self/oom_score_adj; ps -o pgid= -p $$ 2>/dev/null || cut -d' ' -f5 /proc/$$/stat", runner.Limits{CPUTimeMS: 3000}, "")
	lines := strings.Fields(string(sr.Stdout))
	if sr.Status != runner.StatusOK || len(lines) < 4 {
		t.Fatalf("got %s stdout %q stderr %q", sr.Status, sr.Stdout, sr.Stderr)
	}
	if lines[0] != "256" || lines[1] != "0" || lines[3] != "1000" {
		t.Errorf("nofile %s core %s oom_score_adj %s, want 256 0 1000", lines[0], lines[1], lines[3])
	}
	if blocks, _ := strconv.Atoi(lines[2]); blocks*512 != runner.MaxFileBytes && blocks*1024 != runner.MaxFileBytes {
		t.Errorf("fsize %s blocks, want %d bytes", lines[2], runner.MaxFileBytes)
	}
	if len(lines) > 4 && lines[4] == strconv.Itoa(syscall.Getpgrp()) {
		t.Errorf("contestant shares the runner's process group %s", lines[4])
	}
}

func TestIntegrationCompileAndFiles(t *testing.T) {
	res := execute(t, runner.Request{
		Files: []runner.File{
			{Name: "src/prog.sh", Data: []byte("#!/bin/sh\nread x; echo \"got $x\"\n")},
			{Name: "data.txt", Data: []byte("d")},
		},
		Compile: &runner.Step{Command: []string{"sh", "-c", "cp src/prog.sh prog && chmod +x prog && echo compiled"}, Limits: quick},
		Run:     runner.Step{Command: []string{"./prog"}, Limits: quick},
		Tests:   []runner.Test{{Name: "a", Input: []byte("1\n")}, {Name: "b", Input: []byte("2\n")}},
	})
	if res.Error != "" || res.Compile == nil || res.Compile.Status != runner.StatusOK || string(res.Compile.Stdout) != "compiled\n" {
		t.Fatalf("error %q compile %+v", res.Error, res.Compile)
	}
	for i, want := range []string{"got 1\n", "got 2\n"} {
		if sr := res.Tests[i]; sr.Status != runner.StatusOK || string(sr.Stdout) != want {
			t.Errorf("test %d: %s %q %q", i, sr.Status, sr.Stdout, sr.Stderr)
		}
	}
}

func TestIntegrationExecutableFile(t *testing.T) {
	res := execute(t, runner.Request{
		Files: []runner.File{{Name: "run", Data: []byte("#!/bin/sh\necho ran\n"), Exec: true}},
		Run:   runner.Step{Command: []string{"./run"}, Limits: quick},
		Tests: []runner.Test{{Name: "t"}},
	})
	if sr := res.Tests[0]; res.Error != "" || sr.Status != runner.StatusOK || string(sr.Stdout) != "ran\n" {
		t.Fatalf("error %q result %+v", res.Error, sr)
	}
}

func TestIntegrationCompileError(t *testing.T) {
	res := execute(t, runner.Request{
		Compile: &runner.Step{Command: []string{"sh", "-c", "echo 'syntax error' >&2; exit 1"}, Limits: quick},
		Run:     runner.Step{Command: []string{"true"}, Limits: quick},
		Tests:   []runner.Test{{Name: "a"}, {Name: "b"}},
	})
	if res.Error != "" || res.Compile == nil || res.Compile.Status != runner.StatusRuntimeError || string(res.Compile.Stderr) != "syntax error\n" {
		t.Fatalf("error %q compile %+v", res.Error, res.Compile)
	}
	for _, sr := range res.Tests {
		if sr.Status != runner.StatusSkipped {
			t.Errorf("test %s: %s, want skipped", sr.Name, sr.Status)
		}
	}
}

func TestIntegrationStopOnFailure(t *testing.T) {
	req := runner.Request{
		Run:   runner.Step{Command: []string{"sh", "-c", "read x; exit $x"}, Limits: quick},
		Tests: []runner.Test{{Name: "a", Input: []byte("0\n")}, {Name: "b", Input: []byte("1\n")}, {Name: "c", Input: []byte("0\n")}},
	}
	want := map[bool][]runner.Status{
		false: {runner.StatusOK, runner.StatusRuntimeError, runner.StatusOK},
		true:  {runner.StatusOK, runner.StatusRuntimeError, runner.StatusSkipped},
	}
	for _, stop := range []bool{false, true} {
		req.StopOnFailure = stop
		res := execute(t, req)
		for i, sr := range res.Tests {
			if sr.Name != req.Tests[i].Name || sr.Status != want[stop][i] {
				t.Errorf("stop=%v test %d: %s %s, want %s", stop, i, sr.Name, sr.Status, want[stop][i])
			}
		}
	}
}

func TestIntegrationRunnerErrors(t *testing.T) {
	res := execute(t, runner.Request{
		Files: []runner.File{{Name: "../escape", Data: []byte("x")}},
		Run:   runner.Step{Command: []string{"true"}},
		Tests: []runner.Test{{Name: "a"}},
	})
	if !strings.Contains(res.Error, "..") || res.Tests[0].Status != runner.StatusSkipped {
		t.Errorf("bad name: error %q tests %+v", res.Error, res.Tests)
	}

	res = runner.Execute(context.Background(), runner.Request{
		Files: []runner.File{{Name: "a", Data: []byte("x")}},
		Run:   runner.Step{Command: []string{"true"}},
	}, runner.Options{WorkDir: filepath.Join(t.TempDir(), "missing")})
	if !strings.Contains(res.Error, "work directory") {
		t.Errorf("missing work dir: error %q", res.Error)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	res = runner.Execute(ctx, runner.Request{
		Run:   runner.Step{Command: []string{"sleep", "30"}, Limits: runner.Limits{WallTimeMS: 30000}},
		Tests: []runner.Test{{Name: "a"}},
	}, runner.Options{WorkDir: t.TempDir()})
	if !strings.Contains(res.Error, "context canceled") || time.Since(start) > 3*time.Second {
		t.Errorf("cancel: error %q after %v", res.Error, time.Since(start))
	}
}

func TestIntegrationMainJSON(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	req, err := json.Marshal(runner.Request{
		Files: []runner.File{{Name: "in.txt", Data: []byte("file")}},
		Run:   runner.Step{Command: []string{"sh", "-c", "cat in.txt -"}, Limits: quick},
		Tests: []runner.Test{{Name: "t", Input: []byte("+stdin")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := runner.Main(context.Background(), nil, bytes.NewReader(req), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	var res runner.Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("decode %q: %v", stdout.String(), err)
	}
	if res.Error != "" || string(res.Tests[0].Stdout) != "file+stdin" {
		t.Fatalf("result %+v", res)
	}

	stdout.Reset()
	if code := runner.Main(context.Background(), nil, strings.NewReader("{not json"), &stdout, &stderr); code != 0 {
		t.Fatalf("bad request: exit %d", code)
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || !strings.Contains(res.Error, "decode request") {
		t.Fatalf("bad request: %q, %v", stdout.String(), err)
	}
}

// pythonPath finds the real python3 executable (not a version-manager shim,
// which needs the caller's HOME).
func pythonPath(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed on this host")
	}
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Fatalf("find python3: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestIntegrationOutputBudget(t *testing.T) {
	// The budget spans all tests: once spent, more output is output_limit,
	// however small each test's own output.
	req := runner.Request{
		Run:          runner.Step{Command: []string{"sh", "-c", "head -c 600 /dev/zero"}, Limits: quick},
		Tests:        []runner.Test{{Name: "a"}, {Name: "b"}, {Name: "c"}},
		OutputBudget: 1000,
	}
	res := execute(t, req)
	want := []runner.Status{runner.StatusOK, runner.StatusOutputLimit, runner.StatusOutputLimit}
	kept := 0
	for i, sr := range res.Tests {
		kept += len(sr.Stdout)
		if sr.Status != want[i] {
			t.Errorf("test %s: %s, want %s", sr.Name, sr.Status, want[i])
		}
	}
	if kept > 1000 {
		t.Errorf("kept %d bytes of output, budget 1000", kept)
	}
}
