package challenges

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/skillarena/arena/internal/testenv"
)

func sqlPackage(section string) fstest.MapFS {
	db := append([]byte("SQLite format 3\x00"), make([]byte, 84)...)
	return fstest.MapFS{
		"challenge.yaml":         {Data: []byte("id: s\ntitle: {en: S}\ncategory: data\nkind: sql\npoints: 90\nlanguages: [sql]\n" + section + "\n")},
		"statement.md":           {Data: []byte("# S\n")},
		"hidden/a.db":            {Data: db},
		"hidden/b.sqlite":        {Data: db},
		"hidden/notes.txt":       {Data: []byte("not a database")},
		"attachments/sample.db":  {Data: db},
		"hidden/queries/q1.sql":  {Data: []byte("SELECT 1;")},
		"hidden/queries/q2.sql":  {Data: []byte("SELECT 2;")},
		"hidden/queries/bad.sql": {Data: []byte("SELECT '\xff';")},
		"hidden/fake.db":         {Data: []byte("PK\x03\x04 this is a zip")},
	}
}

func TestSQLLoad(t *testing.T) {
	pkg, err := Load(sqlPackage("sql:\n  databases: [attachments/sample.db, hidden/a.db, hidden/b.sqlite]\n  questions: [{id: q1}, {id: q2, ordered: true, tolerance: 0.01}]"))
	if err != nil {
		t.Fatal(err)
	}
	s := pkg.Spec.SQL
	if s.TimeMS != 2000 || s.MaxRows != SQLDefaultMaxRows || *s.Tolerance != SQLDefaultTolerance || *s.AbsTolerance != SQLDefaultTolerance {
		t.Errorf("defaults: %+v", s)
	}
	q1, q2 := s.Questions[0], s.Questions[1]
	if q1.Points != 45 || q2.Points != 45 {
		t.Errorf("points split equally: %v %v, want 45 45", q1.Points, q2.Points)
	}
	if q1.Query != "SELECT 1;" || q1.Reference != "hidden/queries/q1.sql" || *q2.Tolerance != 0.01 || *q1.Tolerance != SQLDefaultTolerance || !q2.Ordered {
		t.Errorf("questions: %+v %+v", q1, q2)
	}
}

func TestSQLLoadDefaultDatabases(t *testing.T) {
	fsys := sqlPackage("sql: {questions: [{id: q1}]}")
	delete(fsys, "hidden/fake.db")
	pkg, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pkg.Spec.SQL.Databases, ","); got != "hidden/a.db,hidden/b.sqlite" {
		t.Errorf("default databases %q, want hidden/a.db,hidden/b.sqlite", got)
	}
}

func TestSQLLoadProblems(t *testing.T) {
	tests := []struct {
		name, section, want string
	}{
		{"no section", "", "sql: missing"},
		{"no questions", "sql: {databases: [hidden/a.db]}", "list at least one question"},
		{"not a database", "sql: {questions: [{id: q1}]}", "hidden/fake.db: database: not an SQLite 3 database"},
		{"database outside", "sql: {databases: [challenge.yaml], questions: [{id: q1}]}", "must be a file under hidden/ or attachments/"},
		{"bad id", "sql: {databases: [hidden/a.db], questions: [{id: Q1}]}", `"Q1" is not a slug`},
		{"duplicate id", "sql: {databases: [hidden/a.db], questions: [{id: q1}, {id: q1}]}", `"q1" used twice`},
		{"reference missing", "sql: {databases: [hidden/a.db], questions: [{id: q3}]}", "hidden/queries/q3.sql: reference: cannot read"},
		{"reference not utf-8", "sql: {databases: [hidden/a.db], questions: [{id: q1, reference: hidden/queries/bad.sql}]}", "not UTF-8"},
		{"reference outside hidden", "sql: {databases: [hidden/a.db], questions: [{id: q1, reference: attachments/sample.db}]}", "must be a file under hidden/"},
		{"points partly given", "sql: {databases: [hidden/a.db], questions: [{id: q1, points: 45}, {id: q2}]}", "give points to every question or to none"},
		{"points do not add up", "sql: {databases: [hidden/a.db], questions: [{id: q1, points: 40}, {id: q2, points: 40}]}", "add up to 80, but the challenge has 90"},
		{"tolerance", "sql: {databases: [hidden/a.db], tolerance: 2, questions: [{id: q1}]}", "sql.tolerance: must be in [0, 1]"},
		{"abs tolerance", "sql: {databases: [hidden/a.db], questions: [{id: q1, abs_tolerance: -1}]}", "abs_tolerance: must be a non-negative number"},
		{"time", "sql: {databases: [hidden/a.db], time_ms: 90000, questions: [{id: q1}]}", "sql.time_ms: must be in 1..60000"},
		{"max rows", "sql: {databases: [hidden/a.db], max_rows: -1, questions: [{id: q1}]}", "sql.max_rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(sqlPackage(tt.section))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a problem with %q", err, tt.want)
			}
		})
	}
}

