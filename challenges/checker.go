package challenges

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/skillarena/arena/internal/message"
	"gopkg.in/yaml.v3"
)

// Checker compares a program's output with the expected answer.
type Checker func(output, answer []byte) (ok bool, message string)

// Checkers are the built-in checkers by name, with their default options;
// their messages are the contestant's (CheckerSpec.Compare also gives the
// jury's detail).
var Checkers = map[string]Checker{
	CheckExact:  CheckerSpec{Type: CheckExact}.check,
	CheckTokens: CheckerSpec{Type: CheckTokens}.check,
	CheckFloats: CheckerSpec{Type: CheckFloats}.check,
}

// check is Compare without the jury's detail.
func (c CheckerSpec) check(output, answer []byte) (bool, string) {
	ok, msg, _ := c.Compare(output, answer)
	return ok, msg
}

// Checker types of program.checker.
const (
	// CheckExact compares line by line, ignoring trailing spaces and
	// trailing blank lines.
	CheckExact = "exact"
	// CheckTokens compares whitespace-separated tokens.
	CheckTokens = "tokens"
	// CheckFloats compares tokens, numbers within a tolerance.
	CheckFloats = "floats"
	// CheckCustom runs the package's own checker program (Kattis
	// output-validator protocol) in a sandbox of its own.
	CheckCustom = "custom"
)

// Defaults of the checker section.
const (
	// DefaultFloatTolerance is the absolute and relative tolerance of the
	// floats checker when neither is given.
	DefaultFloatTolerance = 1e-6
	// DefaultCheckerTimeMS bounds one run of a custom checker (CPU time).
	DefaultCheckerTimeMS = 10_000
	// DefaultCheckerMemoryMB bounds one run of a custom checker.
	DefaultCheckerMemoryMB = 512
)

// Exit codes of a custom checker (Kattis output-validator protocol).
const (
	CheckerAccept = 42
	CheckerReject = 43
)

// CheckerSpec is program.checker: either a name (exact, tokens, floats) or
// a mapping with a type and its options.
type CheckerSpec struct {
	// Type is exact, tokens, floats or custom. Default exact.
	Type string `yaml:"type" json:"type"`
	// CaseSensitive (tokens, floats): compare words with case. Default true.
	CaseSensitive *bool `yaml:"case_sensitive" json:"case_sensitive,omitempty"`
	// AbsTolerance and RelTolerance (floats): a number is right when it is
	// within either of the answer. Default: both DefaultFloatTolerance when
	// neither is given, else 0 for the one left out.
	AbsTolerance *float64 `yaml:"abs_tolerance" json:"abs_tolerance,omitempty"`
	RelTolerance *float64 `yaml:"rel_tolerance" json:"rel_tolerance,omitempty"`
	// ShowOutput (exact, tokens, floats) lets a rejection's message quote
	// the contestant's output and count its tokens. Default false: a
	// program could print hidden input there, or encode it in a count or a
	// position it chooses, and read it back from the message.
	ShowOutput bool `yaml:"show_output" json:"show_output,omitempty"`

	// Source (custom) is the checker's main source file in the package,
	// e.g. checker/check.py; every file of its directory goes with it.
	Source string `yaml:"source" json:"source,omitempty"`
	// Language (custom) of the source. Default: from its file name ending.
	Language string `yaml:"language" json:"language,omitempty"`
	// Args (custom) are passed after the feedback directory.
	Args []string `yaml:"args" json:"args,omitempty"`
	// TimeMS and MemoryMB (custom) bound each run of the checker.
	// Defaults DefaultCheckerTimeMS and DefaultCheckerMemoryMB.
	TimeMS   int64 `yaml:"time_ms" json:"time_ms,omitempty"`
	MemoryMB int64 `yaml:"memory_mb" json:"memory_mb,omitempty"`
	// ScoreMax (custom) is the score.txt value worth a whole test; a
	// checker's score is divided by it. Default 1.
	ScoreMax float64 `yaml:"score_max" json:"score_max,omitempty"`

	// Files (custom) are the checker's files, loaded from the source's
	// directory: names relative to it.
	Files []PackageFile `yaml:"-" json:"-"`
}

// PackageFile is a file read from a package, named by where it goes.
type PackageFile struct {
	Name string
	Data []byte
}

var checkerFields = map[string]bool{
	"type": true, "case_sensitive": true, "abs_tolerance": true, "rel_tolerance": true, "show_output": true,
	"source": true, "language": true, "args": true, "time_ms": true, "memory_mb": true, "score_max": true,
}

// UnmarshalYAML reads either a bare checker name or a mapping, refusing
// unknown fields.
func (c *CheckerSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*c = CheckerSpec{Type: n.Value}
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: checker must be a name (exact, tokens, floats) or a mapping with a type", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; !checkerFields[k] {
			return fmt.Errorf("line %d: field %s not found in checker", n.Content[i].Line, k)
		}
	}
	type plain CheckerSpec
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*c = CheckerSpec(p)
	return nil
}

