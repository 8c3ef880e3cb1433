package grader

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// Bounds on what the program grader keeps and shows.
const (
	// compileMessageBytes and compileMessageLines trim a compiler's message.
	compileMessageBytes = 4096
	compileMessageLines = 60
	// compileOutputKB caps what the compile step may print.
	compileOutputKB = 1024
	// checkMessageBytes trims a checker's message on one test.
	checkMessageBytes = 1000
	// juryDiffBytes caps the output and the answer kept for the jury's
	// diff on each failed test.
	juryDiffBytes = 2048
)

// testCheck is how the checker judged one test's output: the fraction of
// the test's credit it earned (0 rejected, 1 accepted) and a message.
type testCheck struct {
	fraction float64
	message  string
	// text is message as a code, where SkillArena wrote it (not a
	// package's own checker).
	text message.Text
	// detail is for the jury only (verdict.Test.Detail).
	detail string
}

// gradeProgram compiles and runs the source on every test in one container,
// checks each output outside it (built-in checkers here, a custom checker in
// a sandbox of its own), and scores the test groups.
func (g *Grader) gradeProgram(ctx context.Context, pkg *challenges.Package, lang string, source []byte) (verdict.Result, error) {
	spec := pkg.Spec
	res := verdict.Result{MaxScore: spec.Points, Tests: []verdict.Test{}}
	prog := spec.Program
	if prog == nil || prog.Checker == nil || len(prog.Groups) == 0 {
		return res, fmt.Errorf("grade %s: the package was not loaded with challenges.Load (no program section)", spec.ID)
	}
	l, ok := g.Languages[lang]
	if !ok || !slices.Contains(spec.Languages, lang) {
		return wrongLanguage(spec, lang), nil
	}
	if msg := sourceProblem(source, prog.SourceKB); !msg.IsZero() {
		return refused(spec, msg), nil
	}

	req := programRequest(pkg, l, source)
	out, err := g.run(ctx, "grade "+spec.ID, container.Config{Image: l.Image, TmpfsBytes: tmpfsFor(req.Files)}, req)
	if err != nil {
		return verdict.Result{}, err
	}
	if out.Compile != nil && out.Compile.Status != runner.StatusOK {
		res.Outcome = verdict.CompileError
		res.Message = compilerMessage(out.Compile)
		return res, nil
	}

	checks := make([]*testCheck, len(pkg.Tests))
	var ran []int
	for i, tr := range out.Tests {
		if tr.Status == runner.StatusOK {
			ran = append(ran, i)
		}
	}
	if prog.Checker.Type == challenges.CheckCustom {
		outputs := make([][]byte, len(ran))
		for j, i := range ran {
			outputs[j] = out.Tests[i].Stdout
		}
		got, err := g.runChecker(ctx, pkg, ran, outputs)
		if err != nil {
			return verdict.Result{}, fmt.Errorf("grade %s: %w", spec.ID, err)
		}
		for j, i := range ran {
			checks[i] = &got[j]
		}
	} else {
		for _, i := range ran {
			ok, msg, detail := prog.Checker.CompareText(out.Tests[i].Stdout, pkg.Tests[i].Answer)
			c := testCheck{message: msg.String(), text: msg, detail: detail}
			if ok {
				c.fraction = 1
			}
			checks[i] = &c
		}
	}

	fractions := make([]float64, len(pkg.Tests))
	for i, tr := range out.Tests {
		t := verdict.Test{Name: pkg.Tests[i].Name, CPUTimeMS: tr.CPUTimeMS, WallTimeMS: tr.WallTimeMS, MemoryBytes: tr.MemoryBytes,
			Output: juryOutput(tr)}
		t.Outcome = fromStatus(tr.Status)
		if t.Outcome == verdict.TimeLimit && tr.MemoryBytes > spec.Limits.MemoryMB<<20 {
			// The sandbox's memory cap leaves room for the compiler, so a
			// memory hog may run out of time first: past the memory limit
			// is a memory limit, whatever ended it.
			t.Outcome = verdict.MemoryLimit
		}
		if c := checks[i]; c != nil {
			fractions[i] = c.fraction
			t.Message, t.Text, t.Detail = c.message, c.text, c.detail
			switch {
			case c.fraction >= 1:
				t.Outcome = verdict.Accepted
			case c.fraction > 0:
				t.Outcome = verdict.Scored
			default:
				t.Outcome = verdict.WrongAnswer
			}
		}
		if t.Outcome != verdict.Accepted && t.Outcome != verdict.Skipped {
			t.Stdout = clipBytes(tr.Stdout, juryDiffBytes)
			if prog.ShowsJuryAnswers() {
				t.Expected = clipBytes(pkg.Tests[i].Answer, juryDiffBytes)
			}
		}
		res.Tests = append(res.Tests, t)
	}
	scoreGroups(prog.Groups, fractions, res.Tests)
	for _, t := range res.Tests {
		res.Score += t.Score
	}
	res.Outcome = overallOutcome(res.Tests, res.Score)
	return res, nil
}

// programRequest is the sandbox request for one submission: the source and
// the package's work files, the compile step, one run per test.
func programRequest(pkg *challenges.Package, l Language, source []byte) runner.Request {
	spec := pkg.Spec
	prog := spec.Program
	req := runner.Request{
		Files: []runner.File{{Name: l.File, Data: source}},
		Run:   runner.Step{Command: l.Run, Limits: runnerLimits(spec.Limits)},
		// Stopping at the first failed run is only right when that failure
		// already decides everything: one all-or-nothing group of all tests.
		StopOnFailure: len(prog.Groups) == 1 && prog.Groups[0].Scoring == challenges.ScoringMin &&
			len(prog.Groups[0].Indexes) == len(pkg.Tests),
	}
	req.Files = append(req.Files, runnerFiles(prog.FileData)...)
	if len(l.Compile) > 0 {
		req.Compile = compileStep(l, prog.Compile)
	}
	for _, t := range pkg.Tests {
		req.Tests = append(req.Tests, runner.Test{Name: t.Name, Input: t.Input})
	}
	return req
}

