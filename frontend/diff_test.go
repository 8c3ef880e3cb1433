package frontend

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLineDiff(t *testing.T) {
	same := func(s string) DiffRow {
		return DiffRow{Expected: s, Actual: s, HasExpected: true, HasActual: true, Same: true}
	}
	tests := []struct {
		name             string
		expected, actual string
		want             []DiffRow
	}{
		{"equal but for trailing space and blank lines", "1\n2\n", "1 \n2\n\n", []DiffRow{{Expected: "1", Actual: "1 ", HasExpected: true, HasActual: true, Same: true}, same("2")}},
		{"one line changed", "1\n2\n3\n", "1\nx\n3\n", []DiffRow{same("1"), {Expected: "2", Actual: "x", HasExpected: true, HasActual: true}, same("3")}},
		{"output ends early", "1\n2\n", "1\n", []DiffRow{same("1"), {Expected: "2", HasExpected: true}}},
		{"an extra line in the middle", "1\n3\n", "1\n2\n3\n", []DiffRow{same("1"), {Actual: "2", HasActual: true}, same("3")}},
		{"nothing printed", "42\n", "", []DiffRow{{Expected: "42", HasExpected: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LineDiff(tt.expected, tt.actual)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("LineDiff (-want +got):\n%s", d)
			}
		})
	}
}
