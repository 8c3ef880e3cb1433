package grader

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/predictions"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// dataHostSandbox runs the data kinds' requests on the host, without
// Docker: each test's command in a temporary work directory, with the
// scorer mode of arena-runner called in-process. It checks the grading
// logic quickly; the integration tests run the same requests in containers.
type dataHostSandbox struct {
	python string
	reqs   []runner.Request
	cfgs   []container.Config
}

func (h *dataHostSandbox) Run(ctx context.Context, cfg container.Config, req runner.Request) (runner.Result, error) {
	h.reqs = append(h.reqs, req)
	h.cfgs = append(h.cfgs, cfg)
	dir, err := os.MkdirTemp("", "grader-host-")
	if err != nil {
		return runner.Result{}, err
	}
	defer os.RemoveAll(dir)
	for _, f := range req.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return runner.Result{}, err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return runner.Result{}, err
		}
	}
	res := runner.Result{}
	for _, t := range req.Tests {
		cmd := req.Run.Command
		var stdout, stderr bytes.Buffer
		sr := runner.StepResult{Name: t.Name, Status: runner.StatusOK}
		start := time.Now()
		switch {
		case cmd[0] == container.RunnerPath && len(cmd) > 1 && cmd[1] == predictions.RunnerFlag:
			args := append([]string{}, cmd[2:]...)
			for i, a := range args {
				args[i] = filepath.Join(dir, a)
			}
			sr.ExitCode = predictions.Main(args, &stdout, &stderr)
		case cmd[0] == "python3":
			c := exec.CommandContext(ctx, h.python, cmd[1:]...)
			c.Dir, c.Stdin, c.Stdout, c.Stderr = dir, bytes.NewReader(t.Input), &stdout, &stderr
			err := c.Run()
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				sr.ExitCode = ee.ExitCode()
			} else if err != nil {
				return runner.Result{}, err
			}
		default:
			return runner.Result{}, fmt.Errorf("host sandbox cannot run %v", cmd)
		}
		sr.WallTimeMS = time.Since(start).Milliseconds()
		if sr.ExitCode != 0 {
			sr.Status = runner.StatusRuntimeError
		}
		if int64(stdout.Len()) > req.Run.Limits.OutputBytes {
			sr.Status = runner.StatusOutputLimit
		}
		if sr.WallTimeMS > req.Run.Limits.WallTimeMS {
			sr.Status = runner.StatusTimeLimit
		}
		sr.Stdout, sr.Stderr = stdout.Bytes(), stderr.Bytes()
		res.Tests = append(res.Tests, sr)
	}
	return res, nil
}

// hostPython finds a python3 with the sqlite3 module for dataHostSandbox.
func hostPython(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import sqlite3").Run() == nil {
			return p
		}
	}
	testenv.Missing(t, "no python3 with the sqlite3 module on the host")
	return ""
}

func loadExample(t *testing.T, slug string) *challenges.Package {
	t.Helper()
	fsys, err := challenges.Example(slug)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := challenges.Load(fsys)
	if err != nil {
		t.Fatalf("load %s: %v", slug, err)
	}
	return pkg
}

// expectSolution checks a result against the folder a reference solution
// sits in: an outcome name, or a score.
func expectSolution(t *testing.T, folder, file string, res verdict.Result) {
	t.Helper()
	if score, err := strconv.ParseFloat(folder, 64); err == nil {
		if res.Score != score || res.Outcome == verdict.InvalidSubmission || res.Outcome == verdict.SystemError {
			t.Errorf("%s: got %s with score %v, want score %v (message %q, tests %+v)", file, res.Outcome, res.Score, score, res.Message, res.Tests)
		}
		return
	}
	if string(res.Outcome) != folder {
		t.Errorf("%s: got %s (score %v, message %q, tests %+v), want %s", file, res.Outcome, res.Score, res.Message, res.Tests, folder)
	}
	if folder == string(verdict.Accepted) && res.Score != res.MaxScore {
		t.Errorf("%s: accepted with score %v of %v", file, res.Score, res.MaxScore)
	}
}

