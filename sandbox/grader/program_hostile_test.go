package grader_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/client"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/verdict"
)

func randomHex(t testing.TB) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// echoPackage answers every test with its input: a program that survives
// its own attack and then behaves is accepted.
func echoPackage(t testing.TB, timeMS int) *challenges.Package {
	tests := map[string][2]string{}
	for _, n := range []string{"1", "2", "3"} {
		in := "IN-" + randomHex(t) + "\n"
		tests[n] = [2]string{in, in}
	}
	return sumPackage(t, fmt.Sprintf("limits: {time_ms: %d, memory_mb: 128, output_kb: 64}\n", timeMS), tests, nil)
}

// everyTestPackage is an echo package of n tests that all run whatever
// happens (one group scored by sum): an attack gets n tries at the runner.
func everyTestPackage(t testing.TB, n int) *challenges.Package {
	tests := map[string][2]string{}
	for i := 0; i < n; i++ {
		in := "IN-" + randomHex(t) + "\n"
		tests[fmt.Sprint(i)] = [2]string{in, in}
	}
	return sumPackage(t, "limits: {time_ms: 1000, memory_mb: 128, output_kb: 64}\nprogram: {groups: [{name: all, points: 100, tests: '*', scoring: sum}]}\n", tests, nil)
}

// secretPackage's answers are unguessable secrets: only a program that
// reads the hidden answers could print them. The 15 s limit leaves the
// thief time to read the whole image on a loaded host.
func secretPackage(t testing.TB) *challenges.Package {
	tests := map[string][2]string{}
	for _, n := range []string{"1", "2"} {
		tests[n] = [2]string{"IN-" + randomHex(t) + "\n", "SECRET-" + randomHex(t) + "\n"}
	}
	return sumPackage(t, "limits: {time_ms: 15000, memory_mb: 256, output_kb: 64}\n", tests, nil)
}

// plantedPackage has one test whose secret answer also sits in a file given
// to the contestant: the control that shows the thief finds what it can see.
func plantedPackage(t testing.TB) *challenges.Package {
	secret := "SECRET-" + randomHex(t) + "\n"
	return sumPackage(t, "limits: {time_ms: 15000, memory_mb: 256, output_kb: 64}\nprogram: {files: [attachments/notes.txt]}\n",
		map[string][2]string{"1": {"IN-" + randomHex(t) + "\n", secret}},
		map[string]string{"attachments/notes.txt": "left here by mistake: " + secret})
}

// echo is the well-behaved program graded next to each hostile one.
const echo = "print(input())\n"

// scanFor walks the file system and the runner's memory for text matching
// a regular expression (%q: written so that it does not match itself), and
// prints the first match, else its input: the thief of the hidden-data
// tests.
const scanFor = `import os, re, sys
pattern = re.compile(%q.encode())
found = []
def look(data):
    m = pattern.search(data)
    if m:
        found.append(m.group().decode())
for root, dirs, files in os.walk("/"):
    if root in ("/proc", "/sys"):
        dirs[:] = []
        continue
    for f in files:
        p = os.path.join(root, f)
        try:
            if os.path.isfile(p) and os.path.getsize(p) < 4 << 20:
                look(open(p, "rb").read())
        except OSError:
            pass
for p in ["/proc/1/environ", "/proc/1/cmdline", "/proc/self/environ"]:
    try:
        look(open(p, "rb").read())
    except OSError:
        pass
try:
    with open("/proc/1/maps") as maps, open("/proc/1/mem", "rb", 0) as mem:
        for line in maps:
            addr, perms = line.split()[:2]
            lo, hi = (int(x, 16) for x in addr.split("-"))
            if "r" not in perms or hi - lo > 256 << 20:
                continue
            try:
                mem.seek(lo)
                look(mem.read(hi - lo))
            except (OSError, ValueError, OverflowError):
                pass
except OSError:
    pass
line = sys.stdin.readline().strip()
print(found[0] if found else line)
`

// hostile is one attack and the outcome it must end with.
type hostile struct {
	name    string
	pkg     *challenges.Package
	lang    string
	source  string
	outcome verdict.Outcome
	// within bounds the grading time: every limit must hold.
	within time.Duration
}

