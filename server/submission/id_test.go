package submission

import "testing"

func TestSplitID(t *testing.T) {
	tests := []struct {
		sid string
		cid string
		n   int64
		ok  bool
	}{
		{"demo-1", "demo", 1, true},
		{"city-final-2026-42", "city-final-2026", 42, true},
		{"demo", "", 0, false},
		{"demo-", "", 0, false},
		{"-1", "", 0, false},
		{"Demo-1", "", 0, false},
		{"demo-1x", "", 0, false},
		{"../x-1", "", 0, false},
	}
	for _, tt := range tests {
		cid, n, ok := SplitID(tt.sid)
		if cid != tt.cid || n != tt.n || ok != tt.ok {
			t.Errorf("SplitID(%q) = %q, %d, %v; want %q, %d, %v", tt.sid, cid, n, ok, tt.cid, tt.n, tt.ok)
		}
	}
}
