package kattis

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/skillarena/arena/challenges"
)

func TestImportPassFail(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "speed")
	rep, err := Import("testdata/floatsum", dst, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := challenges.Load(os.DirFS(dst))
	if err != nil {
		t.Fatal(err)
	}
	s := pkg.Spec
	if s.ID != "floatsum" || s.Title.En != "Average Speed" || s.Kind != challenges.KindProgram || s.Points != 100 || s.Category != "data" {
		t.Errorf("spec %+v", s)
	}
	if s.Limits.TimeMS != 1000 || s.Limits.MemoryMB != 256 {
		t.Errorf("limits %+v, want the .timelimit and problem.yaml ones", s.Limits)
	}
	c := s.Program.Checker
	abs, rel := c.Tolerances()
	if c.Type != challenges.CheckFloats || abs != 1e-6 || rel != 1e-6 || c.CaseSensitive == nil || *c.CaseSensitive {
		t.Errorf("checker %+v, want floats 1e-6, case-insensitive as the Kattis default", c)
	}
	var names []string
	for _, tc := range pkg.Tests {
		names = append(names, tc.Name)
	}
	if got := strings.Join(names, " "); got != "sample-1 secret-01-one secret-02-three secret-03-extreme" {
		t.Errorf("tests %s", got)
	}
	if len(s.Program.Groups) != 1 || s.Program.Groups[0].Scoring != challenges.ScoringMin {
		t.Errorf("a pass-fail problem is all or nothing: %+v", s.Program.Groups)
	}
	for expected, n := range map[string]int{"accepted": 3, "wrong_answer": 1, "time_limit": 1, "runtime_error": 1} {
		if len(pkg.Solutions[expected]) != n || rep.Solutions[expected] != n {
			t.Errorf("%s: %d solutions (report %d), want %d", expected, len(pkg.Solutions[expected]), rep.Solutions[expected], n)
		}
	}
	if !strings.Contains(strings.Join(rep.Warnings, "\n"), "Speed.java") {
		t.Errorf("the Java submission is left out without a warning: %v", rep.Warnings)
	}
	en := pkg.Statements["en"]
	for _, want := range []string{"# Average Speed", "## Input", "*average speed*", "- One number", "$1 \\le n \\le 100$", "## Samples", "100 2\n50 0.5"} {
		if !strings.Contains(en, want) {
			t.Errorf("statement lacks %q:\n%s", want, en)
		}
	}
	if strings.Contains(en, "fixture for the Kattis importer") || strings.Contains(en, `\problemname`) {
		t.Errorf("statement keeps LaTeX comments or commands:\n%s", en)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "attachments/samples/1.in")); err != nil || string(b) != "2\n100 2\n50 0.5\n" {
		t.Errorf("sample attachment: %q %v", b, err)
	}

	// A second import into the same place is refused, and leaves it alone.
	if _, err := Import("testdata/floatsum", dst, Options{}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("import over an existing package: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dst, "challenge.yaml")); err != nil {
		t.Errorf("the refused import damaged the existing package: %v", err)
	}
}

