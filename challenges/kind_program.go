package challenges

import (
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	recipes "github.com/skillarena/arena/deploy/images"
)

// ProgramSpec is the `program:` section: compiled or interpreted code run on
// test cases (stdin to stdout), each output judged by a checker, test groups
// carrying the points. Every field is optional; see challenges/README.md.
type ProgramSpec struct {
	// Checker judges each output. Default: exact (or the top-level
	// `checker:` name, kept for older packages).
	Checker *CheckerSpec `yaml:"checker"`
	// Compile bounds the compile step of compiled languages.
	Compile CompileLimits `yaml:"compile"`
	// Groups carry the points. Default: one group "all" of every test,
	// all or nothing, worth the challenge's points.
	Groups []Group `yaml:"groups"`
	// Files are package files (usually under attachments/) copied into the
	// work directory, next to the submission, under their base names: the
	// training data of an AI task, say. Files under hidden/ are refused.
	Files []string `yaml:"files"`
	// SourceKB caps the size of a submitted source file. Default 256.
	SourceKB int64 `yaml:"source_kb"`
	// JuryAnswers lets the jury see each failed test's expected answer
	// beside the program's output on the submission page. Default true, as
	// a jury expects; false keeps the answers from the judges too.
	JuryAnswers *bool `yaml:"jury_answers"`

	// FileData are the Files, loaded.
	FileData []PackageFile `yaml:"-"`
}

// ShowsJuryAnswers reports whether the jury may see the tests' answers.
func (p *ProgramSpec) ShowsJuryAnswers() bool { return p.JuryAnswers == nil || *p.JuryAnswers }

// CompileLimits bound the compile step.
type CompileLimits struct {
	// TimeMS is the compiler's CPU time limit. Default 30000.
	TimeMS int64 `yaml:"time_ms"`
	// MemoryMB is the compiler's memory limit. Default 512.
	MemoryMB int64 `yaml:"memory_mb"`
}

// Group is a set of tests worth points together.
type Group struct {
	// Name names the group in results. Required.
	Name string `yaml:"name"`
	// Points the group is worth (may be 0, e.g. for samples).
	Points float64 `yaml:"points"`
	// Tests are test names or glob patterns (path.Match) over the names of
	// hidden/tests/NAME.in. Required.
	Tests Patterns `yaml:"tests"`
	// Scoring is min (all or nothing: the points times the lowest test
	// score) or sum (the points times the mean test score). Default min.
	Scoring string `yaml:"scoring"`

	// Indexes are the group's tests, as indexes into Package.Tests.
	Indexes []int `yaml:"-"`
}

// Scoring rules of a group.
const (
	ScoringMin = "min"
	ScoringSum = "sum"
)

// Defaults of the program section.
const (
	DefaultCompileTimeMS   = 30_000
	DefaultCompileMemoryMB = 512
	DefaultSourceKB        = 256
)

// Patterns is a list of test names or globs; YAML may give one as a string.
type Patterns []string

// UnmarshalYAML accepts a single string or a list of strings.
func (p *Patterns) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*p = Patterns{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*p = list
	return nil
}

var groupNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)

func loadProgram(fsys fs.FS, pkg *Package, probs *Problems) {
	const f = "challenge.yaml"
	spec := &pkg.Spec
	if spec.Program == nil {
		spec.Program = &ProgramSpec{}
	}
	p := spec.Program

	langs, err := recipes.Languages()
	if err != nil {
		probs.add(f, "languages", "the language table cannot be read: %v", err)
		return
	}
	for i, l := range spec.Languages {
		if _, ok := langs[l]; !ok {
			probs.add(f, fmt.Sprintf("languages[%d]", i), "%q is not a known language (known: %s)", l, strings.Join(languageIDs(langs), ", "))
		}
	}

	switch {
	case p.Checker != nil && spec.Checker != "":
		probs.add(f, "checker", "give the checker once: as program.checker (the top-level checker is the older spelling)")
	case p.Checker == nil:
		p.Checker = &CheckerSpec{Type: spec.Checker}
	}
	if p.Checker.Type == "" {
		p.Checker.Type = CheckExact
	}
	loadChecker(fsys, p.Checker, langs, probs)

	if p.Compile.TimeMS == 0 {
		p.Compile.TimeMS = DefaultCompileTimeMS
	}
	if p.Compile.MemoryMB == 0 {
		p.Compile.MemoryMB = DefaultCompileMemoryMB
	}
	if p.Compile.TimeMS < 1 || p.Compile.TimeMS > 120_000 {
		probs.add(f, "program.compile.time_ms", "must be in 1..120000, got %d", p.Compile.TimeMS)
	}
	if p.Compile.MemoryMB < 64 || p.Compile.MemoryMB > 8192 {
		probs.add(f, "program.compile.memory_mb", "must be in 64..8192, got %d", p.Compile.MemoryMB)
	}
	if p.SourceKB == 0 {
		p.SourceKB = DefaultSourceKB
	}
	if p.SourceKB < 1 || p.SourceKB > 10240 {
		probs.add(f, "program.source_kb", "must be in 1..10240, got %d", p.SourceKB)
	}

	loadWorkFiles(fsys, p, spec.Languages, langs, probs)
	pkg.Tests = loadTests(fsys, probs)
	loadGroups(spec, pkg.Tests, probs)
}

