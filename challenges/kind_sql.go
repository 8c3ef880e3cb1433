package challenges

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"strings"
	"unicode/utf8"
)

// SQLSpec is the `sql:` section: one or more questions, each answered by a
// query run read-only against the package's SQLite database(s) inside the
// sandbox; the result set must equal what the question's reference query
// gives on the same database. See challenges/README.md.
type SQLSpec struct {
	// Databases are the SQLite files every query is graded on; a question
	// scores only if its query is right on all of them. Default: every
	// *.db, *.sqlite and *.sqlite3 file directly under hidden/, sorted.
	Databases []string `yaml:"databases"`
	// Questions are what the contestant answers. At least one.
	Questions []SQLQuestion `yaml:"questions"`
	// TimeMS is the time one query may run. Default: limits.time_ms.
	TimeMS int64 `yaml:"time_ms"`
	// MaxRows is the most rows a result may have. Default 10000.
	MaxRows int `yaml:"max_rows"`
	// Tolerance is how far a number may be from the expected one, relative
	// to the expected value. Default 1e-6.
	Tolerance *float64 `yaml:"tolerance"`
	// AbsTolerance is how far a number may be from the expected one in
	// absolute terms; a number within either tolerance is right. Default 1e-6.
	AbsTolerance *float64 `yaml:"abs_tolerance"`
}

// SQLQuestion is one question of an sql challenge.
type SQLQuestion struct {
	// ID names the question in the submission ("-- question: ID"). Required.
	ID    string `yaml:"id"`
	Title Text   `yaml:"title"`
	// Points are the question's share of the challenge's points. Default:
	// the points split equally; when any question gives points, all must,
	// and they must add up to the challenge's points.
	Points float64 `yaml:"points"`
	// Reference is the package file with the reference query. Default
	// hidden/queries/ID.sql.
	Reference string `yaml:"reference"`
	// Ordered makes the row order part of the answer (an ORDER BY task).
	// Default false: rows are compared as a multiset.
	Ordered bool `yaml:"ordered"`
	// Tolerance and AbsTolerance override the section's for this question.
	Tolerance    *float64 `yaml:"tolerance"`
	AbsTolerance *float64 `yaml:"abs_tolerance"`

	// Query is the reference query's text, read at load time.
	Query string `yaml:"-"`
}

// SQLDefaultMaxRows is the default for sql.max_rows.
const SQLDefaultMaxRows = 10000

// SQLDefaultTolerance is the default for sql.tolerance and sql.abs_tolerance.
const SQLDefaultTolerance = 1e-6

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

