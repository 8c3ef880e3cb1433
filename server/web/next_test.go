package web

import "testing"

func TestLocalPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/contests/run/submit", "/contests/run/submit"},
		{"/contests/run/submissions?challenge=hello&lang=en", "/contests/run/submissions?challenge=hello&lang=en"},
		{"/", "/"},
		{"", "/"},
		{"contests", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/a\\b", "/"},
		{"/\t/evil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%0d%0a/evil.example", "/"},
		{"/%2f/evil.example", "/"},
		{"/%5cevil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"/\u00a0/evil.example", "/"},
		{"///evil.example", "/"},
	} {
		if got := localPath(tc.in); got != tc.want {
			t.Errorf("localPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
