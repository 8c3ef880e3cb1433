package grader

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// scripted is a Sandbox that answers each request with a function of it,
// recording every request, so that the contestant's run and the checker's
// run can answer differently.
type scripted struct {
	answer func(cfg container.Config, req runner.Request) (runner.Result, error)
	cfgs   []container.Config
	reqs   []runner.Request
}

func (s *scripted) Run(ctx context.Context, cfg container.Config, req runner.Request) (runner.Result, error) {
	s.cfgs = append(s.cfgs, cfg)
	s.reqs = append(s.reqs, req)
	return s.answer(cfg, req)
}

// loadProgram loads a program package with tests a1, a2 (group a) and b1,
// b2, b3 (group b): answers are the inputs doubled.
func loadProgram(t *testing.T, program string, extra map[string]string) *challenges.Package {
	t.Helper()
	m := fstest.MapFS{
		"challenge.yaml": {Data: []byte("id: p\ntitle: {en: P}\ncategory: data\nkind: program\npoints: 100\nlanguages: [python3, cpp]\nlimits: {time_ms: 1500, memory_mb: 128, output_kb: 64}\n" + program)},
		"statement.md":   {Data: []byte("# P")},
	}
	for _, n := range []string{"a1", "a2", "b1", "b2", "b3"} {
		m["hidden/tests/"+n+".in"] = &fstest.MapFile{Data: []byte(n + "\n")}
		m["hidden/tests/"+n+".ans"] = &fstest.MapFile{Data: []byte(n + n + "\n")}
	}
	for k, v := range extra {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	pkg, err := challenges.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// echoRight answers every test with its right answer, except those listed
// in wrong (which get "x") and status (which end so).
func echoRight(wrong map[string]bool, status map[string]runner.Status) func(container.Config, runner.Request) (runner.Result, error) {
	return func(cfg container.Config, req runner.Request) (runner.Result, error) {
		var res runner.Result
		for _, tc := range req.Tests {
			n := strings.TrimSpace(string(tc.Input))
			sr := runner.StepResult{Name: tc.Name, Status: runner.StatusOK, Stdout: []byte(n + n + "\n"), CPUTimeMS: 5, MemoryBytes: 1 << 20}
			if wrong[n] {
				sr.Stdout = []byte("x\n")
			}
			if s, ok := status[n]; ok {
				sr.Status, sr.Stdout = s, nil
			}
			res.Tests = append(res.Tests, sr)
		}
		return res, nil
	}
}

const groups = `program:
  groups:
    - {name: a, points: 40, tests: "a*"}
    - {name: b, points: 60, tests: "b*", scoring: sum}
`

func TestGradeProgramGroups(t *testing.T) {
	pkg := loadProgram(t, groups, nil)
	tests := []struct {
		name    string
		wrong   map[string]bool
		status  map[string]runner.Status
		outcome verdict.Outcome
		score   float64
	}{
		{"all right", nil, nil, verdict.Accepted, 100},
		{"one of the min group wrong", map[string]bool{"a2": true}, nil, verdict.Scored, 60},
		{"one of the sum group wrong", map[string]bool{"b1": true}, nil, verdict.Scored, 80},
		{"min group fails and one sum test too late", map[string]bool{"a1": true}, map[string]runner.Status{"b3": runner.StatusTimeLimit}, verdict.Scored, 40},
		{"nothing right: first failure decides", map[string]bool{"a2": true, "b1": true, "b2": true}, map[string]runner.Status{"a1": runner.StatusMemoryLimit, "b3": runner.StatusRuntimeError}, verdict.MemoryLimit, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := &scripted{answer: echoRight(tt.wrong, tt.status)}
			res, err := New(sb).Grade(context.Background(), pkg, "python3", []byte("print(input()*2)\n"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.outcome || math.Abs(res.Score-tt.score) > 1e-9 || res.MaxScore != 100 {
				t.Fatalf("got %s %v/%v, want %s %v", res.Outcome, res.Score, res.MaxScore, tt.outcome, tt.score)
			}
			var sum, max float64
			for _, tr := range res.Tests {
				sum += tr.Score
				max += tr.MaxScore
				if tt.wrong[tr.Name] && tr.Outcome != verdict.WrongAnswer {
					t.Errorf("test %s: %s, want wrong_answer", tr.Name, tr.Outcome)
				}
			}
			if math.Abs(sum-res.Score) > 1e-9 || math.Abs(max-100) > 1e-9 {
				t.Errorf("test scores add up to %v/%v, result %v/100", sum, max, res.Score)
			}
			if len(sb.reqs) != 1 || sb.reqs[0].StopOnFailure {
				t.Errorf("grouped tests must all run: %d requests, stop on failure %v", len(sb.reqs), sb.reqs[0].StopOnFailure)
			}
		})
	}
	// One passed test of a failed all-or-nothing group says why it scores nothing.
	res, _ := New(&scripted{answer: echoRight(map[string]bool{"a2": true}, nil)}).Grade(context.Background(), pkg, "python3", []byte("x"))
	if res.Tests[0].Score != 0 || !strings.Contains(res.Tests[0].Message, "test a2 failed") {
		t.Errorf("a1 in failed group a: %+v", res.Tests[0])
	}
}

func TestGradeProgramRequest(t *testing.T) {
	pkg := loadProgram(t, "program: {files: [attachments/train.csv], compile: {time_ms: 5000, memory_mb: 300}}\n",
		map[string]string{"attachments/train.csv": "x,y\n1,2\n"})
	sb := &scripted{answer: echoRight(nil, nil)}
	g := New(sb)
	res, err := g.Grade(context.Background(), pkg, "cpp", []byte("int main(){}"))
	if err != nil || res.Outcome != verdict.Accepted {
		t.Fatalf("%+v %v", res, err)
	}
	req, cfg := sb.reqs[0], sb.cfgs[0]
	if cfg.Image != "skillarena/cpp:latest" || cfg.TmpfsBytes < container.DefaultTmpfsBytes {
		t.Errorf("config %+v", cfg)
	}
	if !req.StopOnFailure {
		t.Error("one all-or-nothing group: the first failure should stop the run")
	}
	if req.Compile == nil || req.Compile.Limits.CPUTimeMS != 5000 || req.Compile.Limits.MemoryBytes != 300<<20 || req.Compile.Command[0] != "g++" {
		t.Errorf("compile step %+v", req.Compile)
	}
	if req.Run.Limits.CPUTimeMS != 1500 || req.Run.Limits.MemoryBytes != 128<<20 || req.Run.Limits.OutputBytes != 64<<10 {
		t.Errorf("run limits %+v", req.Run.Limits)
	}
	names := map[string]string{}
	for _, f := range req.Files {
		names[f.Name] = string(f.Data)
	}
	if names["main.cpp"] != "int main(){}" || names["train.csv"] != "x,y\n1,2\n" || len(names) != 2 {
		t.Errorf("files %v", names)
	}
}

func TestGradeProgramRefusesBadSources(t *testing.T) {
	pkg := loadProgram(t, "program: {source_kb: 1}\n", nil)
	tests := []struct {
		name, lang, source, msg string
	}{
		{"binary", "python3", "\x7fELF\x02\x01\x01\x00\x00", "NUL bytes"},
		{"empty", "python3", " \n\t", "empty"},
		{"too big", "python3", strings.Repeat("#", 2000), "at most 1 KB"},
		{"language", "go", "package main", `"go" is not accepted`},
		{"unknown language", "cobol", "x", `"cobol" is not accepted`},
	}
	for _, tt := range tests {
		sb := &scripted{answer: func(container.Config, runner.Request) (runner.Result, error) {
			t.Fatal("a refused source must not reach the sandbox")
			return runner.Result{}, nil
		}}
		res, err := New(sb).Grade(context.Background(), pkg, tt.lang, []byte(tt.source))
		if err != nil || res.Outcome != verdict.InvalidSubmission || !strings.Contains(res.Message, tt.msg) {
			t.Errorf("%s: %s %q %v, want invalid_submission mentioning %q", tt.name, res.Outcome, res.Message, err, tt.msg)
		}
	}
}

func TestGradeProgramCompileError(t *testing.T) {
	pkg := loadProgram(t, "", nil)
	long := strings.Repeat("main.cpp:1:1: error: expected ';'\n", 500)
	tests := []struct {
		status runner.Status
		want   string
	}{
		{runner.StatusRuntimeError, "main.cpp:1:1: error"},
		{runner.StatusTimeLimit, "compilation took too long"},
		{runner.StatusMemoryLimit, "out of memory"},
	}
	for _, tt := range tests {
		sb := &scripted{answer: func(cfg container.Config, req runner.Request) (runner.Result, error) {
			res := runner.Result{Compile: &runner.StepResult{Status: tt.status, ExitCode: 1, Stderr: []byte(long)}}
			for _, tc := range req.Tests {
				res.Tests = append(res.Tests, runner.StepResult{Name: tc.Name, Status: runner.StatusSkipped})
			}
			return res, nil
		}}
		res, err := New(sb).Grade(context.Background(), pkg, "cpp", []byte("int main() {"))
		if err != nil || res.Outcome != verdict.CompileError || !strings.Contains(res.Message, tt.want) {
			t.Fatalf("%s: %s %q %v", tt.status, res.Outcome, res.Message, err)
		}
		if len(res.Message) > compileMessageBytes+100 || !strings.Contains(res.Message, "more bytes not shown") {
			t.Errorf("%s: message not trimmed (%d bytes)", tt.status, len(res.Message))
		}
	}
}

const customChecker = `program:
  checker: {type: custom, source: checker/check.py, args: [strict]}
  groups:
    - {name: a, points: 40, tests: "a*"}
    - {name: b, points: 60, tests: "b*", scoring: sum}
`

// kattis answers the contestant's run with echoRight and the checker's run
// with verdicts: per test number N in the stdin, verdicts[name of test N].
func kattis(wrong map[string]bool, verdicts map[string]runner.StepResult) func(container.Config, runner.Request) (runner.Result, error) {
	contestant := echoRight(wrong, map[string]runner.Status{"b3": runner.StatusTimeLimit})
	return func(cfg container.Config, req runner.Request) (runner.Result, error) {
		if req.Run.Command[0] != "sh" {
			return contestant(cfg, req)
		}
		var res runner.Result
		for _, tc := range req.Tests {
			v, ok := verdicts[tc.Name]
			if !ok {
				v = runner.StepResult{Status: runner.StatusRuntimeError, ExitCode: 42}
			}
			v.Name = tc.Name
			res.Tests = append(res.Tests, v)
		}
		return res, nil
	}
}

func TestGradeProgramCustomChecker(t *testing.T) {
	pkg := loadProgram(t, customChecker, map[string]string{"checker/check.py": "import sys\n"})
	reject := runner.StepResult{Status: runner.StatusRuntimeError, ExitCode: 43, Stdout: []byte("line 1: expected more\n")}
	half := runner.StepResult{Status: runner.StatusRuntimeError, ExitCode: 42, Stderr: []byte("0.5\n"), Stdout: []byte("2 of 4 rules")}
	sb := &scripted{answer: kattis(nil, map[string]runner.StepResult{"a2": reject, "b2": half})}
	res, err := New(sb).Grade(context.Background(), pkg, "python3", []byte("print()"))
	if err != nil {
		t.Fatal(err)
	}
	// a fails as a group; b: b1 whole, b2 half, b3 timed out: 60 * 1.5/3.
	if res.Outcome != verdict.Scored || math.Abs(res.Score-30) > 1e-9 {
		t.Fatalf("got %s %v, want scored 30", res.Outcome, res.Score)
	}
	byName := map[string]verdict.Test{}
	for _, tr := range res.Tests {
		byName[tr.Name] = tr
	}
	if tr := byName["a2"]; tr.Outcome != verdict.WrongAnswer || tr.Message != "line 1: expected more" {
		t.Errorf("a2 = %+v", tr)
	}
	if tr := byName["b2"]; tr.Outcome != verdict.Scored || tr.Message != "2 of 4 rules" || math.Abs(tr.Score-10) > 1e-9 {
		t.Errorf("b2 = %+v", tr)
	}
	if tr := byName["b3"]; tr.Outcome != verdict.TimeLimit {
		t.Errorf("b3 = %+v", tr)
	}

	if len(sb.reqs) != 2 {
		t.Fatalf("%d sandbox runs, want the contestant's and the checker's", len(sb.reqs))
	}
	contestant, checker := sb.reqs[0], sb.reqs[1]
	// The hidden answers go to the checker's sandbox only.
	for _, f := range contestant.Files {
		for _, tc := range pkg.Tests {
			if string(f.Data) == string(tc.Answer) {
				t.Fatalf("answer of %s sent into the contestant's sandbox", tc.Name)
			}
		}
	}
	files := map[string]runner.File{}
	for _, f := range checker.Files {
		files[f.Name] = f
	}
	if string(files["data/0000.ans"].Data) != "a1a1\n" || string(files["data/0000.in"].Data) != "a1\n" || string(files["out/0000"].Data) != "a1a1\n" {
		t.Errorf("checker data for a1: %q %q %q", files["data/0000.in"].Data, files["data/0000.ans"].Data, files["out/0000"].Data)
	}
	if _, ok := files["out/0004"]; ok {
		t.Error("b3 timed out: its output must not be checked")
	}
	if len(checker.Tests) != 4 || string(checker.Tests[0].Input) != "0000\n" {
		t.Errorf("checker tests %+v", checker.Tests)
	}
	if f := files["checker"]; !f.Exec || !strings.Contains(string(f.Data), "exec 'python3' 'main.py' \"$@\"") {
		t.Errorf("launcher %+v", f)
	}
	if string(files["main.py"].Data) != "import sys\n" {
		t.Error("checker source not in its sandbox")
	}
	if args := checker.Run.Command; args[len(args)-1] != "strict" || checker.Run.Limits.CPUTimeMS != challenges.DefaultCheckerTimeMS {
		t.Errorf("checker command %q limits %+v", args, checker.Run.Limits)
	}
}

func TestGradeProgramCheckerFailures(t *testing.T) {
	pkg := loadProgram(t, customChecker, map[string]string{"checker/check.py": "import sys\n"})
	tests := []struct {
		name    string
		verdict runner.StepResult
		err     error
		want    string
	}{
		{"exit 0", runner.StepResult{Status: runner.StatusOK}, nil, "must exit with 42 (accept) or 43 (reject), it ended with exit code 0"},
		{"crash", runner.StepResult{Status: runner.StatusRuntimeError, ExitCode: 1, Stdout: []byte("Traceback: boom")}, nil, "Traceback: boom"},
		{"signal", runner.StepResult{Status: runner.StatusRuntimeError, ExitCode: -1, Signal: "SIGSEGV"}, nil, "killed by SIGSEGV"},
		{"slow", runner.StepResult{Status: runner.StatusTimeLimit, ExitCode: -1}, nil, "time_limit"},
		{"bad score", runner.StepResult{Status: runner.StatusRuntimeError, ExitCode: 42, Stderr: []byte("lots")}, nil, `score.txt holds "lots"`},
		{"sandbox down", runner.StepResult{}, errors.New("engine gone"), "engine gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer := kattis(nil, map[string]runner.StepResult{"a1": tt.verdict})
			sb := &scripted{answer: func(cfg container.Config, req runner.Request) (runner.Result, error) {
				if tt.err != nil && req.Run.Command[0] == "sh" {
					return runner.Result{}, tt.err
				}
				return answer(cfg, req)
			}}
			res, err := New(sb).Grade(context.Background(), pkg, "python3", []byte("print()"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %+v, %v; want a platform error mentioning %q", res, err, tt.want)
			}
		})
	}
}

func TestReadVerdictScores(t *testing.T) {
	tests := []struct {
		stderr   string
		scoreMax float64
		want     float64
	}{
		{"", 1, 1}, {"0.25", 1, 0.25}, {"7.5\n", 10, 0.75}, {"12", 10, 1}, {"-3", 1, 0},
	}
	for _, tt := range tests {
		chk, err := readVerdict(runner.StepResult{Status: runner.StatusRuntimeError, ExitCode: 42, Stderr: []byte(tt.stderr)}, tt.scoreMax)
		if err != nil || math.Abs(chk.fraction-tt.want) > 1e-12 {
			t.Errorf("score %q / %v = %v %v, want %v", tt.stderr, tt.scoreMax, chk.fraction, err, tt.want)
		}
	}
}

func TestTrimMessage(t *testing.T) {
	if got := trimMessage("a\nb\nc", 100, 2); got != "a\nb\n... (2 more bytes not shown)" {
		t.Errorf("lines: %q", got)
	}
	got := trimMessage(strings.Repeat("编", 10), 10, 5)
	if !strings.HasPrefix(got, "编编编\n") {
		t.Errorf("bytes cut inside a character: %q", got)
	}
}

func TestGradeProgramMemoryBeforeTime(t *testing.T) {
	pkg := loadProgram(t, "", nil)
	sb := &scripted{answer: func(cfg container.Config, req runner.Request) (runner.Result, error) {
		res := runner.Result{Compile: &runner.StepResult{Status: runner.StatusOK}}
		for i, tc := range req.Tests {
			sr := runner.StepResult{Name: tc.Name, Status: runner.StatusSkipped}
			if i == 0 {
				// Killed by the CPU limit while holding more than the 128 MB limit.
				sr = runner.StepResult{Name: tc.Name, Status: runner.StatusTimeLimit, CPUTimeMS: 1600, MemoryBytes: 300 << 20}
			}
			res.Tests = append(res.Tests, sr)
		}
		return res, nil
	}}
	res, err := New(sb).Grade(context.Background(), pkg, "cpp", []byte("int main(){}"))
	if err != nil || res.Outcome != verdict.MemoryLimit || res.Tests[0].Outcome != verdict.MemoryLimit {
		t.Fatalf("got %+v %v, want memory_limit", res, err)
	}
	// Within the memory limit, running out of time stays a time limit.
	sb.answer = echoRight(nil, map[string]runner.Status{"a1": runner.StatusTimeLimit})
	res, _ = New(sb).Grade(context.Background(), pkg, "cpp", []byte("int main(){}"))
	if res.Outcome != verdict.TimeLimit {
		t.Fatalf("got %s, want time_limit", res.Outcome)
	}
}

// TestGradeProgramEchoesNothing: a program that prints its hidden input,
// on stdout where the checker reads it and on stderr with an exit code of
// its choosing, gets none of it back in a message; the jury sees it all.
func TestGradeProgramEchoesNothing(t *testing.T) {
	for _, checker := range []string{"exact", "tokens", "floats"} {
		t.Run(checker, func(t *testing.T) {
			pkg := loadProgram(t, "program:\n  checker: "+checker+"\n", nil)
			echo := func(cfg container.Config, req runner.Request) (runner.Result, error) {
				var res runner.Result
				for _, tc := range req.Tests {
					in := strings.TrimSpace(string(tc.Input))
					sr := runner.StepResult{Name: tc.Name, Status: runner.StatusOK, Stdout: []byte("hidden-" + in + "\n")}
					if in == "b3" {
						sr = runner.StepResult{Name: tc.Name, Status: runner.StatusRuntimeError, Stderr: []byte("hidden-" + in), ExitCode: 77}
					}
					res.Tests = append(res.Tests, sr)
				}
				return res, nil
			}
			res, err := New(&scripted{answer: echo}).Grade(context.Background(), pkg, "python3", []byte("x"))
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range res.Tests {
				if strings.Contains(tr.Message, "hidden-") || strings.Contains(tr.Message, "77") {
					t.Errorf("test %s: message %q echoes the program", tr.Name, tr.Message)
				}
				if tr.Name == "b3" {
					if tr.Outcome != verdict.RuntimeError || !strings.Contains(tr.Output, "hidden-b3") || !strings.Contains(tr.Output, "exit code 77") {
						t.Errorf("b3: %s, output %q: the jury should see stderr and the exit code", tr.Outcome, tr.Output)
					}
				} else if tr.Outcome == verdict.WrongAnswer && !strings.Contains(tr.Detail, "hidden-"+tr.Name) {
					t.Errorf("test %s: detail %q: the jury should see the output", tr.Name, tr.Detail)
				}
				if c := tr.ForContestant(); c.Detail != "" || c.Output != "" || c.Stdout != "" || c.Expected != "" {
					t.Errorf("test %s: the contestant's view keeps %+v", tr.Name, c)
				}
			}
		})
	}
}

// TestGradeProgramJuryDiff: a failed test keeps the start of the program's
// output and, unless the package says jury_answers: false, of the answer,
// for the jury's diff; a passed test keeps neither; a long output is cut
// with a mark.
func TestGradeProgramJuryDiff(t *testing.T) {
	long := strings.Repeat("0123456789\n", 400)
	answer := func(cfg container.Config, req runner.Request) (runner.Result, error) {
		res, _ := echoRight(map[string]bool{"a2": true}, nil)(cfg, req)
		res.Tests[4].Stdout = []byte(long)
		return res, nil
	}
	for _, tt := range []struct {
		name     string
		program  string
		expected bool
	}{
		{"default", groups, true},
		{"answers kept from the jury", groups + "  jury_answers: false\n", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := New(&scripted{answer: answer}).Grade(context.Background(), loadProgram(t, tt.program, nil), "python3", []byte("x"))
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]verdict.Test{}
			for _, tr := range res.Tests {
				byName[tr.Name] = tr
			}
			if a1 := byName["a1"]; a1.Stdout != "" || a1.Expected != "" {
				t.Errorf("passed test a1 keeps %q / %q", a1.Stdout, a1.Expected)
			}
			a2 := byName["a2"]
			if a2.Stdout != "x\n" {
				t.Errorf("a2 stdout %q, want the program's x", a2.Stdout)
			}
			if got := a2.Expected == "a2a2\n"; got != tt.expected {
				t.Errorf("a2 expected %q, shown %v, want %v", a2.Expected, got, tt.expected)
			}
			b3 := byName["b3"]
			if len(b3.Stdout) > juryDiffBytes+40 || !strings.HasSuffix(b3.Stdout, "more bytes)") || !strings.HasPrefix(b3.Stdout, "0123456789\n") {
				t.Errorf("b3: %d bytes kept, ending %q", len(b3.Stdout), b3.Stdout[max(0, len(b3.Stdout)-30):])
			}
		})
	}
}
