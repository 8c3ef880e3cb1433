package scoreboard

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/events"
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
			b := Key(Points, tt.better[0], 0, int64(tt.better[1]))
			w := Key(Points, tt.worse[0], 0, int64(tt.worse[1]))
			if !(b > w) {
				t.Fatalf("SortKey(%v) = %v, not above SortKey(%v) = %v", tt.better, b, tt.worse, w)
			}
		})
	}
	if Key(Points, 50, 0, 20) != Key(Points, 50, 7, 20) {
		t.Fatal("points ignore penalty")
	}
	if Key(Points, 1, 0, -5) != Key(Points, 1, 0, 0) || Key(Points, 1, 0, 1<<40) != Key(Points, 1, 0, timeSpan-1) {
		t.Fatal("times out of range must be clamped")
	}
}

func TestICPCKeyOrders(t *testing.T) {
	type k struct {
		solved  float64
		penalty int64
		last    int64
	}
	tests := []struct {
		name          string
		better, worse k
	}{
		{"more solved wins", k{3, 900, 9000}, k{2, 10, 10}},
		{"less penalty wins", k{3, 100, 9000}, k{3, 101, 10}},
		{"earlier last accept wins", k{3, 100, 500}, k{3, 100, 501}},
		{"penalty cap keeps order of solved", k{899, 999_999, timeSpan - 1}, k{898, 0, 0}},
	}
	for _, tt := range tests {
		b := Key(ICPC, tt.better.solved, tt.better.penalty, tt.better.last)
		w := Key(ICPC, tt.worse.solved, tt.worse.penalty, tt.worse.last)
		if !(b > w) || b >= 1<<53 {
			t.Errorf("%s: %v !> %v", tt.name, b, w)
		}
	}
}

func TestFinish(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		keys  []float64
		want  map[string]int
		order []string
	}{
		{"distinct", []string{"a", "b", "c"}, []float64{3, 2, 1}, map[string]int{"a": 1, "b": 2, "c": 3}, []string{"a", "b", "c"}},
		{"unsorted input", []string{"c", "a", "b"}, []float64{1, 3, 2}, map[string]int{"a": 1, "b": 2, "c": 3}, []string{"a", "b", "c"}},
		{"tie shares rank, next skips", []string{"z", "y", "x"}, []float64{5, 5, 1}, map[string]int{"y": 1, "z": 1, "x": 3}, []string{"y", "z", "x"}},
		{"all tied", []string{"c", "a", "b"}, []float64{0, 0, 0}, map[string]int{"a": 1, "b": 1, "c": 1}, []string{"a", "b", "c"}},
		{"empty", nil, nil, map[string]int{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Board{}
			keys := map[string]float64{}
			for i, n := range tt.names {
				b.Rows = append(b.Rows, Row{Contestant: Contestant{ID: n, Name: n}})
				keys[n] = tt.keys[i]
			}
			finish(b, keys)
			got := map[string]int{}
			var order []string
			for _, r := range b.Rows {
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

func TestMarkFirst(t *testing.T) {
	rows := []Row{
		{Contestant: Contestant{ID: "a"}, Challenges: map[string]Cell{"p": {Solved: true, Time: 50}, "q": {Solved: true, Time: 10}}},
		{Contestant: Contestant{ID: "b"}, Challenges: map[string]Cell{"p": {Solved: true, Time: 20}, "q": {Solved: false, Time: 5}}},
		{Contestant: Contestant{ID: "c"}, Challenges: map[string]Cell{"p": {Solved: true, Time: 20, First: true}}},
	}
	shared := rows[0].Challenges
	markFirst(rows)
	want := map[string]map[string]bool{"a": {"p": false, "q": true}, "b": {"p": true, "q": false}, "c": {"p": true}}
	for _, r := range rows {
		for slug, c := range r.Challenges {
			if c.First != want[r.Contestant.ID][slug] {
				t.Errorf("%s/%s first = %v", r.Contestant.ID, slug, c.First)
			}
		}
	}
	if shared["q"].First {
		t.Error("markFirst changed a map shared with an older snapshot")
	}
}

// TestRecomputeLuaNames: the script names outcomes and statuses as Go does,
// and leaves no placeholder unreplaced.
func TestRecomputeLuaNames(t *testing.T) {
	lua := RecomputeLua()
	if strings.Contains(lua, "$") {
		t.Fatalf("placeholder left in the script:\n%s", lua)
	}
	for _, o := range verdict.Outcomes() {
		if got := strings.Contains(lua, `["`+string(o)+`"] = true`); got != NoPenalty(o) {
			t.Errorf("%s in the script's no-penalty set: %v, want %v", o, got, NoPenalty(o))
		}
	}
	for _, want := range []string{`"` + string(verdict.Accepted) + `"`, `"` + string(events.Done) + `"`} {
		if !strings.Contains(lua, want) {
			t.Errorf("script does not name %s", want)
		}
	}
}
