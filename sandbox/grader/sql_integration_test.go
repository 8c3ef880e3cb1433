package grader

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/verdict"
)

// dataDockerGrader is a grader over the real Docker sandbox, once the
// images named are there.
func dataDockerGrader(t *testing.T, images ...string) *Grader {
	t.Helper()
	cli := testenv.Docker(t)
	for _, img := range images {
		testenv.Image(t, cli, img)
	}
	return &Grader{Sandbox: container.NewWithClient(cli, nil)}
}

// TestIntegrationSQLExampleInSandbox grades every reference solution of
// the sql example in sandbox containers, hostile ones included.
func TestIntegrationSQLExampleInSandbox(t *testing.T) {
	g := dataDockerGrader(t, SQLImage)
	pkg := loadExample(t, "sales-indicators")
	results := gradeSolutions(t, g, pkg)
	if r := results["endless.sql"]; len(r.Tests) == 0 || r.Tests[0].Outcome != verdict.TimeLimit {
		t.Errorf("endless query: %+v", r.Tests)
	}
	if r := results["schema-tricks.sql"]; len(r.Tests) != 3 || !strings.Contains(r.Tests[0].Message, "PRAGMA") ||
		!strings.Contains(r.Tests[2].Message, "readfile") {
		t.Errorf("schema tricks: %+v", r.Tests)
	}
}

// TestIntegrationSQLWritesChangeNothing: a query that tries to delete rows
// fails, and the next questions still see every row.
func TestIntegrationSQLWritesChangeNothing(t *testing.T) {
	g := dataDockerGrader(t, SQLImage)
	pkg := loadExample(t, "sales-indicators")
	var src strings.Builder
	src.WriteString("-- question: monthly-revenue\nDELETE FROM order_items;\n\n")
	for _, q := range pkg.Spec.SQL.Questions[1:] {
		src.WriteString("-- question: " + q.ID + "\n" + q.Query + "\n\n")
	}
	res, err := g.Grade(context.Background(), pkg, "sql", []byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != verdict.Scored || res.Score != 70 {
		t.Fatalf("got %s %v (%+v), want scored 70", res.Outcome, res.Score, res.Tests)
	}
	if !strings.Contains(res.Tests[0].Message, "not allowed") {
		t.Errorf("the delete should be refused: %q", res.Tests[0].Message)
	}
}

// TestIntegrationSQLErrorsQuoteNoHiddenData: an error that would carry the
// hidden databases' values (here every customer name, through
// json_extract's path error) reaches the contestant only for the sample
// database; syntax errors stay shown everywhere; no message passes the cap.
func TestIntegrationSQLErrorsQuoteNoHiddenData(t *testing.T) {
	g := dataDockerGrader(t, SQLImage)
	pkg := loadExample(t, "sales-indicators")
	hiddenNames := map[string]bool{}
	for _, db := range []string{"warehouse-b.db", "warehouse-c.db"} {
		for _, n := range sqliteColumn(t, "../../challenges/sales-indicators/hidden/"+db, "SELECT name FROM customers") {
			hiddenNames[n] = true
		}
	}
	sampleNames := map[string]bool{}
	for _, n := range sqliteColumn(t, "../../challenges/sales-indicators/attachments/warehouse.db", "SELECT name FROM customers") {
		sampleNames[n] = true
	}
	q := pkg.Spec.SQL.Questions
	src := "-- question: " + q[0].ID + "\nSELECT json_extract('{}', (SELECT group_concat(name) FROM customers));\n\n" +
		"-- question: " + q[1].ID + "\nSELEC 1;\n"
	res, err := g.Grade(context.Background(), pkg, "sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	leak := res.Tests[0].Message
	if !strings.Contains(leak, "SQL error") {
		t.Fatalf("first question: %q, want the sample database's SQL error", leak)
	}
	for n := range hiddenNames {
		if !sampleNames[n] && strings.Contains(leak, n) {
			t.Fatalf("message quotes hidden customer %q: %q", n, leak)
		}
	}
	if len(leak) > 400 {
		t.Errorf("message of %d bytes passes the cap", len(leak))
	}
	if !strings.Contains(res.Tests[1].Message, "syntax error") {
		t.Errorf("second question: %q, want the syntax error", res.Tests[1].Message)
	}
}

// sqliteColumn runs query on a database file with the host's python3 and
// returns the first column of every row.
func sqliteColumn(t *testing.T, db, query string) []string {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", "-c",
		"import sqlite3, sys\nfor r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print(r[0])", db, query).Output()
	if err != nil {
		t.Fatalf("read %s: %v", db, err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}
