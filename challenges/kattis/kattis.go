// Package kattis converts a Kattis / ICPC problem package into a SkillArena
// `program` challenge package: problem.yaml, the statement
// (problem_statement/ or statement/, LaTeX or Markdown), data/sample and
// data/secret (with test groups for scoring problems), the default output
// validator's flags or a custom output validator, and the example
// submissions, which become reference solutions.
package kattis

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/skillarena/arena/challenges"
	recipes "github.com/skillarena/arena/deploy/images"
)

// Options tune an import.
type Options struct {
	// ID is the challenge id. Default: the source directory's name, made a slug.
	ID string
	// Category is blockchain, ai or data. Default data.
	Category string
	// Points the challenge is worth. Default 100.
	Points float64
	// TimeMS overrides the time limit. Default: the package's
	// (limits.time_limit, .timelimit, domjudge-problem.ini), else 2000.
	TimeMS int64
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

// submissionDirs maps Kattis submission folders to expected outcomes.
var submissionDirs = map[string]string{
	"accepted":            "accepted",
	"wrong_answer":        "wrong_answer",
	"time_limit_exceeded": "time_limit",
	"run_time_error":      "runtime_error",
}

// problemYAML is what is read of problem.yaml (legacy and 2023-07 formats).
type problemYAML struct {
	Name           yaml.Node `yaml:"name"`
	Type           yaml.Node `yaml:"type"`
	Validation     string    `yaml:"validation"`
	ValidatorFlags string    `yaml:"validator_flags"`
	Author         string    `yaml:"author"`
	Source         string    `yaml:"source"`
	License        string    `yaml:"license"`
	Limits         struct {
		TimeLimit float64 `yaml:"time_limit"`
		Memory    int64   `yaml:"memory"`
		Output    int64   `yaml:"output"`
	} `yaml:"limits"`
	// 2023-07 format: validation is under output_validator_flags / type.
	OutputValidatorFlags string `yaml:"output_validator_flags"`
}

// testdataYAML is a test group's testdata.yaml.
type testdataYAML struct {
	AcceptScore *float64 `yaml:"accept_score"`
	Range       string   `yaml:"range"`
	GraderFlags string   `yaml:"grader_flags"`
	OnReject    string   `yaml:"on_reject"`
}

type importer struct {
	src, dst string
	opts     Options
	report   *Report
	problem  problemYAML
	scoring  bool
	files    map[string][]byte // package path -> content
}

// Import converts the Kattis package in src into a new challenge package
// in dst, which must not exist or be empty. The result is loaded with
// challenges.Load before Import returns; when anything fails, dst is
// removed again.
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
	im := &importer{src: src, dst: dst, opts: opts, files: map[string][]byte{},
		report: &Report{ID: opts.ID, Solutions: map[string]int{}}}
	if err := im.run(); err != nil {
		return nil, fmt.Errorf("import %s: %w", src, err)
	}
	if err := im.write(); err != nil {
		return nil, fmt.Errorf("import %s: %w", src, err)
	}
	if _, err := challenges.Load(os.DirFS(dst)); err != nil {
		os.RemoveAll(dst)
		return nil, fmt.Errorf("import %s: the converted package does not load: %w", src, err)
	}
	return im.report, nil
}

func (im *importer) warn(format string, args ...any) {
	im.report.Warnings = append(im.report.Warnings, fmt.Sprintf(format, args...))
}

