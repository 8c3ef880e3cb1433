package grader

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// wallTimeMS is the one wall-clock rule for every step a grader runs: twice
// the CPU limit plus one second, so a step that waits (on I/O, on a
// loaded machine) is not cut short, and one that sleeps cannot hold a
// container for long. It is runner.Limits.WithDefaults' rule for a zero
// wall time, so graders and the runner agree (docs/architecture.md, "The
// sandbox").
func wallTimeMS(cpuMS int64) int64 { return 2*cpuMS + 1000 }

// runnerLimits is the one conversion from a package's limits (a step's CPU
// time, memory and stdout, as challenge.yaml gives them) to the runner's.
func runnerLimits(l challenges.Limits) runner.Limits {
	return runner.Limits{
		CPUTimeMS:   l.TimeMS,
		WallTimeMS:  wallTimeMS(l.TimeMS),
		MemoryBytes: l.MemoryMB << 20,
		OutputBytes: l.OutputKB << 10,
	}
}

// runnerFiles are a package's files as the runner writes them.
func runnerFiles(fs []challenges.PackageFile) []runner.File {
	out := make([]runner.File, 0, len(fs))
	for _, f := range fs {
		out = append(out, runner.File{Name: f.Name, Data: f.Data})
	}
	return out
}

// filesSize is how many bytes files hold.
func filesSize(files []runner.File) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.Data))
	}
	return n
}

// run runs req in the sandbox under cfg: the one way graders run anything
// there. what names the run in errors. An error is the platform's fault:
// the sandbox failed, the runner could not do its job, or it answered for
// other tests than req has.
func (g *Grader) run(ctx context.Context, what string, cfg container.Config, req runner.Request) (runner.Result, error) {
	out, err := g.Sandbox.Run(ctx, cfg, req)
	if err != nil {
		return runner.Result{}, fmt.Errorf("%s in %s: %w", what, cfg.Image, err)
	}
	if out.Error != "" {
		return runner.Result{}, fmt.Errorf("%s: sandbox runner: %s", what, out.Error)
	}
	if len(out.Tests) != len(req.Tests) {
		return runner.Result{}, fmt.Errorf("%s: runner returned %d results for %d runs", what, len(out.Tests), len(req.Tests))
	}
	return out, nil
}

// oneRun is a command a grader runs once in the sandbox, on one input.
type oneRun struct {
	what    string           // what it does, for errors
	name    string           // the run's name in the request
	cfg     container.Config // image and work dir
	files   []runner.File
	command []string
	limits  runner.Limits
	input   []byte // on stdin
	// grader runs the command as the package's grader (runner.Request.Grader).
	grader bool
}

// runOnce builds the request of s, runs it, and returns what the run did
// with the outcome its status means (accepted for a clean exit); each
// grader says what that outcome means for its kind.
func (g *Grader) runOnce(ctx context.Context, s oneRun) (runner.StepResult, verdict.Outcome, error) {
	req := runner.Request{
		Files:  s.files,
		Run:    runner.Step{Command: s.command, Limits: s.limits},
		Tests:  []runner.Test{{Name: s.name, Input: s.input}},
		Grader: s.grader,
	}
	out, err := g.run(ctx, s.what, s.cfg, req)
	if err != nil {
		return runner.StepResult{}, "", err
	}
	return out.Tests[0], fromStatus(out.Tests[0].Status), nil
}

// refused is the result of a submission refused before anything runs.
func refused(spec challenges.Spec, why message.Text) verdict.Result {
	res := verdict.Result{Outcome: verdict.InvalidSubmission, MaxScore: spec.Points, Tests: []verdict.Test{}}
	res.Say(why)
	return res
}

// wrongLanguage refuses a submission in a language spec does not accept.
func wrongLanguage(spec challenges.Spec, lang string) verdict.Result {
	return refused(spec, message.New("grader.language", strconv.Quote(lang), strings.Join(spec.Languages, ", ")))
}

// fromStatus is the verdict a runner status means.
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
