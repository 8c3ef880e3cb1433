package grader

import (
	"context"
	"errors"
	"testing"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// replay is a Sandbox that answers with a fixed runner result, to test how
// the grader reads results; the real sandbox is tested in sandbox/container
// and end to end.
type replay struct {
	res runner.Result
	err error
	req runner.Request
}

func (r *replay) Run(ctx context.Context, cfg container.Config, req runner.Request) (runner.Result, error) {
	r.req = req
	return r.res, r.err
}

func TestGrade(t *testing.T) {
	fsys, _ := challenges.Example("hello")
	pkg, err := challenges.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	answers := func(outs ...string) []runner.StepResult {
		var rs []runner.StepResult
		for _, o := range outs {
			rs = append(rs, runner.StepResult{Status: runner.StatusOK, Stdout: []byte(o)})
		}
		return rs
	}
	right := []string{"Hello, Alice!\n", "Hello, 王小明!\n", "Hello, Ada Lovelace!\n", "Hello, x!\n"}
	tests := []struct {
		name    string
		lang    string
		res     runner.Result
		err     error
		outcome verdict.Outcome
		score   float64
		wantErr bool
	}{
		{name: "all right", lang: "python3", res: runner.Result{Tests: answers(right...)}, outcome: verdict.Accepted, score: 100},
		{name: "second wrong", lang: "python3", res: runner.Result{Tests: answers(right[0], "Hi\n", right[2], right[3])}, outcome: verdict.WrongAnswer},
		{name: "time limit then skipped", lang: "python3", res: runner.Result{Tests: []runner.StepResult{
			{Status: runner.StatusTimeLimit}, {Status: runner.StatusSkipped}, {Status: runner.StatusSkipped}, {Status: runner.StatusSkipped}}}, outcome: verdict.TimeLimit},
		{name: "memory", lang: "python3", res: runner.Result{Tests: append(answers(right[0]), runner.StepResult{Status: runner.StatusMemoryLimit},
			runner.StepResult{Status: runner.StatusSkipped}, runner.StepResult{Status: runner.StatusSkipped})}, outcome: verdict.MemoryLimit},
		{name: "crash", lang: "python3", res: runner.Result{Tests: append(answers(right[:3]...), runner.StepResult{Status: runner.StatusRuntimeError, ExitCode: 1})}, outcome: verdict.RuntimeError},
		{name: "output", lang: "python3", res: runner.Result{Tests: append(answers(right[:3]...), runner.StepResult{Status: runner.StatusOutputLimit})}, outcome: verdict.OutputLimit},
		{name: "language not allowed", lang: "cobol", outcome: verdict.InvalidSubmission},
		{name: "sandbox failed", lang: "python3", err: errors.New("engine gone"), wantErr: true},
		{name: "runner failed", lang: "python3", res: runner.Result{Error: "work dir not writable"}, wantErr: true},
		{name: "results missing", lang: "python3", res: runner.Result{Tests: answers(right[0])}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := &replay{res: tt.res, err: tt.err}
			g := New(sb)
			res, err := g.Grade(context.Background(), pkg, tt.lang, []byte("print()"))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want a platform error, got %+v", res)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.outcome || res.Score != tt.score || res.MaxScore != 100 {
				t.Fatalf("got %s %v/%v, want %s %v/100", res.Outcome, res.Score, res.MaxScore, tt.outcome, tt.score)
			}
			if tt.outcome == verdict.InvalidSubmission {
				if res.Message == "" {
					t.Fatal("an invalid submission needs a message")
				}
				return
			}
			if len(res.Tests) != len(pkg.Tests) {
				t.Fatalf("%d test results for %d tests", len(res.Tests), len(pkg.Tests))
			}
			// Expected answers never go into the sandbox.
			for _, f := range sb.req.Files {
				for _, tc := range pkg.Tests {
					if string(f.Data) == string(tc.Answer) {
						t.Fatalf("answer of %s sent into the sandbox", tc.Name)
					}
				}
			}
			if len(sb.req.Tests) != len(pkg.Tests) || sb.req.Run.Limits.CPUTimeMS != pkg.Spec.Limits.TimeMS {
				t.Fatalf("request = %+v", sb.req)
			}
		})
	}
}