func (im *importer) run() error {
	raw, err := os.ReadFile(filepath.Join(im.src, "problem.yaml"))
	if err != nil {
		return fmt.Errorf("problem.yaml: %w", err)
	}
	if err := yaml.Unmarshal(raw, &im.problem); err != nil {
		return fmt.Errorf("problem.yaml: %w", err)
	}
	im.scoring = im.problemType() == "scoring"
	title, err := im.title()
	if err != nil {
		return err
	}
	tests, groups, err := im.tests()
	if err != nil {
		return err
	}
	statements, err := im.statements(title, tests)
	if err != nil {
		return err
	}
	if len(statements) == 0 {
		return errors.New("no statement found under problem_statement/ or statement/")
	}
	checker, err := im.checker()
	if err != nil {
		return err
	}
	langs, err := im.submissions()
	if err != nil {
		return err
	}
	spec := outSpec{
		ID: im.opts.ID, Title: title, Category: im.opts.Category, Kind: challenges.KindProgram,
		Points: im.opts.Points, Languages: langs, Limits: im.limits(),
		Program: outProgram{Checker: checker, Groups: groups},
	}
	spec.Points = groupsTotal(groups, im.opts.Points)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Imported from the Kattis package %q with `arena challenge import kattis`.\n", filepath.Base(filepath.Clean(im.src)))
	for _, kv := range [][2]string{{"author", im.problem.Author}, {"source", im.problem.Source}, {"license", im.problem.License}} {
		if kv[1] != "" {
			fmt.Fprintf(&buf, "# %s: %s\n", kv[0], oneLine(kv[1]))
		}
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

// problemType is pass-fail or scoring.
func (im *importer) problemType() string {
	n := im.problem.Type
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Value == "scoring" {
				return "scoring"
			}
		}
	}
	if strings.Contains(im.problem.Validation, "score") {
		return "scoring"
	}
	return "pass-fail"
}

// title reads the name of problem.yaml (a string, or a map by language),
// falling back to \problemname in the LaTeX statements.
func (im *importer) title() (outText, error) {
	var t outText
	n := im.problem.Name
	switch n.Kind {
	case yaml.ScalarNode:
		t.En = n.Value
	case yaml.MappingNode:
		var m map[string]string
		if err := n.Decode(&m); err != nil {
			return t, fmt.Errorf("problem.yaml: name: %w", err)
		}
		for lang, v := range m {
			switch {
			case lang == "en":
				t.En = v
			case strings.HasPrefix(lang, "zh"):
				t.Zh = v
			}
		}
	}
	if t.En == "" && t.Zh == "" {
		for _, dir := range []string{"problem_statement", "statement"} {
			for _, f := range []string{"problem.en.tex", "problem.tex"} {
				if b, err := os.ReadFile(filepath.Join(im.src, dir, f)); err == nil {
					if m := problemNameRE.FindSubmatch(b); m != nil {
						t.En = string(m[1])
					}
				}
			}
		}
	}
	if t.En == "" && t.Zh == "" {
		t.En = im.opts.ID
		im.warn("no problem name found: the title is the id %q", im.opts.ID)
	}
	return t, nil
}

// limits converts the package's limits.
func (im *importer) limits() outLimits {
	l := outLimits{TimeMS: 2000, MemoryMB: 1024, OutputKB: 8192}
	switch {
	case im.opts.TimeMS > 0:
		l.TimeMS = im.opts.TimeMS
	case im.problem.Limits.TimeLimit > 0:
		l.TimeMS = int64(math.Ceil(im.problem.Limits.TimeLimit * 1000))
	default:
		if b, err := os.ReadFile(filepath.Join(im.src, ".timelimit")); err == nil {
			if v, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64); err == nil && v > 0 {
				l.TimeMS = int64(math.Ceil(v * 1000))
			}
		} else if b, err := os.ReadFile(filepath.Join(im.src, "domjudge-problem.ini")); err == nil {
			if m := iniTimeRE.FindSubmatch(b); m != nil {
				if v, err := strconv.ParseFloat(string(m[1]), 64); err == nil && v > 0 {
					l.TimeMS = int64(math.Ceil(v * 1000))
				}
			}
		} else {
			im.warn("no time limit in the package (.timelimit, domjudge-problem.ini or limits.time_limit): using %d ms", l.TimeMS)
		}
	}
	l.TimeMS = min(max(l.TimeMS, 1), 60000)
	if m := im.problem.Limits.Memory; m > 0 {
		l.MemoryMB = min(max(m, 16), 8192)
	}
	if o := im.problem.Limits.Output; o > 0 {
		l.OutputKB = min(max(o<<10, 1), 65536)
	}
	return l
}

