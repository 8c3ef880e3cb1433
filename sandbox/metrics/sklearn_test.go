package metrics

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/skillarena/arena/internal/testenv"
)

// sklearnScript computes scikit-learn's value for every case in the JSON
// file named by argv[1] and prints them as a JSON list.
const sklearnScript = `
import json, sys
import numpy as np
from sklearn.metrics import (accuracy_score, f1_score, roc_auc_score, log_loss,
                             mean_squared_error, mean_absolute_error)

def logloss(y, p, labels):
    try:
        return log_loss(y, p, eps=1e-15, labels=labels)
    except TypeError:  # scikit-learn >= 1.5 has no eps: clip as 1e-15 would
        return log_loss(y, np.clip(np.asarray(p, dtype=float), 1e-15, 1 - 1e-15), labels=labels)

out = []
for c in json.load(open(sys.argv[1])):
    m = c["metric"]
    if m == "accuracy":
        v = accuracy_score(np.array(c["truth"]), np.array(c["pred"]))
    elif m == "macro_f1":
        v = f1_score(np.array(c["truth"]), np.array(c["pred"]), average="macro", zero_division=0)
    elif m == "roc_auc":
        v = roc_auc_score(np.array(c["pos"], dtype=int), np.array(c["score"]))
    elif m == "log_loss":
        v = logloss(np.array(c["pos"], dtype=int), np.array(c["score"]), [0, 1])
    elif m == "multi_log_loss":
        v = logloss(np.array(c["index"]), np.array(c["probs"]), list(range(len(c["probs"][0]))))
    elif m == "rmse":
        v = float(np.sqrt(mean_squared_error(np.array(c["y"]), np.array(c["yhat"]))))
    elif m == "mae":
        v = mean_absolute_error(np.array(c["y"]), np.array(c["yhat"]))
    out.append(float(v))
print(json.dumps(out))
`

// sklearnCase is one random input for one metric.
type sklearnCase struct {
	Metric string      `json:"metric"`
	Truth  []string    `json:"truth,omitempty"`
	Pred   []string    `json:"pred,omitempty"`
	Pos    []bool      `json:"pos,omitempty"`
	Score  []float64   `json:"score,omitempty"`
	Index  []int       `json:"index,omitempty"`
	Probs  [][]float64 `json:"probs,omitempty"`
	Y      []float64   `json:"y,omitempty"`
	YHat   []float64   `json:"yhat,omitempty"`
}

// ours computes the case with this package.
func (c sklearnCase) ours() (float64, error) {
	switch c.Metric {
	case Accuracy:
		return AccuracyScore(c.Truth, c.Pred)
	case MacroF1:
		return MacroF1Score(c.Truth, c.Pred)
	case ROCAUC:
		return ROCAUCScore(c.Pos, c.Score)
	case LogLoss:
		return BinaryLogLoss(c.Pos, c.Score)
	case "multi_log_loss":
		return MultiLogLoss(c.Index, c.Probs)
	case RMSE:
		return RMSEScore(c.Y, c.YHat)
	case MAE:
		return MAEScore(c.Y, c.YHat)
	}
	return 0, fmt.Errorf("unknown case metric %q", c.Metric)
}

