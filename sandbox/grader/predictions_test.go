package grader

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/skillarena/arena/sandbox/predictions"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

func TestPredictionsExampleSolutionsOnHost(t *testing.T) {
	h := &dataHostSandbox{}
	pkg := loadExample(t, "fault-diagnosis")
	results := gradeSolutions(t, &Grader{Sandbox: h}, pkg)

	for name, want := range map[string]string{
		"wrong-header.csv":      "wrong header",
		"duplicate-id.csv":      "duplicate id",
		"missing-rows.csv":      "wrong row count",
		"unknown-id.csv":        "unknown id",
		"class-index.csv":       "not a class label",
		"formula-injection.csv": "not a class label",
		"gbk-encoded.csv":       "not UTF-8",
		"empty.csv":             "empty",
		"binary.csv":            "not UTF-8",
	} {
		if r, ok := results[name]; !ok || !strings.Contains(r.Message, want) {
			t.Errorf("%s: message %q, want it to say %q", name, r.Message, want)
		}
	}
	// The public score is what the live board shows; the private one is final.
	for _, name := range []string{"naive-bayes.csv", "vibration-rule.csv", "all-normal.csv"} {
		r := results[name]
		if r.PublicScore == nil {
			t.Errorf("%s: no public score", name)
			continue
		}
		if strings.Contains(r.Message, "private") {
			t.Errorf("%s: message %q tells about the private rows", name, r.Message)
		}
	}
	if r := results["vibration-rule.csv"]; r.Outcome != verdict.Scored || *r.PublicScore <= 0 || *r.PublicScore >= 100 {
		t.Errorf("vibration rule: outcome %s public %v, want a partial public score", r.Outcome, r.PublicScore)
	}
	// The hidden labels travel only inside the scoring request.
	req := h.reqs[0]
	if req.Run.Command[1] != predictions.RunnerFlag || len(req.Files) != 3 {
		t.Errorf("scoring request: command %v, %d files", req.Run.Command, len(req.Files))
	}
	if h.cfgs[0].Image != ScorerImage {
		t.Errorf("scored in %s, want %s", h.cfgs[0].Image, ScorerImage)
	}
}

func TestPredictionsScorerFailures(t *testing.T) {
	pkg := loadExample(t, "fault-diagnosis")
	report := func(v any) []byte { b, _ := json.Marshal(v); return b }
	tests := []struct {
		name    string
		res     runner.Result
		wantErr bool
		outcome verdict.Outcome
	}{
		{name: "scorer crashed", res: runner.Result{Tests: []runner.StepResult{{Status: runner.StatusRuntimeError, ExitCode: 3}}}, wantErr: true},
		{name: "garbage report", res: runner.Result{Tests: []runner.StepResult{{Status: runner.StatusOK, Stdout: []byte("{")}}}, wantErr: true},
		{name: "half a report", res: runner.Result{Tests: []runner.StepResult{{Status: runner.StatusOK,
			Stdout: report(predictions.Report{Public: &predictions.Part{Value: 1, Rows: 3}})}}}, wantErr: true},
		{name: "runner error", res: runner.Result{Error: "bad request"}, wantErr: true},
		{name: "lower than baseline", res: runner.Result{Tests: []runner.StepResult{{Status: runner.StatusOK,
			Stdout: report(predictions.Report{Public: &predictions.Part{Value: 0.1, Rows: 3}, Private: &predictions.Part{Value: 0.9, Rows: 7}})}}},
			outcome: verdict.WrongAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &Grader{Sandbox: &replay{res: tt.res}}
			res, err := g.Grade(context.Background(), pkg, "csv", []byte("id,fault\n"))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want a platform error, got %+v", res)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Outcome follows the public rows; the score is the private one.
			if res.Outcome != tt.outcome || res.Score != 100 || *res.PublicScore != 0 {
				t.Errorf("got %s score %v public %v", res.Outcome, res.Score, *res.PublicScore)
			}
		})
	}
}

func TestPredictionsRefusedBeforeSandbox(t *testing.T) {
	pkg := loadExample(t, "fault-diagnosis")
	h := &dataHostSandbox{}
	g := &Grader{Sandbox: h}
	huge := append([]byte("id,fault\n"), bytes.Repeat([]byte("M00001,normal\n"), maxPredictionsBytes/14+1)...)
	for _, tt := range []struct {
		name, lang string
		src        []byte
		want       string
	}{
		{"huge upload", "csv", huge, "more than"},
		{"language", "python3", []byte("id,fault\n"), `language "python3"`},
	} {
		res, err := g.Grade(context.Background(), pkg, tt.lang, tt.src)
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != verdict.InvalidSubmission || !strings.Contains(res.Message, tt.want) {
			t.Errorf("%s: got %s %q", tt.name, res.Outcome, res.Message)
		}
	}
	if len(h.reqs) != 0 {
		t.Errorf("refused files started %d sandboxes", len(h.reqs))
	}
}