// TestDataExamplesLoad loads the predictions and sql example packages.
func TestDataExamplesLoad(t *testing.T) {
	for _, slug := range []string{"fault-diagnosis", "sales-indicators"} {
		fsys, err := Example(slug)
		if err != nil {
			t.Fatal(err)
		}
		pkg, err := Load(fsys)
		if err != nil {
			t.Fatalf("%s: %v", slug, err)
		}
		if len(pkg.Solutions["accepted"]) == 0 || len(pkg.Solutions["wrong_answer"]) == 0 || len(pkg.Solutions["invalid_submission"]) == 0 {
			t.Errorf("%s: want accepted, wrong and invalid reference solutions, got %v", slug, pkg.Solutions)
		}
		if pkg.Statements["zh"] == "" || pkg.Statements["en"] == "" {
			t.Errorf("%s: want statements in zh and en", slug)
		}
	}
}

// regenerate copies the example package slug to a temporary directory, runs
// its generate.py there and returns both directories.
func regenerate(t *testing.T, slug string) (python, orig, fresh string) {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import sqlite3").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		testenv.Missing(t, "no python3 with the sqlite3 module to run %s/generate.py", slug)
	}
	orig = slug
	fresh = filepath.Join(t.TempDir(), slug)
	if err := os.CopyFS(fresh, os.DirFS(orig)); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"attachments", "solutions"} {
		os.RemoveAll(filepath.Join(fresh, d))
	}
	cmd := exec.Command(python, "generate.py")
	cmd.Dir = fresh
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s/generate.py: %v\n%s", slug, err, out)
	}
	return python, orig, fresh
}

// sameGenerated compares the generated files of two copies of a package:
// text byte for byte, SQLite databases by their SQL dump (the file bytes
// depend on the SQLite version).
func sameGenerated(t *testing.T, python, orig, fresh string, dirs ...string) {
	t.Helper()
	seen := 0
	for _, d := range dirs {
		err := filepath.WalkDir(filepath.Join(orig, d), func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(orig, p)
			seen++
			a, b := filepath.Join(orig, rel), filepath.Join(fresh, rel)
			if strings.HasSuffix(rel, ".db") {
				a, b = sqlDump(t, python, a), sqlDump(t, python, b)
			} else {
				a, b = readString(t, a), readString(t, b)
			}
			if a != b {
				t.Errorf("%s: generate.py makes something else than the committed file", rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if seen == 0 {
		t.Fatalf("no generated files under %v", dirs)
	}
}

func readString(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sqlDump(t *testing.T, python, p string) string {
	t.Helper()
	out, err := exec.Command(python, "-c", "import sqlite3, sys\nfor l in sqlite3.connect(sys.argv[1]).iterdump(): print(l)", p).Output()
	if err != nil {
		t.Fatalf("dump %s: %v", p, err)
	}
	return string(out)
}

// TestIntegrationExampleDataReproduces reruns the data examples' generators
// and wants the committed data and reference solutions back.
func TestIntegrationExampleDataReproduces(t *testing.T) {
	for _, slug := range []string{"fault-diagnosis", "sales-indicators"} {
		t.Run(slug, func(t *testing.T) {
			python, orig, fresh := regenerate(t, slug)
			sameGenerated(t, python, orig, fresh, "attachments", "hidden")
			if slug == "fault-diagnosis" {
				sameGenerated(t, python, orig, fresh, "solutions")
			} else {
				sameGenerated(t, python, orig, fresh, "solutions/wrong_answer/hard-coded.sql", "solutions/accepted/reference.sql")
			}
		})
	}
}