// compileStep is the compile step of language l under the limits c.
func compileStep(l Language, c challenges.CompileLimits) *runner.Step {
	return &runner.Step{Command: l.Compile,
		Limits: runnerLimits(challenges.Limits{TimeMS: c.TimeMS, MemoryMB: c.MemoryMB, OutputKB: compileOutputKB})}
}

// tmpfsFor sizes the work directory: the default, plus twice the files
// that go into it, so big training data leaves the program its room.
func tmpfsFor(files []runner.File) int64 {
	return container.DefaultTmpfsBytes + 2*filesSize(files)
}

// sourceProblem says why a source cannot be a submission, or "".
func sourceProblem(source []byte, maxKB int64) message.Text {
	switch {
	case len(bytes.TrimSpace(source)) == 0:
		return message.New("grader.source_empty")
	case int64(len(source)) > maxKB<<10:
		return message.New("grader.source_too_large", (len(source)+1023)>>10, maxKB)
	case bytes.IndexByte(source, 0) >= 0:
		return message.New("grader.source_binary", bytes.IndexByte(source, 0))
	}
	return message.Text{}
}

// scoreGroups fills each test's Score and MaxScore with its share of the
// groups it belongs to, so that the tests' scores add up to the total: a
// group's points are split evenly over its tests; a sum group pays each
// test its share times the test's fraction, a min group pays every test
// its share times the lowest fraction in the group.
func scoreGroups(groups []challenges.Group, fractions []float64, tests []verdict.Test) {
	for _, g := range groups {
		if len(g.Indexes) == 0 {
			continue
		}
		share := g.Points / float64(len(g.Indexes))
		low, worst := 1.0, -1
		for _, i := range g.Indexes {
			if fractions[i] < low {
				low, worst = fractions[i], i
			}
		}
		for _, i := range g.Indexes {
			tests[i].MaxScore += share
			switch g.Scoring {
			case challenges.ScoringSum:
				tests[i].Score += share * fractions[i]
			default:
				tests[i].Score += share * low
				if worst >= 0 && i != worst && fractions[i] > low && g.Points > 0 && tests[i].Message == "" {
					tests[i].Say(message.New("grader.group_all_or_nothing", g.Name, tests[worst].Name))
				}
			}
		}
	}
}

// overallOutcome is accepted when every test is, scored when some points
// were earned, else the first failed test's outcome.
func overallOutcome(tests []verdict.Test, score float64) verdict.Outcome {
	all := true
	for _, t := range tests {
		all = all && t.Outcome == verdict.Accepted
	}
	switch {
	case all:
		return verdict.Accepted
	case score > 0:
		return verdict.Scored
	}
	for _, t := range tests {
		if t.Outcome != verdict.Accepted && t.Outcome != verdict.Skipped && t.Outcome != verdict.Scored {
			return t.Outcome
		}
	}
	return verdict.WrongAnswer
}

// compilerMessage is what the contestant sees of a failed compile: the
// compiler's output trimmed to its first lines, with the reason when the
// compiler itself hit a limit.
func compilerMessage(r *runner.StepResult) string {
	msg := strings.TrimSpace(string(r.Stderr) + "\n" + string(r.Stdout))
	switch r.Status {
	case runner.StatusTimeLimit:
		msg = "compilation took too long\n" + msg
	case runner.StatusMemoryLimit:
		msg = "the compiler ran out of memory\n" + msg
	case runner.StatusOutputLimit:
		msg = "the compiler printed too much\n" + msg
	}
	return trimMessage(strings.TrimSpace(msg), compileMessageBytes, compileMessageLines)
}

// trimMessage keeps at most maxLines lines and maxBytes bytes of valid
// UTF-8, saying how much was left out.
func trimMessage(msg string, maxBytes, maxLines int) string {
	msg = strings.ToValidUTF8(msg, "\uFFFD")
	lines := strings.Split(msg, "\n")
	cut := false
	if len(lines) > maxLines {
		lines, cut = lines[:maxLines], true
	}
	out := strings.Join(lines, "\n")
	if len(out) > maxBytes {
		out, cut = out[:maxBytes], true
		for !utf8.ValidString(out) {
			out = out[:len(out)-1]
		}
	}
	if cut {
		out += fmt.Sprintf("\n... (%d more bytes not shown)", len(msg)-len(out))
	}
	return out
}

// clipBytes is b as valid UTF-8, cut to at most n bytes at a line's end
// where one is near, with a mark when something was left out.
func clipBytes(b []byte, n int) string {
	if len(b) <= n {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	cut := b[:n]
	if i := bytes.LastIndexByte(cut, '\n'); i > n/2 {
		cut = cut[:i+1]
	}
	return strings.ToValidUTF8(string(cut), "\uFFFD") + fmt.Sprintf("\n... (%d more bytes)", len(b)-len(cut))
}

// juryOutput is what the jury sees of a test's run: its stderr, and how it
// ended when it did not exit cleanly. It may echo hidden input, so the API
// shows it to the jury only.
func juryOutput(r runner.StepResult) string {
	out := strings.TrimSpace(string(r.Stderr))
	if r.Signal != "" {
		out = strings.TrimSpace(out + "\n[killed by " + r.Signal + "]")
	} else if r.ExitCode != 0 {
		out = strings.TrimSpace(fmt.Sprintf("%s\n[exit code %d]", out, r.ExitCode))
	}
	return out
}