func TestIntegrationHostileSubmissions(t *testing.T) {
	g, cli := realGrader(t, "python3", "cpp")
	echoPkg := echoPackage(t, 1000)
	cases := []hostile{
		{name: "fork bomb", pkg: echoPkg, lang: "python3", outcome: verdict.TimeLimit, within: 30 * time.Second, source: `import os
while True:
    try:
        os.fork()
    except OSError:
        pass
`},
		// Five bombs in one container: the runner, PID 1 of the sandbox, must
		// not need a new thread it cannot get while the pids are used up.
		{name: "shell fork bomb", pkg: everyTestPackage(t, 5), lang: "python3", outcome: verdict.TimeLimit, within: 40 * time.Second,
			source: "import os\nos.system(\"bomb() { bomb | bomb & }; bomb\")\nimport time\ntime.sleep(60)\n"},
		{name: "C++ fork bomb", pkg: echoPkg, lang: "cpp", outcome: verdict.TimeLimit, within: 40 * time.Second,
			source: "#include <unistd.h>\nint main() { for (;;) fork(); }\n"},
		{name: "memory bomb", pkg: echoPkg, lang: "python3", outcome: verdict.MemoryLimit, within: 30 * time.Second,
			source: "chunks = []\nwhile True:\n    chunks.append('x' * (16 << 20))\n"},
		{name: "C++ memory bomb", pkg: echoPkg, lang: "cpp", outcome: verdict.MemoryLimit, within: 40 * time.Second,
			source: "#include <cstring>\n#include <cstdlib>\nint main() { for (;;) { char* p = (char*)malloc(1 << 24); if (p) memset(p, 1, 1 << 24); } }\n"},
		{name: "endless loop", pkg: echoPkg, lang: "python3", outcome: verdict.TimeLimit, within: 20 * time.Second,
			source: "while True:\n    pass\n"},
		{name: "sleeping past the wall limit", pkg: echoPkg, lang: "python3", outcome: verdict.TimeLimit, within: 20 * time.Second,
			source: "import time\ntime.sleep(3600)\n"},
		{name: "1 GB of output", pkg: echoPkg, lang: "python3", outcome: verdict.OutputLimit, within: 20 * time.Second,
			source: "import sys\nchunk = 'x' * (1 << 20)\nfor _ in range(1024):\n    sys.stdout.write(chunk)\n"},
		{name: "filling the disk", pkg: echoPkg, lang: "python3", outcome: verdict.RuntimeError, within: 30 * time.Second, source: `import os
i = 0
block = b"x" * (1 << 20)
while True:
    for d in ("/work", "/tmp"):
        with open(os.path.join(d, "fill%d" % i), "wb") as f:
            for _ in range(8):
                f.write(block)
        i += 1
`},
		{name: "opening a network connection", pkg: echoPkg, lang: "python3", outcome: verdict.RuntimeError, within: 20 * time.Second, source: `import socket, sys
line = input()
ifaces = [l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:]]
if any(i != "lo" for i in ifaces):
    print(line)  # a network interface: the attack would go on from here
    sys.exit(0)
for host, port in [("1.1.1.1", 53), ("8.8.8.8", 443), ("172.17.0.1", 6379), ("10.0.0.1", 80), ("deb.debian.org", 80)]:
    try:
        socket.create_connection((host, port), timeout=0.5)
        print(line)
        sys.exit(0)
    except OSError as e:
        print(host, e, file=sys.stderr)
sys.exit(3)
`},
		{name: "reading hidden data", pkg: secretPackage(t), lang: "python3", outcome: verdict.WrongAnswer, within: 120 * time.Second,
			source: fmt.Sprintf(scanFor, "SECRET-[0-9a-f]{24}")},
		{name: "control: the thief finds what it may see", pkg: plantedPackage(t), lang: "python3", outcome: verdict.Accepted, within: 120 * time.Second,
			source: fmt.Sprintf(scanFor, "SECRET-[0-9a-f]{24}")},
		// /tmp and /dev/shm are the sandbox's own scratch tmpfs, capped and
		// private (see TestIntegrationOtherSubmissionsFiles).
		{name: "writing outside the work dir", pkg: echoPkg, lang: "python3", outcome: verdict.Accepted, within: 20 * time.Second, source: `import os
wrote = []
for p in ["/etc/passwd", "/usr/local/bin/arena-runner", "/usr/bin/python3", "/x", "/root/x", "/var/tmp/x", "/home/x",
          "/proc/sys/kernel/hostname", "/proc/1/oom_score_adj", "/sys/fs/cgroup/x", "/usr/lib/x", "/run/x", "/dev/x"]:
    try:
        with open(p, "ab") as f:
            f.write(b"owned")
        wrote.append(p)
    except OSError:
        pass
for d in ["/", "/etc", "/usr/local/bin"]:
    try:
        os.mkdir(os.path.join(d, "owned"))
        wrote.append(d)
    except OSError:
        pass
line = input()
print("wrote " + " ".join(wrote) if wrote else line)
`},
		{name: "killing the runner", pkg: echoPkg, lang: "python3", outcome: verdict.Accepted, within: 20 * time.Second, source: `import os, signal
for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP, signal.SIGINT):
    for pid in (1, -1):
        try:
            os.kill(pid, sig)
        except OSError:
            pass
print(input())
`},
		{name: "binary garbage as source", pkg: echoPkg, lang: "python3", outcome: verdict.InvalidSubmission, within: 5 * time.Second,
			source: "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00\xff\xfe"},
		{name: "text garbage as C++", pkg: echoPkg, lang: "cpp", outcome: verdict.CompileError, within: 30 * time.Second,
			source: "\xff\xfe\x81 ~~~ ;;; }{ \x01\x02\x03 garbage"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A well-behaved submission graded at the same time must not be harmed.
			var wg sync.WaitGroup
			var calm verdict.Result
			var calmErr error
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(300 * time.Millisecond)
				calm, calmErr = g.Grade(context.Background(), echoPkg, "python3", []byte(echo))
			}()
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			res, err := g.Grade(ctx, tc.pkg, tc.lang, []byte(tc.source))
			cancel()
			took := time.Since(start)
			// Wait for the concurrent grade before anything may end the
			// test, so that no sandbox outlives it.
			wg.Wait()
			if err != nil {
				t.Fatalf("grade: %v", err)
			}
			t.Logf("%s: %s in %v (%s)", tc.name, res.Outcome, took.Round(time.Millisecond), res.Message)
			if res.Outcome != tc.outcome {
				t.Errorf("got %s (%q), tests %+v; want %s", res.Outcome, res.Message, res.Tests, tc.outcome)
			}
			if took > tc.within {
				t.Errorf("took %v, limits should end it within %v", took, tc.within)
			}
			if calmErr != nil || calm.Outcome != verdict.Accepted {
				t.Errorf("the concurrent submission was harmed: %+v %v", calm, calmErr)
			}
			assertHostFine(t, cli)
		})
	}
}

