package predictions

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const labelsCSV = "id,label,split\n" +
	"a1,cat,public\n" +
	"a2,dog,private\n" +
	"a3,cat,private\n" +
	"a4,bird,public\n" +
	"a5,dog,private\n"

func classTask() Task {
	return Task{Metric: "macro_f1", IDColumn: "id", TargetColumn: "label", SplitColumn: "split",
		Classes: []string{"bird", "cat", "dog"}, Labels: "labels.csv", Submission: "submission.csv"}
}

func TestParseSubmissionInvalid(t *testing.T) {
	task := classTask()
	labels, err := ParseLabels([]byte(labelsCSV), task)
	if err != nil {
		t.Fatal(err)
	}
	good := "a1,cat\na2,dog\na3,cat\na4,bird\na5,dog\n"
	tests := []struct {
		name string
		file string
		want []string // substrings of the message
	}{
		{"empty", "", []string{"empty"}},
		{"only blanks", " \n\n", []string{"empty"}},
		{"bom only", "\xef\xbb\xbf", []string{"empty"}},
		{"not utf-8", "id,label\na1,\xff\xfe\n", []string{"not UTF-8", "line 2"}},
		{"gbk", "id,label\na1,\xd5\xfd\xb3\xa3\n", []string{"not UTF-8"}},
		{"wrong header", "ID,Label\n" + good, []string{"line 1", "wrong header", `"id,label"`}},
		{"extra header column", "id,label,score\n" + good, []string{"wrong header"}},
		{"missing id", "id,label\na1,cat\na2,dog\na3,cat\na4,bird\n", []string{"wrong row count", "4 prediction rows, expected 5", `"a5"`}},
		{"header only", "id,label\n", []string{"wrong row count", "0 prediction rows", `"a1"`}},
		{"duplicate id", "id,label\n" + good + "a3,dog\n", []string{"line 7", "duplicate", `"a3"`, "line 4"}},
		{"unknown id", "id,label\n" + good + "zz,dog\n", []string{"line 7", "unknown", `"zz"`}},
		{"empty id", "id,label\n,cat\n", []string{"line 2", "empty id"}},
		{"wrong class", "id,label\na1,Cat\n", []string{"line 2", `"Cat"`, "not a class label", "bird, cat, dog"}},
		{"class index", "id,label\na1,1\n", []string{"line 2", `"1"`, "not a class label"}},
		{"formula", "id,label\na1,\"=HYPERLINK(\"\"x\"\")\"\n", []string{"line 2", "not a class label"}},
		{"too many fields", "id,label\na1,cat,extra\n", []string{"line 2", "3 fields, expected 2"}},
		{"too few fields", "id,label\na1\n", []string{"line 2", "1 fields, expected 2"}},
		{"bad quote", "id,label\na1,\"cat\na2,dog\n", []string{"not valid CSV"}},
		{"binary", "id,label\n\x00\x01\x02,\x03\n", []string{"line 2", "unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSubmission([]byte(tt.file), task, labels)
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("want an *InvalidError, got %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(inv.Msg, w) {
					t.Errorf("message %q does not mention %q", inv.Msg, w)
				}
			}
		})
	}
}

