// Package challenges reads challenge packages: challenge.yaml, statements,
// attachments, hidden tests and reference solutions. A package is loaded whole
// or refused whole; every problem is reported as "file: field: what is wrong".
package challenges

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Kinds of grader. Each kind's own challenge.yaml section, and what it
// loads from the package, lives in kind_<name>.go.
const (
	KindProgram     = "program"
	KindPredictions = "predictions"
	KindSQL         = "sql"
	KindEVM         = "evm"
	KindCustom      = "custom"
)

// kindLoader validates a kind's section of challenge.yaml and loads what the
// kind needs from the package into pkg; problems go into probs.
type kindLoader func(fsys fs.FS, pkg *Package, probs *Problems)

// kinds lists the supported kinds. A kind not listed here is refused.
var kinds = map[string]kindLoader{
	KindProgram:     loadProgram,
	KindPredictions: loadPredictions,
	KindSQL:         loadSQL,
	KindCustom:      loadCustom,
	KindEVM:         loadEVM,
}

// Categories a challenge may belong to.
var categories = map[string]bool{"blockchain": true, "ai": true, "data": true, "general": true}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Text is a string in Chinese and English; either may be empty but not both.
type Text struct {
	Zh string `yaml:"zh" json:"zh,omitempty"`
	En string `yaml:"en" json:"en,omitempty"`
}

// In returns the text in lang ("zh" or "en"), falling back to the other.
func (t Text) In(lang string) string {
	if lang == "en" && t.En != "" || t.Zh == "" {
		return t.En
	}
	return t.Zh
}

// Limits bound each run of a contestant's program.
type Limits struct {
	TimeMS   int64 `yaml:"time_ms" json:"time_ms"`
	MemoryMB int64 `yaml:"memory_mb" json:"memory_mb"`
	OutputKB int64 `yaml:"output_kb" json:"output_kb"`
}

// Spec is challenge.yaml.
type Spec struct {
	ID        string   `yaml:"id"`
	Title     Text     `yaml:"title"`
	Category  string   `yaml:"category"`
	Kind      string   `yaml:"kind"`
	Points    float64  `yaml:"points"`
	Languages []string `yaml:"languages"`
	Limits    Limits   `yaml:"limits"`
	// Checker is the older spelling of program.checker (a name only).
	Checker string `yaml:"checker"`

	// One section per kind; only the challenge's own kind's section is read.
	Program     *ProgramSpec     `yaml:"program,omitempty"`
	Predictions *PredictionsSpec `yaml:"predictions,omitempty"`
	SQL         *SQLSpec         `yaml:"sql,omitempty"`
	EVM         *EVMSpec         `yaml:"evm,omitempty"`
	Custom      *CustomSpec      `yaml:"custom,omitempty"`
}

// Default limits when challenge.yaml leaves them out.
var defaultLimits = Limits{TimeMS: 2000, MemoryMB: 256, OutputKB: 1024}

// TestCase is one hidden test: input fed on stdin and the expected answer.
type TestCase struct {
	Name   string
	Input  []byte
	Answer []byte
}

// Package is a loaded, validated challenge package.
type Package struct {
	Spec Spec
	// Statements maps a language ("zh", "en") to Markdown.
	Statements map[string]string
	Tests      []TestCase
	// Solutions maps an expected outcome to the reference files under it.
	Solutions map[string][]string
	FS        fs.FS
}

// Problems collects every problem found while loading a package.
type Problems []string

func (p Problems) Error() string { return strings.Join(p, "\n") }

func (p *Problems) add(file, field, format string, args ...any) {
	*p = append(*p, fmt.Sprintf("%s: %s: %s", file, field, fmt.Sprintf(format, args...)))
}

