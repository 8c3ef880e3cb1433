// Package verdict holds what grading a submission produces: the outcome and
// the per-test detail. The grader writes it; the submission store keeps it.
package verdict

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/skillarena/arena/internal/message"
)

// Outcome is the final judgement on a submission or one test.
type Outcome string

// Outcomes (docs/architecture.md, "Scoring and outcomes").
const (
	Accepted          Outcome = "accepted"
	WrongAnswer       Outcome = "wrong_answer"
	TimeLimit         Outcome = "time_limit"
	MemoryLimit       Outcome = "memory_limit"
	RuntimeError      Outcome = "runtime_error"
	OutputLimit       Outcome = "output_limit"
	CompileError      Outcome = "compile_error"
	InvalidSubmission Outcome = "invalid_submission"
	Scored            Outcome = "scored"
	SystemError       Outcome = "system_error"
	Skipped           Outcome = "skipped"
)

// Outcomes lists every outcome, in the order above.
func Outcomes() []Outcome {
	return []Outcome{Accepted, WrongAnswer, TimeLimit, MemoryLimit, RuntimeError, OutputLimit,
		CompileError, InvalidSubmission, Scored, SystemError, Skipped}
}

// Parse returns the outcome named s.
func Parse(s string) (Outcome, error) {
	o := Outcome(s)
	if !slices.Contains(Outcomes(), o) {
		return "", fmt.Errorf("unknown outcome %q", s)
	}
	return o, nil
}

// String returns the outcome's name.
func (o Outcome) String() string { return string(o) }

// UnmarshalJSON refuses unknown outcomes.
func (o *Outcome) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*o = ""
		return nil
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*o = p
	return nil
}

// Test is the result of one test case.
type Test struct {
	Name        string  `json:"name"`
	Outcome     Outcome `json:"outcome"`
	Score       float64 `json:"score"`
	MaxScore    float64 `json:"max_score"`
	CPUTimeMS   int64   `json:"cpu_time_ms"`
	WallTimeMS  int64   `json:"wall_time_ms"`
	MemoryBytes int64   `json:"memory_bytes"`
	// Message is safe to show the contestant: the kind of mismatch and
	// where (a line or token number), never the contestant's output or
	// hidden data.
	Message string `json:"message,omitempty"`
	// Text is Message as a code and its arguments, for the UI to say in
	// the reader's language; empty in results stored before it, and where
	// the message is a package's own words.
	message.Text
	// Detail, for the jury only, is what Message leaves out: the output's
	// token that did not match, SQLite's own error text on a hidden
	// database, the values a hidden suite expected.
	Detail string `json:"detail,omitempty"`
	// Output is the sandbox's stderr for this test and how the run ended
	// (exit code, signal), capped, for the jury only: a program can print
	// hidden input there or encode it in its exit code.
	Output string `json:"output,omitempty"`
	// Stdout is the start of what the program printed on a test it did
	// not pass, and Expected the start of the test's answer where the
	// package lets the jury see it (challenges.ProgramSpec.JuryAnswers):
	// the jury's diff. Jury only, like Output.
	Stdout   string `json:"stdout,omitempty"`
	Expected string `json:"expected,omitempty"`
}

// ForContestant is the test as its contestant may see it: without the
// jury's Detail, Output, Stdout and Expected.
func (t Test) ForContestant() Test {
	t.Detail, t.Output, t.Stdout, t.Expected = "", "", "", ""
	return t
}

// Result is the whole grade of one submission.
type Result struct {
	Outcome Outcome `json:"outcome"`
	// Score is the final score; for predictions it comes from the private rows.
	Score float64 `json:"score"`
	// PublicScore, when set, is what the live board shows during the contest
	// (predictions: the score on the public rows).
	PublicScore *float64 `json:"public_score,omitempty"`
	MaxScore    float64  `json:"max_score"`
	Tests       []Test   `json:"tests"`
	// Message explains compile errors and invalid submissions.
	Message string `json:"message,omitempty"`
	// Text is Message as a code and its arguments (see Test.Text).
	message.Text
	// Worker names the judge worker that graded it.
	Worker string `json:"worker,omitempty"`
}

// MaxMessage bounds every message of a result, the submission's and each
// test's, whoever wrote it; each source has a tighter bound of its own (a
// compiler's message 4 KiB, a checker's 1000 bytes, SQLite's 300).
const MaxMessage = 8 << 10

// Clip bounds s to n bytes, cut at a character boundary and kept valid
// UTF-8, marking a cut with "...".
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// Say sets the test's message: its English, and its code and arguments.
func (t *Test) Say(m message.Text) {
	t.Message, t.Text = m.String(), m
}

// Say sets the result's message: its English, and its code and arguments.
func (r *Result) Say(m message.Text) {
	r.Message, r.Text = m.String(), m
}
