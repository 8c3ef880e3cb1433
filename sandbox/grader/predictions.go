package grader

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/predictions"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// ScorerImage is the sandbox image predictions are scored in. The scorer is
// a mode of arena-runner, which every sandbox image carries; this one is
// small and has nothing a CSV could reach anyway.
const ScorerImage = SQLImage

// maxPredictionsBytes bounds a predictions file: beyond it the file is
// refused before a container starts.
const maxPredictionsBytes = 32 << 20

// scorerLimits bound the scorer process; it is linear in the file, so they
// are far above what any accepted file needs.
var scorerLimits = challenges.Limits{TimeMS: 20_000, MemoryMB: 512, OutputKB: 64}

// gradePredictions scores a CSV of predictions inside a sandbox container:
// the hidden labels go only into that container, where arena-runner's
// scoring mode parses the file and computes the metric on the public and
// private rows. Outside, the metric values become points: Score from the
// private rows (final standings), PublicScore from the public rows (live
// board). The outcome follows the public rows too, so that nothing the
// contestant sees during the contest tells anything about the private rows.
func (g *Grader) gradePredictions(ctx context.Context, pkg *challenges.Package, lang string, source []byte) (verdict.Result, error) {
	spec := pkg.Spec
	ps := spec.Predictions
	if ps == nil || ps.Baseline == nil || ps.Target == nil || ps.LabelData == nil {
		return verdict.Result{}, fmt.Errorf("grade %s: predictions package not loaded", spec.ID)
	}
	if lang != "" && !slices.Contains(spec.Languages, lang) {
		return wrongLanguage(spec, lang), nil
	}
	if len(source) > maxPredictionsBytes {
		return refused(spec, message.New("grader.too_large", len(source), maxPredictionsBytes)), nil
	}
	task := ps.Task
	taskJSON, err := json.Marshal(task)
	if err != nil {
		return verdict.Result{}, fmt.Errorf("grade %s: encode scoring task: %w", spec.ID, err)
	}
	step, outcome, err := g.runOnce(ctx, oneRun{
		what: "grade " + spec.ID + ": score predictions", name: "score",
		cfg: container.Config{
			Image:      ScorerImage,
			TmpfsBytes: max(container.DefaultTmpfsBytes, 2*int64(len(source)+len(ps.LabelData)+len(taskJSON))),
		},
		files: []runner.File{
			{Name: "task.json", Data: taskJSON},
			{Name: task.Labels, Data: ps.LabelData},
			{Name: task.Submission, Data: source},
		},
		command: []string{container.RunnerPath, predictions.RunnerFlag, "task.json"},
		limits:  runnerLimits(scorerLimits),
	})
	if err != nil {
		return verdict.Result{}, err
	}
	if outcome != verdict.Accepted {
		return verdict.Result{}, fmt.Errorf("grade %s: predictions scorer ended with %s (exit code %d): %s",
			spec.ID, step.Status, step.ExitCode, strings.TrimSpace(string(step.Stderr)))
	}
	var rep predictions.Report
	dec := json.NewDecoder(bytes.NewReader(step.Stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		return verdict.Result{}, fmt.Errorf("grade %s: predictions scorer report: %w", spec.ID, err)
	}
	if rep.Invalid != "" {
		why := rep.Text
		if why.IsZero() {
			why = message.Plain(rep.Invalid)
		}
		return refused(spec, why), nil
	}
	if rep.Public == nil || rep.Private == nil {
		return verdict.Result{}, fmt.Errorf("grade %s: predictions scorer report lacks the public or private part", spec.ID)
	}
	return predictionsResult(spec, *rep.Public, *rep.Private), nil
}

// predictionsResult turns the metric on both splits into the result.
func predictionsResult(spec challenges.Spec, public, private predictions.Part) verdict.Result {
	ps := spec.Predictions
	base, target := *ps.Baseline, *ps.Target
	pub := predictions.Points(public.Value, base, target, spec.Points)
	res := verdict.Result{
		Score:       predictions.Points(private.Value, base, target, spec.Points),
		PublicScore: &pub,
		MaxScore:    spec.Points,
	}
	switch f := predictions.Fraction(public.Value, base, target); {
	case f >= 1:
		res.Outcome = verdict.Accepted
	case f <= 0:
		res.Outcome = verdict.WrongAnswer
	default:
		res.Outcome = verdict.Scored
	}
	res.Say(message.New("grader.predictions_public", ps.Task.Metric, public.Rows, fmt.Sprintf("%.6f", public.Value), base, target))
	pt := verdict.Test{Name: "public", Outcome: res.Outcome, Score: pub, MaxScore: spec.Points}
	pt.Say(message.New("grader.predictions_metric", ps.Task.Metric, fmt.Sprintf("%.6f", public.Value)))
	res.Tests = []verdict.Test{pt}
	return res
}
