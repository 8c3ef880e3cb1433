package challenges

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/skillarena/arena/sandbox/metrics"
	"github.com/skillarena/arena/sandbox/predictions"
)

// PredictionsSpec is the `predictions:` section: a CSV of predictions scored
// by a metric against hidden labels, split into public rows (the live board)
// and private rows (the final standings). See challenges/README.md.
type PredictionsSpec struct {
	// Metric is accuracy, macro_f1, roc_auc, log_loss, rmse or mae. Required.
	Metric string `yaml:"metric"`
	// Labels is the hidden labels file. Default hidden/labels.csv.
	Labels string `yaml:"labels"`
	// IDColumn names the id column of both files. Default "id".
	IDColumn string `yaml:"id_column"`
	// TargetColumn names the true-value column of the labels file and the
	// prediction column of the contestant's file. Default "label".
	TargetColumn string `yaml:"target_column"`
	// SplitColumn names the labels file's public/private column. Default "split".
	SplitColumn string `yaml:"split_column"`
	// Classes are the class labels (classification metrics). Default: the
	// distinct labels of the labels file, sorted.
	Classes []string `yaml:"classes"`
	// PositiveClass is the class whose probability roc_auc and two-class
	// log_loss take. Default: the greater of the two (as scikit-learn).
	PositiveClass string `yaml:"positive_class"`
	// Baseline is the metric value worth 0 points, Target the value worth
	// all of them; linear between. Defaults: 0 and 1 for accuracy and
	// macro_f1, 0.5 and 1 for roc_auc; required for the others.
	Baseline *float64 `yaml:"baseline"`
	Target   *float64 `yaml:"target"`
	// SampleSubmission, when set, is a file contestants get (under
	// attachments/) that must itself be a valid submission.
	SampleSubmission string `yaml:"sample_submission"`

	// Task is what the in-sandbox scorer gets, resolved at load time.
	Task predictions.Task `yaml:"-"`
	// LabelData is the labels file's content.
	LabelData []byte `yaml:"-"`
}

func loadPredictions(fsys fs.FS, pkg *Package, probs *Problems) {
	const f = "challenge.yaml"
	s := pkg.Spec.Predictions
	if s == nil {
		probs.add(f, "predictions", "missing: a predictions challenge needs a predictions section (at least metric)")
		return
	}
	m, ok := metrics.Lookup(s.Metric)
	if !ok {
		probs.add(f, "predictions.metric", "%q is not one of %v", s.Metric, metrics.Names())
		return
	}
	dataDefault(&s.Labels, "hidden/labels.csv")
	dataDefault(&s.IDColumn, "id")
	dataDefault(&s.TargetColumn, "label")
	dataDefault(&s.SplitColumn, "split")
	if m.HasDefaults {
		if s.Baseline == nil {
			s.Baseline = &m.DefaultBaseline
		}
		if s.Target == nil {
			s.Target = &m.DefaultTarget
		}
	}
	if s.Baseline == nil || s.Target == nil {
		probs.add(f, "predictions.baseline", "%s has no natural scale: give baseline (the value worth 0 points) and target (worth full points)", m.Name)
	} else if b, t := *s.Baseline, *s.Target; m.HigherIsBetter && t <= b {
		probs.add(f, "predictions.target", "%s is higher-is-better: target (%v) must be above baseline (%v)", m.Name, t, b)
	} else if !m.HigherIsBetter && t >= b {
		probs.add(f, "predictions.target", "%s is lower-is-better: target (%v) must be below baseline (%v)", m.Name, t, b)
	}
	if !dataPathUnder(s.Labels, "hidden") {
		probs.add(f, "predictions.labels", "%q must be a file under hidden/", s.Labels)
		return
	}
	data, err := fs.ReadFile(fsys, s.Labels)
	if err != nil {
		probs.add(s.Labels, "labels", "cannot read: %v", err)
		return
	}
	s.LabelData = data
	task := predictions.Task{
		Metric: m.Name, IDColumn: s.IDColumn, TargetColumn: s.TargetColumn, SplitColumn: s.SplitColumn,
		Classes: s.Classes, PositiveClass: s.PositiveClass,
		Labels: "labels.csv", Submission: "submission.csv",
	}
	labels, err := predictions.ParseLabels(data, task)
	if err != nil {
		probs.add(s.Labels, "labels", "%v", err)
		return
	}
	if m.Classification && len(task.Classes) == 0 {
		task.Classes = labels.Classes()
	}
	if m.Input == metrics.Probability && len(task.Classes) == 2 && task.PositiveClass == "" {
		task.PositiveClass, _ = metrics.PositiveClass(task.Classes)
	}
	if err := task.Validate(); err != nil {
		probs.add(f, "predictions", "%v", err)
		return
	}
	s.Task = task
	if err := checkSplits(labels, task); err != nil {
		probs.add(s.Labels, "split", "%v", err)
	}
	if s.SampleSubmission != "" {
		if !dataPathUnder(s.SampleSubmission, "attachments") {
			probs.add(f, "predictions.sample_submission", "%q must be a file under attachments/", s.SampleSubmission)
		} else if sample, err := fs.ReadFile(fsys, s.SampleSubmission); err != nil {
			probs.add(s.SampleSubmission, "sample_submission", "cannot read: %v", err)
		} else if _, err := predictions.ParseSubmission(sample, task, labels); err != nil {
			probs.add(s.SampleSubmission, "sample_submission", "not a valid submission: %v", err)
		}
	}
}

// checkSplits makes sure both splits have rows and that each split can be
// scored (ROC AUC needs both classes in each).
func checkSplits(l *predictions.Labels, t predictions.Task) error {
	for _, public := range []bool{true, false} {
		name := predictions.Private
		if public {
			name = predictions.Public
		}
		n, pos := 0, 0
		for i, p := range l.Public {
			if p == public {
				n++
				if l.Target[i] == t.PositiveClass {
					pos++
				}
			}
		}
		if n == 0 {
			return fmt.Errorf("no %s rows: mark rows %q (live board) and %q (final standings)", name, predictions.Public, predictions.Private)
		}
		if t.Metric == metrics.ROCAUC && (pos == 0 || pos == n) {
			return fmt.Errorf("roc_auc needs both classes among the %s rows", name)
		}
	}
	return nil
}

// dataDefault sets *s to def when it is empty.
func dataDefault(s *string, def string) {
	if *s == "" {
		*s = def
	}
}

// dataPathUnder reports whether p is a clean relative path to something
// inside the package directory dir ("hidden", "attachments").
func dataPathUnder(p, dir string) bool {
	return fs.ValidPath(p) && strings.HasPrefix(p, dir+"/") && len(p) > len(dir)+1
}
