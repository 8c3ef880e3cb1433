package container_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
)

// Hostile programs against the runner and each other. Each runs as a
// contestant would submit it; the test checks both that the attack failed
// and that the runner's measurements and verdicts stayed true.

func TestIntegrationRunnerUnreachable(t *testing.T) {
	sb := setup(t)
	// Every way into PID 1 a same-uid process used to have.
	sr := sb.one(t, limits, `import ctypes, errno, os, signal
libc = ctypes.CDLL(None, use_errno=True)
def attempt(name, f):
    try:
        f()
        print(name, "open")
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, e.errno))
attempt("fd", lambda: os.listdir("/proc/1/fd"))
attempt("reply", lambda: open("/proc/1/fd/1", "w").write("{}"))
attempt("mem", lambda: open("/proc/1/mem", "rb").read(1))
attempt("environ", lambda: open("/proc/1/environ", "rb").read())
attempt("stop", lambda: os.kill(1, signal.SIGSTOP))
def ptrace():
    if libc.ptrace(16, 1, None, None) != 0:  # PTRACE_ATTACH
        raise OSError(ctypes.get_errno(), "ptrace")
attempt("ptrace", ptrace)
`)
	want(t, sr, runner.StatusOK, "fd EACCES\nreply EACCES\nmem EACCES\nenviron EACCES\nstop EPERM\nptrace EPERM\n")
}

func TestIntegrationNoTracingWithinTest(t *testing.T) {
	sb := setup(t)
	// Its own child has its uid: only the seccomp filter stands between them.
	sr := sb.one(t, limits, `import ctypes, os, time
libc = ctypes.CDLL(None, use_errno=True)
pid = os.fork()
if pid == 0:
    time.sleep(5)
    os._exit(0)
r = libc.ptrace(16, pid, None, None)
print("ptrace", r, ctypes.get_errno())
buf = ctypes.create_string_buffer(8)
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
local = iovec(ctypes.cast(buf, ctypes.c_void_p), 8)
remote = iovec(0x400000, 8)
r = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
print("process_vm_readv", r, ctypes.get_errno())
`)
	want(t, sr, runner.StatusOK, "ptrace -1 1\nprocess_vm_readv -1 1\n")
}

func TestIntegrationAttachEverywhereKeepsVerdicts(t *testing.T) {
	// A program that tries to attach to every process it sees, then
	// answers: the runner must go on measuring and judging each test.
	sb := setup(t)
	res := sb.python(t, container.Config{}, limits, `import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for p in os.listdir("/proc"):
    if p.isdigit() and int(p) != os.getpid():
        libc.ptrace(16, int(p), None, None)
        try:
            os.kill(int(p), 19)
        except OSError:
            pass
n = int(sys.stdin.read())
x = 0
for i in range(300000):
    x += i
print(n * 2)
`, "1", "2", "3")
	for i, tc := range res.Tests {
		want(t, tc, runner.StatusOK, []string{"2\n", "4\n", "6\n"}[i])
		if tc.CPUTimeMS <= 0 || tc.MemoryBytes <= 0 {
			t.Errorf("test %s: not measured: %+v", tc.Name, tc)
		}
	}
}

func TestIntegrationCPUCountsEveryProcess(t *testing.T) {
	sb := setup(t)
	// Three children burn 0.8 s each and hand the answer back through a
	// pipe; the parent itself uses next to nothing.
	l := runner.Limits{CPUTimeMS: 1000, WallTimeMS: 10000, MemoryBytes: 64 << 20, OutputBytes: 1 << 20}
	start := time.Now()
	sr := sb.one(t, l, `import os, time
def burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
fds = []
for _ in range(3):
    r, w = os.pipe()
    if os.fork() == 0:
        os.close(r)
        burn(0.8)
        os.write(w, b"1")
        os._exit(0)
    os.close(w)
    fds.append(r)
print(sum(int(os.read(r, 1)) for r in fds))
`)
	if sr.Status != runner.StatusTimeLimit || sr.CPUTimeMS < 1000 {
		t.Fatalf("got %s with %d ms CPU; want time_limit with at least 1000 ms", sr.Status, sr.CPUTimeMS)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("took %v: the processes were not stopped at the limit", d)
	}
}

