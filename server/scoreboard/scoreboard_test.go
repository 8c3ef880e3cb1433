package scoreboard

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSortKeyOrders(t *testing.T) {
	tests := []struct {
		name          string
		better, worse [2]float64 // total, seconds
	}{
		{"more points wins", [2]float64{100, 5000}, [2]float64{99.99, 10}},
		{"same points, earlier wins", [2]float64{100, 10}, [2]float64{100, 11}},
		{"any points beat none", [2]float64{0.01, 9_000_000}, [2]float64{0, 0}},
		{"large totals stay exact", [2]float64{900_000, 1}, [2]float64{900_000, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := SortKey(tt.better[0], int64(tt.better[1]))
			w := SortKey(tt.worse[0], int64(tt.worse[1]))
			if !(b > w) {
				t.Fatalf("SortKey(%v) = %v, not above SortKey(%v) = %v", tt.better, b, tt.worse, w)
			}
		})
	}
	if SortKey(50, 20) != SortKey(50, 20) {
		t.Fatal("equal totals and times must give equal keys")
	}
	if SortKey(1, -5) != SortKey(1, 0) || SortKey(1, 1<<40) != SortKey(1, timeSpan-1) {
		t.Fatal("times out of range must be clamped")
	}
}

func TestRank(t *testing.T) {
	row := func(name string) Row { return Row{Contestant: Contestant{ID: name, Name: name}} }
	tests := []struct {
		name  string
		names []string
		keys  []float64
		want  map[string]int
		order []string
	}{
		{"distinct", []string{"a", "b", "c"}, []float64{3, 2, 1}, map[string]int{"a": 1, "b": 2, "c": 3}, []string{"a", "b", "c"}},
		{"tie shares rank, next skips", []string{"z", "y", "x"}, []float64{5, 5, 1}, map[string]int{"y": 1, "z": 1, "x": 3}, []string{"y", "z", "x"}},
		{"all tied", []string{"c", "a", "b"}, []float64{0, 0, 0}, map[string]int{"a": 1, "b": 1, "c": 1}, []string{"a", "b", "c"}},
		{"empty", nil, nil, map[string]int{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := make([]Row, len(tt.names))
			for i, n := range tt.names {
				rows[i] = row(n)
			}
			Rank(rows, tt.keys)
			got := map[string]int{}
			var order []string
			for _, r := range rows {
				got[r.Contestant.ID] = r.Rank
				order = append(order, r.Contestant.ID)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("ranks (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.order, order); d != "" {
				t.Errorf("order (-want +got):\n%s", d)
			}
		})
	}
}
