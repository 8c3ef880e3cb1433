// Package metrics computes how good a set of predictions is: accuracy,
// macro-F1, ROC AUC, log loss, RMSE and MAE, with the same definitions (and,
// to 1e-9, the same values) as scikit-learn's accuracy_score, f1_score
// (average="macro"), roc_auc_score, log_loss (eps=1e-15), mean_squared_error
// (square-rooted) and mean_absolute_error.
//
// It is plain computation with no I/O, so the in-sandbox scorer and the
// package loader share it.
package metrics

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Names of the metrics.
const (
	Accuracy = "accuracy"
	MacroF1  = "macro_f1"
	ROCAUC   = "roc_auc"
	LogLoss  = "log_loss"
	RMSE     = "rmse"
	MAE      = "mae"
)

// Input says what a contestant predicts for one row under a metric.
type Input int

const (
	// ClassLabel is one class label per row (accuracy, macro-F1).
	ClassLabel Input = iota
	// Probability is the probability of the positive class per row, or one
	// probability per class (log loss with more than two classes).
	Probability
	// Number is a real value per row (regressions).
	Number
)

// Metric describes one metric.
type Metric struct {
	Name string
	// HigherIsBetter is true for accuracy, macro-F1 and ROC AUC; false for
	// the losses and errors.
	HigherIsBetter bool
	Input          Input
	// Classification is true when the hidden labels are class labels.
	Classification bool
	// DefaultBaseline and DefaultTarget are the metric values worth no and
	// full points when a package gives none; HasDefaults is false when the
	// metric has no natural scale (losses and errors), so the package must.
	DefaultBaseline, DefaultTarget float64
	HasDefaults                    bool
}

// All returns the metrics by name; a fresh map each call.
func All() map[string]Metric {
	return map[string]Metric{
		Accuracy: {Name: Accuracy, HigherIsBetter: true, Input: ClassLabel, Classification: true, DefaultBaseline: 0, DefaultTarget: 1, HasDefaults: true},
		MacroF1:  {Name: MacroF1, HigherIsBetter: true, Input: ClassLabel, Classification: true, DefaultBaseline: 0, DefaultTarget: 1, HasDefaults: true},
		ROCAUC:   {Name: ROCAUC, HigherIsBetter: true, Input: Probability, Classification: true, DefaultBaseline: 0.5, DefaultTarget: 1, HasDefaults: true},
		LogLoss:  {Name: LogLoss, HigherIsBetter: false, Input: Probability, Classification: true},
		RMSE:     {Name: RMSE, HigherIsBetter: false, Input: Number},
		MAE:      {Name: MAE, HigherIsBetter: false, Input: Number},
	}
}

// Lookup returns the metric called name.
func Lookup(name string) (Metric, bool) {
	m, ok := All()[name]
	return m, ok
}

