package metrics

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12 }

func TestLabelMetrics(t *testing.T) {
	tests := []struct {
		name        string
		truth, pred []string
		acc, f1     float64
	}{
		{"all right", []string{"a", "b", "a"}, []string{"a", "b", "a"}, 1, 1},
		{"all wrong", []string{"a", "a"}, []string{"b", "b"}, 0, 0},
		// a: tp1 fp0 fn1 -> 2/3; b: tp1 fp1 fn0 -> 2/3; c: tp1 -> 1.
		{"mixed", []string{"a", "a", "b", "c"}, []string{"a", "b", "b", "c"}, 0.75, (2.0/3 + 2.0/3 + 1) / 3},
		// A label only predicted counts in the mean with F1 0.
		{"predicted-only label", []string{"a", "a"}, []string{"a", "z"}, 0.5, (2.0 / 3) / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acc, err := AccuracyScore(tt.truth, tt.pred)
			if err != nil || !near(acc, tt.acc) {
				t.Errorf("accuracy = %v, %v; want %v", acc, err, tt.acc)
			}
			f1, err := MacroF1Score(tt.truth, tt.pred)
			if err != nil || !near(f1, tt.f1) {
				t.Errorf("macro-F1 = %v, %v; want %v", f1, err, tt.f1)
			}
		})
	}
}

func TestROCAUC(t *testing.T) {
	tests := []struct {
		name   string
		pos    []bool
		scores []float64
		want   float64
	}{
		{"perfect", []bool{false, false, true, true}, []float64{0.1, 0.2, 0.8, 0.9}, 1},
		{"reversed", []bool{true, true, false, false}, []float64{0.1, 0.2, 0.8, 0.9}, 0},
		// Pairs (pos, neg): (0.35>0.1) (0.35>0.4? no) (0.8>0.1) (0.8>0.4) -> 3/4.
		{"one swap", []bool{false, true, false, true}, []float64{0.1, 0.35, 0.4, 0.8}, 0.75},
		{"all tied", []bool{false, true, false, true}, []float64{0.5, 0.5, 0.5, 0.5}, 0.5},
		// Tie between a positive and a negative counts half: (1 + 0.5) / 2.
		{"partial tie", []bool{false, true, false, true}, []float64{0.2, 0.5, 0.5, 0.9}, 0.875},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ROCAUCScore(tt.pos, tt.scores)
			if err != nil || !near(got, tt.want) {
				t.Errorf("ROC AUC = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	if _, err := ROCAUCScore([]bool{true, true}, []float64{0.1, 0.2}); err == nil {
		t.Error("ROC AUC with one class: want an error")
	}
}

func TestLogLoss(t *testing.T) {
	got, err := BinaryLogLoss([]bool{true, false}, []float64{0.8, 0.3})
	want := -(math.Log(0.8) + math.Log(0.7)) / 2
	if err != nil || !near(got, want) {
		t.Errorf("binary log loss = %v, %v; want %v", got, err, want)
	}
	// Certain and wrong: clipped to 1e-15, not infinite.
	got, err = BinaryLogLoss([]bool{true}, []float64{0})
	if err != nil || !near(got, -math.Log(ClipEps)) {
		t.Errorf("clipped log loss = %v, %v; want %v", got, err, -math.Log(ClipEps))
	}
	// Multi-class rows are normalised: [2, 1, 1] is [0.5, 0.25, 0.25].
	got, err = MultiLogLoss([]int{0, 2}, [][]float64{{1, 0.5, 0.5}, {0.2, 0.3, 0.5}})
	want = -(math.Log(0.5) + math.Log(0.5)) / 2
	if err != nil || !near(got, want) {
		t.Errorf("multi-class log loss = %v, %v; want %v", got, err, want)
	}
	if _, err := MultiLogLoss([]int{3}, [][]float64{{0.5, 0.5}}); err == nil {
		t.Error("class index out of range: want an error")
	}
}

func TestRegression(t *testing.T) {
	truth, pred := []float64{1, 2, 3, 4}, []float64{2, 2, 1, 4}
	if got, _ := RMSEScore(truth, pred); !near(got, math.Sqrt(5.0/4)) {
		t.Errorf("RMSE = %v, want %v", got, math.Sqrt(5.0/4))
	}
	if got, _ := MAEScore(truth, pred); !near(got, 0.75) {
		t.Errorf("MAE = %v, want 0.75", got)
	}
	if _, err := RMSEScore([]float64{1}, []float64{1, 2}); err == nil {
		t.Error("lengths differ: want an error")
	}
	if _, err := MAEScore(nil, nil); err == nil {
		t.Error("no rows: want an error")
	}
}

func TestPositiveClass(t *testing.T) {
	tests := []struct {
		classes []string
		want    string
	}{
		{[]string{"0", "1"}, "1"},
		{[]string{"10", "9"}, "10"},
		{[]string{"yes", "no"}, "yes"},
		{[]string{"churn", "stay"}, "stay"},
	}
	for _, tt := range tests {
		got, err := PositiveClass(tt.classes)
		if err != nil || got != tt.want {
			t.Errorf("PositiveClass(%v) = %q, %v; want %q", tt.classes, got, err, tt.want)
		}
	}
	if _, err := PositiveClass([]string{"a", "b", "c"}); err == nil {
		t.Error("three classes: want an error")
	}
}

func TestRegistry(t *testing.T) {
	for _, name := range Names() {
		m, ok := Lookup(name)
		if !ok || m.Name != name {
			t.Fatalf("Lookup(%q) = %+v, %v", name, m, ok)
		}
		if m.HasDefaults && (m.DefaultTarget > m.DefaultBaseline) != m.HigherIsBetter {
			t.Errorf("%s: default target %v and baseline %v go the wrong way", name, m.DefaultTarget, m.DefaultBaseline)
		}
	}
	if len(Names()) != 6 {
		t.Errorf("want the six metrics of the design, got %v", Names())
	}
}

// TestCompensatedSum checks that long sums keep their precision: a naive
// running sum of 0.1 ten million times is off by about 1e-4.
func TestCompensatedSum(t *testing.T) {
	var s sum
	for i := 0; i < 10_000_000; i++ {
		s.add(0.1)
	}
	if math.Abs(s.value()-1e6) > 1e-6 {
		t.Errorf("sum = %.10f, want 1e6", s.value())
	}
}