// Tolerances returns the floats checker's absolute and relative tolerance.
func (c CheckerSpec) Tolerances() (abs, rel float64) {
	if c.AbsTolerance == nil && c.RelTolerance == nil {
		return DefaultFloatTolerance, DefaultFloatTolerance
	}
	if c.AbsTolerance != nil {
		abs = *c.AbsTolerance
	}
	if c.RelTolerance != nil {
		rel = *c.RelTolerance
	}
	return abs, rel
}

func (c CheckerSpec) caseSensitive() bool { return c.CaseSensitive == nil || *c.CaseSensitive }

// Compare runs a built-in checker (exact, tokens, floats) on one output.
// A rejection's msg, shown to the contestant, says what kind of mismatch
// and where (line or token number), and never gives the expected answer
// away; unless ShowOutput it neither quotes the output nor counts it: a
// program could print hidden input there, or encode it in a count. detail,
// for the jury only, quotes what differed on both sides.
func (c CheckerSpec) Compare(output, answer []byte) (ok bool, msg, detail string) {
	ok, text, detail := c.CompareText(output, answer)
	return ok, text.String(), detail
}

// CompareText is Compare with the message as a code and its arguments,
// for the UI to say in the reader's language.
func (c CheckerSpec) CompareText(output, answer []byte) (ok bool, msg message.Text, detail string) {
	switch c.Type {
	case CheckExact, "":
		return exactCheck(output, answer)
	case CheckTokens:
		return c.tokenCheck(output, answer, false)
	case CheckFloats:
		return c.tokenCheck(output, answer, true)
	}
	return false, message.New("checker.unknown", strconv.Quote(c.Type)), ""
}

// exactCheck compares line by line, ignoring trailing spaces and trailing
// blank lines. Where a line differs is a place the answer decides (every
// line before it matched), so it is safe to show.
func exactCheck(output, answer []byte) (bool, message.Text, string) {
	got, want := normLines(output), normLines(answer)
	for i := 0; i < len(got) || i < len(want); i++ {
		if i >= len(got) {
			return false, message.New("checker.ends_early"), fmt.Sprintf("output has %d lines, the answer %d", len(got), len(want))
		}
		if i >= len(want) {
			return false, message.New("checker.extra_lines"), fmt.Sprintf("output has %d lines, the answer %d; line %d: %s", len(got), len(want), i+1, clip([]byte(got[i])))
		}
		if got[i] != want[i] {
			return false, message.New("checker.line_differs", i+1),
				fmt.Sprintf("line %d: output %s, answer %s", i+1, clip([]byte(got[i])), clip([]byte(want[i])))
		}
	}
	return true, message.Text{}, ""
}

func normLines(b []byte) []string {
	lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// tokenCheck compares whitespace-separated tokens; with floats, a token of
// the answer that is a number matches any number within the tolerance.
func (c CheckerSpec) tokenCheck(output, answer []byte, floats bool) (bool, message.Text, string) {
	got, want := bytes.Fields(output), bytes.Fields(answer)
	abs, rel := c.Tolerances()
	// reject says which token, and quotes it only when the package allows.
	reject := func(i int, what string) (bool, message.Text, string) {
		detail := fmt.Sprintf("token %d: output %s, answer %s", i+1, clip(got[i]), clip(want[i]))
		if c.ShowOutput {
			return false, message.New("checker.token_"+what+"_quoted", i+1, clip(got[i])), detail
		}
		return false, message.New("checker.token_"+what, i+1), detail
	}
	for i := 0; i < len(got) || i < len(want); i++ {
		if i >= len(got) {
			detail := fmt.Sprintf("output has %d tokens, the answer %d", len(got), len(want))
			if c.ShowOutput {
				return false, message.New("checker.too_few_tokens_n", len(got)), detail
			}
			return false, message.New("checker.too_few_tokens"), detail
		}
		if i >= len(want) {
			detail := fmt.Sprintf("output has %d tokens, the answer %d; token %d: %s", len(got), len(want), i+1, clip(got[i]))
			if c.ShowOutput {
				return false, message.New("checker.too_many_tokens_n", len(got)), detail
			}
			return false, message.New("checker.too_many_tokens"), detail
		}
		if floats {
			if w, ok := parseNumber(want[i]); ok {
				g, ok := parseNumber(got[i])
				if !ok {
					return reject(i, "not_number")
				}
				if d := math.Abs(g - w); d > abs && d > rel*math.Abs(w) {
					return reject(i, "tolerance")
				}
				continue
			}
		}
		same := bytes.Equal(got[i], want[i])
		if !c.caseSensitive() {
			same = bytes.EqualFold(got[i], want[i])
		}
		if !same {
			return reject(i, "differs")
		}
	}
	return true, message.Text{}, ""
}

// parseNumber reads a finite decimal number; NaN and infinities are not
// numbers to a checker.
func parseNumber(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// clip shortens a token for a message.
func clip(b []byte) string {
	const n = 24
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return strconv.Quote(s)
}