func TestImportScoringCustomValidator(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "out")
	rep, err := Import("testdata/subtasks", dst, Options{ID: "closest-station", Category: "ai"})
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := challenges.Load(os.DirFS(dst))
	if err != nil {
		t.Fatal(err)
	}
	s := pkg.Spec
	if s.ID != "closest-station" || s.Title.En != "Closest Station" || s.Title.Zh != "最近的站点" || s.Category != "ai" || s.Limits.TimeMS != 2000 || s.Limits.MemoryMB != 512 {
		t.Errorf("spec %+v", s)
	}
	c := s.Program.Checker
	if c.Type != challenges.CheckCustom || c.Source != "checker/validate.py" || c.Language != "python3" || strings.Join(c.Args, " ") != "tolerance 0" {
		t.Errorf("checker %+v", c)
	}
	groups := map[string]challenges.Group{}
	for _, g := range s.Program.Groups {
		groups[g.Name] = g
	}
	if g := groups["samples"]; g.Points != 0 || len(g.Indexes) != 1 {
		t.Errorf("samples group %+v", g)
	}
	if g := groups["group1"]; g.Points != 30 || g.Scoring != challenges.ScoringMin || len(g.Indexes) != 2 {
		t.Errorf("group1 %+v", g)
	}
	if g := groups["group2"]; g.Points != 70 || g.Scoring != challenges.ScoringMin || len(g.Indexes) != 2 {
		t.Errorf("group2 %+v", g)
	}
	if s.Points != 100 {
		t.Errorf("points %v", s.Points)
	}
	if pkg.Statements["zh"] == "" || !strings.Contains(pkg.Statements["zh"], "# 最近的站点") || !strings.Contains(pkg.Statements["zh"], "## 样例") {
		t.Errorf("zh statement:\n%s", pkg.Statements["zh"])
	}
	if len(pkg.Solutions["accepted"]) != 1 || len(pkg.Solutions["wrong_answer"]) != 1 || rep.Tests != 5 {
		t.Errorf("solutions %v, %d tests", pkg.Solutions, rep.Tests)
	}
	warnings := strings.Join(rep.Warnings, "\n")
	if strings.Contains(warnings, "on_reject") || !strings.Contains(warnings, "score_max 1") {
		t.Errorf("data/secret continues and accepts partial results, and the groups' tests differ in worth; warnings:\n%s", warnings)
	}
}

func TestImportRefusesBrokenPackages(t *testing.T) {
	write := func(dir string, files map[string]string) string {
		for name, body := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	base := map[string]string{
		"problem.yaml":                      "name: X\n",
		"problem_statement/problem.en.tex":  "Hello",
		"data/secret/1.in":                  "1\n",
		"data/secret/1.ans":                 "1\n",
		"submissions/accepted/a.py":         "print(input())\n",
		"output_validators/v/validate.py":   "import sys\nsys.exit(42)\n",
		"output_validators/v/also_main.cpp": "int main() {}\n",
	}
	tests := []struct {
		name   string
		change map[string]string
		drop   []string
		want   string
	}{
		{"no problem.yaml", nil, []string{"problem.yaml"}, "problem.yaml"},
		{"no tests", nil, []string{"data/secret/1.in", "data/secret/1.ans"}, "data/secret: missing"},
		{"two validator sources", map[string]string{"problem.yaml": "name: X\nvalidation: custom\n"}, nil, "exactly one source file"},
		{"bad flag", map[string]string{"problem.yaml": "name: X\nvalidator_flags: float_tolerance x\n"}, nil, "float_tolerance"},
		{"bad yaml", map[string]string{"problem.yaml": "name: [X\n"}, nil, "problem.yaml: yaml:"},
		{"bad memory", map[string]string{"problem.yaml": "name: X\nlimits:\n  memory: lots\n"}, nil, "problem.yaml: limits.memory: line 3: want a number"},
		{"negative time limit", map[string]string{"problem.yaml": "name: X\nlimits: {time_limit: -1}\n"}, nil, "problem.yaml: limits.time_limit: must be a positive number"},
		{"unknown limit", map[string]string{"problem.yaml": "name: X\nlimits: {memroy: 5}\n"}, nil, "problem.yaml: limits.memroy: unknown limit"},
		{"small multiplier", map[string]string{"problem.yaml": "name: X\nlimits: {time_multipliers: {ac_to_time_limit: 0.5}}\n"}, nil, "limits.time_multipliers.ac_to_time_limit: must be a number of at least 1"},
		{"bad type", map[string]string{"problem.yaml": "name: X\ntype: scored\n"}, nil, "problem.yaml: type: \"scored\""},
		{"interactive type", map[string]string{"problem.yaml": "name: X\ntype: [pass-fail, interactive]\n"}, nil, "problem.yaml: type: interactive problems cannot be imported"},
		{"minimising", map[string]string{"problem.yaml": "name: X\ntype: scoring\ngrading: {objective: min}\n"}, nil, "problem.yaml: grading.objective: min"},
		{"score validation of pass-fail", map[string]string{"problem.yaml": "name: X\nvalidation: custom score\n"}, nil, "problem.yaml: validation: score is only valid for scoring problems"},
		{"bad .timelimit", map[string]string{".timelimit": "soon\n"}, nil, ".timelimit: \"soon\" is not a positive number"},
		{"input without answer", map[string]string{"data/secret/2.in": "2\n"}, nil, "data/secret/2.in: answer: no 2.ans"},
		{"scores in pass-fail", map[string]string{"data/secret/testdata.yaml": "accept_score: 5\n"}, nil, "data/secret/testdata.yaml: accept_score: accept_score, reject_score and range are only for scoring problems"},
		{"partial acceptance in pass-fail", map[string]string{"data/testdata.yaml": "grader_flags: accept_if_any_accepted\n"}, nil, "data/testdata.yaml: grader_flags: always_accept / accept_if_any_accepted"},
		{"custom without validator", map[string]string{"problem.yaml": "name: X\nvalidation: custom\n"}, []string{"output_validators/v/validate.py", "output_validators/v/also_main.cpp"}, "problem.yaml: validation: \"custom\" needs a validator in output_validators/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range base {
				files[k] = v
			}
			for k, v := range tt.change {
				files[k] = v
			}
			for _, k := range tt.drop {
				delete(files, k)
			}
			src := write(t.TempDir(), files)
			parent := t.TempDir()
			dst := filepath.Join(parent, "out")
			if err := os.Mkdir(dst, 0o755); err != nil { // an empty destination may exist
				t.Fatal(err)
			}
			_, err := Import(src, dst, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 1 {
				t.Errorf("a failed import left %d entries beside the destination", len(entries)-1)
			}
			if entries, _ := os.ReadDir(dst); len(entries) > 0 {
				t.Errorf("a failed import wrote %s into the destination", entries[0].Name())
			}
		})
	}
}

