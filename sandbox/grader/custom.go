package grader

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// maxCustomBytes bounds a custom challenge's submission.
const maxCustomBytes = 16 << 20

// packageFault prefixes messages about a broken package: they are kept for
// the jury and the author, and say that the contestant did nothing wrong.
const packageFault = "challenge package error, not the contestant's fault: "

// CustomResult is the JSON a custom challenge's command prints on stdout.
type CustomResult struct {
	// Outcome is accepted, wrong_answer, scored, invalid_submission,
	// compile_error, runtime_error, time_limit, memory_limit or output_limit.
	Outcome string `json:"outcome"`
	// Score is the fraction of the challenge's points earned, in [0, 1]:
	// required for scored; 1 for accepted and 0 otherwise when left out.
	Score *float64 `json:"score,omitempty"`
	// Message is shown to the contestant.
	Message string `json:"message,omitempty"`
	// Tests are optional per-test details, shown as they are.
	Tests []CustomTest `json:"tests,omitempty"`
}

// CustomTest is one test's detail in a CustomResult.
type CustomTest struct {
	Name     string  `json:"name"`
	Outcome  string  `json:"outcome"`
	Score    float64 `json:"score"`
	MaxScore float64 `json:"max_score"`
	Message  string  `json:"message,omitempty"`
}

// customOutcomes are the outcomes a custom command may report.
var customOutcomes = []verdict.Outcome{
	verdict.Accepted, verdict.WrongAnswer, verdict.Scored, verdict.InvalidSubmission,
	verdict.CompileError, verdict.RuntimeError, verdict.TimeLimit, verdict.MemoryLimit, verdict.OutputLimit,
}

// maxCustomMessage bounds each message taken from a custom result.
const maxCustomMessage = 4096

// gradeCustom runs the package's own command in the package's image, with
// the submission and the package's files in the work directory, and turns
// the result JSON it prints into the verdict. A command that fails, or
// prints something that is not a valid result, is the package's fault: a
// system_error whose message says so.
func (g *Grader) gradeCustom(ctx context.Context, pkg *challenges.Package, lang string, source []byte) (verdict.Result, error) {
	spec := pkg.Spec
	cs := spec.Custom
	res := verdict.Result{MaxScore: spec.Points, Tests: []verdict.Test{}}
	if cs == nil || cs.Image == "" || len(cs.Command) == 0 {
		return verdict.Result{}, fmt.Errorf("grade %s: custom package not loaded", spec.ID)
	}
	if lang == "" && len(spec.Languages) > 0 {
		lang = spec.Languages[0]
	}
	if !slices.Contains(spec.Languages, lang) {
		return wrongLanguage(spec, lang), nil
	}
	if len(source) > maxCustomBytes {
		return refused(spec, message.New("grader.too_large", len(source), maxCustomBytes)), nil
	}
	files, err := cs.CustomFiles(pkg.FS)
	if err != nil {
		return verdict.Result{}, fmt.Errorf("grade %s: %w", spec.ID, err)
	}
	rfiles := append(runnerFiles(files), runner.File{Name: cs.Submission, Data: source, Shared: true})
	command := make([]string, len(cs.Command))
	for i, a := range cs.Command {
		command[i] = strings.ReplaceAll(a, "{language}", lang)
	}
	// The command is the package's grader: it owns the package's files, and
	// runs contestant code through the runner, away from them.
	step, outcome, err := g.runOnce(ctx, oneRun{
		what: "grade " + spec.ID, name: "grade", grader: true,
		cfg:   container.Config{Image: cs.Image, TmpfsBytes: max(container.DefaultTmpfsBytes, 2*filesSize(rfiles)+(16<<20))},
		files: rfiles, command: command, limits: runnerLimits(spec.Limits),
	})
	if err != nil {
		return verdict.Result{}, err
	}
	// The command's stderr, and on a bad result the start of its stdout,
	// go to the jury only: a package's grader may print hidden data.
	jury := dataJuryTail(step.Stderr)
	res.Tests = []verdict.Test{{Name: "grade", CPUTimeMS: step.CPUTimeMS, WallTimeMS: step.WallTimeMS, MemoryBytes: step.MemoryBytes, Output: jury}}
	fault := func(format string, args ...any) (verdict.Result, error) {
		res.Outcome = verdict.SystemError
		res.Message = packageFault + fmt.Sprintf(format, args...)
		res.Tests[0].Outcome = verdict.SystemError
		return res, nil
	}
	switch outcome {
	case verdict.Accepted:
	case verdict.TimeLimit, verdict.MemoryLimit:
		res.Outcome = outcome
		res.Tests[0].Outcome = outcome
		res.Message = fmt.Sprintf("grading stopped: %s (limits: %d ms CPU, %d MB)", res.Outcome, spec.Limits.TimeMS, spec.Limits.MemoryMB)
		return res, nil
	case verdict.OutputLimit:
		return fault("the custom command printed more than limits.output_kb (%d KB)", spec.Limits.OutputKB)
	default:
		return fault("the custom command %s ended with exit code %d%s (its stderr is in the test's output, for the jury)",
			strings.Join(command, " "), step.ExitCode, customSignal(step.Signal))
	}
	cr, err := parseCustomResult(step.Stdout)
	if err != nil {
		res.Tests[0].Output = "stdout: " + customHead(step.Stdout) + "\nstderr: " + jury
		return fault("the custom command's result JSON is invalid: %v", err)
	}
	outcome = verdict.Outcome(cr.Outcome)
	res.Outcome = outcome
	res.Message = customClip(cr.Message)
	res.Score = math.Round(*cr.Score*spec.Points*100) / 100
	res.Tests = res.Tests[:0]
	for _, t := range cr.Tests {
		res.Tests = append(res.Tests, verdict.Test{Name: customClip(t.Name), Outcome: verdict.Outcome(t.Outcome), Score: t.Score, MaxScore: t.MaxScore, Message: customClip(t.Message)})
	}
	if len(res.Tests) == 0 {
		res.Tests = []verdict.Test{{Name: "grade", Outcome: outcome, Score: res.Score, MaxScore: spec.Points,
			CPUTimeMS: step.CPUTimeMS, WallTimeMS: step.WallTimeMS, MemoryBytes: step.MemoryBytes}}
	}
	res.Tests[0].Output = jury
	return res, nil
}

