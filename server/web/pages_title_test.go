package web

import "testing"

func TestWithoutTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# Hello\n\nBody", "\nBody"},
		{"\ufeff# 你好\r\nBody", "Body"},
		{"Body first\n# Later heading", "Body first\n# Later heading"},
		{"## Section\nBody", "## Section\nBody"},
		{"# Only a title", ""},
	}
	for _, tt := range tests {
		if got := withoutTitle(tt.in); got != tt.want {
			t.Errorf("withoutTitle(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
