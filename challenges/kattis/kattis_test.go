package kattis

import (
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
			dst := filepath.Join(t.TempDir(), "out")
			_, err := Import(src, dst, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
			if _, err := os.Stat(dst); err == nil {
				t.Error("a failed import left its output behind")
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