func TestParseSubmissionNumbers(t *testing.T) {
	task := Task{Metric: "rmse", IDColumn: "id", TargetColumn: "price", SplitColumn: "split", Labels: "l", Submission: "s"}
	labels, err := ParseLabels([]byte("id,price,split\nx,1.5,public\ny,2,private\n"), task)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, want string
	}{
		{"nan", "id,price\nx,NaN\ny,1\n", `"NaN" is not a finite number`},
		{"inf", "id,price\nx,1\ny,-Inf\n", "not a finite number"},
		{"word", "id,price\nx,cheap\ny,1\n", `"cheap" is not a number`},
		{"empty value", "id,price\nx,\ny,1\n", "empty value"},
		{"overflow", "id,price\nx,1e999\ny,1\n", "out of range"},
		{"comma decimal", "id,price\nx,\"1,5\"\ny,1\n", `"1,5" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSubmission([]byte(tt.file), task, labels)
			var inv *InvalidError
			if !errors.As(err, &inv) || !strings.Contains(inv.Msg, tt.want) {
				t.Fatalf("got %v, want a message with %q", err, tt.want)
			}
		})
	}
	p, err := ParseSubmission([]byte("id,price\n y , 2.5 \nx,-1e-3\n"), task, labels)
	if err != nil {
		t.Fatalf("spaces around fields are fine: %v", err)
	}
	if p.Value[0] != -1e-3 || p.Value[1] != 2.5 {
		t.Errorf("values in label order: got %v, want [-0.001 2.5]", p.Value)
	}
}

func TestParseSubmissionProbabilities(t *testing.T) {
	task := Task{Metric: "log_loss", IDColumn: "id", TargetColumn: "churn", SplitColumn: "split",
		Classes: []string{"no", "yes"}, PositiveClass: "yes", Labels: "l", Submission: "s"}
	labels, err := ParseLabels([]byte("id,churn,split\n1,yes,public\n2,no,private\n"), task)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseSubmission([]byte("id,churn\n1,1.2\n2,0\n"), task, labels)
	if err == nil || !strings.Contains(err.Error(), "outside [0, 1]") {
		t.Errorf("probability above 1: got %v", err)
	}
	multi := Task{Metric: "log_loss", IDColumn: "id", TargetColumn: "kind", SplitColumn: "split",
		Classes: []string{"a", "b", "c"}, Labels: "l", Submission: "s"}
	if h, _ := multi.Header(); strings.Join(h, ",") != "id,a,b,c" {
		t.Errorf("multi-class header = %v, want id,a,b,c", h)
	}
	ml, err := ParseLabels([]byte("id,kind,split\n1,a,public\n2,c,private\n"), multi)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseSubmission([]byte("id,a,b,c\n2,0.1,0.2,0.7\n1,0.5,0.25,0.25\n"), multi, ml)
	if err != nil {
		t.Fatal(err)
	}
	if p.Probs[0][0] != 0.5 || p.Probs[1][2] != 0.7 {
		t.Errorf("probabilities in label order: got %v", p.Probs)
	}
	if _, err := ParseSubmission([]byte("id,a,b,c\n1,0.5,x,0.25\n"), multi, ml); err == nil || !strings.Contains(err.Error(), "column b") {
		t.Errorf("bad probability column: got %v", err)
	}
}

func TestScore(t *testing.T) {
	task := classTask()
	// Public rows a1 (cat), a4 (bird); private a2 (dog), a3 (cat), a5 (dog).
	tests := []struct {
		name         string
		file         string
		public, priv float64
		invalid      string
		publicRows   int
		privateRows  int
	}{
		{name: "perfect, BOM and CRLF, shuffled", file: "\xef\xbb\xbfid,label\r\na5,dog\r\na1,cat\r\na4,bird\r\na3,cat\r\na2,dog\r\n",
			public: 1, priv: 1, publicRows: 2, privateRows: 3},
		// Private: truth dog,cat,dog; pred dog,dog,dog -> dog F1 2*2/(4+1+0)=0.8, cat 0 -> 0.4.
		{name: "private half right", file: "id,label\na1,cat\na4,bird\na2,dog\na3,dog\na5,dog\n",
			public: 1, priv: 0.4, publicRows: 2, privateRows: 3},
		{name: "invalid", file: "id,label\na1,cat\n", invalid: "wrong row count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Score(task, []byte(labelsCSV), []byte(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if tt.invalid != "" {
				if !strings.Contains(rep.Invalid, tt.invalid) || rep.Public != nil {
					t.Fatalf("want invalid %q, got %+v", tt.invalid, rep)
				}
				return
			}
			if rep.Invalid != "" || rep.Public == nil || rep.Private == nil {
				t.Fatalf("want both parts, got %+v", rep)
			}
			if math.Abs(rep.Public.Value-tt.public) > 1e-12 || math.Abs(rep.Private.Value-tt.priv) > 1e-12 {
				t.Errorf("public %v private %v, want %v %v", rep.Public.Value, rep.Private.Value, tt.public, tt.priv)
			}
			if rep.Public.Rows != tt.publicRows || rep.Private.Rows != tt.privateRows {
				t.Errorf("rows %d/%d, want %d/%d", rep.Public.Rows, rep.Private.Rows, tt.publicRows, tt.privateRows)
			}
		})
	}
}

func TestLabelsAndTaskErrors(t *testing.T) {
	task := classTask()
	tests := []struct {
		name, labels, want string
	}{
		{"no split column", "id,label\na,cat\n", `no column "split"`},
		{"bad split", "id,label,split\na,cat,test\n", `"test" is neither`},
		{"duplicate", "id,label,split\na,cat,public\na,dog,private\n", `id "a" again`},
		{"unknown class", "id,label,split\na,cow,public\n", `"cow" is not one of the classes`},
		{"no rows", "id,label,split\n", "no rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLabels([]byte(tt.labels), task)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	bad := []Task{
		{Metric: "f2", IDColumn: "id", TargetColumn: "l", SplitColumn: "s"},
		{Metric: "accuracy", IDColumn: "id", TargetColumn: "id", SplitColumn: "s", Classes: []string{"a", "b"}},
		{Metric: "accuracy", IDColumn: "id", TargetColumn: "l", SplitColumn: "s", Classes: []string{"a"}},
		{Metric: "roc_auc", IDColumn: "id", TargetColumn: "l", SplitColumn: "s", Classes: []string{"a", "b", "c"}, PositiveClass: "a"},
		{Metric: "roc_auc", IDColumn: "id", TargetColumn: "l", SplitColumn: "s", Classes: []string{"a", "b"}, PositiveClass: "z"},
		{Metric: "rmse", IDColumn: "id", TargetColumn: "l", SplitColumn: "s", Classes: []string{"a", "b"}},
		{Metric: "accuracy", IDColumn: "id", TargetColumn: "l", SplitColumn: "s", Classes: []string{"a,b", "c"}},
	}
	for i, tk := range bad {
		if err := tk.Validate(); err == nil {
			t.Errorf("task %d (%+v): want a validation error", i, tk)
		}
	}
}

func TestFractionAndPoints(t *testing.T) {
	tests := []struct {
		name                    string
		value, baseline, target float64
		fraction, points        float64
	}{
		{"higher is better, between", 0.5, 0.2, 0.8, 0.5, 50},
		{"higher is better, below baseline", 0.1, 0.2, 0.8, 0, 0},
		{"higher is better, above target", 0.95, 0.2, 0.8, 1, 100},
		{"lower is better, between", 3, 5, 1, 0.5, 50},
		{"lower is better, worse than baseline", 9, 5, 1, 0, 0},
		{"lower is better, beyond target", 0.5, 5, 1, 1, 100},
		{"rounded to two decimals", 0.123456, 0, 1, 0.123456, 12.35},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if f := Fraction(tt.value, tt.baseline, tt.target); math.Abs(f-tt.fraction) > 1e-12 {
				t.Errorf("Fraction = %v, want %v", f, tt.fraction)
			}
			if p := Points(tt.value, tt.baseline, tt.target, 100); p != tt.points {
				t.Errorf("Points = %v, want %v", p, tt.points)
			}
		})
	}
	if Fraction(math.NaN(), 0, 1) != 0 {
		t.Error("NaN earns nothing")
	}
}

func TestScorerMode(t *testing.T) {
	dir := t.TempDir()
	task := classTask()
	raw, _ := json.Marshal(task)
	for name, data := range map[string]string{
		"task.json":      string(raw),
		"labels.csv":     labelsCSV,
		"submission.csv": "id,label\na1,cat\na2,dog\na3,cat\na4,bird\na5,cat\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	if code := Main([]string{filepath.Join(dir, "task.json")}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Public == nil || rep.Public.Value != 1 || rep.Private == nil || rep.Private.Value >= 1 {
		t.Errorf("report %s: want public 1 and private below 1", out.String())
	}
	out.Reset()
	if code := Main([]string{filepath.Join(dir, "missing.json")}, &out, &errOut); code == 0 || out.Len() != 0 {
		t.Errorf("missing task: exit %d, output %q; want a failure and no report", code, out.String())
	}
	if code := Main(nil, &out, &errOut); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
}