// tests copies data/sample and data/secret into hidden/tests (samples also
// into attachments/samples) and makes the groups: for pass-fail problems
// none (all or nothing on every test, as Kattis judges them); for scoring
// problems a 0-point samples group and one group per secret subgroup.
func (im *importer) tests() ([]string, []outGroup, error) {
	var names []string
	type group struct {
		name  string
		tests []string
		meta  testdataYAML
	}
	var groups []group
	add := func(dir, prefix string) ([]string, error) {
		ins, err := filepath.Glob(filepath.Join(im.src, dir, "*.in"))
		if err != nil {
			return nil, err
		}
		sort.Strings(ins)
		var got []string
		for _, in := range ins {
			base := strings.TrimSuffix(filepath.Base(in), ".in")
			ansPath := strings.TrimSuffix(in, ".in") + ".ans"
			ans, err := os.ReadFile(ansPath)
			if err != nil {
				im.warn("%s/%s.in has no .ans: left out", dir, base)
				continue
			}
			input, err := os.ReadFile(in)
			if err != nil {
				return nil, err
			}
			name := prefix + "-" + slugName(base)
			im.files["hidden/tests/"+name+".in"] = input
			im.files["hidden/tests/"+name+".ans"] = ans
			if prefix == "sample" {
				im.files["attachments/samples/"+slugName(base)+".in"] = input
				im.files["attachments/samples/"+slugName(base)+".ans"] = ans
			}
			got = append(got, name)
		}
		return got, nil
	}
	readMeta := func(dir string) testdataYAML {
		var m testdataYAML
		if b, err := os.ReadFile(filepath.Join(im.src, dir, "testdata.yaml")); err == nil {
			if err := yaml.Unmarshal(b, &m); err != nil {
				im.warn("%s/testdata.yaml: %v", dir, err)
			}
		}
		return m
	}

	samples, err := add("data/sample", "sample")
	if err != nil {
		return nil, nil, err
	}
	names = append(names, samples...)
	if len(samples) > 0 {
		groups = append(groups, group{name: "samples", tests: samples})
	}
	secret, err := add("data/secret", "secret")
	if err != nil {
		return nil, nil, err
	}
	if len(secret) > 0 {
		groups = append(groups, group{name: "secret", tests: secret, meta: readMeta("data/secret")})
	}
	names = append(names, secret...)
	subs, _ := os.ReadDir(filepath.Join(im.src, "data", "secret"))
	for _, d := range subs {
		if !d.IsDir() {
			continue
		}
		dir := "data/secret/" + d.Name()
		got, err := add(dir, "secret-"+slugName(d.Name()))
		if err != nil {
			return nil, nil, err
		}
		if len(got) == 0 {
			continue
		}
		if nested, _ := filepath.Glob(filepath.Join(im.src, dir, "*", "*.in")); len(nested) > 0 {
			im.warn("%s: nested groups are flattened into group %s", dir, d.Name())
			for _, n := range nested {
				rel, _ := filepath.Rel(filepath.Join(im.src, "data", "secret"), filepath.Dir(n))
				more, err := add("data/secret/"+filepath.ToSlash(rel), "secret-"+slugName(strings.ReplaceAll(rel, string(filepath.Separator), "-")))
				if err != nil {
					return nil, nil, err
				}
				got = append(got, more...)
			}
			got = dedupe(got)
		}
		groups = append(groups, group{name: slugName(d.Name()), tests: got, meta: readMeta(dir)})
		names = append(names, got...)
	}
	if len(secret) == 0 && len(groups) <= 1 {
		return nil, nil, errors.New("no secret tests: data/secret has no NAME.in / NAME.ans pairs")
	}
	if !im.scoring {
		return names, nil, nil
	}

	// Scoring: the points of each secret group from its testdata.yaml,
	// the rest split evenly over the groups that give none.
	var out []outGroup
	var given float64
	var unknown int
	for _, g := range groups {
		og := outGroup{Name: g.name, Tests: g.tests, Scoring: challenges.ScoringSum}
		if g.name == "samples" {
			og.Scoring = challenges.ScoringMin
			out = append(out, og)
			continue
		}
		if strings.Contains(g.meta.GraderFlags, "min") || g.meta.OnReject == "break" {
			og.Scoring = challenges.ScoringMin
		}
		if p, ok := g.meta.points(); ok {
			og.Points = &p
			given += p
		} else {
			unknown++
		}
		out = append(out, og)
	}
	if unknown > 0 {
		rest := (im.opts.Points - given) / float64(unknown)
		if rest < 0 {
			rest = 0
		}
		for i := range out {
			if out[i].Points == nil && out[i].Name != "samples" {
				p := math.Round(rest*1000) / 1000
				out[i].Points = &p
			}
		}
	}
	for i := range out {
		if out[i].Points == nil {
			zero := 0.0
			out[i].Points = &zero
		}
	}
	return names, out, nil
}

