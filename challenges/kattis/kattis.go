// Package kattis converts a Kattis / ICPC problem package (the legacy
// format, and the 2023-07 format's problem.yaml fields) into a SkillArena
// `program` challenge package: problem.yaml and its limits, the statement
// (problem_statement/ or statement/, LaTeX or Markdown), data/sample and
// data/secret with their testdata.yaml at every level (groups and points
// for scoring problems), the default output validator's flags or a custom
// output validator, and the example submissions, which become reference
// solutions. What the format says that SkillArena cannot express is an
// error or a warning, never converted into something else.
package kattis

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/skillarena/arena/challenges"
)

// DefaultTimeMS is the time limit of a package that gives none and whose
// limit the format would derive from its accepted submissions' run times.
const DefaultTimeMS = 2000

// Options tune an import.
type Options struct {
	// ID is the challenge id. Default: the source directory's name, made a slug.
	ID string
	// Category is blockchain, ai or data. Default data.
	Category string
	// Points the challenge is worth. Default 100. A scoring problem's
	// groups keep their share of the package's total.
	Points float64
	// TimeMS overrides the time limit. Default: the package's
	// (limits.time_limit, .timelimit, domjudge-problem.ini), else derived
	// from SlowestAcceptedMS, else DefaultTimeMS.
	TimeMS int64
	// SlowestAcceptedMS is the run time of the slowest accepted submission
	// on its slowest test, measured elsewhere: a package without a time
	// limit then gets the one the format derives from it (legacy:
	// time_multiplier, rounded to whole seconds; 2023-07: ac_to_time_limit,
	// rounded up to time_resolution).
	SlowestAcceptedMS int64
}

// Report says what an import did and what it left out.
type Report struct {
	// ID is the challenge id written.
	ID string
	// Tests is the number of test cases.
	Tests int
	// Solutions counts the reference solutions by expected outcome.
	Solutions map[string]int
	// Warnings name what could not be carried over.
	Warnings []string
}

type importer struct {
	src, dst    string
	opts        Options
	report      *Report
	problem     problem
	customScore bool                 // the validator writes score.txt
	testMax     map[float64][]string // a test's top score -> the groups with it
	files       map[string][]byte    // package path -> content
}

// Import converts the Kattis package in src into a new challenge package
// in dst, which must not exist or be empty. The package is written beside
// dst, loaded with challenges.Load and only then moved into place: when
// anything fails, dst is left as it was.
func Import(src, dst string, opts Options) (*Report, error) {
	if opts.Category == "" {
		opts.Category = "data"
	}
	if opts.Points == 0 {
		opts.Points = 100
	}
	if opts.ID == "" {
		opts.ID = slug(filepath.Base(filepath.Clean(src)))
	}
	im := &importer{src: src, dst: dst, opts: opts, files: map[string][]byte{}, testMax: map[float64][]string{},
		report: &Report{ID: opts.ID, Solutions: map[string]int{}}}
	if err := im.run(); err != nil {
		return nil, fmt.Errorf("import %s: %w", src, err)
	}
	if err := im.write(); err != nil {
		return nil, fmt.Errorf("import %s: %w", src, err)
	}
	return im.report, nil
}

func (im *importer) warn(format string, args ...any) {
	im.report.Warnings = append(im.report.Warnings, fmt.Sprintf(format, args...))
}