// loadChecker validates the checker section and loads a custom checker's files.
func loadChecker(fsys fs.FS, c *CheckerSpec, langs map[string]recipes.ImageLanguage, probs *Problems) {
	const f = "challenge.yaml"
	builtin := c.Type == CheckExact || c.Type == CheckTokens || c.Type == CheckFloats
	if !builtin && c.Type != CheckCustom {
		probs.add(f, "program.checker.type", "%q is not one of exact, tokens, floats, custom", c.Type)
		return
	}
	if c.CaseSensitive != nil && c.Type != CheckTokens && c.Type != CheckFloats {
		probs.add(f, "program.checker.case_sensitive", "only the tokens and floats checkers take it")
	}
	if c.AbsTolerance != nil || c.RelTolerance != nil {
		if c.Type != CheckFloats {
			probs.add(f, "program.checker.abs_tolerance", "tolerances are for the floats checker")
		}
		abs, rel := c.Tolerances()
		if abs < 0 || rel < 0 || math.IsNaN(abs) || math.IsNaN(rel) {
			probs.add(f, "program.checker.abs_tolerance", "tolerances must not be negative (got %v and %v)", abs, rel)
		} else if abs == 0 && rel == 0 {
			probs.add(f, "program.checker.abs_tolerance", "give a positive abs_tolerance or rel_tolerance (or use the tokens checker)")
		}
	}
	if builtin {
		if c.Source != "" || c.Language != "" || len(c.Args) > 0 || c.TimeMS != 0 || c.MemoryMB != 0 || c.ScoreMax != 0 {
			probs.add(f, "program.checker.source", "source, language, args, time_ms, memory_mb and score_max are for the custom checker")
		}
		return
	}

	if c.TimeMS == 0 {
		c.TimeMS = DefaultCheckerTimeMS
	}
	if c.MemoryMB == 0 {
		c.MemoryMB = DefaultCheckerMemoryMB
	}
	if c.ScoreMax == 0 {
		c.ScoreMax = 1
	}
	if c.TimeMS < 1 || c.TimeMS > 60_000 {
		probs.add(f, "program.checker.time_ms", "must be in 1..60000, got %d", c.TimeMS)
	}
	if c.MemoryMB < 16 || c.MemoryMB > 8192 {
		probs.add(f, "program.checker.memory_mb", "must be in 16..8192, got %d", c.MemoryMB)
	}
	if c.ScoreMax < 0 || math.IsNaN(c.ScoreMax) || math.IsInf(c.ScoreMax, 0) {
		probs.add(f, "program.checker.score_max", "must be a positive number, got %v", c.ScoreMax)
	}
	if c.Source == "" {
		probs.add(f, "program.checker.source", "a custom checker needs its source, e.g. checker/check.py")
		return
	}
	if !fs.ValidPath(c.Source) || c.Source == "." {
		probs.add(f, "program.checker.source", "%q is not a path inside the package", c.Source)
		return
	}
	dir := path.Dir(c.Source)
	if top, _, _ := strings.Cut(c.Source, "/"); dir == "." || top == "attachments" || top == "solutions" {
		probs.add(f, "program.checker.source", "%q: put the checker in a directory of its own (e.g. checker/), not the package root, attachments/ or solutions/", c.Source)
		return
	}
	if c.Language == "" {
		l, ok := recipes.ForFile(langs, c.Source)
		if !ok {
			probs.add(f, "program.checker.language", "cannot tell the language of %q from its name: give program.checker.language", c.Source)
			return
		}
		c.Language = l.ID
	}
	lang, ok := langs[c.Language]
	if !ok {
		probs.add(f, "program.checker.language", "%q is not a known language (known: %s)", c.Language, strings.Join(languageIDs(langs), ", "))
		return
	}
	if _, err := fs.Stat(fsys, c.Source); err != nil {
		probs.add(c.Source, "program.checker.source", "missing: %v", err)
		return
	}
	c.Files = nil
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, dir+"/")
		if p == c.Source {
			name = lang.Source
		} else if name == lang.Source {
			return fmt.Errorf("%s: the checker's %s source is saved as %s: rename this file", p, lang.ID, lang.Source)
		}
		c.Files = append(c.Files, PackageFile{Name: name, Data: data})
		return nil
	})
	if err != nil {
		probs.add(dir, "program.checker.source", "%v", err)
	}
	sort.Slice(c.Files, func(i, j int) bool { return c.Files[i].Name < c.Files[j].Name })
}

