package container_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	dcontainer "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
)

const image = "skillarena/python3:latest"

// testLabel marks the containers of one test run, to check they are removed.
const testLabel = "skillarena.test"

var limits = runner.Limits{CPUTimeMS: 2000, WallTimeMS: 4000, MemoryBytes: 64 << 20, OutputBytes: 1 << 20}

type sandbox struct {
	cli *client.Client
	r   *container.Runner
	tag string
}

func setup(t *testing.T) *sandbox {
	t.Helper()
	cli := testenv.Docker(t)
	testenv.Image(t, cli, image)
	var log *slog.Logger
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	sb := &sandbox{cli: cli, r: container.NewWithClient(cli, log), tag: hex.EncodeToString(b)}
	t.Cleanup(func() { sb.assertNoLeftovers(t) })
	return sb
}

func (sb *sandbox) assertNoLeftovers(t *testing.T) {
	t.Helper()
	list, err := sb.cli.ContainerList(context.Background(), dcontainer.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", testLabel+"="+sb.tag))})
	if err != nil {
		t.Errorf("list containers: %v", err)
		return
	}
	for _, c := range list {
		t.Errorf("container %s (%s) left behind", c.ID[:12], c.State)
	}
}

// python runs a Python program on the given inputs.
func (sb *sandbox) python(t *testing.T, cfg container.Config, l runner.Limits, program string, inputs ...string) runner.Result {
	t.Helper()
	req := runner.Request{
		Files: []runner.File{{Name: "main.py", Data: []byte(program)}},
		Run:   runner.Step{Command: []string{"python3", "main.py"}, Limits: l},
	}
	for i, in := range inputs {
		req.Tests = append(req.Tests, runner.Test{Name: string(rune('a' + i)), Input: []byte(in)})
	}
	cfg.Image = image
	cfg.Labels = map[string]string{testLabel: sb.tag}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := sb.r.Run(ctx, cfg, req)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(res.Tests) != len(inputs) {
		t.Fatalf("%d results for %d tests", len(res.Tests), len(inputs))
	}
	return res
}

// one runs a Python program on one empty input and returns its result.
func (sb *sandbox) one(t *testing.T, l runner.Limits, program string) runner.StepResult {
	t.Helper()
	return sb.python(t, container.Config{}, l, program, "").Tests[0]
}

func want(t *testing.T, sr runner.StepResult, status runner.Status, stdout string) {
	t.Helper()
	if sr.Status != status || (stdout != "*" && string(sr.Stdout) != stdout) {
		t.Fatalf("got %s stdout %q stderr %q exit %d signal %q cpu %d ms mem %d; want %s %q",
			sr.Status, sr.Stdout, sr.Stderr, sr.ExitCode, sr.Signal, sr.CPUTimeMS, sr.MemoryBytes, status, stdout)
	}
}

func TestIntegrationAcceptedEcho(t *testing.T) {
	sb := setup(t)
	start := time.Now()
	res := sb.python(t, container.Config{}, limits, "print(input())\n", "hello\n", "world\n", "42\n")
	t.Logf("3-test python hello: %v", time.Since(start))
	for i, out := range []string{"hello\n", "world\n", "42\n"} {
		want(t, res.Tests[i], runner.StatusOK, out)
		if res.Tests[i].MemoryBytes <= 0 || res.Tests[i].CPUTimeMS < 0 {
			t.Errorf("test %d not measured: %+v", i, res.Tests[i])
		}
	}
}

func TestIntegrationWrongOutputVisible(t *testing.T) {
	sb := setup(t)
	sr := sb.one(t, limits, "print('not the answer')\n")
	want(t, sr, runner.StatusOK, "not the answer\n")
}

func TestIntegrationInfiniteLoop(t *testing.T) {
	sb := setup(t)
	start := time.Now()
	sr := sb.one(t, runner.Limits{CPUTimeMS: 1000, WallTimeMS: 3000}, "while True: pass\n")
	want(t, sr, runner.StatusTimeLimit, "*")
	// Either limit may fire first: on a loaded machine the wall clock can
	// run out before the loop has had its full second of CPU.
	if sr.CPUTimeMS < 900 && sr.WallTimeMS < 2900 || time.Since(start) > 10*time.Second {
		t.Errorf("cpu %d ms, wall %d ms, took %v", sr.CPUTimeMS, sr.WallTimeMS, time.Since(start))
	}
}

func TestIntegrationSleepWallLimit(t *testing.T) {
	sb := setup(t)
	sr := sb.one(t, runner.Limits{CPUTimeMS: 1000, WallTimeMS: 500}, "import time\ntime.sleep(30)\n")
	want(t, sr, runner.StatusTimeLimit, "*")
}

func TestIntegrationMemoryHogPeak(t *testing.T) {
	// Over the limit but under the container's cap: caught by the peak.
	sb := setup(t)
	sr := sb.one(t, limits, "x = bytearray(100 << 20)\nprint(len(x))\n")
	want(t, sr, runner.StatusMemoryLimit, "*")
}

func TestIntegrationMemoryHogOOM(t *testing.T) {
	// Far over the container's cap: the contestant's process, not the
	// runner, is the OOM killer's victim, and the next test still runs.
	sb := setup(t)
	res := sb.python(t, container.Config{}, limits,
		"import sys\nif sys.stdin.read() == 'hog':\n    x = [bytearray(1 << 20) for _ in range(4096)]\nprint('ok')\n", "hog", "fine")
	want(t, res.Tests[0], runner.StatusMemoryLimit, "*")
	if res.Tests[0].Signal != "SIGKILL" {
		t.Errorf("hog ended by %q, want SIGKILL from the OOM killer", res.Tests[0].Signal)
	}
	want(t, res.Tests[1], runner.StatusOK, "ok\n")
}

func TestIntegrationHugeOutput(t *testing.T) {
	sb := setup(t)
	l := limits
	l.OutputBytes = 64 << 10
	sr := sb.one(t, l, "import sys\nwhile True: sys.stdout.write('x' * 65536)\n")
	want(t, sr, runner.StatusOutputLimit, "*")
	if len(sr.Stdout) != 64<<10 {
		t.Errorf("kept %d bytes", len(sr.Stdout))
	}
}

func TestIntegrationExit3(t *testing.T) {
	sb := setup(t)
	sr := sb.one(t, limits, "import sys\nprint('bye')\nsys.exit(3)\n")
	want(t, sr, runner.StatusRuntimeError, "bye\n")
	if sr.ExitCode != 3 {
		t.Errorf("exit code %d", sr.ExitCode)
	}
	sr = sb.one(t, limits, "raise ValueError('boom')\n")
	want(t, sr, runner.StatusRuntimeError, "")
	if !strings.Contains(string(sr.Stderr), "ValueError: boom") {
		t.Errorf("stderr %q", sr.Stderr)
	}
}

func TestIntegrationNoNetwork(t *testing.T) {
	sb := setup(t)
	sr := sb.one(t, limits, `import socket
for addr in [("1.1.1.1", 53), ("8.8.8.8", 443)]:
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(addr)
        print("connected", addr)
    except OSError as e:
        print("blocked")
try:
    socket.getaddrinfo("deb.debian.org", 80)
    print("resolved")
except OSError:
    print("no dns")
print(sorted(n for _, n in socket.if_nameindex()))
`)
	want(t, sr, runner.StatusOK, "blocked\nblocked\nno dns\n['lo']\n")
}

func TestIntegrationReadOnlyRoot(t *testing.T) {
	sb := setup(t)
	sr := sb.one(t, limits, `import os
for path in ["/var/tmp/x", "/x", "/usr/local/bin/x", "/etc/x", "/work/x", "/tmp/x", "/work/sub/x"]:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("x")
        print(path, "written")
    except OSError as e:
        print(path, "refused")
`)
	want(t, sr, runner.StatusOK, "/var/tmp/x refused\n/x refused\n/usr/local/bin/x refused\n/etc/x refused\n/work/x written\n/tmp/x written\n/work/sub/x written\n")
}

func TestIntegrationTmpfsCapped(t *testing.T) {
	sb := setup(t)
	sr := sb.python(t, container.Config{TmpfsBytes: 8 << 20}, limits, `
try:
    with open("/work/big", "wb") as f:
        for _ in range(16):
            f.write(b"x" * (1 << 20))
    print("wrote 16 MiB")
except OSError as e:
    print("full", e.errno)
`, "").Tests[0]
	want(t, sr, runner.StatusOK, "full 28\n")
}

func TestIntegrationUnprivileged(t *testing.T) {
	sb := setup(t)
	sr := sb.one(t, limits, `import os
print(os.getuid(), os.getgid(), os.geteuid())
status = dict(l.split(":\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\t" in l)
print(*(status[k].strip() for k in ("CapEff", "CapPrm", "CapInh", "CapAmb", "NoNewPrivs", "Seccomp")))
print(os.getcwd(), os.stat("/work").st_uid)
`)
	want(t, sr, runner.StatusOK, "65534 65534 65534\n0000000000000000 0000000000000000 0000000000000000 0000000000000000 1 2\n/work 65534\n")
}

func TestIntegrationForkBomb(t *testing.T) {
	sb := setup(t)
	start := time.Now()
	res := sb.python(t, container.Config{}, runner.Limits{CPUTimeMS: 2000, WallTimeMS: 3000}, `import os, sys
if sys.stdin.read() == "bomb":
    while True:
        try:
            os.fork()
        except OSError:
            pass
print("alive")
`, "bomb", "calm")
	if s := res.Tests[0].Status; s != runner.StatusTimeLimit && s != runner.StatusRuntimeError {
		t.Errorf("fork bomb: %s", s)
	}
	want(t, res.Tests[1], runner.StatusOK, "alive\n")
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestIntegrationContainerWallTimeout(t *testing.T) {
	// A container-level timeout shorter than the runner's own limits: the
	// whole container is killed and the tests report time_limit.
	sb := setup(t)
	start := time.Now()
	res := sb.python(t, container.Config{WallTimeout: 1500 * time.Millisecond}, runner.Limits{CPUTimeMS: 10000, WallTimeMS: 20000},
		"import time\ntime.sleep(30)\n", "", "")
	for _, sr := range res.Tests {
		want(t, sr, runner.StatusTimeLimit, "")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestIntegrationCompileStep(t *testing.T) {
	sb := setup(t)
	ctx := context.Background()
	req := runner.Request{
		Files:   []runner.File{{Name: "main.py", Data: []byte("print(int(input()) + 1)\n")}},
		Compile: &runner.Step{Command: []string{"python3", "-m", "py_compile", "main.py"}, Limits: limits},
		Run:     runner.Step{Command: []string{"python3", "main.py"}, Limits: limits},
		Tests:   []runner.Test{{Name: "1", Input: []byte("1\n")}, {Name: "2", Input: []byte("41\n")}},
	}
	res, err := sb.r.Run(ctx, container.Config{Image: image, Labels: map[string]string{testLabel: sb.tag}}, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Compile == nil || res.Compile.Status != runner.StatusOK {
		t.Fatalf("compile: %+v", res.Compile)
	}
	want(t, res.Tests[0], runner.StatusOK, "2\n")
	want(t, res.Tests[1], runner.StatusOK, "42\n")

	req.Files[0].Data = []byte("print(\n")
	res, err = sb.r.Run(ctx, container.Config{Image: image, Labels: map[string]string{testLabel: sb.tag}}, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Compile == nil || res.Compile.Status != runner.StatusRuntimeError || !strings.Contains(string(res.Compile.Stderr), "SyntaxError") {
		t.Fatalf("compile error: %+v", res.Compile)
	}
	for _, sr := range res.Tests {
		want(t, sr, runner.StatusSkipped, "")
	}
}

func TestIntegrationInfrastructureErrors(t *testing.T) {
	sb := setup(t)
	ctx := context.Background()
	req := runner.Request{Run: runner.Step{Command: []string{"true"}}, Tests: []runner.Test{{Name: "a"}}}
	if _, err := sb.r.Run(ctx, container.Config{Image: "skillarena/does-not-exist:latest"}, req); err == nil || !strings.Contains(err.Error(), "arena images build") {
		t.Errorf("missing image: %v", err)
	}
	bad := runner.Request{Files: []runner.File{{Name: "../x"}}, Run: req.Run, Tests: req.Tests}
	res, err := sb.r.Run(ctx, container.Config{Image: image, Labels: map[string]string{testLabel: sb.tag}}, bad)
	if err == nil || !strings.Contains(res.Error, "..") {
		t.Errorf("runner error: %v, %+v", err, res)
	}
	if _, err := sb.r.Run(ctx, container.Config{Image: image, ReplyCap: 100, Labels: map[string]string{testLabel: sb.tag}}, req); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Errorf("reply cap: %v", err)
	}

	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(time.Second, cancel)
	start := time.Now()
	slow := runner.Request{Run: runner.Step{Command: []string{"sleep", "30"}, Limits: runner.Limits{WallTimeMS: 30000}}, Tests: req.Tests}
	if _, err := sb.r.Run(cctx, container.Config{Image: image, Labels: map[string]string{testLabel: sb.tag}}, slow); err == nil || !strings.Contains(err.Error(), "cancel") {
		t.Errorf("cancelled: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("cancel took %v", d)
	}
}

func TestIntegrationNew(t *testing.T) {
	testenv.Docker(t)
	ctx := context.Background()
	r, err := container.New(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Sweep(ctx, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
}

func TestIntegrationEscapedDaemonKilled(t *testing.T) {
	// A child that leaves the process group and keeps stdout open must not
	// hold the test up, nor survive into the next test.
	sb := setup(t)
	start := time.Now()
	res := sb.python(t, container.Config{}, limits, `import os, sys, time
if sys.stdin.read() == "spawn":
    if os.fork() == 0:
        os.setsid()
        with open("/tmp/daemon", "w") as f:
            f.write(str(os.getpid()))
        time.sleep(60)
        os._exit(0)
    time.sleep(0.2)
    print("parent done")
else:
    pid = int(open("/tmp/daemon").read())
    try:
        os.kill(pid, 0)
        print("daemon alive")
    except ProcessLookupError:
        print("daemon gone")
`, "spawn", "check")
	want(t, res.Tests[0], runner.StatusOK, "parent done\n")
	want(t, res.Tests[1], runner.StatusOK, "daemon gone\n")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// BenchmarkIntegrationPythonHello measures the sandbox overhead: one
// container (create, attach, start, run, remove) for a three-test Python
// program.
func BenchmarkIntegrationPythonHello(b *testing.B) {
	cli := testenv.Docker(b)
	testenv.Image(b, cli, image)
	r := container.NewWithClient(cli, nil)
	req := runner.Request{
		Files: []runner.File{{Name: "main.py", Data: []byte("print(input())\n")}},
		Run:   runner.Step{Command: []string{"python3", "main.py"}, Limits: limits},
		Tests: []runner.Test{{Name: "1", Input: []byte("a\n")}, {Name: "2", Input: []byte("b\n")}, {Name: "3", Input: []byte("c\n")}},
	}
	var testWall int64
	for b.Loop() {
		res, err := r.Run(context.Background(), container.Config{Image: image}, req)
		if err != nil {
			b.Fatal(err)
		}
		for _, sr := range res.Tests {
			if sr.Status != runner.StatusOK {
				b.Fatalf("%+v", sr)
			}
			testWall += sr.WallTimeMS
		}
	}
	b.ReportMetric(float64(testWall)/float64(b.N), "test-wall-ms/op")
}