func (im *importer) run() error {
	var err error
	if im.problem, err = im.readProblem(); err != nil {
		return err
	}
	im.customScore = strings.HasPrefix(im.problem.validation, "custom") && strings.Contains(im.problem.validation, "score")
	title, err := im.title()
	if err != nil {
		return err
	}
	tests, groups, trees, err := im.testData()
	if err != nil {
		return err
	}
	im.statements(title, tests)
	flags, err := im.groupFlags(trees)
	if err != nil {
		return err
	}
	checker, err := im.checker(flags)
	if err != nil {
		return err
	}
	langs, err := im.submissions()
	if err != nil {
		return err
	}
	lim, err := im.limits()
	if err != nil {
		return err
	}
	spec := outSpec{
		ID: im.opts.ID, Title: title, Category: im.opts.Category, Kind: challenges.KindProgram,
		Points: im.opts.Points, Languages: langs, Limits: lim,
		Program: im.program(checker, groups),
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Imported from the Kattis package %q with `arena challenge import kattis`.\n", filepath.Base(filepath.Clean(im.src)))
	for _, kv := range im.problem.credits {
		fmt.Fprintf(&buf, "# %s: %s\n", kv[0], kv[1])
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(spec); err != nil {
		return fmt.Errorf("write challenge.yaml: %w", err)
	}
	im.files["challenge.yaml"] = buf.Bytes()
	im.report.Tests = len(tests)
	return nil
}

// program is the program section: checker, groups and the code and
// compilation limits.
func (im *importer) program(c outChecker, groups []outGroup) outProgram {
	p := outProgram{Checker: c, Groups: groups}
	l := im.problem.limits
	if l.codeKiB > 0 {
		p.SourceKB = im.clamp("limits.code", int64(math.Ceil(l.codeKiB)), 1, 10240, "KiB")
	}
	if l.compileS > 0 {
		p.Compile.TimeMS = im.clamp("limits.compilation_time", secondsToMS(l.compileS), 1, 120000, "ms")
	}
	if l.compileMiB > 0 {
		p.Compile.MemoryMB = im.clamp("limits.compilation_memory", int64(math.Ceil(l.compileMiB)), 64, 8192, "MiB")
	}
	return p
}

// problemNameFromStatement reads \problemname of the LaTeX statements.
func (im *importer) problemNameFromStatement() string {
	for _, dir := range []string{"problem_statement", "statement"} {
		for _, f := range []string{"problem.en.tex", "problem.tex"} {
			b, err := os.ReadFile(filepath.Join(im.src, dir, f))
			if err != nil {
				continue
			}
			if m := plainNameRE.FindSubmatch(b); m != nil {
				return strings.TrimSpace(string(m[1]))
			}
			if m := problemNameRE.FindSubmatch(b); m != nil {
				return strings.TrimSpace(string(m[1]))
			}
		}
	}
	return ""
}

// title reads the name of problem.yaml (a string, or a map by language),
// falling back to \problemname in the LaTeX statements.
func (im *importer) title() (outText, error) {
	var t outText
	if n := im.problem.name; n != nil {
		switch n.Kind {
		case yaml.ScalarNode:
			t.En = n.Value
		case yaml.MappingNode:
			var m map[string]string
			if err := n.Decode(&m); err != nil {
				return t, fmt.Errorf("problem.yaml: name: want a string or a mapping of language to name: %w", err)
			}
			for lang, v := range m {
				switch {
				case lang == "en":
					t.En = v
				case lang == "zh" || strings.HasPrefix(lang, "zh-"):
					t.Zh = v
				}
			}
		default:
			return t, fmt.Errorf("problem.yaml: name: line %d: want a string or a mapping of language to name", n.Line)
		}
	}
	if t.En == "" && t.Zh == "" {
		t.En = im.problemNameFromStatement()
	}
	if t.En == "" && t.Zh == "" {
		t.En = im.opts.ID
		im.warn("no problem name found: the title is the id %q", im.opts.ID)
	}
	return t, nil
}

// limits converts the package's limits: time (timeLimitMS), memory in MiB,
// output in MiB, each within what SkillArena allows.
func (im *importer) limits() (outLimits, error) {
	l := outLimits{MemoryMB: 1024, OutputKB: 8192}
	ms, err := im.timeLimitMS(im.problem.limits)
	if err != nil {
		return l, err
	}
	l.TimeMS = im.clamp("the time limit", ms, 1, 60000, "ms")
	if m := im.problem.limits.memoryMiB; m > 0 {
		l.MemoryMB = im.clamp("limits.memory", int64(math.Ceil(m)), 16, 8192, "MiB")
	}
	if o := im.problem.limits.outputMiB; o > 0 {
		l.OutputKB = im.clamp("limits.output", int64(math.Ceil(o*1024)), 1, 65536, "KiB")
	}
	return l, nil
}

// clamp keeps v within SkillArena's range for a limit, warning when it moves.
func (im *importer) clamp(what string, v, lo, hi int64, unit string) int64 {
	c := min(max(v, lo), hi)
	if c != v {
		im.warn("%s: %d %s is outside SkillArena's %d..%d: using %d", what, v, unit, lo, hi, c)
	}
	return c
}

// write builds the package beside dst, loads it, and moves it into place.
func (im *importer) write() error {
	if entries, err := os.ReadDir(im.dst); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s exists and is not empty", im.dst)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent := filepath.Dir(filepath.Clean(im.dst))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(parent, ".import-"+filepath.Base(im.dst)+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage) // gone once renamed; the leftovers of a failure otherwise
	names := make([]string, 0, len(im.files))
	for n := range im.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(stage, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, im.files[n], 0o644); err != nil {
			return err
		}
	}
	if _, err := challenges.Load(os.DirFS(stage)); err != nil {
		return fmt.Errorf("the converted package does not load: %w", err)
	}
	if err := os.Chmod(stage, 0o755); err != nil {
		return err
	}
	// rename(2) replaces an empty directory, so an empty dst is fine.
	if err := os.Rename(stage, im.dst); err != nil {
		return fmt.Errorf("move the package into place: %w", err)
	}
	return nil
}

// outSpec is the challenge.yaml written.
type outSpec struct {
	ID        string     `yaml:"id"`
	Title     outText    `yaml:"title"`
	Category  string     `yaml:"category"`
	Kind      string     `yaml:"kind"`
	Points    float64    `yaml:"points"`
	Languages []string   `yaml:"languages,flow"`
	Limits    outLimits  `yaml:"limits"`
	Program   outProgram `yaml:"program"`
}

type outText struct {
	Zh string `yaml:"zh,omitempty"`
	En string `yaml:"en,omitempty"`
}

type outLimits struct {
	TimeMS   int64 `yaml:"time_ms"`
	MemoryMB int64 `yaml:"memory_mb"`
	OutputKB int64 `yaml:"output_kb"`
}

type outProgram struct {
	Checker  outChecker `yaml:"checker"`
	Compile  outCompile `yaml:"compile,omitempty"`
	Groups   []outGroup `yaml:"groups,omitempty"`
	SourceKB int64      `yaml:"source_kb,omitempty"`
}

type outCompile struct {
	TimeMS   int64 `yaml:"time_ms,omitempty"`
	MemoryMB int64 `yaml:"memory_mb,omitempty"`
}

// outChecker is program.checker, written as a bare name when it has no options.
type outChecker struct {
	Type          string   `yaml:"type"`
	CaseSensitive *bool    `yaml:"case_sensitive,omitempty"`
	AbsTolerance  *float64 `yaml:"abs_tolerance,omitempty"`
	RelTolerance  *float64 `yaml:"rel_tolerance,omitempty"`
	Source        string   `yaml:"source,omitempty"`
	Args          []string `yaml:"args,omitempty,flow"`
	TimeMS        int64    `yaml:"time_ms,omitempty"`
	MemoryMB      int64    `yaml:"memory_mb,omitempty"`
	ScoreMax      float64  `yaml:"score_max,omitempty"`
}

// MarshalYAML writes a checker without options as its name.
func (c outChecker) MarshalYAML() (any, error) {
	if c.CaseSensitive == nil && c.AbsTolerance == nil && c.RelTolerance == nil && c.Source == "" && len(c.Args) == 0 {
		return c.Type, nil
	}
	type plain outChecker
	return plain(c), nil
}

type outGroup struct {
	Name    string   `yaml:"name"`
	Points  float64  `yaml:"points"`
	Tests   []string `yaml:"tests,flow"`
	Scoring string   `yaml:"scoring"`
}

var (
	problemNameRE = regexp.MustCompile(`\\problemname\{([^}]*)\}`)
	plainNameRE   = regexp.MustCompile(`(?m)^%%\s*plainproblemname:\s*(.+)$`)
	iniTimeRE     = regexp.MustCompile(`(?m)^\s*timelimit\s*=\s*'?"?([0-9.]+)`)
	nonSlugRE     = regexp.MustCompile(`[^a-z0-9-]+`)
	nonNameRE     = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)
)

// slug makes a challenge id of s.
func slug(s string) string {
	s = strings.Trim(nonSlugRE.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		s = "imported"
	}
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	return s
}

// slugName makes a test or group name of s.
func slugName(s string) string {
	s = strings.Trim(nonNameRE.ReplaceAllString(s, "_"), "_.")
	if s == "" {
		s = "t"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
