package grader

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// gradeProgram compiles and runs the source on every test in one container
// and checks each output outside it.
func (g *Grader) gradeProgram(ctx context.Context, pkg *challenges.Package, lang string, source []byte) (verdict.Result, error) {
	spec := pkg.Spec
	res := verdict.Result{MaxScore: spec.Points, Tests: []verdict.Test{}}
	l, ok := g.Languages[lang]
	if !ok || !slices.Contains(spec.Languages, lang) {
		res.Outcome = verdict.InvalidSubmission
		res.Message = fmt.Sprintf("language %q is not accepted for this challenge", lang)
		return res, nil
	}
	limits := runner.Limits{
		CPUTimeMS:   spec.Limits.TimeMS,
		WallTimeMS:  2*spec.Limits.TimeMS + 1000,
		MemoryBytes: spec.Limits.MemoryMB << 20,
		OutputBytes: spec.Limits.OutputKB << 10,
	}
	req := runner.Request{
		Files:         []runner.File{{Name: l.File, Data: source}},
		Run:           runner.Step{Command: l.Run, Limits: limits},
		StopOnFailure: true,
	}
	if len(l.Compile) > 0 {
		req.Compile = &runner.Step{Command: l.Compile, Limits: runner.Limits{
			CPUTimeMS: 30000, WallTimeMS: 60000, MemoryBytes: 1 << 30, OutputBytes: 1 << 20}}
	}
	for _, t := range pkg.Tests {
		req.Tests = append(req.Tests, runner.Test{Name: t.Name, Input: t.Input})
	}
	out, err := g.Sandbox.Run(ctx, container.Config{Image: l.Image}, req)
	if err != nil {
		return verdict.Result{}, fmt.Errorf("grade %s in %s: %w", spec.ID, l.Image, err)
	}
	if out.Error != "" {
		return verdict.Result{}, fmt.Errorf("grade %s: sandbox runner: %s", spec.ID, out.Error)
	}
	if out.Compile != nil && out.Compile.Status != runner.StatusOK {
		res.Outcome = verdict.CompileError
		res.Message = compilerMessage(out.Compile)
		return res, nil
	}
	if len(out.Tests) != len(pkg.Tests) {
		return verdict.Result{}, fmt.Errorf("grade %s: runner returned %d results for %d tests", spec.ID, len(out.Tests), len(pkg.Tests))
	}
	check := challenges.Checkers[spec.Checker]
	res.Outcome = verdict.Accepted
	for i, tr := range out.Tests {
		t := verdict.Test{Name: pkg.Tests[i].Name, CPUTimeMS: tr.CPUTimeMS, WallTimeMS: tr.WallTimeMS, MemoryBytes: tr.MemoryBytes}
		t.Outcome = fromStatus(tr.Status)
		if t.Outcome == verdict.Accepted {
			if ok, msg := check(tr.Stdout, pkg.Tests[i].Answer); !ok {
				t.Outcome, t.Message = verdict.WrongAnswer, msg
			}
		}
		if res.Outcome == verdict.Accepted && t.Outcome != verdict.Accepted {
			res.Outcome = t.Outcome
		}
		res.Tests = append(res.Tests, t)
	}
	if res.Outcome == verdict.Accepted {
		res.Score = spec.Points
	}
	return res, nil
}

func fromStatus(s runner.Status) verdict.Outcome {
	switch s {
	case runner.StatusOK:
		return verdict.Accepted
	case runner.StatusTimeLimit:
		return verdict.TimeLimit
	case runner.StatusMemoryLimit:
		return verdict.MemoryLimit
	case runner.StatusOutputLimit:
		return verdict.OutputLimit
	case runner.StatusSkipped:
		return verdict.Skipped
	default:
		return verdict.RuntimeError
	}
}

func compilerMessage(r *runner.StepResult) string {
	msg := strings.TrimSpace(string(r.Stderr) + "\n" + string(r.Stdout))
	if r.Status == runner.StatusTimeLimit {
		msg = "compilation took too long\n" + msg
	}
	return msg
}
