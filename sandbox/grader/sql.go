package grader

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// SQLImage is the sandbox image SQL queries run in: Python's sqlite3 module
// drives SQLite there (sql_run.py), read-only.
const SQLImage = "skillarena/sqlite:latest"

// sqlRunPy runs one query inside the sandbox; see its doc string.
//
//go:embed sql_run.py
var sqlRunPy []byte

// Limits of an sql submission.
const (
	maxSQLBytes = 1 << 20
	// sqlOutputKB caps one query's reply (the result set as JSON).
	sqlOutputKB = 4096
	// sqlGreedyRows bounds the rows matched one by one when the sorted
	// comparison fails (numbers within tolerance can sort differently).
	sqlGreedyRows = 2000
)

// sqlQuestionLine starts a question's query in a submission: "-- question: ID".
var sqlQuestionLine = regexp.MustCompile(`(?i)^\s*--\s*question\s*:\s*(\S*)\s*$`)

// sqlAnswer is a contestant's query for one question.
type sqlAnswer struct {
	query string
	line  int // where the query starts in the submission
}

// splitSQL cuts a submission into one query per question. With a single
// question the marker line may be left out.
func splitSQL(src string, spec *challenges.SQLSpec) (map[string]sqlAnswer, error) {
	known := map[string]bool{}
	for _, q := range spec.Questions {
		known[q.ID] = true
	}
	lines := strings.SplitAfter(src, "\n")
	out := map[string]sqlAnswer{}
	markedAt := map[string]int{}
	current := ""
	var body strings.Builder
	start := 1
	flush := func() {
		if current != "" && !blankSQL(body.String()) {
			out[current] = sqlAnswer{query: body.String(), line: start}
		}
		body.Reset()
	}
	for i, l := range lines {
		n := i + 1
		m := sqlQuestionLine.FindStringSubmatch(strings.TrimRight(l, "\r\n"))
		if m == nil {
			body.WriteString(l)
			continue
		}
		if current == "" && !blankSQL(body.String()) {
			return nil, fmt.Errorf("line %d: SQL before the first \"-- question: ID\" line; put every query under its question's line", firstSQLLine(body.String()))
		}
		flush()
		id := m[1]
		if !known[id] {
			return nil, fmt.Errorf("line %d: unknown question %q (the questions are: %s)", n, id, spec.QuestionIDs())
		}
		if at, dup := markedAt[id]; dup {
			return nil, fmt.Errorf("line %d: question %q answered twice (first on line %d)", n, id, at)
		}
		markedAt[id] = n
		current, start = id, n+1
	}
	if len(markedAt) == 0 {
		if len(spec.Questions) > 1 {
			return nil, fmt.Errorf("no \"-- question: ID\" lines: this challenge has %d questions (%s); put each query under a line \"-- question: ID\"",
				len(spec.Questions), spec.QuestionIDs())
		}
		current = spec.Questions[0].ID
	}
	flush()
	return out, nil
}

// blankSQL reports whether s holds nothing but blanks and "--" comments.
func blankSQL(s string) bool { return firstSQLLine(s) == 0 }

// firstSQLLine is the 1-based line of s holding something other than a
// blank or a "--" comment, or 0.
func firstSQLLine(s string) int {
	for i, l := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
			return i + 1
		}
	}
	return 0
}

// sqlJob is one query run: a reference or a contestant query, on one database.
type sqlJob struct {
	DB      string `json:"db"`
	Query   string `json:"query"`
	TimeMS  int64  `json:"time_ms"`
	MaxRows int    `json:"max_rows"`
}

// sqlReply is sql_run.py's answer.
type sqlReply struct {
	Columns []string            `json:"columns"`
	Rows    [][]json.RawMessage `json:"rows"`
	Error   string              `json:"error"`
	// Phase is where the error arose: "prepare" (the query's text: syntax,
	// names, what is not allowed) or "run" (while reading the data).
	Phase       string `json:"phase"`
	Timeout     bool   `json:"timeout"`
	TooManyRows int    `json:"too_many_rows"`
}