// points reads a group's worth: accept_score, else the top of range.
func (m testdataYAML) points() (float64, bool) {
	if m.AcceptScore != nil {
		return *m.AcceptScore, true
	}
	if f := strings.Fields(m.Range); len(f) == 2 {
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			return v, true
		}
	}
	return 0, false
}

// checker maps the validation: the default validator's flags to a
// built-in checker, a custom output validator to a custom checker.
func (im *importer) checker() (outChecker, error) {
	flags := strings.Fields(im.problem.ValidatorFlags + " " + im.problem.OutputValidatorFlags)
	custom := strings.HasPrefix(strings.TrimSpace(im.problem.Validation), "custom")
	dirs, _ := filepath.Glob(filepath.Join(im.src, "output_validators", "*"))
	if fi, err := os.Stat(filepath.Join(im.src, "output_validator")); err == nil && fi.IsDir() {
		dirs = append(dirs, filepath.Join(im.src, "output_validator"))
		custom = true
	}
	if !custom {
		return defaultValidator(flags, im.warn)
	}
	var vdirs []string
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			vdirs = append(vdirs, d)
		}
	}
	if len(vdirs) != 1 {
		return outChecker{}, fmt.Errorf("custom validation needs exactly one output validator directory, found %d", len(vdirs))
	}
	langs, err := recipes.Languages()
	if err != nil {
		return outChecker{}, err
	}
	dir := vdirs[0]
	var sources []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		im.files["checker/"+filepath.ToSlash(rel)] = data
		if _, ok := recipes.ForFile(langs, p); ok && filepath.Dir(rel) == "." {
			sources = append(sources, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return outChecker{}, fmt.Errorf("output validator: %w", err)
	}
	if len(sources) != 1 {
		return outChecker{}, fmt.Errorf("output validator %s: need exactly one source file in a known language at its top, found %v", filepath.Base(dir), sources)
	}
	c := outChecker{Type: challenges.CheckCustom, Source: "checker/" + sources[0], Args: flags}
	if im.scoring && strings.Contains(im.problem.Validation, "score") {
		im.warn("the validator's score.txt is read as a fraction of each test (score_max 1): check program.checker.score_max")
	}
	return c, nil
}

// defaultValidator maps the Kattis default validator's flags: tokens,
// case-insensitive unless case_sensitive; floats with float_tolerance,
// float_absolute_tolerance, float_relative_tolerance; exact lines with
// space_change_sensitive.
func defaultValidator(flags []string, warn func(string, ...any)) (outChecker, error) {
	c := outChecker{Type: challenges.CheckTokens}
	caseSensitive, space := false, false
	for i := 0; i < len(flags); i++ {
		num := func() (*float64, error) {
			if i+1 >= len(flags) {
				return nil, fmt.Errorf("validator flag %s needs a value", flags[i])
			}
			i++
			v, err := strconv.ParseFloat(flags[i], 64)
			if err != nil {
				return nil, fmt.Errorf("validator flag %s: %w", flags[i-1], err)
			}
			return &v, nil
		}
		var err error
		switch flags[i] {
		case "case_sensitive":
			caseSensitive = true
		case "space_change_sensitive":
			space = true
		case "float_tolerance":
			var v *float64
			v, err = num()
			c.AbsTolerance, c.RelTolerance = v, v
		case "float_absolute_tolerance":
			c.AbsTolerance, err = num()
		case "float_relative_tolerance":
			c.RelTolerance, err = num()
		default:
			warn("validator flag %q is not supported: ignored", flags[i])
		}
		if err != nil {
			return outChecker{}, err
		}
	}
	switch {
	case c.AbsTolerance != nil || c.RelTolerance != nil:
		c.Type = challenges.CheckFloats
		if space {
			warn("space_change_sensitive together with float tolerances: spacing is not checked")
		}
	case space:
		if !caseSensitive {
			warn("space_change_sensitive without case_sensitive: the exact checker compares case too")
		}
		return outChecker{Type: challenges.CheckExact}, nil
	}
	if !caseSensitive {
		no := false
		c.CaseSensitive = &no
	}
	return c, nil
}