// TestIntegrationOtherSubmissionsFiles runs a submission that leaves a
// marker in its work dir, /tmp and /dev/shm and stays alive, and, meanwhile,
// one that looks for the marker everywhere it can.
func TestIntegrationOtherSubmissionsFiles(t *testing.T) {
	g, cli := realGrader(t, "python3")
	pkg := echoPackage(t, 5000)
	marker := "OTHERSUB-" + randomHex(t)
	owner := fmt.Sprintf(`import os, time
for d in ("/work", "/tmp", "/dev/shm"):
    try:
        with open(os.path.join(d, "mine"), "w") as f:
            f.write(%q)
    except OSError:
        pass
time.sleep(2.5)
print(input())
`, marker)
	var wg sync.WaitGroup
	var ownerRes verdict.Result
	var ownerErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		ownerRes, ownerErr = g.Grade(context.Background(), pkg, "python3", []byte(owner))
	}()
	time.Sleep(1500 * time.Millisecond)
	thief, thiefErr := g.Grade(context.Background(), pkg, "python3", []byte(fmt.Sprintf(scanFor, "OTHERSUB-[0-9a-f]{24}")))
	wg.Wait()
	if thiefErr != nil {
		t.Fatalf("thief: %v", thiefErr)
	}
	if thief.Outcome != verdict.Accepted {
		t.Errorf("the thief found another submission's files: %s %+v", thief.Outcome, thief.Tests)
	}
	if ownerErr != nil || ownerRes.Outcome != verdict.Accepted {
		t.Errorf("owner: %+v %v", ownerRes, ownerErr)
	}
	assertHostFine(t, cli)
}

// assertHostFine checks the host still starts processes and the engine
// still answers.
func assertHostFine(t *testing.T, cli *client.Client) {
	t.Helper()
	if out, err := exec.Command("sh", "-c", "echo fine").Output(); err != nil || strings.TrimSpace(string(out)) != "fine" {
		t.Errorf("the host cannot start a process: %q %v", out, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := cli.Ping(ctx); err != nil {
		t.Errorf("the Docker engine does not answer: %v", err)
	}
}