func TestDefaultValidator(t *testing.T) {
	tests := []struct {
		flags string
		want  string
	}{
		{"", "{type: tokens, case_sensitive: false}"},
		{"case_sensitive", "tokens"},
		{"space_change_sensitive case_sensitive", "exact"},
		{"float_relative_tolerance 1e-4", "{type: floats, case_sensitive: false, rel_tolerance: 0.0001}"},
		{"case_sensitive float_absolute_tolerance 0.5 float_relative_tolerance 0.1", "{type: floats, abs_tolerance: 0.5, rel_tolerance: 0.1}"},
	}
	for _, tt := range tests {
		got, err := defaultValidator(strings.Fields(tt.flags), func(string, ...any) {})
		if err != nil {
			t.Fatal(err)
		}
		if s := flowYAML(t, got); s != tt.want {
			t.Errorf("%q: %s, want %s", tt.flags, s, tt.want)
		}
	}
}

func TestLatexToMarkdown(t *testing.T) {
	in := "\\section*{Input}\nA \\textbf{bold \\emph{and} more} word, 50\\% off -- ``quoted''.\n% comment\n\\begin{enumerate}\n\\item one\n\\end{enumerate}\n"
	got := latexToMarkdown(in)
	for _, want := range []string{"## Input", "**bold *and* more**", "50% off – “quoted”", "- one"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "comment") {
		t.Errorf("comment kept: %q", got)
	}
}

// flowYAML writes v as one line of flow-style YAML.
func flowYAML(t *testing.T, v any) string {
	t.Helper()
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		t.Fatal(err)
	}
	n.Style = yaml.FlowStyle
	b, err := yaml.Marshal(&n)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// importFixture imports a fixture package and loads the result.
func importFixture(t *testing.T, name string, opts Options) (*challenges.Package, *Report, string) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	rep, err := Import(filepath.Join("testdata", name), dst, opts)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := challenges.Load(os.DirFS(dst))
	if err != nil {
		t.Fatal(err)
	}
	return pkg, rep, dst
}

// groupTable renders groups as "name points scoring tests" lines.
func groupTable(groups []challenges.Group, tests []challenges.TestCase) string {
	var b strings.Builder
	for _, g := range groups {
		var names []string
		for _, i := range g.Indexes {
			names = append(names, tests[i].Name)
		}
		fmt.Fprintf(&b, "%s %v %s %s\n", g.Name, g.Points, g.Scoring, strings.Join(names, ","))
	}
	return b.String()
}