// randomCases draws inputs of many sizes and shapes: few and many classes,
// unbalanced labels, tied scores, probabilities of exactly 0 and 1.
func randomCases(r *rand.Rand) []sklearnCase {
	var cases []sklearnCase
	labels := []string{"normal", "bearing_wear", "overheating", "电气故障", "7", "10", "Z"}
	for _, n := range []int{1, 2, 3, 17, 250, 5000, 40000} {
		for rep := 0; rep < 3; rep++ {
			k := 2 + r.IntN(len(labels)-1)
			truth, pred := make([]string, n), make([]string, n)
			for i := range truth {
				// Skewed classes: the first is the most common.
				truth[i] = labels[min(r.IntN(k), r.IntN(k))]
				if r.Float64() < 0.6 {
					pred[i] = truth[i]
				} else {
					pred[i] = labels[r.IntN(k)]
				}
			}
			cases = append(cases, sklearnCase{Metric: Accuracy, Truth: truth, Pred: pred},
				sklearnCase{Metric: MacroF1, Truth: truth, Pred: pred})

			pos, score, p := make([]bool, n), make([]float64, n), make([]float64, n)
			for i := range pos {
				pos[i] = r.Float64() < 0.3
				s := r.Float64()
				if pos[i] {
					s = math.Min(1, s+0.3)
				}
				// Rounded scores tie often, as real model outputs do.
				score[i] = math.Round(s*float64(10+rep*40)) / float64(10+rep*40)
				switch r.IntN(20) {
				case 0:
					p[i] = 0
				case 1:
					p[i] = 1
				default:
					p[i] = s
				}
			}
			if n >= 2 {
				pos[0], pos[1] = true, false // both classes, as ROC AUC needs
				cases = append(cases, sklearnCase{Metric: ROCAUC, Pos: pos, Score: score})
			}
			cases = append(cases, sklearnCase{Metric: LogLoss, Pos: pos, Score: p})

			idx, probs := make([]int, n), make([][]float64, n)
			for i := range idx {
				idx[i] = r.IntN(k)
				row := make([]float64, k)
				var total float64
				for j := range row {
					row[j] = r.Float64()
					if r.IntN(10) == 0 {
						row[j] = 0
					}
					total += row[j]
				}
				for j := range row {
					if total > 0 {
						row[j] /= total
					} else {
						row[j] = 1 / float64(k)
					}
				}
				probs[i] = row
			}
			cases = append(cases, sklearnCase{Metric: "multi_log_loss", Index: idx, Probs: probs})

			y, yhat := make([]float64, n), make([]float64, n)
			scale := math.Pow(10, float64(rep))
			for i := range y {
				y[i] = r.NormFloat64()*scale + 5
				yhat[i] = y[i] + r.NormFloat64()*scale*0.3
			}
			cases = append(cases, sklearnCase{Metric: RMSE, Y: y, YHat: yhat}, sklearnCase{Metric: MAE, Y: y, YHat: yhat})
		}
	}
	return cases
}

// findSklearnPython returns a python3 that imports sklearn.
func findSklearnPython(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import sklearn").Run() == nil {
			return p
		}
	}
	testenv.Missing(t, "no python3 with scikit-learn (run deploy/setup.sh: it installs python3-sklearn)")
	return ""
}

// TestIntegrationMetricsMatchSklearn computes every metric on random data
// here and with scikit-learn, and wants the values to agree to 1e-9
// (relative to the value, for large errors).
func TestIntegrationMetricsMatchSklearn(t *testing.T) {
	python := findSklearnPython(t)
	seed := uint64(20240917)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cases := randomCases(r)
	dir := t.TempDir()
	data, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(dir, "cases.json")
	script := filepath.Join(dir, "sk.py")
	if err := os.WriteFile(input, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, []byte(sklearnScript), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, script, input).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("scikit-learn script: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("scikit-learn script: %v", err)
	}
	var theirs []float64
	if err := json.Unmarshal(out, &theirs); err != nil {
		t.Fatalf("scikit-learn output: %v: %.200s", err, out)
	}
	if len(theirs) != len(cases) {
		t.Fatalf("scikit-learn gave %d values for %d cases", len(theirs), len(cases))
	}
	perMetric := map[string]int{}
	worst := 0.0
	for i, c := range cases {
		ours, err := c.ours()
		if err != nil {
			t.Errorf("case %d (%s): %v", i, c.Metric, err)
			continue
		}
		diff := math.Abs(ours - theirs[i])
		worst = math.Max(worst, diff)
		if diff > 1e-9*math.Max(1, math.Abs(theirs[i])) {
			t.Errorf("case %d (%s, %d rows): ours %.17g, scikit-learn %.17g, off by %.3g", i, c.Metric, rowsOf(c), ours, theirs[i], diff)
		}
		perMetric[c.Metric]++
	}
	t.Logf("compared %d cases %v; largest difference %.3g", len(cases), perMetric, worst)
}

func rowsOf(c sklearnCase) int {
	return max(len(c.Truth), len(c.Pos), len(c.Index), len(c.Y))
}
