package grader

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
)

// checkerOutputKB caps what the driver prints of one checker run: the
// feedback it keeps is smaller (see checkerDriver).
const checkerOutputKB = 8

// checkerLauncher is the file that starts the checker in its sandbox: the
// checker language's run command, with the Kattis arguments after it.
const checkerLauncher = "checker"

// checkerDriver runs the checker on one test, named on stdin by its number
// N, with the Kattis output-validator protocol:
//
//	checker data/N.in data/N.ans fb/N/ [args...] < out/N
//
// It prints fb/N/teammessage.txt, the feedback the specification lets the
// contestant see, on stdout; on stderr a first line with fb/N/score.txt and
// then fb/N/judgemessage.txt, which is the judges' only (it may quote the
// contestant's output). When the checker neither accepted (42) nor rejected
// (43) it prints the checker's own stderr for the package author. It exits
// with the checker's exit code.
const checkerDriver = `IFS= read -r n || exit 120
d="fb/$n"
mkdir -p "$d" || exit 121
./` + checkerLauncher + ` "data/$n.in" "data/$n.ans" "$d/" "$@" < "out/$n" > "$d/.stdout" 2> "$d/.stderr"
c=$?
case $c in
42|43)
	if [ -f "$d/teammessage.txt" ]; then head -c 4096 "$d/teammessage.txt"; fi
	s=""; if [ -f "$d/score.txt" ]; then s=$(head -c 200 "$d/score.txt" | tr -d '\r\n'); fi
	printf '%s\n' "$s" >&2
	if [ -f "$d/judgemessage.txt" ]; then head -c 4096 "$d/judgemessage.txt" >&2; fi ;;
*)
	tail -c 2048 "$d/.stderr"; tail -c 1024 "$d/.stdout" ;;
esac
exit $c
`

// runChecker judges the outputs of the tests idx (indexes into pkg.Tests)
// with the package's custom checker, in a sandbox of its own that holds the
// inputs and hidden answers: the contestant's code never runs there. A
// checker that fails (any exit but 42 or 43, a crash, a limit) is the
// package's fault, reported as an error.
func (g *Grader) runChecker(ctx context.Context, pkg *challenges.Package, idx []int, outputs [][]byte) ([]testCheck, error) {
	if len(idx) == 0 {
		return nil, nil
	}
	c := pkg.Spec.Program.Checker
	l, ok := g.Languages[c.Language]
	if !ok {
		return nil, fmt.Errorf("checker: language %q has no sandbox image", c.Language)
	}
	req := checkerRequest(pkg, l, idx, outputs)
	out, err := g.run(ctx, "checker", container.Config{Image: l.Image, TmpfsBytes: tmpfsFor(req.Files)}, req)
	if err != nil {
		return nil, err
	}
	if out.Compile != nil && out.Compile.Status != runner.StatusOK {
		return nil, fmt.Errorf("checker %s does not compile: %s", c.Source, compilerMessage(out.Compile))
	}
	checks := make([]testCheck, len(idx))
	for j, r := range out.Tests {
		name := pkg.Tests[idx[j]].Name
		chk, err := readVerdict(r, c.ScoreMax)
		if err != nil {
			return nil, fmt.Errorf("checker %s on test %s: %w", c.Source, name, err)
		}
		checks[j] = chk
	}
	return checks, nil
}

// checkerRequest lays out the checker's sandbox: its files and launcher,
// data/N.in and data/N.ans, out/N (the contestant's output), and one run of
// the driver per test.
func checkerRequest(pkg *challenges.Package, l Language, idx []int, outputs [][]byte) runner.Request {
	c := pkg.Spec.Program.Checker
	files := append(runnerFiles(c.Files), runner.File{Name: checkerLauncher, Exec: true,
		Data: []byte("#!/bin/sh\nexec " + shellWords(l.Run) + " \"$@\"\n")})
	var tests []runner.Test
	for j, i := range idx {
		n := fmt.Sprintf("%04d", i)
		files = append(files,
			runner.File{Name: "data/" + n + ".in", Data: pkg.Tests[i].Input},
			runner.File{Name: "data/" + n + ".ans", Data: pkg.Tests[i].Answer},
			runner.File{Name: "out/" + n, Data: outputs[j]})
		tests = append(tests, runner.Test{Name: pkg.Tests[i].Name, Input: []byte(n + "\n")})
	}
	req := runner.Request{
		Files: files,
		Run: runner.Step{
			Command: append([]string{"sh", "-c", checkerDriver, "arena-check"}, c.Args...),
			Limits:  runnerLimits(challenges.Limits{TimeMS: c.TimeMS, MemoryMB: c.MemoryMB, OutputKB: checkerOutputKB}),
		},
		Tests: tests,
	}
	if len(l.Compile) > 0 {
		req.Compile = compileStep(l, challenges.CompileLimits{TimeMS: challenges.DefaultCompileTimeMS, MemoryMB: challenges.DefaultCompileMemoryMB})
	}
	return req
}

// readVerdict reads the driver's report of one checker run.
func readVerdict(r runner.StepResult, scoreMax float64) (testCheck, error) {
	if r.Status != runner.StatusRuntimeError || (r.ExitCode != challenges.CheckerAccept && r.ExitCode != challenges.CheckerReject) {
		what := fmt.Sprintf("exit code %d", r.ExitCode)
		switch {
		case r.Signal != "":
			what = "killed by " + r.Signal
		case r.Status != runner.StatusRuntimeError && r.Status != runner.StatusOK:
			what = string(r.Status)
		}
		return testCheck{}, fmt.Errorf("the checker must exit with %d (accept) or %d (reject), it ended with %s: %s",
			challenges.CheckerAccept, challenges.CheckerReject, what, trimMessage(string(r.Stdout), 2048, 30))
	}
	score, judge, _ := strings.Cut(string(r.Stderr), "\n")
	chk := testCheck{
		message: trimMessage(strings.TrimSpace(string(r.Stdout)), checkMessageBytes, 12),
		detail:  trimMessage(strings.TrimSpace(judge), checkMessageBytes, 12),
	}
	if r.ExitCode == challenges.CheckerReject {
		if chk.message == "" {
			chk.text = message.New("checker.wrong_answer")
			chk.message = chk.text.String()
		}
		return chk, nil
	}
	chk.fraction = 1
	if s := strings.TrimSpace(score); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return testCheck{}, fmt.Errorf("score.txt holds %q, not a number", trimMessage(s, 40, 1))
		}
		chk.fraction = min(max(v/scoreMax, 0), 1)
	}
	return chk, nil
}

// shellWords quotes each word for sh.
func shellWords(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