// gradeSQL runs each question's reference query and the contestant's query
// on every database of the package, in one sandbox container, and compares
// the result sets outside it. A question scores when its result is right on
// every database; hidden variants make hard-coded answers fail.
//
// A query that does not parse, writes, attaches or loads an extension is a
// wrong answer for its question, with SQLite's message; a submission that
// cannot be split into questions is an invalid submission.
func (g *Grader) gradeSQL(ctx context.Context, pkg *challenges.Package, lang string, source []byte) (verdict.Result, error) {
	spec := pkg.Spec
	s := spec.SQL
	res := verdict.Result{MaxScore: spec.Points, Tests: []verdict.Test{}}
	if s == nil || len(s.Questions) == 0 || s.Tolerance == nil || s.AbsTolerance == nil {
		return verdict.Result{}, fmt.Errorf("grade %s: sql package not loaded", spec.ID)
	}
	if lang != "" && !slices.Contains(spec.Languages, lang) {
		return wrongLanguage(spec, lang), nil
	}
	if len(source) > maxSQLBytes {
		return refused(spec, message.New("grader.too_large", len(source), maxSQLBytes)), nil
	}
	source = bytes.TrimPrefix(source, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(source) {
		return refused(spec, message.New("grader.not_utf8")), nil
	}
	answers, err := splitSQL(string(source), s)
	if err != nil {
		return refused(spec, message.Plain(err.Error())), nil
	}
	if len(answers) == 0 {
		return refused(spec, message.New("grader.sql_no_query")), nil
	}

	req, cfg, err := sqlRequest(pkg, answers)
	if err != nil {
		return verdict.Result{}, err
	}
	out, err := g.run(ctx, "grade "+spec.ID+": run queries", cfg, req)
	if err != nil {
		return verdict.Result{}, err
	}
	byName := make(map[string]runner.StepResult, len(out.Tests))
	for i, t := range out.Tests {
		byName[req.Tests[i].Name] = t
	}

	expected, fault, err := sqlExpected(spec, byName)
	if err != nil {
		return verdict.Result{}, err
	}
	if fault != "" {
		res.Outcome, res.Message = verdict.SystemError, packageFault+fault
		return res, nil
	}

	var firstBad verdict.Outcome
	right := 0
	for _, q := range s.Questions {
		t := verdict.Test{Name: q.ID, MaxScore: q.Points, Outcome: verdict.Accepted}
		a, ok := answers[q.ID]
		if !ok {
			t.Outcome = verdict.WrongAnswer
			t.Say(message.New("grader.sql_no_answer"))
		}
		for d := 0; ok && d < len(s.Databases); d++ {
			step := byName[fmt.Sprintf("sub/%s/%d", q.ID, d+1)]
			t.CPUTimeMS = max(t.CPUTimeMS, step.CPUTimeMS)
			t.WallTimeMS = max(t.WallTimeMS, step.WallTimeMS)
			t.MemoryBytes = max(t.MemoryBytes, step.MemoryBytes)
			hidden := !strings.HasPrefix(s.Databases[d], "attachments/")
			outcome, msg := sqlCheckStep(step, expected[fmt.Sprintf("ref/%s/%d", q.ID, d+1)], q, s, hidden)
			if outcome != verdict.Accepted {
				t.Outcome = outcome
				t.Say(sqlWhere(msg, a.line, s.Databases, d))
				t.Output = dataJuryTail(step.Stderr)
				break
			}
		}
		if t.Outcome == verdict.Accepted {
			t.Score = q.Points
			res.Score += q.Points
			right++
		} else if firstBad == "" {
			firstBad = t.Outcome
		}
		res.Tests = append(res.Tests, t)
	}
	res.Score = math.Round(res.Score*100) / 100
	switch {
	case right == len(s.Questions):
		res.Outcome = verdict.Accepted
	case right > 0:
		res.Outcome = verdict.Scored
	default:
		res.Outcome = firstBad
	}
	res.Say(message.New("grader.sql_right", right, len(s.Questions)))
	return res, nil
}

// sqlRequest is the sandbox request of an sql submission: the query runner
// and the databases, then one run per question and database, the reference
// queries first, then the contestant's: tests ref/Q/D, sub/Q/D.
func sqlRequest(pkg *challenges.Package, answers map[string]sqlAnswer) (runner.Request, container.Config, error) {
	spec := pkg.Spec
	s := spec.SQL
	req := runner.Request{
		Files: []runner.File{{Name: "sql_run.py", Data: sqlRunPy}},
		// sql_run.py stops a query at sql.time_ms itself; the runner's
		// limits, a second of Python's start-up above it, are the backstop.
		Run: runner.Step{Command: []string{"python3", "-I", "-S", "sql_run.py"},
			Limits: runnerLimits(challenges.Limits{TimeMS: s.TimeMS + 1000, MemoryMB: spec.Limits.MemoryMB, OutputKB: sqlOutputKB})},
	}
	var dbBytes int64
	dbNames := make([]string, len(s.Databases))
	for i, db := range s.Databases {
		data, err := fs.ReadFile(pkg.FS, db)
		if err != nil {
			return runner.Request{}, container.Config{}, fmt.Errorf("grade %s: read database: %w", spec.ID, err)
		}
		dbNames[i] = fmt.Sprintf("db/%d.sqlite", i+1)
		req.Files = append(req.Files, runner.File{Name: dbNames[i], Data: data})
		dbBytes += int64(len(data))
	}
	addJob := func(name, db, query string) error {
		in, err := json.Marshal(sqlJob{DB: db, Query: query, TimeMS: s.TimeMS, MaxRows: s.MaxRows})
		if err != nil {
			return fmt.Errorf("grade %s: encode query: %w", spec.ID, err)
		}
		req.Tests = append(req.Tests, runner.Test{Name: name, Input: in})
		return nil
	}
	for _, who := range []string{"ref", "sub"} {
		for _, q := range s.Questions {
			query := q.Query
			if who == "sub" {
				a, ok := answers[q.ID]
				if !ok {
					continue
				}
				query = a.query
			}
			for d := range s.Databases {
				if err := addJob(fmt.Sprintf("%s/%s/%d", who, q.ID, d+1), dbNames[d], query); err != nil {
					return runner.Request{}, container.Config{}, err
				}
			}
		}
	}
	return req, container.Config{Image: SQLImage, TmpfsBytes: max(container.DefaultTmpfsBytes, 2*dbBytes+(16<<20))}, nil
}

// sqlExpected reads the expected results from the reference queries' runs.
// A reference query that fails is the package's fault, said in fault.
func sqlExpected(spec challenges.Spec, byName map[string]runner.StepResult) (expected map[string]*sqlReply, fault string, err error) {
	s := spec.SQL
	expected = map[string]*sqlReply{}
	for _, q := range s.Questions {
		for d, db := range s.Databases {
			name := fmt.Sprintf("ref/%s/%d", q.ID, d+1)
			step := byName[name]
			if step.Status != runner.StatusOK {
				return nil, "", fmt.Errorf("grade %s: reference query of question %s on %s ended with %s: %s",
					spec.ID, q.ID, db, step.Status, strings.TrimSpace(string(step.Stderr)))
			}
			rep, err := sqlDecodeReply(step.Stdout)
			if err == nil {
				switch {
				case rep.Error != "":
					err = fmt.Errorf("SQL error: %s", rep.Error)
				case rep.Timeout:
					err = fmt.Errorf("ran past sql.time_ms (%d ms)", s.TimeMS)
				case rep.TooManyRows > 0:
					err = fmt.Errorf("more than sql.max_rows (%d) rows", s.MaxRows)
				}
			}
			if err != nil {
				return nil, fmt.Sprintf("the reference query of question %s (%s) on %s: %v", q.ID, q.Reference, db, err), nil
			}
			expected[name] = rep
		}
	}
	return expected, "", nil
}

// sqlWhere says msg happened to the query from line on database d, named
// without giving away hidden paths.
func sqlWhere(msg message.Text, line int, dbs []string, d int) message.Text {
	if strings.HasPrefix(dbs[d], "attachments/") {
		return message.Wrap("grader.sql_at_sample", msg, line, strings.TrimPrefix(dbs[d], "attachments/"))
	}
	n := 0
	for _, db := range dbs[:d+1] {
		if strings.HasPrefix(db, "hidden/") {
			n++
		}
	}
	return message.Wrap("grader.sql_at_hidden", msg, line, n)
}

func sqlDecodeReply(b []byte) (*sqlReply, error) {
	var r sqlReply
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("unreadable reply from the query runner: %w", err)
	}
	return &r, nil
}