// parseCustomResult reads and checks a custom command's output: exactly one
// JSON object with known fields, a known outcome and a score that fits it.
// On success Score is set.
func parseCustomResult(out []byte) (*CustomResult, error) {
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, errors.New("the command printed nothing on stdout")
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	var cr CustomResult
	if err := dec.Decode(&cr); err != nil {
		return nil, fmt.Errorf("not a result object: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one JSON value on stdout")
	}
	outcome := verdict.Outcome(cr.Outcome)
	if !slices.Contains(customOutcomes, outcome) {
		return nil, fmt.Errorf("outcome %q is not one of %s", cr.Outcome, customOutcomeList(customOutcomes))
	}
	if cr.Score != nil && (math.IsNaN(*cr.Score) || *cr.Score < 0 || *cr.Score > 1) {
		return nil, fmt.Errorf("score %v is not a fraction in [0, 1]", *cr.Score)
	}
	want := 0.0
	switch outcome {
	case verdict.Scored:
		if cr.Score == nil {
			return nil, errors.New("outcome scored needs a score (a fraction in [0, 1])")
		}
		want = *cr.Score
	case verdict.Accepted:
		want = 1
	}
	if cr.Score != nil && *cr.Score != want {
		return nil, fmt.Errorf("score %v does not fit outcome %s (accepted is 1, scored is given, the others are 0)", *cr.Score, outcome)
	}
	cr.Score = &want
	for i, t := range cr.Tests {
		if t.Name == "" {
			return nil, fmt.Errorf("tests[%d]: no name", i)
		}
		if !slices.Contains(customOutcomes, verdict.Outcome(t.Outcome)) && verdict.Outcome(t.Outcome) != verdict.Skipped {
			return nil, fmt.Errorf("tests[%d] (%s): outcome %q is not one of %s, skipped", i, t.Name, t.Outcome, customOutcomeList(customOutcomes))
		}
		if t.Score < 0 || t.MaxScore < 0 || t.Score > t.MaxScore || math.IsNaN(t.Score) || math.IsNaN(t.MaxScore) {
			return nil, fmt.Errorf("tests[%d] (%s): score %v of max_score %v: need 0 <= score <= max_score", i, t.Name, t.Score, t.MaxScore)
		}
	}
	return &cr, nil
}

func customOutcomeList(os []verdict.Outcome) string {
	s := make([]string, len(os))
	for i, o := range os {
		s[i] = string(o)
	}
	return strings.Join(s, ", ")
}

// customClip bounds a message from a custom result, keeping it valid UTF-8.
func customClip(s string) string {
	if len(s) > maxCustomMessage {
		s = strings.ToValidUTF8(s[:maxCustomMessage], "") + "..."
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// customHead is the start of an output, for the jury.
func customHead(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 1024 {
		b = b[:1024]
	}
	return string(b)
}

// dataJuryTail is the end of a process's stderr, for the jury.
func dataJuryTail(b []byte) string {
	s := strings.ToValidUTF8(strings.TrimSpace(string(b)), "\uFFFD")
	if len(s) > 1024 {
		s = "..." + s[len(s)-1024:]
	}
	return s
}

// customSignal names the signal that ended the command, if any.
func customSignal(sig string) string {
	if sig == "" {
		return ""
	}
	return " (" + sig + ")"
}