// Load reads and validates the package rooted at fsys.
func Load(fsys fs.FS) (*Package, error) {
	var probs Problems
	raw, err := fs.ReadFile(fsys, "challenge.yaml")
	if err != nil {
		return nil, fmt.Errorf("challenge.yaml: %w", err)
	}
	spec := Spec{Limits: defaultLimits}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil {
		return nil, fmt.Errorf("challenge.yaml: %w", err)
	}
	validateSpec(&spec, &probs)

	pkg := &Package{Spec: spec, Statements: map[string]string{}, Solutions: map[string][]string{}, FS: fsys}
	for _, name := range []struct{ file, lang string }{
		{"statement.md", "zh"}, {"statement.zh.md", "zh"}, {"statement.en.md", "en"},
	} {
		if b, err := fs.ReadFile(fsys, name.file); err == nil {
			pkg.Statements[name.lang] = string(b)
		}
	}
	if len(pkg.Statements) == 0 {
		probs.add("statement.md", "statement", "missing: add statement.md or statement.zh.md / statement.en.md")
	}
	if load, ok := kinds[spec.Kind]; ok {
		load(fsys, pkg, &probs)
	}
	if sols, err := fs.ReadDir(fsys, "solutions"); err == nil {
		for _, d := range sols {
			if !d.IsDir() {
				continue
			}
			files, _ := fs.ReadDir(fsys, path.Join("solutions", d.Name()))
			for _, f := range files {
				if !f.IsDir() {
					pkg.Solutions[d.Name()] = append(pkg.Solutions[d.Name()], path.Join("solutions", d.Name(), f.Name()))
				}
			}
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return pkg, nil
}

func validateSpec(s *Spec, probs *Problems) {
	const f = "challenge.yaml"
	if !slugRE.MatchString(s.ID) {
		probs.add(f, "id", "%q is not a slug (lower-case letters, digits, hyphens)", s.ID)
	}
	if s.Title.Zh == "" && s.Title.En == "" {
		probs.add(f, "title", "give title.zh and/or title.en")
	}
	if !categories[s.Category] {
		probs.add(f, "category", "%q is not one of blockchain, ai, data, general (warm-ups, practice)", s.Category)
	}
	if _, ok := kinds[s.Kind]; !ok {
		probs.add(f, "kind", "%q is not a supported kind (supported: %s)", s.Kind, strings.Join(kindNames(), ", "))
	}
	if s.Points <= 0 {
		probs.add(f, "points", "must be positive, got %v", s.Points)
	}
	if len(s.Languages) == 0 {
		probs.add(f, "languages", "list at least one language")
	}
	if s.Limits.TimeMS <= 0 || s.Limits.TimeMS > 60000 {
		probs.add(f, "limits.time_ms", "must be in 1..60000, got %d", s.Limits.TimeMS)
	}
	if s.Limits.MemoryMB < 16 || s.Limits.MemoryMB > 8192 {
		probs.add(f, "limits.memory_mb", "must be in 16..8192, got %d", s.Limits.MemoryMB)
	}
	if s.Limits.OutputKB <= 0 || s.Limits.OutputKB > 65536 {
		probs.add(f, "limits.output_kb", "must be in 1..65536, got %d", s.Limits.OutputKB)
	}
	if s.Checker != "" && s.Kind != KindProgram {
		probs.add(f, "checker", "only program challenges have a checker")
	}
}

func kindNames() []string {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// loadTests pairs hidden/tests/NAME.in with NAME.ans.
func loadTests(fsys fs.FS, probs *Problems) []TestCase {
	const dir = "hidden/tests"
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		probs.add(dir, "tests", "missing: put NAME.in and NAME.ans files here")
		return nil
	}
	var tests []TestCase
	names := map[string]bool{}
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".in"); ok {
			names[n] = true
		} else if n, ok := strings.CutSuffix(e.Name(), ".ans"); ok && !names[n] {
			if _, err := fs.Stat(fsys, path.Join(dir, n+".in")); errors.Is(err, fs.ErrNotExist) {
				probs.add(path.Join(dir, e.Name()), "input", "no matching %s.in", n)
			}
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		in, _ := fs.ReadFile(fsys, path.Join(dir, n+".in"))
		ans, err := fs.ReadFile(fsys, path.Join(dir, n+".ans"))
		if err != nil {
			probs.add(path.Join(dir, n+".in"), "answer", "no matching %s.ans", n)
			continue
		}
		tests = append(tests, TestCase{Name: n, Input: in, Answer: ans})
	}
	if len(tests) == 0 && len(*probs) == 0 {
		probs.add(dir, "tests", "no tests found")
	}
	return tests
}