// sqlCheckStep judges one contestant query run against the expected result.
// Messages never show expected values: they would leak the hidden databases.
// maxSQLMessage bounds an SQLite message quoted to the contestant.
const maxSQLMessage = 300

// sqlCheckStep judges one of the contestant's query runs against the
// expected result. On a hidden database the message says nothing the data
// decides: SQLite's text of an error met while reading rows can quote
// values (json_extract's path errors, CAST, printf through raise()), and
// counts of rows are numbers a query can make of the data; only errors in
// the query's text itself are quoted there.
func sqlCheckStep(step runner.StepResult, want *sqlReply, q challenges.SQLQuestion, s *challenges.SQLSpec, hidden bool) (verdict.Outcome, message.Text) {
	switch o := fromStatus(step.Status); o {
	case verdict.Accepted:
	case verdict.TimeLimit:
		return o, message.New("sql.timeout", s.TimeMS)
	case verdict.MemoryLimit:
		return o, message.New("sql.memory")
	case verdict.OutputLimit:
		return o, message.New("sql.too_large")
	default:
		return verdict.RuntimeError, message.New("sql.crashed")
	}
	got, err := sqlDecodeReply(step.Stdout)
	switch {
	case err != nil:
		return verdict.RuntimeError, message.New("sql.crashed")
	case got.Timeout:
		return verdict.TimeLimit, message.New("sql.timeout", s.TimeMS)
	case got.Error != "" && hidden && got.Phase != "prepare":
		return verdict.WrongAnswer, message.New("sql.error_hidden")
	case got.Error != "":
		return verdict.WrongAnswer, message.New("sql.error", verdict.Clip(got.Error, maxSQLMessage))
	case got.TooManyRows > 0:
		return verdict.WrongAnswer, message.New("sql.too_many_rows", got.TooManyRows)
	}
	if len(got.Columns) != len(want.Columns) {
		return verdict.WrongAnswer, message.New("sql.columns", len(got.Columns), len(want.Columns))
	}
	if len(got.Rows) != len(want.Rows) {
		if hidden {
			return verdict.WrongAnswer, message.New("sql.rows_hidden")
		}
		return verdict.WrongAnswer, message.New("sql.rows", len(got.Rows), len(want.Rows))
	}
	gotRows, err := sqlDecodeRows(got.Rows)
	if err != nil {
		return verdict.RuntimeError, message.New("sql.unreadable")
	}
	wantRows, err := sqlDecodeRows(want.Rows)
	if err != nil {
		return verdict.RuntimeError, message.New("sql.unreadable")
	}
	tol := sqlTolerance{rel: *q.Tolerance, abs: *q.AbsTolerance}
	if q.Ordered {
		for i := range wantRows {
			if !sqlRowsEqual(gotRows[i], wantRows[i], tol) {
				if hidden {
					return verdict.WrongAnswer, message.New("sql.row_order_hidden")
				}
				return verdict.WrongAnswer, message.New("sql.row_order", i+1)
			}
		}
		return verdict.Accepted, message.Text{}
	}
	if missing := sqlUnmatched(gotRows, wantRows, tol); missing > 0 {
		if hidden {
			return verdict.WrongAnswer, message.New("sql.rows_differ_hidden")
		}
		return verdict.WrongAnswer, message.New("sql.rows_differ", missing, len(wantRows))
	}
	return verdict.Accepted, message.Text{}
}