// gradeSolutions grades every reference solution of pkg with g and checks
// each against its folder.
func gradeSolutions(t *testing.T, g *Grader, pkg *challenges.Package) map[string]verdict.Result {
	t.Helper()
	if len(pkg.Solutions) == 0 {
		t.Fatalf("%s has no reference solutions", pkg.Spec.ID)
	}
	results := map[string]verdict.Result{}
	for folder, files := range pkg.Solutions {
		for _, file := range files {
			src, err := fs.ReadFile(pkg.FS, file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := g.Grade(context.Background(), pkg, pkg.Spec.Languages[0], src)
			if err != nil {
				t.Errorf("%s: platform error: %v", file, err)
				continue
			}
			expectSolution(t, folder, file, res)
			results[path.Base(file)] = res
		}
	}
	return results
}

func TestSQLExampleSolutionsOnHost(t *testing.T) {
	h := &dataHostSandbox{python: hostPython(t)}
	pkg := loadExample(t, "sales-indicators")
	results := gradeSolutions(t, &Grader{Sandbox: h}, pkg)

	// The hostile queries fail with a message naming what was refused.
	esc := results["escape-attempts.sql"]
	for i, want := range []string{"DELETE", "ATTACH", "load_extension"} {
		if i >= len(esc.Tests) || !strings.Contains(esc.Tests[i].Message, want) {
			t.Errorf("escape attempt %d: message %+v does not mention %s", i, esc.Tests, want)
		}
	}
	hard := results["hard-coded.sql"]
	for _, q := range hard.Tests {
		if !strings.Contains(q.Message, "hidden database") {
			t.Errorf("hard-coded answer to %s should fail on a hidden database, got %q", q.Name, q.Message)
		}
	}
	if r := results["wrong-order.sql"]; len(r.Tests) != 3 || !strings.Contains(r.Tests[1].Message, "row order matters") {
		t.Errorf("wrong order: got %+v", r.Tests)
	}
	if r := results["unknown-question.sql"]; !strings.Contains(r.Message, `unknown question "revenue"`) {
		t.Errorf("unknown question: message %q", r.Message)
	}
	// Hidden data stays hidden: no message shows a value of a result (four
	// of the region names, 华东, 华南, 华北, 华中, hold a 华).
	for name, r := range results {
		for _, q := range r.Tests {
			if strings.Contains(q.Message, "华") {
				t.Errorf("%s: message shows a result value: %q", name, q.Message)
			}
		}
	}
	// Every request holds the databases and runs the reference queries first.
	req := h.reqs[0]
	if len(req.Files) != 1+len(pkg.Spec.SQL.Databases) || !strings.HasPrefix(req.Tests[0].Name, "ref/") {
		t.Errorf("request files %d, first test %q", len(req.Files), req.Tests[0].Name)
	}
}

func TestSplitSQL(t *testing.T) {
	spec := &challenges.SQLSpec{Questions: []challenges.SQLQuestion{{ID: "a"}, {ID: "b"}}}
	single := &challenges.SQLSpec{Questions: []challenges.SQLQuestion{{ID: "only"}}}
	tests := []struct {
		name    string
		spec    *challenges.SQLSpec
		src     string
		want    map[string]int // question -> first line of its query
		wantErr string
	}{
		{name: "two questions", spec: spec, src: "-- a comment\n-- question: a\nselect 1;\n\n--QUESTION:b\nselect 2;\n",
			want: map[string]int{"a": 3, "b": 6}},
		{name: "one answered", spec: spec, src: "-- question: b\nselect 2;\n-- question: a\n-- nothing yet\n", want: map[string]int{"b": 2}},
		{name: "single question without marker", spec: single, src: "select 1;", want: map[string]int{"only": 1}},
		{name: "crlf", spec: spec, src: "-- question: a\r\nselect 1;\r\n", want: map[string]int{"a": 2}},
		{name: "unknown", spec: spec, src: "-- question: c\nselect 1;", wantErr: `line 1: unknown question "c"`},
		{name: "twice", spec: spec, src: "-- question: a\nselect 1;\n-- question: a\nselect 2;", wantErr: `line 3: question "a" answered twice (first on line 1)`},
		{name: "sql before marker", spec: spec, src: "select 0;\n-- question: a\nselect 1;", wantErr: "line 1: SQL before the first"},
		{name: "no markers", spec: spec, src: "select 1;", wantErr: "no \"-- question: ID\" lines"},
		{name: "empty marker", spec: spec, src: "-- question:\nselect 1;", wantErr: `unknown question ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitSQL(tt.src, tt.spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for id, line := range tt.want {
				if got[id].line != line {
					t.Errorf("question %s starts on line %d, want %d", id, got[id].line, line)
				}
			}
		})
	}
}

func TestSQLCompare(t *testing.T) {
	cell := func(kind, v string) json.RawMessage {
		if kind == "" {
			return json.RawMessage("null")
		}
		b, _ := json.Marshal([]string{kind, v})
		return b
	}
	reply := func(cols int, rows ...[]json.RawMessage) *sqlReply {
		r := &sqlReply{Columns: make([]string, cols), Rows: rows}
		return r
	}
	row := func(cells ...json.RawMessage) []json.RawMessage { return cells }
	tol := 1e-6
	abs := 0.01
	unordered := challenges.SQLQuestion{ID: "q", Tolerance: &tol, AbsTolerance: &abs}
	ordered := unordered
	ordered.Ordered = true
	want := reply(2, row(cell("t", "华东"), cell("r", "100.005")), row(cell("t", "华南"), cell("i", "7")), row(cell("", ""), cell("b", "00ff")))
	tests := []struct {
		name    string
		q       challenges.SQLQuestion
		got     *sqlReply
		outcome verdict.Outcome
		msg     string
	}{
		{"same, other order", unordered, reply(2, row(cell("", ""), cell("b", "00ff")), row(cell("t", "华南"), cell("i", "7")), row(cell("t", "华东"), cell("r", "100.005"))), verdict.Accepted, ""},
		{"rounded money, integer as real, number as text", unordered, reply(2, row(cell("t", "华东"), cell("r", "100.01")), row(cell("t", "华南"), cell("t", "7.0")), row(cell("", ""), cell("b", "00ff"))), verdict.Accepted, ""},
		{"other order when ordered", ordered, reply(2, row(cell("t", "华南"), cell("i", "7")), row(cell("t", "华东"), cell("r", "100.005")), row(cell("", ""), cell("b", "00ff"))), verdict.WrongAnswer, "row 1 differs"},
		{"beyond tolerance", unordered, reply(2, row(cell("t", "华东"), cell("r", "100.02")), row(cell("t", "华南"), cell("i", "7")), row(cell("", ""), cell("b", "00ff"))), verdict.WrongAnswer, "1 of 3 rows differ"},
		{"integer off by one", unordered, reply(2, row(cell("t", "华东"), cell("r", "100.005")), row(cell("t", "华南"), cell("i", "8")), row(cell("", ""), cell("b", "00ff"))), verdict.WrongAnswer, "rows differ"},
		{"null is not zero", unordered, reply(2, row(cell("t", "华东"), cell("r", "100.005")), row(cell("t", "华南"), cell("i", "7")), row(cell("i", "0"), cell("b", "00ff"))), verdict.WrongAnswer, "rows differ"},
		{"text case", unordered, reply(2, row(cell("t", "华东"), cell("r", "100.005")), row(cell("t", "华南 "), cell("i", "7")), row(cell("", ""), cell("b", "00ff"))), verdict.WrongAnswer, "rows differ"},
		{"extra column", unordered, reply(3, row(cell("t", "华东"), cell("r", "100.005"), cell("i", "1"))), verdict.WrongAnswer, "3 columns, expected 2"},
		{"missing row", unordered, reply(2, row(cell("t", "华东"), cell("r", "100.005"))), verdict.WrongAnswer, "1 rows, expected 3"},
		{"sql error", unordered, &sqlReply{Error: "no such column: x"}, verdict.WrongAnswer, "SQL error: no such column: x"},
		{"timeout", unordered, &sqlReply{Timeout: true}, verdict.TimeLimit, "longer than"},
		{"too many rows", unordered, &sqlReply{TooManyRows: 10}, verdict.WrongAnswer, "more than 10 rows"},
	}
	spec := &challenges.SQLSpec{TimeMS: 1000}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := json.Marshal(tt.got)
			outcome, said := sqlCheckStep(runner.StepResult{Status: runner.StatusOK, Stdout: out}, want, tt.q, spec, false)
			msg := said.String()
			if outcome != tt.outcome || !strings.Contains(msg, tt.msg) {
				t.Errorf("got %s %q, want %s %q", outcome, msg, tt.outcome, tt.msg)
			}
		})
	}
	for _, st := range []struct {
		status  runner.Status
		outcome verdict.Outcome
	}{{runner.StatusTimeLimit, verdict.TimeLimit}, {runner.StatusMemoryLimit, verdict.MemoryLimit},
		{runner.StatusOutputLimit, verdict.OutputLimit}, {runner.StatusRuntimeError, verdict.RuntimeError}} {
		if o, _ := sqlCheckStep(runner.StepResult{Status: st.status}, want, unordered, spec, false); o != st.outcome {
			t.Errorf("status %s: got %s, want %s", st.status, o, st.outcome)
		}
	}
}

// TestSQLCheckStepHidden: on a hidden database nothing the data decides
// reaches the message: no SQLite text of an error met while reading rows,
// no counts of rows, no row numbers.
func TestSQLCheckStepHidden(t *testing.T) {
	want := &sqlReply{Columns: []string{"a"}, Rows: [][]json.RawMessage{{json.RawMessage(`["i","1"]`)}, {json.RawMessage(`["i","2"]`)}}}
	q := challenges.SQLQuestion{Tolerance: new(float64), AbsTolerance: new(float64)}
	ordered := q
	ordered.Ordered = true
	long := strings.Repeat("near \"x\": syntax error ", 50)
	tests := []struct {
		name     string
		q        challenges.SQLQuestion
		got      *sqlReply
		msg      string
		forbid   string
		maxBytes int
	}{
		{"error while reading", q, &sqlReply{Error: "bad JSON path: 'Alice Zhang,Bob Li'", Phase: "run"}, "sample database only", "Alice", 0},
		{"error in the query's text", q, &sqlReply{Error: "no such column: x", Phase: "prepare"}, "no such column: x", "", 0},
		{"long error capped", q, &sqlReply{Error: long, Phase: "prepare"}, "syntax error", "", maxSQLMessage + 40},
		{"row count", q, &sqlReply{Columns: []string{"a"}, Rows: [][]json.RawMessage{{json.RawMessage(`["i","1"]`)}}}, "different number of rows", "1 rows", 0},
		{"rows differ", q, &sqlReply{Columns: []string{"a"}, Rows: [][]json.RawMessage{{json.RawMessage(`["i","1"]`)}, {json.RawMessage(`["i","3"]`)}}}, "rows of the result differ", "of 2", 0},
		{"ordered row", ordered, &sqlReply{Columns: []string{"a"}, Rows: [][]json.RawMessage{{json.RawMessage(`["i","1"]`)}, {json.RawMessage(`["i","3"]`)}}}, "a row differs", "row 2", 0},
	}
	spec := &challenges.SQLSpec{TimeMS: 1000}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := json.Marshal(tt.got)
			_, said := sqlCheckStep(runner.StepResult{Status: runner.StatusOK, Stdout: out}, want, tt.q, spec, true)
			msg := said.String()
			if !strings.Contains(msg, tt.msg) || (tt.forbid != "" && strings.Contains(msg, tt.forbid)) {
				t.Errorf("message %q: want %q, never %q", msg, tt.msg, tt.forbid)
			}
			if tt.maxBytes > 0 && len(msg) > tt.maxBytes {
				t.Errorf("message of %d bytes, cap %d", len(msg), tt.maxBytes)
			}
		})
	}
}

// TestSQLReferenceFailure: a reference query that fails is the package's
// fault, said so in a system error.
func TestSQLReferenceFailure(t *testing.T) {
	h := &dataHostSandbox{python: hostPython(t)}
	pkg := loadExample(t, "sales-indicators")
	fsys := fstest.MapFS{}
	if err := fs.WalkDir(pkg.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(pkg.FS, p)
		fsys[p] = &fstest.MapFile{Data: b}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	fsys["hidden/queries/top-products.sql"] = &fstest.MapFile{Data: []byte("SELECT product_id FROM no_such_table")}
	broken, err := challenges.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&Grader{Sandbox: h}).Grade(context.Background(), broken, "sql", []byte("-- question: top-products\nSELECT 1;"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != verdict.SystemError || !strings.Contains(res.Message, "not the contestant's fault") || !strings.Contains(res.Message, "no such table") {
		t.Errorf("got %s %q", res.Outcome, res.Message)
	}
}

func TestSQLInvalidSubmissions(t *testing.T) {
	h := &dataHostSandbox{python: hostPython(t)}
	pkg := loadExample(t, "sales-indicators")
	g := &Grader{Sandbox: h}
	tests := []struct {
		name, lang, src, want string
	}{
		{"not utf-8", "sql", "-- question: top-products\nSELECT '\xff';", "not UTF-8"},
		{"only comments", "sql", "-- question: top-products\n-- TODO\n", "no query found"},
		{"language", "python3", "-- question: top-products\nSELECT 1;", `language "python3"`},
		{"too big", "sql", "-- question: top-products\nSELECT 1;" + strings.Repeat(" ", maxSQLBytes), "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := g.Grade(context.Background(), pkg, tt.lang, []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != verdict.InvalidSubmission || !strings.Contains(res.Message, tt.want) {
				t.Errorf("got %s %q, want invalid_submission with %q", res.Outcome, res.Message, tt.want)
			}
		})
	}
	if len(h.reqs) != 0 {
		t.Errorf("invalid submissions started %d sandboxes", len(h.reqs))
	}
}
