package cli

import (
	"strings"
	"testing"

	"github.com/skillarena/arena/server/certificate"
)

func TestPublicURL(t *testing.T) {
	for _, tc := range []struct{ flag, want, err string }{
		{"", "", ""},
		{"https://arena.example.org/", "https://arena.example.org", ""},
		{"http://10.1.2.3:8080/arena", "http://10.1.2.3:8080/arena", ""},
		{"arena.example.org", "", "--public-url"},
		{"ftp://arena.example.org", "", "not an http(s) address"},
		{"https://arena.example.org/?x=1", "", "no query"},
	} {
		f := storeFlags{publicURL: tc.flag}
		err := f.checkPublicURL()
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.flag, err, tc.err)
			}
			continue
		}
		if err != nil || f.publicURL != tc.want {
			t.Errorf("%q: %q %v, want %q", tc.flag, f.publicURL, err, tc.want)
		}
	}
	// Without it, a server's links point to where it listens.
	for addr, want := range map[string]string{"0.0.0.0:9000": "http://127.0.0.1:9000", "[::]:8080": "http://127.0.0.1:8080",
		"192.0.2.7:8080": "http://192.0.2.7:8080", "[2001:db8::1]:80": "http://[2001:db8::1]:80", "nonsense": certificate.DefaultPublicURL} {
		if got := listenURL(addr); got != want {
			t.Errorf("listenURL(%q) = %q, want %q", addr, got, want)
		}
	}
	if n := noPublicURL("http://127.0.0.1:9000"); !strings.Contains(n, "point to http://127.0.0.1:9000") || !strings.Contains(n, "ARENA_PUBLIC_URL") {
		t.Errorf("note: %q", n)
	}
}