// sqlValue is one decoded cell.
type sqlValue struct {
	kind byte // 0 null, 'i' integer, 'r' real, 't' text, 'b' blob
	i    int64
	f    float64
	s    string
	num  bool // a number, or text that reads as one
}

func sqlDecodeRows(rows [][]json.RawMessage) ([][]sqlValue, error) {
	out := make([][]sqlValue, len(rows))
	for i, row := range rows {
		out[i] = make([]sqlValue, len(row))
		for j, cell := range row {
			v, err := sqlDecodeValue(cell)
			if err != nil {
				return nil, err
			}
			out[i][j] = v
		}
	}
	return out, nil
}

func sqlDecodeValue(raw json.RawMessage) (sqlValue, error) {
	if string(raw) == "null" {
		return sqlValue{}, nil
	}
	var pair [2]string
	if err := json.Unmarshal(raw, &pair); err != nil {
		return sqlValue{}, fmt.Errorf("value %s: %w", raw, err)
	}
	v := sqlValue{kind: pair[0][0], s: pair[1]}
	switch pair[0] {
	case "i":
		i, err := strconv.ParseInt(pair[1], 10, 64)
		if err != nil {
			return v, fmt.Errorf("integer %q: %w", pair[1], err)
		}
		v.i, v.f, v.num = i, float64(i), true
	case "r":
		f, err := strconv.ParseFloat(pair[1], 64)
		if err != nil {
			return v, fmt.Errorf("real %q: %w", pair[1], err)
		}
		v.f, v.num = f, true
	case "t":
		if f, err := strconv.ParseFloat(strings.TrimSpace(pair[1]), 64); err == nil && !math.IsNaN(f) {
			v.f, v.num = f, true
		}
	case "b":
		b, err := hex.DecodeString(pair[1])
		if err != nil {
			return v, fmt.Errorf("blob: %w", err)
		}
		v.s = string(b)
	default:
		return v, fmt.Errorf("unknown value type %q", pair[0])
	}
	return v, nil
}