func TestImportScoringTree(t *testing.T) {
	pkg, rep, dst := importFixture(t, "oddsum", Options{})
	want := "samples 0 min sample-1\n" +
		"01-small 20 min secret-01-small-1,secret-01-small-2\n" +
		"02-medium 30 sum secret-02-medium-1,secret-02-medium-2,secret-02-medium-3\n" +
		"03-large 50 min secret-03-large-a-1,secret-03-large-b-1\n"
	if got := groupTable(pkg.Spec.Program.Groups, pkg.Tests); got != want {
		t.Errorf("groups:\n%s\nwant:\n%s", got, want)
	}
	s := pkg.Spec
	if s.Limits.MemoryMB != 128 || s.Limits.OutputKB != 1024 || s.Program.SourceKB != 64 || s.Limits.TimeMS != DefaultTimeMS {
		t.Errorf("limits %+v, source_kb %d", s.Limits, s.Program.SourceKB)
	}
	if c := s.Program.Checker; c.Type != challenges.CheckTokens || (c.CaseSensitive != nil && !*c.CaseSensitive) {
		t.Errorf("validator_flags case_sensitive: checker %+v", c)
	}
	if len(pkg.Solutions["accepted"]) != 1 || len(pkg.Solutions["scored"]) != 1 || len(pkg.Solutions) != 2 {
		t.Errorf("solutions %v: want accepted and partially_accepted (as scored) only", pkg.Solutions)
	}
	warnings := strings.Join(rep.Warnings, "\n")
	for _, want := range []string{"submissions/rejected", "submissions/brute_force", "input validators", "placeholder", "time_multiplier (3)"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("no warning about %q:\n%s", want, warnings)
		}
	}
	// Every group continues or is all or nothing, under a secret group that
	// accepts partial results: nothing differs from the format.
	if strings.Contains(warnings, "on_reject") || strings.Contains(warnings, "accept_if_any_accepted") {
		t.Errorf("warnings about grading that SkillArena expresses exactly:\n%s", warnings)
	}
	for _, lang := range []string{"en", "zh"} {
		if st := pkg.Statements[lang]; !strings.Contains(st, "# Odd Sum") || !strings.Contains(st, "```\n3\n1 2 3\n```") {
			t.Errorf("%s placeholder statement lacks the title or the sample:\n%s", lang, st)
		}
	}
	if !strings.Contains(pkg.Statements["zh"], "题面") || !strings.Contains(pkg.Statements["en"], "without a statement") {
		t.Errorf("the placeholder does not say the statement is missing: %v", pkg.Statements)
	}
	if _, err := os.Stat(filepath.Join(dst, "attachments/samples/1.in")); err != nil {
		t.Errorf("sample attachment: %v", err)
	}

	// --points scales every group, keeping its share.
	pkg, _, _ = importFixture(t, "oddsum", Options{Points: 40})
	if got := groupTable(pkg.Spec.Program.Groups, pkg.Tests); !strings.Contains(got, "01-small 8 min") || !strings.Contains(got, "02-medium 12 sum") || !strings.Contains(got, "03-large 20 min") || pkg.Spec.Points != 40 {
		t.Errorf("groups scaled to 40 points:\n%s", got)
	}
}

