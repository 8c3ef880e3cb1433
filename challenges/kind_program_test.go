package challenges

import (
	"strings"
	"testing"
	"testing/fstest"
)

// programPackage is a valid program package with tests sample-1, secret-1,
// secret-2, plus extra files and challenge.yaml lines.
func programPackage(program string, extra map[string]string) fstest.MapFS {
	m := fstest.MapFS{
		"challenge.yaml": {Data: []byte("id: p\ntitle: {en: P}\ncategory: data\nkind: program\npoints: 100\nlanguages: [python3, cpp]\n" + program)},
		"statement.md":   {Data: []byte("# P")},
	}
	for _, n := range []string{"sample-1", "secret-1", "secret-2"} {
		m["hidden/tests/"+n+".in"] = &fstest.MapFile{Data: []byte(n + "\n")}
		m["hidden/tests/"+n+".ans"] = &fstest.MapFile{Data: []byte(n + "\n")}
	}
	for k, v := range extra {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func TestLoadProgramDefaults(t *testing.T) {
	pkg, err := Load(programPackage("", nil))
	if err != nil {
		t.Fatal(err)
	}
	p := pkg.Spec.Program
	if p == nil || p.Checker.Type != CheckExact || p.Compile.TimeMS != DefaultCompileTimeMS || p.Compile.MemoryMB != DefaultCompileMemoryMB || p.SourceKB != DefaultSourceKB {
		t.Fatalf("defaults: %+v", p)
	}
	if len(p.Groups) != 1 || p.Groups[0].Points != 100 || p.Groups[0].Scoring != ScoringMin || len(p.Groups[0].Indexes) != 3 {
		t.Fatalf("default group: %+v", p.Groups)
	}
	// The older top-level spelling still works.
	pkg, err = Load(programPackage("checker: tokens\n", nil))
	if err != nil || pkg.Spec.Program.Checker.Type != CheckTokens {
		t.Fatalf("top-level checker: %v %+v", err, pkg)
	}
}

func TestLoadProgramGroupsAndCustomChecker(t *testing.T) {
	yaml := `program:
  checker:
    type: custom
    source: checker/check.py
    args: ["0.9"]
  files: [attachments/train.csv]
  groups:
    - {name: samples, points: 0, tests: sample-*}
    - {name: secret, points: 100, tests: [secret-1, "secret-2"], scoring: sum}
`
	pkg, err := Load(programPackage(yaml, map[string]string{
		"checker/check.py":      "import sys\n",
		"checker/util.py":       "X = 1\n",
		"attachments/train.csv": "a,b\n1,2\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	p := pkg.Spec.Program
	c := p.Checker
	if c.Language != "python3" || c.TimeMS != DefaultCheckerTimeMS || c.MemoryMB != DefaultCheckerMemoryMB || c.ScoreMax != 1 || len(c.Args) != 1 {
		t.Fatalf("checker: %+v", c)
	}
	if len(c.Files) != 2 || c.Files[0].Name != "main.py" || string(c.Files[0].Data) != "import sys\n" || c.Files[1].Name != "util.py" {
		t.Fatalf("checker files: %+v", c.Files)
	}
	if len(p.FileData) != 1 || p.FileData[0].Name != "train.csv" {
		t.Fatalf("work files: %+v", p.FileData)
	}
	g := p.Groups
	if len(g) != 2 || len(g[0].Indexes) != 1 || pkg.Tests[g[0].Indexes[0]].Name != "sample-1" || len(g[1].Indexes) != 2 || g[1].Scoring != ScoringSum || g[0].Scoring != ScoringMin {
		t.Fatalf("groups: %+v", g)
	}
}

func TestLoadProgramRefusesBrokenSections(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		extra map[string]string
		wants []string
	}{
		{"unknown language", "languages: [python3, cobol]\n", nil, []string{`challenge.yaml: languages[1]: "cobol" is not a known language`}},
		{"checker twice", "checker: exact\nprogram: {checker: tokens}\n", nil, []string{"challenge.yaml: checker: give the checker once"}},
		{"bad checker", "program: {checker: fuzzy}\n", nil, []string{`challenge.yaml: program.checker.type: "fuzzy" is not one of`}},
		{"unknown checker field", "program: {checker: {type: floats, tolerance: 1}}\n", nil, []string{"tolerance"}},
		{"tolerance on tokens", "program: {checker: {type: tokens, abs_tolerance: 0.1}}\n", nil, []string{"program.checker.abs_tolerance: tolerances are for the floats"}},
		{"zero tolerance", "program: {checker: {type: floats, abs_tolerance: 0}}\n", nil, []string{"give a positive"}},
		{"negative tolerance", "program: {checker: {type: floats, rel_tolerance: -1}}\n", nil, []string{"must not be negative"}},
		{"case on exact", "program: {checker: {type: exact, case_sensitive: false}}\n", nil, []string{"program.checker.case_sensitive"}},
		{"source on builtin", "program: {checker: {type: tokens, source: c/x.py}}\n", nil, []string{"are for the custom checker"}},
		{"custom without source", "program: {checker: custom}\n", nil, []string{"program.checker.source: a custom checker needs its source"}},
		{"custom source missing", "program: {checker: {type: custom, source: checker/none.py}}\n", nil, []string{"checker/none.py: program.checker.source: missing"}},
		{"custom in attachments", "program: {checker: {type: custom, source: attachments/c.py}}\n", map[string]string{"attachments/c.py": "x"}, []string{"directory of its own"}},
		{"custom unknown ending", "program: {checker: {type: custom, source: checker/c.rb}}\n", map[string]string{"checker/c.rb": "x"}, []string{"program.checker.language: cannot tell"}},
		{"custom bad limits", "program: {checker: {type: custom, source: checker/c.py, time_ms: 99999999, memory_mb: 1}}\n", map[string]string{"checker/c.py": "x"},
			[]string{"program.checker.time_ms", "program.checker.memory_mb"}},
		{"custom source name clash", "program: {checker: {type: custom, source: checker/c.py}}\n", map[string]string{"checker/c.py": "x", "checker/main.py": "y"}, []string{"rename this file"}},
		{"bad compile limits", "program: {compile: {time_ms: -1, memory_mb: 1}}\n", nil, []string{"program.compile.time_ms", "program.compile.memory_mb"}},
		{"bad source size", "program: {source_kb: 999999}\n", nil, []string{"program.source_kb"}},
		{"hidden file to contestant", "program: {files: [hidden/tests/secret-1.ans]}\n", nil, []string{"program.files[0]", "contestant code must never see it"}},
		{"missing file", "program: {files: [attachments/none.csv]}\n", nil, []string{"attachments/none.csv: program.files[0]: cannot be read"}},
		{"file clashes with source", "program: {files: [attachments/main.py]}\n", map[string]string{"attachments/main.py": "x"}, []string{"overwritten by the python3 submission"}},
		{"two files one name", "program: {files: [attachments/a/x.csv, attachments/b/x.csv]}\n", map[string]string{"attachments/a/x.csv": "1", "attachments/b/x.csv": "2"}, []string{"would both be x.csv"}},
		{"group points do not add up", "program: {groups: [{name: a, points: 50, tests: '*'}]}\n", nil, []string{"program.groups: the groups' points add up to 50, but the challenge is worth 100"}},
		{"test in no group", "program: {groups: [{name: a, points: 100, tests: secret-*}]}\n", nil, []string{"tests in no group: sample-1"}},
		{"pattern matches nothing", "program: {groups: [{name: a, points: 100, tests: ['*', nothing-*]}]}\n", nil, []string{`program.groups.a.tests: "nothing-*" matches no test`}},
		{"bad group", "program: {groups: [{name: 'a b', points: -1, tests: [], scoring: max}, {name: c, points: 101, tests: '*'}]}\n", nil,
			[]string{"program.groups[0].name", "program.groups[0].points", "program.groups[0].scoring", "program.groups[0].tests: list"}},
		{"duplicate group", "program: {groups: [{name: a, points: 50, tests: '*'}, {name: a, points: 50, tests: '*'}]}\n", nil, []string{`program.groups.a.name: "a" given twice`}},
		{"bad pattern", "program: {groups: [{name: a, points: 100, tests: ['*', '[']}]}\n", nil, []string{"not a valid pattern"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fsys fstest.MapFS
			if strings.HasPrefix(tt.yaml, "languages:") {
				fsys = programPackage("", tt.extra)
				fsys["challenge.yaml"].Data = []byte(strings.Replace(string(fsys["challenge.yaml"].Data), "languages: [python3, cpp]\n", tt.yaml, 1))
			} else {
				fsys = programPackage(tt.yaml, tt.extra)
			}
			pkg, err := Load(fsys)
			if err == nil {
				t.Fatalf("loaded: %+v", pkg.Spec.Program)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestCheckerOnlyForPrograms(t *testing.T) {
	fsys := programPackage("", nil)
	fsys["challenge.yaml"].Data = []byte(strings.Replace(string(fsys["challenge.yaml"].Data), "kind: program", "kind: custom\nchecker: exact", 1))
	_, err := Load(fsys)
	if err == nil || !strings.Contains(err.Error(), "challenge.yaml: checker: only program challenges have a checker") {
		t.Fatalf("got %v", err)
	}
}

func TestLoadProgramExamples(t *testing.T) {
	tests := []struct {
		slug      string
		groups    map[string]float64
		files     []string
		solutions []string
	}{
		{"fault-training", map[string]float64{"sample": 0, "basic": 40, "advanced": 60}, []string{"train.csv"},
			[]string{"accepted", "40", "wrong_answer", "time_limit", "memory_limit"}},
		{"order-cleaning", map[string]float64{"sample": 0, "shops": 100}, []string{"city_aliases.csv"},
			[]string{"accepted", "75", "wrong_answer", "time_limit", "output_limit", "compile_error"}},
	}
	for _, tt := range tests {
		t.Run(tt.slug, func(t *testing.T) {
			fsys, err := Example(tt.slug)
			if err != nil {
				t.Fatal(err)
			}
			pkg, err := Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			p := pkg.Spec.Program
			if pkg.Spec.Kind != KindProgram || p.Checker.Type != CheckCustom || len(p.Checker.Files) == 0 {
				t.Errorf("%s: %+v", tt.slug, p.Checker)
			}
			if pkg.Statements["zh"] == "" || pkg.Statements["en"] == "" {
				t.Error("needs zh and en statements")
			}
			got := map[string]float64{}
			for _, g := range p.Groups {
				got[g.Name] = g.Points
			}
			if len(got) != len(tt.groups) {
				t.Errorf("groups %v, want %v", got, tt.groups)
			}
			for name, points := range tt.groups {
				if got[name] != points {
					t.Errorf("group %s: %v points, want %v", name, got[name], points)
				}
			}
			for i, f := range tt.files {
				if len(p.FileData) <= i || p.FileData[i].Name != f || len(p.FileData[i].Data) == 0 {
					t.Errorf("work file %s missing: %+v", f, p.FileData)
				}
			}
			for _, s := range tt.solutions {
				if len(pkg.Solutions[s]) == 0 {
					t.Errorf("no reference solution under solutions/%s", s)
				}
			}
			// The hidden answers are not among the files given to the program.
			for _, f := range p.FileData {
				for _, tc := range pkg.Tests {
					if string(f.Data) == string(tc.Answer) {
						t.Errorf("%s is the answer of test %s", f.Name, tc.Name)
					}
				}
			}
		})
	}
}
