package challenges

import (
	"strings"
	"testing"
	"testing/fstest"
)

const predLabels = "id,label,split\n1,yes,public\n2,no,private\n3,yes,private\n4,no,public\n"

func predPackage(section, labels string) fstest.MapFS {
	return fstest.MapFS{
		"challenge.yaml":             {Data: []byte("id: p\ntitle: {en: P}\ncategory: ai\nkind: predictions\npoints: 50\nlanguages: [csv]\n" + section + "\n")},
		"statement.md":               {Data: []byte("# P\n")},
		"hidden/labels.csv":          {Data: []byte(labels)},
		"attachments/sample.csv":     {Data: []byte("id,label\n1,no\n2,no\n3,no\n4,no\n")},
		"attachments/bad-sample.csv": {Data: []byte("id,label\n1,no\n")},
		"attachments/scores.csv":     {Data: []byte("id,label\n1,0.9\n2,0.1\n3,0.5\n4,0.2\n")},
	}
}

func TestPredictionsLoad(t *testing.T) {
	pkg, err := Load(predPackage("predictions: {metric: roc_auc, sample_submission: attachments/scores.csv}", predLabels))
	if err != nil {
		t.Fatal(err)
	}
	s := pkg.Spec.Predictions
	if *s.Baseline != 0.5 || *s.Target != 1 {
		t.Errorf("roc_auc defaults: baseline %v target %v, want 0.5 and 1", *s.Baseline, *s.Target)
	}
	if got := strings.Join(s.Task.Classes, ","); got != "no,yes" || s.Task.PositiveClass != "yes" {
		t.Errorf("classes %q positive %q, want no,yes and yes", got, s.Task.PositiveClass)
	}
	if s.Labels != "hidden/labels.csv" || s.Task.IDColumn != "id" || s.Task.TargetColumn != "label" || len(s.LabelData) == 0 {
		t.Errorf("defaults not applied: %+v", s)
	}
}

func TestPredictionsLoadProblems(t *testing.T) {
	tests := []struct {
		name, section, labels, want string
	}{
		{"no section", "", predLabels, "predictions: missing"},
		{"unknown metric", "predictions: {metric: f2}", predLabels, `"f2" is not one of`},
		{"no scale", "predictions: {metric: rmse}", "id,label,split\n1,2.5,public\n2,3,private\n", "give baseline"},
		{"target below baseline", "predictions: {metric: accuracy, baseline: 0.8, target: 0.5}", predLabels, "must be above baseline"},
		{"lower is better upside down", "predictions: {metric: mae, baseline: 1, target: 2}", "id,label,split\n1,2.5,public\n2,3,private\n", "must be below baseline"},
		{"labels outside hidden", "predictions: {metric: accuracy, labels: attachments/sample.csv}", predLabels, "must be a file under hidden/"},
		{"labels missing", "predictions: {metric: accuracy, labels: hidden/nope.csv}", predLabels, "hidden/nope.csv: labels: cannot read"},
		{"no public rows", "predictions: {metric: accuracy}", "id,label,split\n1,yes,private\n2,no,private\n", "no public rows"},
		{"roc_auc one class in a split", "predictions: {metric: roc_auc}", "id,label,split\n1,yes,public\n2,yes,public\n3,no,private\n4,yes,private\n", "both classes among the public rows"},
		{"classes miss a label", "predictions: {metric: accuracy, classes: [yes, maybe]}", predLabels, `label "no" is not one of the classes`},
		{"bad sample", "predictions: {metric: accuracy, sample_submission: attachments/bad-sample.csv}", predLabels, "not a valid submission: wrong row count"},
		{"labels as roc_auc sample", "predictions: {metric: roc_auc, sample_submission: attachments/sample.csv}", predLabels, `"no" is not a number`},
		{"regression label not a number", "predictions: {metric: rmse, baseline: 2, target: 0}", predLabels, `"yes" is not a number`},
		{"three classes for roc_auc", "predictions: {metric: roc_auc}", "id,label,split\n1,a,public\n2,b,private\n3,c,private\n", "exactly two classes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(predPackage(tt.section, tt.labels))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a problem with %q", err, tt.want)
			}
		})
	}
}
