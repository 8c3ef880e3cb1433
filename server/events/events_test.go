package events

import "testing"

func TestLess(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1-0", "1-1", true},
		{"1-1", "1-0", false},
		{"9-5", "10-0", true},
		{"10-0", "9-5", false},
		{"5", "5-1", true},
		{"5-0", "5-0", false},
		{"0-0", "1700000000000-0", true},
	}
	for _, tt := range tests {
		if got := Less(tt.a, tt.b); got != tt.want {
			t.Errorf("Less(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	for _, bad := range []string{"", "x", "1-x", "-1"} {
		if _, err := ParseID(bad); err == nil {
			t.Errorf("ParseID(%q) accepted", bad)
		}
	}
}