// Names lists the metric names in order.
func Names() []string {
	var names []string
	for n := range All() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ClipEps is how far log loss keeps probabilities from 0 and 1.
const ClipEps = 1e-15

var errEmpty = errors.New("no rows to score")

func sameLength(a, b int) error {
	if a != b {
		return fmt.Errorf("%d true values but %d predictions", a, b)
	}
	if a == 0 {
		return errEmpty
	}
	return nil
}

// AccuracyScore is the share of rows whose predicted label is the true one.
func AccuracyScore(truth, pred []string) (float64, error) {
	if err := sameLength(len(truth), len(pred)); err != nil {
		return 0, err
	}
	right := 0
	for i := range truth {
		if truth[i] == pred[i] {
			right++
		}
	}
	return float64(right) / float64(len(truth)), nil
}

// MacroF1Score is the unweighted mean over labels of each label's F1, the
// labels being every label that occurs in truth or pred. A label never
// predicted, or never true, has F1 0 (scikit-learn's zero_division=0).
func MacroF1Score(truth, pred []string) (float64, error) {
	if err := sameLength(len(truth), len(pred)); err != nil {
		return 0, err
	}
	type counts struct{ tp, fp, fn int }
	per := map[string]*counts{}
	get := func(l string) *counts {
		c, ok := per[l]
		if !ok {
			c = &counts{}
			per[l] = c
		}
		return c
	}
	for i := range truth {
		if truth[i] == pred[i] {
			get(truth[i]).tp++
		} else {
			get(truth[i]).fn++
			get(pred[i]).fp++
		}
	}
	labels := make([]string, 0, len(per))
	for l := range per {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	var sum sum
	for _, l := range labels {
		c := per[l]
		// F1 = 2PR/(P+R) = 2TP/(2TP+FP+FN); zero when TP is zero.
		if c.tp > 0 {
			sum.add(2 * float64(c.tp) / float64(2*c.tp+c.fp+c.fn))
		}
	}
	return sum.value() / float64(len(labels)), nil
}

// ROCAUCScore is the area under the ROC curve of scores for the rows whose
// truth is positive against the others: the probability that a random
// positive row scores higher than a random negative one, ties counting half.
// Both classes must occur.
func ROCAUCScore(positive []bool, scores []float64) (float64, error) {
	if err := sameLength(len(positive), len(scores)); err != nil {
		return 0, err
	}
	for _, s := range scores {
		if math.IsNaN(s) {
			return 0, errors.New("a score is NaN")
		}
	}
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	// Sum of the positives' ranks, ties sharing the average rank. Twice the
	// ranks are integers, so the sum is exact in float64 for any realistic n.
	var nPos, nNeg float64
	var twiceRankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		twiceAvgRank := float64(i+1) + float64(j) // (i+1 + j) / 2, doubled
		for k := i; k < j; k++ {
			if positive[idx[k]] {
				nPos++
				twiceRankSum += twiceAvgRank
			} else {
				nNeg++
			}
		}
		i = j
	}
	if nPos == 0 || nNeg == 0 {
		return 0, errors.New("ROC AUC needs both classes among the true values")
	}
	u := twiceRankSum/2 - nPos*(nPos+1)/2
	return u / (nPos * nNeg), nil
}

// BinaryLogLoss is the mean negative log-likelihood of the true classes
// given p, the predicted probabilities of the positive class. As
// scikit-learn does, p is clipped to [ClipEps, 1-ClipEps] and the negative
// class gets 1 minus the clipped value.
func BinaryLogLoss(positive []bool, p []float64) (float64, error) {
	if err := sameLength(len(positive), len(p)); err != nil {
		return 0, err
	}
	var total sum
	for i, v := range p {
		if math.IsNaN(v) {
			return 0, fmt.Errorf("row %d: a probability is NaN", i)
		}
		pos := min(max(v, ClipEps), 1-ClipEps)
		neg := 1 - pos
		q := neg
		if positive[i] {
			q = pos
		}
		total.add(-math.Log(q / (pos + neg)))
	}
	return total.value() / float64(len(p)), nil
}

// MultiLogLoss is the mean negative log-likelihood of the true classes:
// truth[i] is the index of row i's class in probs[i]. As scikit-learn does,
// each probability is clipped to [ClipEps, 1-ClipEps] and each row is then
// divided by its sum.
func MultiLogLoss(truth []int, probs [][]float64) (float64, error) {
	if err := sameLength(len(truth), len(probs)); err != nil {
		return 0, err
	}
	var total sum
	for i, row := range probs {
		if truth[i] < 0 || truth[i] >= len(row) {
			return 0, fmt.Errorf("row %d: class index %d out of %d columns", i, truth[i], len(row))
		}
		var rowSum float64
		var p float64
		for j, v := range row {
			if math.IsNaN(v) {
				return 0, fmt.Errorf("row %d: a probability is NaN", i)
			}
			c := min(max(v, ClipEps), 1-ClipEps)
			rowSum += c
			if j == truth[i] {
				p = c
			}
		}
		total.add(-math.Log(p / rowSum))
	}
	return total.value() / float64(len(truth)), nil
}

// RMSEScore is the square root of the mean squared error.
func RMSEScore(truth, pred []float64) (float64, error) {
	if err := sameLength(len(truth), len(pred)); err != nil {
		return 0, err
	}
	var s sum
	for i := range truth {
		d := truth[i] - pred[i]
		s.add(d * d)
	}
	return math.Sqrt(s.value() / float64(len(truth))), nil
}

// MAEScore is the mean absolute error.
func MAEScore(truth, pred []float64) (float64, error) {
	if err := sameLength(len(truth), len(pred)); err != nil {
		return 0, err
	}
	var s sum
	for i := range truth {
		s.add(math.Abs(truth[i] - pred[i]))
	}
	return s.value() / float64(len(truth)), nil
}

// PositiveClass is scikit-learn's positive class of a binary problem: the
// greater of the two labels, compared as numbers when both are numbers
// ("0" and "1", "2" and "10") and as strings otherwise.
func PositiveClass(classes []string) (string, error) {
	if len(classes) != 2 {
		return "", fmt.Errorf("a binary metric needs exactly two classes, got %d", len(classes))
	}
	a, b := classes[0], classes[1]
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil && !math.IsNaN(x) && !math.IsNaN(y) && x != y {
		if x > y {
			return a, nil
		}
		return b, nil
	}
	return max(a, b), nil
}

// sum adds floats with Neumaier's compensation, so long sums lose nothing
// that scikit-learn's pairwise sums keep.
type sum struct{ s, c float64 }

func (k *sum) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *sum) value() float64 { return k.s + k.c }
