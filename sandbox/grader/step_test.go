package grader

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

func TestRunnerLimits(t *testing.T) {
	tests := []struct {
		in   challenges.Limits
		want runner.Limits
	}{
		{challenges.Limits{TimeMS: 2000, MemoryMB: 256, OutputKB: 1024}, runner.Limits{CPUTimeMS: 2000, WallTimeMS: 5000, MemoryBytes: 256 << 20, OutputBytes: 1 << 20}},
		{challenges.Limits{TimeMS: 1, MemoryMB: 16, OutputKB: 8}, runner.Limits{CPUTimeMS: 1, WallTimeMS: 1002, MemoryBytes: 16 << 20, OutputBytes: 8 << 10}},
	}
	for _, tt := range tests {
		got := runnerLimits(tt.in)
		if got != tt.want {
			t.Errorf("runnerLimits(%+v) = %+v, want %+v", tt.in, got, tt.want)
		}
		// The graders' rule is the runner's default for a zero wall time.
		if def := (runner.Limits{CPUTimeMS: got.CPUTimeMS}).WithDefaults(); def.WallTimeMS != got.WallTimeMS {
			t.Errorf("wall %d ms, the runner's default %d ms", got.WallTimeMS, def.WallTimeMS)
		}
	}
}

func TestRunOnce(t *testing.T) {
	tests := []struct {
		name    string
		res     runner.Result
		err     error
		outcome verdict.Outcome
		wantErr string
	}{
		{name: "clean exit", res: runner.Result{Tests: []runner.StepResult{{Status: runner.StatusOK}}}, outcome: verdict.Accepted},
		{name: "time limit", res: runner.Result{Tests: []runner.StepResult{{Status: runner.StatusTimeLimit}}}, outcome: verdict.TimeLimit},
		{name: "crash", res: runner.Result{Tests: []runner.StepResult{{Status: runner.StatusRuntimeError, ExitCode: 2}}}, outcome: verdict.RuntimeError},
		{name: "sandbox failed", err: errors.New("engine gone"), wantErr: "score in img: engine gone"},
		{name: "runner failed", res: runner.Result{Error: "bad request"}, wantErr: "score: sandbox runner: bad request"},
		{name: "no result", res: runner.Result{}, wantErr: "score: runner returned 0 results for 1 runs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := &replay{res: tt.res, err: tt.err}
			g := &Grader{Sandbox: sb}
			lim := runnerLimits(challenges.Limits{TimeMS: 100, MemoryMB: 64, OutputKB: 4})
			_, outcome, err := g.runOnce(context.Background(), oneRun{what: "score", name: "s", cfg: container.Config{Image: "img"},
				command: []string{"x"}, limits: lim, input: []byte("in"), grader: true})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || outcome != tt.outcome {
				t.Fatalf("got %s, %v; want %s", outcome, err, tt.outcome)
			}
			r := sb.req
			if !r.Grader || len(r.Tests) != 1 || string(r.Tests[0].Input) != "in" || r.Run.Limits != lim || r.Run.Command[0] != "x" {
				t.Fatalf("request %+v", r)
			}
		})
	}
}