func TestIntegrationCPUOfWaitedChildrenCounted(t *testing.T) {
	sb := setup(t)
	// Under the limit, the children's time still shows in the measurement.
	l := runner.Limits{CPUTimeMS: 4000, WallTimeMS: 10000, MemoryBytes: 64 << 20, OutputBytes: 1 << 20}
	sr := sb.one(t, l, `import os, time
pids = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        end = time.process_time() + 0.4
        while time.process_time() < end:
            pass
        os._exit(0)
    pids.append(pid)
time.sleep(1.5)  # never waits: the children end as zombies
print("ok")
`)
	want(t, sr, runner.StatusOK, "ok\n")
	if sr.CPUTimeMS < 700 {
		t.Errorf("CPU %d ms, want the children's 800 ms counted", sr.CPUTimeMS)
	}
}

func TestIntegrationMemoryCountsEveryProcess(t *testing.T) {
	sb := setup(t)
	// Three processes of 60 MiB each at once, under a 128 MiB limit: no
	// single one passes it, all together do.
	l := runner.Limits{CPUTimeMS: 4000, WallTimeMS: 10000, MemoryBytes: 128 << 20, OutputBytes: 1 << 20}
	sr := sb.python(t, container.Config{MemoryBytes: 512 << 20}, l, `import os, time
r, w = os.pipe()
for _ in range(3):
    if os.fork() == 0:
        block = bytearray(60 << 20)
        for i in range(0, len(block), 4096):
            block[i] = 1
        os.write(w, b"x")
        time.sleep(3)
        os._exit(0)
for _ in range(3):
    os.read(r, 1)
time.sleep(0.5)
print("done")
`, "").Tests[0]
	if sr.Status != runner.StatusMemoryLimit || sr.MemoryBytes <= 128<<20 {
		t.Fatalf("got %s with %d bytes; want memory_limit above 128 MiB", sr.Status, sr.MemoryBytes)
	}
}

func TestIntegrationGraderSeparatedFromContestant(t *testing.T) {
	// A custom package's grader holds a secret and runs the contestant's
	// code through arena-runner --contestant: that code can neither read
	// the secret nor reach the grader, and the grader gets its verdict.
	sb := setup(t)
	grader := `import json, os, subprocess, sys
secret = open("hidden/answer").read().strip()
res = "/work/step.json"
p = subprocess.run([os.environ["ARENA_RUNNER"], "--contestant", "--cpu-ms", "2000", "--result", res, "--",
                    "python3", "submission"], input=str(os.getpid()).encode(), capture_output=True)
step = json.load(open(res))
print(json.dumps({"exit": p.returncode, "stdout": p.stdout.decode(), "status": step["status"],
                  "alive": True, "secret_ok": secret == "42"}))
`
	submission := `import errno, os, sys
grader = int(sys.stdin.read())
def attempt(name, f):
    try:
        f()
        print(name, "open")
    except OSError as e:
        print(name, errno.errorcode.get(e.errno, e.errno))
attempt("secret", lambda: open("/work/hidden/answer").read())
attempt("list", lambda: os.listdir("/work/hidden"))
attempt("environ", lambda: open("/proc/%d/environ" % grader).read())
attempt("kill", lambda: os.kill(grader, 9))
print(os.getuid())
sys.exit(3)
`
	req := runner.Request{
		Grader: true,
		Files: []runner.File{
			{Name: "grade.py", Data: []byte(grader)},
			{Name: "hidden/answer", Data: []byte("42\n")},
			{Name: "submission", Data: []byte(submission), Shared: true},
		},
		Run:   runner.Step{Command: []string{"python3", "grade.py"}, Limits: runner.Limits{CPUTimeMS: 5000}},
		Tests: []runner.Test{{Name: "grade"}},
	}
	sr := sb.runGrader(t, req)
	if sr.Status != runner.StatusOK {
		t.Fatalf("grader: %s exit %d signal %s stderr %s", sr.Status, sr.ExitCode, sr.Signal, sr.Stderr)
	}
	out := string(sr.Stdout)
	for _, w := range []string{`"exit": 3`, `secret EACCES`, `list EACCES`, `environ EACCES`, `kill EPERM`, `65534`,
		`"status": "runtime_error"`, `"alive": true`, `"secret_ok": true`} {
		if !strings.Contains(out, w) {
			t.Errorf("grader output lacks %s:\n%s\nstderr: %s", w, out, sr.Stderr)
		}
	}
}

