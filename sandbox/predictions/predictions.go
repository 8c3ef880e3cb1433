// Package predictions scores a contestant's CSV of predictions against a
// package's hidden labels. The scoring itself runs inside a sandbox
// container, as a mode of the arena-runner binary (see Main): the hidden
// labels are written only into that container, and the contestant's file is
// parsed there, as the untrusted input it is. The grader outside only maps
// the metric values it gets back to points (Fraction).
//
// The labels file is a CSV with a header: the id column, the target column
// and the split column, whose value is "public" or "private" on every row.
// The contestant's file has a header too: the id column and the target
// column, or, for log loss over more than two classes, the id column and one
// probability column per class.
package predictions

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/metrics"
)

// Split values in the labels file.
const (
	Public  = "public"
	Private = "private"
)

// Task tells the in-sandbox scorer what to score and how. The grader writes
// it as JSON into the container next to the two CSV files.
type Task struct {
	Metric string `json:"metric"`
	// IDColumn names the row id column in both files.
	IDColumn string `json:"id_column"`
	// TargetColumn names the labels file's true-value column, and the
	// contestant's prediction column (except for multi-class log loss).
	TargetColumn string `json:"target_column"`
	// SplitColumn names the labels file's public/private column.
	SplitColumn string `json:"split_column"`
	// Classes are the class labels of a classification, in order; for log
	// loss over more than two classes they are also the contestant's
	// probability columns, in this order.
	Classes []string `json:"classes,omitempty"`
	// PositiveClass is the class whose probability the contestant gives for
	// roc_auc and two-class log_loss.
	PositiveClass string `json:"positive_class,omitempty"`
	// Labels and Submission are the files' names in the work directory.
	Labels     string `json:"labels"`
	Submission string `json:"submission"`
}

// metric returns the task's metric or an error naming it.
func (t Task) metric() (metrics.Metric, error) {
	m, ok := metrics.Lookup(t.Metric)
	if !ok {
		return m, fmt.Errorf("unknown metric %q (known: %s)", t.Metric, strings.Join(metrics.Names(), ", "))
	}
	return m, nil
}

// multiColumn reports whether the contestant gives one probability column
// per class: log loss over more than two classes.
func (t Task) multiColumn(m metrics.Metric) bool {
	return m.Name == metrics.LogLoss && len(t.Classes) > 2
}

// Validate checks the task itself; its errors are the package author's.
func (t Task) Validate() error {
	m, err := t.metric()
	if err != nil {
		return err
	}
	cols := []string{t.IDColumn, t.TargetColumn, t.SplitColumn}
	for i, c := range cols {
		if strings.TrimSpace(c) == "" || strings.ContainsAny(c, ",\"\r\n") {
			return fmt.Errorf("column name %q is empty or has a comma, quote or line break", c)
		}
		if slices.Contains(cols[:i], c) {
			return fmt.Errorf("column name %q used twice", c)
		}
	}
	if !m.Classification {
		if len(t.Classes) > 0 {
			return fmt.Errorf("%s is a regression metric: it takes no classes", m.Name)
		}
		return nil
	}
	if len(t.Classes) < 2 {
		return fmt.Errorf("%s needs at least two classes, got %d", m.Name, len(t.Classes))
	}
	for i, c := range t.Classes {
		if strings.TrimSpace(c) != c || c == "" || strings.ContainsAny(c, ",\"\r\n") {
			return fmt.Errorf("class %q is empty, has surrounding spaces, a comma, quote or line break", c)
		}
		if slices.Contains(t.Classes[:i], c) {
			return fmt.Errorf("class %q listed twice", c)
		}
		if t.multiColumn(m) && c == t.IDColumn {
			return fmt.Errorf("class %q is also the id column's name", c)
		}
	}
	if m.Input == metrics.Probability && !t.multiColumn(m) {
		if len(t.Classes) != 2 {
			return fmt.Errorf("%s needs exactly two classes, got %d", m.Name, len(t.Classes))
		}
		if !slices.Contains(t.Classes, t.PositiveClass) {
			return fmt.Errorf("positive class %q is not one of the classes %s", t.PositiveClass, strings.Join(t.Classes, ", "))
		}
	}
	return nil
}