func TestImportModernFormat(t *testing.T) {
	pkg, rep, _ := importFixture(t, "hellomd", Options{SlowestAcceptedMS: 700})
	s := pkg.Spec
	if s.Title.En != "Hello Name" || s.Title.Zh != "你好，名字" {
		t.Errorf("title %+v", s.Title)
	}
	// 0.7 s × ac_to_time_limit 3 = 2.1 s, rounded up to time_resolution 0.5 s.
	if s.Limits.TimeMS != 2500 || s.Limits.MemoryMB != 64 || s.Limits.OutputKB != 2048 {
		t.Errorf("limits %+v", s.Limits)
	}
	if s.Program.Checker.Type != challenges.CheckExact {
		t.Errorf("case_sensitive space_change_sensitive as a list: checker %+v", s.Program.Checker)
	}
	if len(s.Program.Groups) != 1 || s.Program.Groups[0].Scoring != challenges.ScoringMin || len(s.Program.Groups[0].Indexes) != 4 {
		t.Errorf("a pass-fail problem is all or nothing over every test: %+v", s.Program.Groups)
	}
	for expected, n := range map[string]int{"accepted": 2, "wrong_answer": 1, "runtime_error": 1, "time_limit": 1} {
		if len(pkg.Solutions[expected]) != n {
			t.Errorf("solutions/%s: %d, want %d", expected, len(pkg.Solutions[expected]), n)
		}
	}
	if !strings.Contains(pkg.Statements["en"], "## Input") || !strings.Contains(pkg.Statements["zh"], "向它问好") {
		t.Errorf("statements %v", pkg.Statements)
	}
	warnings := strings.Join(rep.Warnings, "\n")
	if !strings.Contains(warnings, "statement/problem.fr.md") || strings.Contains(warnings, "no time limit") {
		t.Errorf("warnings:\n%s", warnings)
	}

	_, rep, _ = importFixture(t, "hellomd", Options{})
	if w := strings.Join(rep.Warnings, "\n"); !strings.Contains(w, "ac_to_time_limit (3)") || !strings.Contains(w, "--time-ms") {
		t.Errorf("no warning that the time limit is a default:\n%s", w)
	}
}

func TestDerivedTimeLimit(t *testing.T) {
	tests := []struct {
		name      string
		modern    bool
		l         limits
		slowestMS int64
		want      int64
	}{
		{"legacy default multiplier 5", false, limits{}, 300, 2000}, // 1.5 s rounds to 2
		{"legacy rounds to nearest", false, limits{}, 280, 1000},    // 1.4 s rounds to 1
		{"legacy at least 1 s", false, limits{}, 20, 1000},
		{"legacy time_multiplier", false, limits{timeMultiplier: 3}, 700, 2000}, // 2.1 s
		{"2023-07 default ×2 up to 1 s", true, limits{}, 1200, 3000},            // 2.4 s up to 3
		{"2023-07 exact multiple", true, limits{}, 1000, 2000},
		{"2023-07 resolution", true, limits{acToTimeLimit: 1.5, timeResolution: 0.25}, 300, 500}, // 0.45 up to 0.5
		{"2023-07 at least one step", true, limits{timeResolution: 0.1}, 1, 100},
	}
	for _, tt := range tests {
		if got := derivedTimeLimitMS(tt.modern, tt.l, tt.slowestMS); got != tt.want {
			t.Errorf("%s: %d ms, want %d", tt.name, got, tt.want)
		}
	}
}

func TestTimeLimitSources(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  int64
		warn  bool
	}{
		{"time_ms option first", map[string]string{".timelimit": "3\n", "problem.yaml": "limits: {time_limit: 4}\n"}, Options{TimeMS: 1500}, 1500, false},
		{"limits.time_limit", map[string]string{".timelimit": "3\n", "problem.yaml": "limits: {time_limit: 0.25}\n"}, Options{}, 250, false},
		{".timelimit", map[string]string{".timelimit": "3.5\n"}, Options{}, 3500, false},
		{"domjudge-problem.ini", map[string]string{"domjudge-problem.ini": "timelimit='4'\n"}, Options{}, 4000, false},
		{"derived", map[string]string{}, Options{SlowestAcceptedMS: 500}, 3000, false}, // 0.5 s × 5 = 2.5 s rounds to 3
		{"default", map[string]string{}, Options{}, DefaultTimeMS, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := minimalPackage()
			for k, v := range tt.files {
				files[k] = v
			}
			pkg, rep, err := importFiles(t, files, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if pkg.Spec.Limits.TimeMS != tt.want {
				t.Errorf("time_ms %d, want %d", pkg.Spec.Limits.TimeMS, tt.want)
			}
			if got := strings.Contains(strings.Join(rep.Warnings, "\n"), "no time limit"); got != tt.warn {
				t.Errorf("warned %v, want %v: %v", got, tt.warn, rep.Warnings)
			}
		})
	}
}