// sqlTolerance is how far a number may be from the expected one: within
// rel times the expected value, or within abs.
type sqlTolerance struct{ rel, abs float64 }

// sqlValuesEqual compares a result cell with the expected one: integers
// exactly, other numbers within the tolerance, text that reads as a number
// as that number, text and blobs exactly, NULL only with NULL.
func sqlValuesEqual(got, want sqlValue, tol sqlTolerance) bool {
	switch {
	case got.kind == 0 || want.kind == 0:
		return got.kind == want.kind
	case got.kind == 'b' || want.kind == 'b':
		return got.kind == want.kind && got.s == want.s
	case got.kind == 'i' && want.kind == 'i':
		return got.i == want.i
	case got.num && want.num && (got.kind != 't' || want.kind != 't'):
		if math.IsInf(want.f, 0) || math.IsInf(got.f, 0) {
			return got.f == want.f
		}
		return math.Abs(got.f-want.f) <= math.Max(tol.abs, tol.rel*math.Abs(want.f))
	case got.kind == 't' && want.kind == 't':
		return got.s == want.s
	}
	return false
}

func sqlRowsEqual(got, want []sqlValue, tol sqlTolerance) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		if !sqlValuesEqual(got[i], want[i], tol) {
			return false
		}
	}
	return true
}

// sqlCompare orders cells canonically: NULL, numbers (and numeric text),
// text, blobs.
func sqlCompare(a, b sqlValue) int {
	rank := func(v sqlValue) int {
		switch {
		case v.kind == 0:
			return 0
		case v.num:
			return 1
		case v.kind == 't':
			return 2
		}
		return 3
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra - rb
	}
	if a.num {
		switch {
		case a.f < b.f:
			return -1
		case a.f > b.f:
			return 1
		}
		return 0
	}
	return strings.Compare(a.s, b.s)
}

func sqlSortRows(rows [][]sqlValue) [][]sqlValue {
	out := slices.Clone(rows)
	sort.SliceStable(out, func(i, j int) bool {
		for k := range out[i] {
			if c := sqlCompare(out[i][k], out[j][k]); c != 0 {
				return c < 0
			}
		}
		return false
	})
	return out
}

// sqlUnmatched counts the expected rows that no result row matches, the
// rows compared as multisets: sorted and paired first, and when that fails
// on a small result, matched one by one.
func sqlUnmatched(got, want [][]sqlValue, tol sqlTolerance) int {
	g, w := sqlSortRows(got), sqlSortRows(want)
	bad := 0
	for i := range w {
		if !sqlRowsEqual(g[i], w[i], tol) {
			bad++
		}
	}
	if bad == 0 || len(w) > sqlGreedyRows {
		return bad
	}
	used := make([]bool, len(g))
	bad = 0
	for _, wr := range w {
		found := false
		for j, gr := range g {
			if !used[j] && sqlRowsEqual(gr, wr, tol) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			bad++
		}
	}
	return bad
}
