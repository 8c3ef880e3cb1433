package grader_test

import (
	"math"
	"strings"
	"testing"

	"github.com/skillarena/arena/sandbox/verdict"
)

// A Kattis output validator: accepts the right sum, gives half credit for
// "half" (telling the team), rejects anything else with a judge message
// naming its extra argument and quoting the output (for the judges only).
const pyValidator = `import sys, os
inp, ans, fb = sys.argv[1], sys.argv[2], sys.argv[3]
mode = sys.argv[4]
want = open(ans).read().split()
nums = open(inp).read().split()
got = sys.stdin.read().split()
if got == want:
    sys.exit(42)
if got == ["half"]:
    open(os.path.join(fb, "score.txt"), "w").write("0.5\n")
    open(os.path.join(fb, "teammessage.txt"), "w").write("half credit")
    sys.exit(42)
open(fb + "judgemessage.txt", "w").write("%s: %d numbers in, wrong sum %s" % (mode, len(nums), got))
sys.exit(43)
`

const cppValidator = `#include <fstream>
#include <iostream>
#include <string>
int main(int argc, char** argv) {
    std::ifstream ans(argv[2]);
    std::string want, got;
    ans >> want;
    std::cin >> got;
    std::ofstream msg(std::string(argv[3]) + "judgemessage.txt");
    if (got == want) { msg << "ok " << argv[4]; return 42; }
    msg << "wrong: " << got;
    return 43;
}
`

func TestIntegrationKattisChecker(t *testing.T) {
	g, _ := realGrader(t, "python3", "cpp")
	groups := `  groups:
    - {name: one, points: 50, tests: "1"}
    - {name: rest, points: 50, tests: ["2", "3"], scoring: sum}
`
	py := sumPackage(t, "program:\n  checker: {type: custom, source: checker/validate.py, args: [strict]}\n"+groups, sumTests,
		map[string]string{"checker/validate.py": pyValidator})
	cpp := sumPackage(t, "program:\n  checker: {type: custom, source: checker/validate.cpp, args: [strict]}\n"+groups, sumTests,
		map[string]string{"checker/validate.cpp": cppValidator})

	right := "a, b = map(int, input().split())\nprint(a + b)\n"
	tests := []struct {
		name    string
		pkgName string
		src     string
		outcome verdict.Outcome
		score   float64
		message string // of test 2, the team's
		detail  string // of test 2, the judges'
	}{
		{"python checker accepts", "py", right, verdict.Accepted, 100, "", ""},
		{"python checker half credit", "py", "a, b = map(int, input().split())\nprint(a + b if a == 1 else 'half')\n", verdict.Scored, 75, "half credit", ""},
		{"python checker rejects", "py", "print(7)\n", verdict.WrongAnswer, 0, "wrong answer", "strict: 2 numbers in, wrong sum ['7']"},
		{"compiled checker accepts", "cpp", right, verdict.Accepted, 100, "", "ok strict"},
		{"compiled checker rejects", "cpp", "a, b = map(int, input().split())\nprint(a + b if a == 1 else -1)\n", verdict.Scored, 50, "wrong answer", "wrong: -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg := py
			if tt.pkgName == "cpp" {
				pkg = cpp
			}
			res := grade(t, g, pkg, "python3", tt.src)
			if res.Outcome != tt.outcome || math.Abs(res.Score-tt.score) > 1e-9 {
				t.Fatalf("got %s %v, want %s %v: %+v", res.Outcome, res.Score, tt.outcome, tt.score, res.Tests)
			}
			if got := res.Tests[1]; got.Message != tt.message || got.Detail != tt.detail {
				t.Fatalf("test 2: message %q, detail %q; want %q, %q", got.Message, got.Detail, tt.message, tt.detail)
			}
		})
	}

	broken := sumPackage(t, "program:\n  checker: {type: custom, source: checker/validate.py}\n", sumTests,
		map[string]string{"checker/validate.py": "import sys\nprint('oops', file=sys.stderr)\nsys.exit(0)\n"})
	if res, err := g.Grade(t.Context(), broken, "python3", []byte(right)); err == nil || !strings.Contains(err.Error(), "oops") {
		t.Fatalf("a checker that exits 0 must be a platform error showing its stderr: %+v %v", res, err)
	}
	noCompile := sumPackage(t, "program:\n  checker: {type: custom, source: checker/validate.cpp}\n", sumTests,
		map[string]string{"checker/validate.cpp": "int main( {"})
	if _, err := g.Grade(t.Context(), noCompile, "python3", []byte(right)); err == nil || !strings.Contains(err.Error(), "does not compile") {
		t.Fatalf("a checker that does not compile: %v", err)
	}
}