// minimalPackage is a small valid pass-fail package's files.
func minimalPackage() map[string]string {
	return map[string]string{
		"problem.yaml":                     "name: X\n",
		"problem_statement/problem.en.tex": "\\problemname{X}\nHello",
		"data/sample/1.in":                 "1\n",
		"data/sample/1.ans":                "1\n",
		"data/secret/1.in":                 "1\n",
		"data/secret/1.ans":                "1\n",
		"submissions/accepted/a.py":        "print(input())\n",
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// importFiles imports a package made of files; on success it returns the
// loaded result, on failure it checks nothing was written.
func importFiles(t *testing.T, files map[string]string, opts Options) (*challenges.Package, *Report, error) {
	t.Helper()
	src := writeFiles(t, files)
	parent := t.TempDir()
	dst := filepath.Join(parent, "out")
	rep, err := Import(src, dst, opts)
	if err != nil {
		if entries, _ := os.ReadDir(parent); len(entries) > 0 {
			t.Errorf("a failed import left %s behind", entries[0].Name())
		}
		return nil, nil, err
	}
	pkg, err := challenges.Load(os.DirFS(dst))
	if err != nil {
		t.Fatalf("imported package does not load: %v", err)
	}
	return pkg, rep, nil
}

func TestVerdictFolders(t *testing.T) {
	tests := []struct {
		folder  string
		scoring bool
		want    string // solutions/<want>, or "" when left out
		warn    string
	}{
		{"accepted", false, "accepted", ""},
		{"wrong_answer", false, "wrong_answer", ""},
		{"time_limit_exceeded", false, "time_limit", ""},
		{"run_time_error", false, "runtime_error", ""},
		{"partially_accepted", true, "scored", ""},
		{"partially_accepted", false, "", "only scoring problems"},
		{"wrong_answer", true, "wrong_answer", "graded scored"},
		{"rejected", false, "", "no single SkillArena outcome"},
		{"brute_force", false, "", "no single SkillArena outcome"},
		{"memory_limit_exceeded", false, "", "not a folder of the package format"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s scoring=%v", tt.folder, tt.scoring), func(t *testing.T) {
			files := minimalPackage()
			files["submissions/"+tt.folder+"/b.py"] = "print(2)\n"
			if tt.scoring {
				files["problem.yaml"] = "name: X\ntype: scoring\n"
			}
			pkg, rep, err := importFiles(t, files, Options{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for expected, sols := range pkg.Solutions {
				for _, s := range sols {
					if strings.HasSuffix(s, "/b.py") {
						n++
						if expected != tt.want {
							t.Errorf("submissions/%s/b.py went to solutions/%s, want %q", tt.folder, expected, tt.want)
						}
					}
				}
			}
			if (n == 1) != (tt.want != "") {
				t.Errorf("submissions/%s/b.py copied %d times, want it in %q", tt.folder, n, tt.want)
			}
			if w := strings.Join(rep.Warnings, "\n"); (tt.warn == "") == strings.Contains(w, "submissions/"+tt.folder) || !strings.Contains(w, tt.warn) {
				t.Errorf("warnings %q, want one saying %q", w, tt.warn)
			}
		})
	}
}

func TestScoringGroups(t *testing.T) {
	pkg := func(extra map[string]string) map[string]string {
		files := minimalPackage()
		files["problem.yaml"] = "name: X\ntype: scoring\n"
		delete(files, "data/secret/1.in")
		delete(files, "data/secret/1.ans")
		files["data/secret/testdata.yaml"] = "on_reject: continue\ngrader_flags: accept_if_any_accepted\n"
		for _, g := range []string{"a", "b"} {
			for _, n := range []string{"1", "2"} {
				files["data/secret/"+g+"/"+n+".in"] = n + "\n"
				files["data/secret/"+g+"/"+n+".ans"] = n + "\n"
			}
		}
		for k, v := range extra {
			files[k] = v
		}
		return files
	}
	tests := []struct {
		name  string
		extra map[string]string
		want  string // group table without samples, or the error
	}{
		{"defaults: sum of accept_score 1 per test", nil,
			"a 50 sum secret-a-1,secret-a-2\nb 50 sum secret-b-1,secret-b-2\n"},
		{"min and sum", map[string]string{
			"data/secret/a/testdata.yaml": "accept_score: 3\ngrader_flags: min\n",
			"data/secret/b/testdata.yaml": "on_reject: continue\naccept_score: 1\n"},
			"a 60 min secret-a-1,secret-a-2\nb 40 sum secret-b-1,secret-b-2\n"},
		{"avg", map[string]string{"data/secret/a/testdata.yaml": "on_reject: continue\naccept_score: 6\ngrader_flags: avg\n"},
			"a 75 sum secret-a-1,secret-a-2\nb 25 sum secret-b-1,secret-b-2\n"},
		{"range caps a min group", map[string]string{"data/secret/a/testdata.yaml": "accept_score: 10\nrange: 0 2\ngrader_flags: min\n"},
			"a 50 min secret-a-1,secret-a-2\nb 50 sum secret-b-1,secret-b-2\n"},
		{"nested sum flattens", map[string]string{
			"data/secret/a/x/1.in": "1\n", "data/secret/a/x/1.ans": "1\n",
			"data/secret/a/x/testdata.yaml": "accept_score: 4\ngrader_flags: min\n"},
			"a 25 sum secret-a-1,secret-a-2\na-x 50 min secret-a-x-1\nb 25 sum secret-b-1,secret-b-2\n"},
		{"max is an error", map[string]string{"data/secret/a/testdata.yaml": "grader_flags: max\n"},
			"data/secret/a/testdata.yaml: grader_flags: max"},
		{"reject_score is an error", map[string]string{"data/secret/a/testdata.yaml": "reject_score: 1\n"},
			"data/secret/a/testdata.yaml: reject_score"},
		{"sum inside min is an error", map[string]string{
			"data/secret/testdata.yaml":   "on_reject: continue\ngrader_flags: accept_if_any_accepted min\n",
			"data/secret/b/testdata.yaml": "on_reject: continue\n"},
			"data/secret/b/testdata.yaml: grader_flags: sum inside the min group"},
		{"custom grading is an error", map[string]string{"data/secret/a/testdata.yaml": "grading: custom\n"},
			"data/secret/a/testdata.yaml: grading: custom graders"},
		{"unknown grader flag", map[string]string{"data/secret/a/testdata.yaml": "grader_flags: plurality_wins\n"},
			"data/secret/a/testdata.yaml: grader_flags: \"plurality_wins\""},
		{"bad range", map[string]string{"data/secret/a/testdata.yaml": "range: 5\n"},
			"data/secret/a/testdata.yaml: range"},
		{"bad accept_score", map[string]string{"data/secret/a/testdata.yaml": "accept_score: lots\n"},
			"data/secret/a/testdata.yaml: accept_score: line 1: want a number"},
		{"bad on_reject", map[string]string{"data/secret/a/testdata.yaml": "on_reject: stop\n"},
			"data/secret/a/testdata.yaml: on_reject"},
		{"unknown field", map[string]string{"data/secret/a/testdata.yaml": "accept_scores: 3\n"},
			"data/secret/a/testdata.yaml: accept_scores: unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := importFiles(t, pkg(tt.extra), Options{})
			if err != nil {
				if !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error %v, want %q", err, tt.want)
				}
				return
			}
			got := groupTable(p.Spec.Program.Groups[1:], p.Tests)
			if got != tt.want {
				t.Errorf("groups:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestScoringWarnings(t *testing.T) {
	files := minimalPackage()
	files["problem.yaml"] = "name: X\ntype: scoring\n"
	files["data/secret/2.in"], files["data/secret/2.ans"] = "2\n", "2\n"
	_, rep, err := importFiles(t, files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(rep.Warnings, "\n")
	for _, want := range []string{"data/secret (no testdata.yaml: the defaults): on_reject: break", "without accept_if_any_accepted"} {
		if !strings.Contains(w, want) {
			t.Errorf("the defaults stop at the first rejection and give no partial score, but no warning says %q:\n%s", want, w)
		}
	}
}

func TestValidatorFlagsByGroup(t *testing.T) {
	tests := []struct {
		name  string
		extra map[string]string
		want  string // checker as flow YAML, or the error
	}{
		{"root testdata.yaml applies everywhere", map[string]string{"data/testdata.yaml": "output_validator_flags: float_tolerance 0.01\n"},
			"{type: floats, case_sensitive: false, abs_tolerance: 0.01, rel_tolerance: 0.01}"},
		{"problem.yaml and testdata.yaml together", map[string]string{
			"problem.yaml":       "name: X\nvalidator_flags: case_sensitive\n",
			"data/testdata.yaml": "output_validator_flags: float_relative_tolerance 1e-3\n"},
			"{type: floats, rel_tolerance: 0.001}"},
		{"groups disagree", map[string]string{"data/secret/testdata.yaml": "output_validator_flags: case_sensitive\n"},
			"data/secret/testdata.yaml: output_validator_flags"},
		{"unknown flag", map[string]string{"problem.yaml": "name: X\nvalidator_flags: ignore_case\n"},
			"\"ignore_case\" is not a flag of the default validator"},
		{"custom validator gets the flags", map[string]string{
			"problem.yaml":               "name: X\nvalidation: custom\nvalidator_flags: eps 3\n",
			"data/testdata.yaml":         "output_validator_flags: [strict]\n",
			"output_validators/check.py": "import sys\nsys.exit(42)\n"},
			"{type: custom, source: checker/check.py, args: [eps, \"3\", strict]}"},
		{"validator with build script", map[string]string{
			"problem.yaml":                "name: X\nvalidation: custom\n",
			"output_validators/v/build":   "#!/bin/sh\n",
			"output_validators/v/run":     "#!/bin/sh\n",
			"output_validators/v/main.py": "import sys\nsys.exit(42)\n"},
			"output_validators/v/build: validators built by their own build/run scripts"},
		{"interactive", map[string]string{"problem.yaml": "name: X\nvalidation: custom interactive\n"},
			"problem.yaml: validation: interactive problems cannot be imported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := minimalPackage()
			for k, v := range tt.extra {
				files[k] = v
			}
			p, _, err := importFiles(t, files, Options{})
			if err != nil {
				if !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error %v, want %q", err, tt.want)
				}
				return
			}
			c := p.Spec.Program.Checker
			out := outChecker{Type: c.Type, CaseSensitive: c.CaseSensitive, AbsTolerance: c.AbsTolerance, RelTolerance: c.RelTolerance, Source: c.Source, Args: c.Args}
			if got := flowYAML(t, out); got != tt.want {
				t.Errorf("checker %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPassFailWarnings(t *testing.T) {
	tests := []struct {
		name  string
		extra map[string]string
		want  string // a warning, or "" for none about data/
	}{
		{"break is the default", nil, ""},
		{"continue with first_error", map[string]string{"data/secret/testdata.yaml": "on_reject: continue\ngrader_flags: first_error\n"}, ""},
		{"continue with worst_error", map[string]string{"data/secret/testdata.yaml": "on_reject: continue\n"}, "data/secret/testdata.yaml: on_reject: continue with worst_error"},
		{"inherited from data", map[string]string{"data/testdata.yaml": "on_reject: continue\n"}, "data/secret (by data/testdata.yaml): on_reject"},
		{"test_group.yaml", map[string]string{"data/secret/test_group.yaml": "scoring: {aggregation: min}\n"}, "data/secret/test_group.yaml: not read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := minimalPackage()
			files["data/secret/2.in"], files["data/secret/2.ans"] = "2\n", "2\n"
			for k, v := range tt.extra {
				files[k] = v
			}
			_, rep, err := importFiles(t, files, Options{})
			if err != nil {
				t.Fatal(err)
			}
			w := strings.Join(rep.Warnings, "\n")
			if tt.want == "" && strings.Contains(w, "data/") || !strings.Contains(w, tt.want) {
				t.Errorf("warnings:\n%s\nwant %q", w, tt.want)
			}
		})
	}
}