func TestIntegrationHugeTotalOutputIsOutputLimit(t *testing.T) {
	// 80 tests of 1 MiB each pass every test's cap but not the reply's: the
	// submission gets output_limit, never a broken reply the platform would
	// have to regrade.
	sb := setup(t)
	inputs := make([]string, 80)
	l := runner.Limits{CPUTimeMS: 2000, WallTimeMS: 4000, MemoryBytes: 64 << 20, OutputBytes: 1 << 20}
	res := sb.python(t, container.Config{}, l, `import sys
sys.stdout.write("x" * (1 << 20))
`, inputs...)
	first, last := res.Tests[0], res.Tests[len(res.Tests)-1]
	if first.Status != runner.StatusOK || last.Status != runner.StatusOutputLimit {
		t.Fatalf("first %s, last %s; want ok then output_limit", first.Status, last.Status)
	}
}

func TestIntegrationGraderContestantStepLeavesNothing(t *testing.T) {
	// What a contestant step leaves behind (a daemon that left its group,
	// a fork bomb) is gone when the step returns; the grader goes on.
	sb := setup(t)
	grader := `import os, subprocess, time
def step(code):
    p = subprocess.run([os.environ["ARENA_RUNNER"], "--contestant", "--cpu-ms", "1000", "--wall-ms", "2000",
                        "--", "python3", "-c", code], capture_output=True)
    return p.returncode, p.stdout.decode()
rc, out = step("import os, time\nif os.fork() == 0:\n    os.setsid()\n    print(os.getpid(), flush=True)\n    time.sleep(60)\n    os._exit(0)\ntime.sleep(0.3)")
daemon = int(out.split()[0])
try:
    os.kill(daemon, 0)
    print("daemon alive")
except ProcessLookupError:
    print("daemon gone")
except PermissionError:
    print("daemon alive")
rc, out = step("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass")
print("bomb", rc)
rc, out = step("print('after', 6 * 7)")
print(out.strip(), rc)
`
	req := runner.Request{
		Grader: true,
		Files:  []runner.File{{Name: "grade.py", Data: []byte(grader)}},
		Run:    runner.Step{Command: []string{"python3", "grade.py"}, Limits: runner.Limits{CPUTimeMS: 10000, WallTimeMS: 20000}},
		Tests:  []runner.Test{{Name: "grade"}},
	}
	sr := sb.runGrader(t, req)
	out := string(sr.Stdout)
	if sr.Status != runner.StatusOK || !strings.Contains(out, "daemon gone") || !strings.Contains(out, "after 42 0") || !strings.Contains(out, "bomb ") {
		t.Fatalf("grader %s: %s\nstderr: %s", sr.Status, out, sr.Stderr)
	}
}

// runGrader runs a grader's request and returns its one step.
func (sb *sandbox) runGrader(t *testing.T, req runner.Request) runner.StepResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := sb.r.Run(ctx, container.Config{Image: image, Labels: map[string]string{testLabel: sb.tag}}, req)
	if err != nil {
		t.Fatal(err)
	}
	return res.Tests[0]
}