// submissions copies single-file example submissions in known languages
// into solutions/<expected>/ and returns the challenge's languages.
func (im *importer) submissions() ([]string, error) {
	langs, err := recipes.Languages()
	if err != nil {
		return nil, err
	}
	kinds, _ := os.ReadDir(filepath.Join(im.src, "submissions"))
	for _, k := range kinds {
		if !k.IsDir() {
			continue
		}
		expected, ok := submissionDirs[k.Name()]
		if !ok {
			im.warn("submissions/%s: no SkillArena outcome for this folder: left out", k.Name())
			continue
		}
		entries, err := os.ReadDir(filepath.Join(im.src, "submissions", k.Name()))
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			rel := "submissions/" + k.Name() + "/" + e.Name()
			if e.IsDir() {
				im.warn("%s: multi-file submissions are not supported: left out", rel)
				continue
			}
			if _, ok := recipes.ForFile(langs, e.Name()); !ok {
				im.warn("%s: no SkillArena language for %q files: left out", rel, path.Ext(e.Name()))
				continue
			}
			data, err := os.ReadFile(filepath.Join(im.src, filepath.FromSlash(rel)))
			if err != nil {
				return nil, err
			}
			im.files["solutions/"+expected+"/"+e.Name()] = data
			im.report.Solutions[expected]++
		}
	}
	if im.report.Solutions["accepted"] == 0 {
		im.warn("no accepted submission to verify the package with")
	}
	ids := make([]string, 0, len(langs))
	for id := range langs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// write creates dst with every file.
func (im *importer) write() error {
	if entries, err := os.ReadDir(im.dst); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s exists and is not empty", im.dst)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	names := make([]string, 0, len(im.files))
	for n := range im.files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(im.dst, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			os.RemoveAll(im.dst)
			return err
		}
		if err := os.WriteFile(p, im.files[n], 0o644); err != nil {
			os.RemoveAll(im.dst)
			return err
		}
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
	Checker outChecker `yaml:"checker"`
	Groups  []outGroup `yaml:"groups,omitempty"`
}

// outChecker is program.checker, written as a bare name when it has no options.
type outChecker struct {
	Type          string   `yaml:"type"`
	CaseSensitive *bool    `yaml:"case_sensitive,omitempty"`
	AbsTolerance  *float64 `yaml:"abs_tolerance,omitempty"`
	RelTolerance  *float64 `yaml:"rel_tolerance,omitempty"`
	Source        string   `yaml:"source,omitempty"`
	Args          []string `yaml:"args,omitempty,flow"`
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
	Points  *float64 `yaml:"points"`
	Tests   []string `yaml:"tests,flow"`
	Scoring string   `yaml:"scoring"`
}

// groupsTotal is what the groups are worth together, or def without groups.
func groupsTotal(groups []outGroup, def float64) float64 {
	if len(groups) == 0 {
		return def
	}
	var t float64
	for _, g := range groups {
		t += *g.Points
	}
	if t <= 0 {
		return def
	}
	return t
}

var (
	problemNameRE = regexp.MustCompile(`\\problemname\{([^}]*)\}`)
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

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