// Header is the header line the contestant's file must start with.
func (t Task) Header() ([]string, error) {
	m, err := t.metric()
	if err != nil {
		return nil, err
	}
	if t.multiColumn(m) {
		return append([]string{t.IDColumn}, t.Classes...), nil
	}
	return []string{t.IDColumn, t.TargetColumn}, nil
}

// Labels is a parsed hidden labels file.
type Labels struct {
	IDs []string
	// Target is each row's true value as written; Value is it as a number
	// for regressions.
	Target []string
	Value  []float64
	Public []bool
	index  map[string]int
}

// Len is the number of rows.
func (l *Labels) Len() int { return len(l.IDs) }

// Classes returns the distinct true labels in sorted order.
func (l *Labels) Classes() []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range l.Target {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// ParseLabels reads a labels file. Its errors are for the package author.
// Classes, when the task lists them, must cover every true label.
func ParseLabels(data []byte, t Task) (*Labels, error) {
	m, err := t.metric()
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, bom)
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8 text")
	}
	r := newReader(data)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	var idx [3]int
	for i, name := range []string{t.IDColumn, t.TargetColumn, t.SplitColumn} {
		c, ok := col[name]
		if !ok {
			return nil, fmt.Errorf("header: no column %q (columns: %s)", name, strings.Join(head, ", "))
		}
		idx[i] = c
	}
	classes := map[string]bool{}
	for _, c := range t.Classes {
		classes[c] = true
	}
	l := &Labels{index: map[string]int{}}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if len(rec) != len(head) {
			return nil, fmt.Errorf("line %d: %d fields, the header has %d", line, len(rec), len(head))
		}
		id, target, split := strings.TrimSpace(rec[idx[0]]), strings.TrimSpace(rec[idx[1]]), strings.TrimSpace(rec[idx[2]])
		if id == "" {
			return nil, fmt.Errorf("line %d: empty id", line)
		}
		if prev, dup := l.index[id]; dup {
			return nil, fmt.Errorf("line %d: id %q again (first at row %d)", line, id, prev+1)
		}
		if split != Public && split != Private {
			return nil, fmt.Errorf("line %d: %s %q is neither %q nor %q", line, t.SplitColumn, split, Public, Private)
		}
		var v float64
		if m.Classification {
			if target == "" {
				return nil, fmt.Errorf("line %d: empty label", line)
			}
			if len(classes) > 0 && !classes[target] {
				return nil, fmt.Errorf("line %d: label %q is not one of the classes %s", line, target, strings.Join(t.Classes, ", "))
			}
		} else if v, err = finite(target); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		l.index[id] = len(l.IDs)
		l.IDs = append(l.IDs, id)
		l.Target = append(l.Target, target)
		l.Value = append(l.Value, v)
		l.Public = append(l.Public, split == Public)
	}
	if l.Len() == 0 {
		return nil, errors.New("no rows")
	}
	return l, nil
}

// InvalidError is a problem with the contestant's file; its message is for
// the contestant.
type InvalidError struct {
	Msg string
	// Text is Msg as a code and its arguments (internal/message).
	Text message.Text
}

func (e *InvalidError) Error() string { return e.Msg }

func invalid(code string, args ...any) error {
	t := message.New(code, args...)
	return &InvalidError{Msg: t.String(), Text: t}
}

// Predictions is a contestant's file, checked and put in the labels' row order.
type Predictions struct {
	// Label is the predicted class per row (class-label metrics).
	Label []string
	// Value is the predicted number or positive-class probability per row.
	Value []float64
	// Probs holds one probability per class per row (multi-class log loss).
	Probs [][]float64
}

var bom = []byte("\xef\xbb\xbf")

// maxListed bounds how many ids or classes a message lists.
const maxListed = 5