func loadSQL(fsys fs.FS, pkg *Package, probs *Problems) {
	const f = "challenge.yaml"
	s := pkg.Spec.SQL
	if s == nil {
		probs.add(f, "sql", "missing: an sql challenge needs an sql section with questions")
		return
	}
	if s.TimeMS == 0 {
		s.TimeMS = pkg.Spec.Limits.TimeMS
	}
	if s.TimeMS <= 0 || s.TimeMS > 60000 {
		probs.add(f, "sql.time_ms", "must be in 1..60000, got %d", s.TimeMS)
	}
	if s.MaxRows == 0 {
		s.MaxRows = SQLDefaultMaxRows
	}
	if s.MaxRows < 1 || s.MaxRows > 1_000_000 {
		probs.add(f, "sql.max_rows", "must be in 1..1000000, got %d", s.MaxRows)
	}
	for _, t := range []**float64{&s.Tolerance, &s.AbsTolerance} {
		if *t == nil {
			v := SQLDefaultTolerance
			*t = &v
		}
	}
	checkTolerance(*s.Tolerance, "sql.tolerance", probs)
	if *s.AbsTolerance < 0 || math.IsNaN(*s.AbsTolerance) || math.IsInf(*s.AbsTolerance, 0) {
		probs.add(f, "sql.abs_tolerance", "must be a non-negative number, got %v", *s.AbsTolerance)
	}

	if len(s.Databases) == 0 {
		entries, err := fs.ReadDir(fsys, "hidden")
		if err == nil {
			for _, e := range entries {
				switch path.Ext(e.Name()) {
				case ".db", ".sqlite", ".sqlite3":
					if !e.IsDir() {
						s.Databases = append(s.Databases, "hidden/"+e.Name())
					}
				}
			}
		}
		if len(s.Databases) == 0 {
			probs.add(f, "sql.databases", "none given and no *.db, *.sqlite or *.sqlite3 file under hidden/")
		}
	}
	seenDB := map[string]bool{}
	for i, db := range s.Databases {
		field := fmt.Sprintf("sql.databases[%d]", i)
		if !dataPathUnder(db, "hidden") && !dataPathUnder(db, "attachments") {
			probs.add(f, field, "%q must be a file under hidden/ or attachments/", db)
			continue
		}
		if seenDB[db] {
			probs.add(f, field, "%q listed twice", db)
		}
		seenDB[db] = true
		if err := checkSQLite(fsys, db); err != nil {
			probs.add(db, "database", "%v", err)
		}
	}

	if len(s.Questions) == 0 {
		probs.add(f, "sql.questions", "list at least one question")
		return
	}
	seen := map[string]bool{}
	withPoints := 0
	var total float64
	for i := range s.Questions {
		q := &s.Questions[i]
		field := fmt.Sprintf("sql.questions[%d]", i)
		if !slugRE.MatchString(q.ID) {
			probs.add(f, field+".id", "%q is not a slug (lower-case letters, digits, hyphens)", q.ID)
		} else if seen[q.ID] {
			probs.add(f, field+".id", "%q used twice", q.ID)
		}
		seen[q.ID] = true
		if q.Points < 0 || math.IsNaN(q.Points) || math.IsInf(q.Points, 0) {
			probs.add(f, field+".points", "must be positive, got %v", q.Points)
		}
		if q.Points > 0 {
			withPoints++
			total += q.Points
		}
		if q.Tolerance != nil {
			checkTolerance(*q.Tolerance, field+".tolerance", probs)
		} else {
			q.Tolerance = s.Tolerance
		}
		if q.AbsTolerance != nil {
			if *q.AbsTolerance < 0 || math.IsNaN(*q.AbsTolerance) || math.IsInf(*q.AbsTolerance, 0) {
				probs.add(f, field+".abs_tolerance", "must be a non-negative number, got %v", *q.AbsTolerance)
			}
		} else {
			q.AbsTolerance = s.AbsTolerance
		}
		dataDefault(&q.Reference, "hidden/queries/"+q.ID+".sql")
		if !dataPathUnder(q.Reference, "hidden") {
			probs.add(f, field+".reference", "%q must be a file under hidden/", q.Reference)
			continue
		}
		b, err := fs.ReadFile(fsys, q.Reference)
		switch {
		case err != nil:
			probs.add(q.Reference, "reference", "cannot read the reference query: %v", err)
		case !utf8.Valid(b):
			probs.add(q.Reference, "reference", "not UTF-8 text")
		case len(bytes.TrimSpace(b)) == 0:
			probs.add(q.Reference, "reference", "empty")
		default:
			q.Query = string(b)
		}
	}
	switch {
	case withPoints == 0:
		for i := range s.Questions {
			s.Questions[i].Points = pkg.Spec.Points / float64(len(s.Questions))
		}
	case withPoints != len(s.Questions):
		probs.add(f, "sql.questions", "give points to every question or to none (then they share the challenge's points equally)")
	case math.Abs(total-pkg.Spec.Points) > 1e-9:
		probs.add(f, "sql.questions", "the questions' points add up to %v, but the challenge has %v points", total, pkg.Spec.Points)
	}
}

func checkTolerance(t float64, field string, probs *Problems) {
	if t < 0 || t > 1 || math.IsNaN(t) {
		probs.add("challenge.yaml", field, "must be in [0, 1], got %v", t)
	}
}

// checkSQLite makes sure name is an SQLite database file.
func checkSQLite(fsys fs.FS, name string) error {
	fh, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("cannot open: %w", err)
	}
	defer fh.Close()
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(fh, head); err != nil || !bytes.Equal(head, sqliteMagic) {
		return fmt.Errorf("not an SQLite 3 database file")
	}
	return nil
}

// QuestionIDs lists the question ids in order, for messages.
func (s *SQLSpec) QuestionIDs() string {
	ids := make([]string, len(s.Questions))
	for i, q := range s.Questions {
		ids[i] = q.ID
	}
	return strings.Join(ids, ", ")
}
