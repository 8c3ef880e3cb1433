package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/verdict"
)

// runCLI runs the arena command and returns its exit code and output.
func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return Run(context.Background(), env, args), out.String(), errb.String()
}

func TestChallengeCommandsRefuseBadArguments(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"challenge", "try", "--help"}, 0, ""},
		{[]string{"challenge", "try", "only-one"}, 1, "arena challenge try DIR FILE"},
		{[]string{"challenge", "try", dir, "x.py"}, 1, "challenge.yaml"},
		{[]string{"challenge", "try", filepath.Join(dir, "none"), "x.py"}, 1, "not a challenge package directory"},
		{[]string{"challenge", "verify"}, 1, "at least one package"},
		{[]string{"challenge", "verify", "--parallel", "0", "x"}, 1, "--parallel"},
		{[]string{"challenge", "import", "codeforces", "a", "b"}, 1, "usage: arena challenge import kattis SRC DST"},
		{[]string{"challenge", "import", "kattis", filepath.Join(dir, "none"), filepath.Join(dir, "out")}, 1, "problem.yaml"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d %q, want %d mentioning %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
	// A package that does not load is reported with its problems, before any grading.
	broken := filepath.Join(dir, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "challenge.yaml"), []byte("id: Bad Id\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI("challenge", "verify", broken)
	if code != 1 || !strings.Contains(out, "challenge.yaml: id:") {
		t.Errorf("broken package: exit %d, output %q", code, out)
	}
}

func TestChallengeImportCommand(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "speed")
	code, out, stderr := runCLI("challenge", "import", "--id", "avg-speed", "kattis", "../../challenges/kattis/testdata/floatsum", dst)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"challenge avg-speed, 4 tests", "solutions/accepted: 3", "warning: submissions/accepted/Speed.java", "arena challenge verify"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dst, "challenge.yaml")); err != nil || !strings.Contains(string(b), "id: avg-speed") {
		t.Errorf("challenge.yaml: %s %v", b, err)
	}
}

// TestIntegrationChallengeTryAndVerify grades with the real sandbox: an
// imported Kattis package verifies clean, and a solution put in the wrong
// folder makes verify fail and say so.
func TestIntegrationChallengeTryAndVerify(t *testing.T) {
	cli := testenv.Docker(t)
	for _, img := range []string{"skillarena/python3:latest", "skillarena/cpp:latest"} {
		testenv.Image(t, cli, img)
	}
	root := t.TempDir()
	speed := filepath.Join(root, "speed")
	closest := filepath.Join(root, "closest")
	if code, _, stderr := runCLI("challenge", "import", "kattis", "../../challenges/kattis/testdata/floatsum", speed); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCLI("challenge", "import", "kattis", "../../challenges/kattis/testdata/subtasks", closest); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := runCLI("challenge", "verify", "--parallel", "2", speed, closest)
	t.Logf("verify:\n%s", out)
	if code != 0 {
		t.Fatalf("verify of the imported packages: exit %d\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(out, "8 reference solution(s) graded, 0 differ") || strings.Count(out, " ok\n") != 8 {
		t.Errorf("verify table:\n%s", out)
	}

	// try prints the result as JSON.
	code, out, stderr = runCLI("challenge", "try", closest, filepath.Join(closest, "solutions/wrong_answer/first.py"))
	if code != 0 {
		t.Fatalf("try: exit %d %s", code, stderr)
	}
	var res verdict.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("try output is not a result: %v\n%s", err, out)
	}
	if res.Outcome != verdict.WrongAnswer || len(res.Tests) != 5 || res.Tests[0].Message == "" {
		t.Errorf("try result %+v", res)
	}

	// A wrong solution in the accepted folder, and a score folder that is off.
	bad := filepath.Join(speed, "solutions", "accepted", "wrong.py")
	if err := os.WriteFile(bad, []byte("print(1)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(closest, "solutions", "30"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(closest, "solutions", "30", "all.py"), []byte(
		"import sys\nt = sys.stdin.read().split()\nn, q = int(t[0]), int(t[1])\npos = [int(x) for x in t[2:2 + n]]\n"+
			"for x in t[2 + n:]:\n    print(min(range(n), key=lambda i: abs(pos[i] - int(x))) + 1)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI("challenge", "verify", speed, closest)
	if code != 1 {
		t.Fatalf("verify with a misplaced solution: exit %d\n%s", code, out)
	}
	for _, want := range []string{"solutions/accepted/wrong.py", "wrong_answer", "DIFFERS", "solutions/30/all.py", "100/100", "2 differ"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify output lacks %q:\n%s", want, out)
		}
	}
}

// TestIntegrationVerifyExamples checks the reference solutions of every
// example package, as CI must: accepted, partial, wrong and hostile ones.
func TestIntegrationVerifyExamples(t *testing.T) {
	cli := testenv.Docker(t)
	for _, img := range []string{"python3", "cpp", "node", "go", "sqlite", "evm", "solidity"} {
		testenv.Image(t, cli, "skillarena/"+img+":latest")
	}
	dirs, err := filepath.Glob("../../challenges/*/challenge.yaml")
	if err != nil || len(dirs) < 7 {
		t.Fatalf("example packages: %v %v", dirs, err)
	}
	args := []string{"challenge", "verify", "--parallel", "2"}
	solutions := 0
	for _, y := range dirs {
		dir := filepath.Dir(y)
		args = append(args, dir)
		files, _ := filepath.Glob(filepath.Join(dir, "solutions", "*", "*"))
		solutions += len(files)
	}
	code, out, stderr := runCLI(args...)
	t.Logf("verify:\n%s", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := fmt.Sprintf("%d reference solution(s) graded, 0 differ", solutions); !strings.Contains(out, want) {
		t.Errorf("verify summary lacks %q:\n%s", want, out)
	}
}