// ParseSubmission checks the contestant's file against the task and the
// labels and returns the predictions in the labels' row order. Every
// problem is an *InvalidError naming it, with its line. A UTF-8 byte order
// mark and CRLF line ends are accepted.
func ParseSubmission(data []byte, t Task, labels *Labels) (*Predictions, error) {
	m, err := t.metric()
	if err != nil {
		return nil, err
	}
	want, err := t.Header()
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, bom)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid("predictions.empty", strconv.Quote(strings.Join(want, ",")), labels.Len())
	}
	if !utf8.Valid(data) {
		return nil, invalid("predictions.not_utf8", badLine(data))
	}
	r := newReader(data)
	head, err := r.Read()
	if err != nil {
		return nil, invalid("predictions.bad_csv", 1, csvReason(err))
	}
	for i := range head {
		head[i] = strings.TrimSpace(head[i])
	}
	if !slices.Equal(head, want) {
		return nil, invalid("predictions.header", strconv.Quote(strings.Join(want, ",")), strconv.Quote(strings.Join(head, ",")))
	}

	n := labels.Len()
	p := &Predictions{}
	switch {
	case t.multiColumn(m):
		p.Probs = make([][]float64, n)
	case m.Input == metrics.ClassLabel:
		p.Label = make([]string, n)
	default:
		p.Value = make([]float64, n)
	}
	classes := map[string]bool{}
	for _, c := range t.Classes {
		classes[c] = true
	}
	seenAt := make([]int, n) // line each row's id was seen on, 0 if not yet
	rows := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, invalid("predictions.bad_csv", line, csvReason(err))
		}
		rows++
		if len(rec) != len(want) {
			return nil, invalid("predictions.fields", line, len(rec), len(want), strings.Join(want, ","))
		}
		id := strings.TrimSpace(rec[0])
		if id == "" {
			return nil, invalid("predictions.empty_id", line, t.IDColumn)
		}
		i, known := labels.index[id]
		if !known {
			return nil, invalid("predictions.unknown_id", line, t.IDColumn, strconv.Quote(id))
		}
		if seenAt[i] != 0 {
			return nil, invalid("predictions.duplicate_id", line, t.IDColumn, strconv.Quote(id), seenAt[i])
		}
		seenAt[i] = line
		switch {
		case p.Probs != nil:
			row := make([]float64, len(t.Classes))
			for j := range t.Classes {
				v, err := probability(rec[j+1])
				if err != nil {
					return nil, invalid("predictions.column", line, t.Classes[j], err)
				}
				row[j] = v
			}
			p.Probs[i] = row
		case p.Label != nil:
			v := strings.TrimSpace(rec[1])
			if !classes[v] {
				return nil, invalid("predictions.not_class", line, strconv.Quote(v), listed(t.Classes))
			}
			p.Label[i] = v
		case m.Name == metrics.LogLoss:
			v, err := probability(rec[1])
			if err != nil {
				return nil, invalid("predictions.line", line, err)
			}
			p.Value[i] = v
		default:
			v, err := finite(rec[1])
			if err != nil {
				return nil, invalid("predictions.line", line, err)
			}
			p.Value[i] = v
		}
	}
	if rows != n {
		var missing []string
		for i, at := range seenAt {
			if at == 0 {
				missing = append(missing, strconv.Quote(labels.IDs[i]))
			}
		}
		return nil, invalid("predictions.row_count", rows, n, t.IDColumn, listed(missing))
	}
	return p, nil
}

// newReader is a strict CSV reader: quotes must be well formed, field
// counts are checked by the callers (for better messages).
func newReader(data []byte) *csv.Reader {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	return r
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func finite(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty value where a number is expected")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, fmt.Errorf("%q is out of range for a number", s)
		}
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a finite number (NaN and infinities are not allowed)", s)
	}
	return v, nil
}

func probability(s string) (float64, error) {
	v, err := finite(s)
	if err != nil {
		return 0, err
	}
	if v < 0 || v > 1 {
		return 0, fmt.Errorf("probability %s is outside [0, 1]", strings.TrimSpace(s))
	}
	return v, nil
}

// listed shows at most maxListed items.
func listed(items []string) string {
	if len(items) <= maxListed {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:maxListed], ", "), len(items)-maxListed)
}

