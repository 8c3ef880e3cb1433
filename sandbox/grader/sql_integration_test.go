package grader

import (
	"context"
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