// loadWorkFiles loads program.files, which go into the contestant's work
// directory.
func loadWorkFiles(fsys fs.FS, p *ProgramSpec, accepted []string, langs map[string]recipes.ImageLanguage, probs *Problems) {
	const f = "challenge.yaml"
	reserved := map[string]string{"main": "the compiled program"}
	for _, id := range accepted {
		if l, ok := langs[id]; ok {
			reserved[l.Source] = "the " + id + " submission"
		}
	}
	seen := map[string]string{}
	p.FileData = nil
	for i, name := range p.Files {
		field := fmt.Sprintf("program.files[%d]", i)
		if !fs.ValidPath(name) || name == "." {
			probs.add(f, field, "%q is not a path inside the package", name)
			continue
		}
		if top, _, _ := strings.Cut(name, "/"); top == "hidden" || top == "solutions" {
			probs.add(f, field, "%q is under %s/: contestant code must never see it (put it under attachments/)", name, top)
			continue
		}
		base := path.Base(name)
		if what, ok := reserved[base]; ok {
			probs.add(f, field, "%q would be overwritten by %s: rename it", name, what)
			continue
		}
		if other, ok := seen[base]; ok {
			probs.add(f, field, "%q and %q would both be %s in the work directory", other, name, base)
			continue
		}
		seen[base] = name
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			probs.add(name, field, "cannot be read: %v", err)
			continue
		}
		p.FileData = append(p.FileData, PackageFile{Name: base, Data: data})
	}
}

// loadGroups resolves the groups' tests and checks the points add up.
func loadGroups(spec *Spec, tests []TestCase, probs *Problems) {
	const f = "challenge.yaml"
	p := spec.Program
	if len(tests) == 0 {
		return
	}
	if len(p.Groups) == 0 {
		all := make([]int, len(tests))
		for i := range all {
			all[i] = i
		}
		p.Groups = []Group{{Name: "all", Points: spec.Points, Tests: Patterns{"*"}, Scoring: ScoringMin, Indexes: all}}
		return
	}
	names := map[string]bool{}
	covered := make([]bool, len(tests))
	var total float64
	for i := range p.Groups {
		g := &p.Groups[i]
		field := fmt.Sprintf("program.groups[%d]", i)
		if groupNameRE.MatchString(g.Name) {
			field = "program.groups." + g.Name
		}
		switch {
		case !groupNameRE.MatchString(g.Name):
			probs.add(f, field+".name", "%q is not a group name (letters, digits, _ . -; at most 40)", g.Name)
		case names[g.Name]:
			probs.add(f, field+".name", "%q given twice", g.Name)
		}
		names[g.Name] = true
		if g.Points < 0 || math.IsNaN(g.Points) || math.IsInf(g.Points, 0) {
			probs.add(f, field+".points", "must be 0 or more, got %v", g.Points)
		}
		total += g.Points
		if g.Scoring == "" {
			g.Scoring = ScoringMin
		}
		if g.Scoring != ScoringMin && g.Scoring != ScoringSum {
			probs.add(f, field+".scoring", "%q is not min or sum", g.Scoring)
		}
		if len(g.Tests) == 0 {
			probs.add(f, field+".tests", "list the group's tests (names or patterns such as \"secret-*\")")
		}
		g.Indexes = nil
		in := make([]bool, len(tests))
		for _, pat := range g.Tests {
			if _, err := path.Match(pat, ""); err != nil {
				probs.add(f, field+".tests", "%q is not a valid pattern: %v", pat, err)
				continue
			}
			matched := false
			for ti, t := range tests {
				if ok, _ := path.Match(pat, t.Name); ok {
					matched = true
					in[ti] = true
				}
			}
			if !matched {
				probs.add(f, field+".tests", "%q matches no test in hidden/tests", pat)
			}
		}
		for ti, ok := range in {
			if ok {
				g.Indexes = append(g.Indexes, ti)
				covered[ti] = true
			}
		}
	}
	var loose []string
	for ti, ok := range covered {
		if !ok {
			loose = append(loose, tests[ti].Name)
		}
	}
	if len(loose) > 0 {
		probs.add(f, "program.groups", "tests in no group: %s (add them to a group, with 0 points if they carry none)", strings.Join(loose, ", "))
	}
	if math.Abs(total-spec.Points) > 1e-9*math.Max(1, spec.Points) {
		probs.add(f, "program.groups", "the groups' points add up to %v, but the challenge is worth %v", total, spec.Points)
	}
}

// languageIDs lists the ids of a language table, sorted.
func languageIDs(m map[string]recipes.ImageLanguage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