// badLine is the line number of the first invalid UTF-8 byte.
func badLine(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

// Part is the metric on one split of the rows.
type Part struct {
	Value float64 `json:"value"`
	Rows  int     `json:"rows"`
}

// Report is what the in-sandbox scorer prints: either Invalid (the
// contestant's file is malformed, with why) or the metric on both splits.
type Report struct {
	Invalid string `json:"invalid,omitempty"`
	// Text is Invalid as a code and its arguments; empty from a scorer
	// older than codes.
	message.Text
	Public  *Part `json:"public,omitempty"`
	Private *Part `json:"private,omitempty"`
}

// Score parses the contestant's file and computes the metric on the public
// and the private rows. An error is the package's or the platform's fault;
// a malformed file is a Report with Invalid set.
func Score(t Task, labelData, submission []byte) (Report, error) {
	if err := t.Validate(); err != nil {
		return Report{}, fmt.Errorf("task: %w", err)
	}
	m, _ := t.metric()
	labels, err := ParseLabels(labelData, t)
	if err != nil {
		return Report{}, fmt.Errorf("labels file %s: %w", t.Labels, err)
	}
	p, err := ParseSubmission(submission, t, labels)
	var inv *InvalidError
	if errors.As(err, &inv) {
		return Report{Invalid: inv.Msg, Text: inv.Text}, nil
	}
	if err != nil {
		return Report{}, err
	}
	var rep Report
	for _, public := range []bool{true, false} {
		var rows []int
		for i, pub := range labels.Public {
			if pub == public {
				rows = append(rows, i)
			}
		}
		if len(rows) == 0 {
			continue
		}
		v, err := evaluate(m, t, labels, p, rows)
		if err != nil {
			return Report{}, fmt.Errorf("%s on the %s rows: %w", m.Name, splitName(public), err)
		}
		part := &Part{Value: v, Rows: len(rows)}
		if public {
			rep.Public = part
		} else {
			rep.Private = part
		}
	}
	return rep, nil
}

func splitName(public bool) string {
	if public {
		return Public
	}
	return Private
}

// evaluate computes the metric over the given rows.
func evaluate(m metrics.Metric, t Task, l *Labels, p *Predictions, rows []int) (float64, error) {
	switch m.Name {
	case metrics.Accuracy, metrics.MacroF1:
		truth, pred := make([]string, len(rows)), make([]string, len(rows))
		for k, i := range rows {
			truth[k], pred[k] = l.Target[i], p.Label[i]
		}
		if m.Name == metrics.Accuracy {
			return metrics.AccuracyScore(truth, pred)
		}
		return metrics.MacroF1Score(truth, pred)
	case metrics.ROCAUC, metrics.LogLoss:
		if p.Probs != nil {
			truth, probs := make([]int, len(rows)), make([][]float64, len(rows))
			for k, i := range rows {
				truth[k] = slices.Index(t.Classes, l.Target[i])
				probs[k] = p.Probs[i]
			}
			return metrics.MultiLogLoss(truth, probs)
		}
		pos, score := make([]bool, len(rows)), make([]float64, len(rows))
		for k, i := range rows {
			pos[k], score[k] = l.Target[i] == t.PositiveClass, p.Value[i]
		}
		if m.Name == metrics.ROCAUC {
			return metrics.ROCAUCScore(pos, score)
		}
		return metrics.BinaryLogLoss(pos, score)
	case metrics.RMSE, metrics.MAE:
		truth, pred := make([]float64, len(rows)), make([]float64, len(rows))
		for k, i := range rows {
			truth[k], pred[k] = l.Value[i], p.Value[i]
		}
		if m.Name == metrics.RMSE {
			return metrics.RMSEScore(truth, pred)
		}
		return metrics.MAEScore(truth, pred)
	}
	return 0, fmt.Errorf("metric %q has no evaluation", m.Name)
}

// Fraction maps a metric value to the share of the points it earns: 0 at
// (or beyond) baseline, 1 at (or beyond) target, linear between. It works
// for either direction: for a lower-is-better metric the target is below the
// baseline.
func Fraction(value, baseline, target float64) float64 {
	if target == baseline || math.IsNaN(value) {
		return 0
	}
	f := (value - baseline) / (target - baseline)
	return min(max(f, 0), 1)
}

// Points is the score for a metric value out of points, rounded to two
// decimals so that the same file always gets the same, printable score.
func Points(value, baseline, target, points float64) float64 {
	return math.Round(Fraction(value, baseline, target)*points*100) / 100
}
