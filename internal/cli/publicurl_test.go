package cli

import (
	"strings"
	"testing"
)

func TestResolvePublicURL(t *testing.T) {
	for _, tc := range []struct {
		flag, listen, want, note, err string
	}{
		{flag: "https://arena.example.org/", want: "https://arena.example.org"},
		{flag: "http://10.1.2.3:8080/arena", want: "http://10.1.2.3:8080/arena"},
		{listen: "0.0.0.0:9000", want: "http://127.0.0.1:9000", note: "no --public-url: certificate QR codes and verification links point to http://127.0.0.1:9000"},
		{listen: "192.0.2.7:8080", want: "http://192.0.2.7:8080", note: "set --public-url (ARENA_PUBLIC_URL)"},
		{listen: "", want: "http://127.0.0.1:8080", note: "point to http://127.0.0.1:8080"},
		{flag: "arena.example.org", err: "--public-url"},
		{flag: "ftp://arena.example.org", err: "not an http(s) address"},
		{flag: "https://arena.example.org/?x=1", err: "no query"},
	} {
		f := storeFlags{publicURL: tc.flag}
		note, err := f.resolvePublicURL(tc.listen)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.flag, err, tc.err)
			}
		case err != nil || f.publicURL != tc.want || (tc.note == "") != (note == "") || !strings.Contains(note, tc.note):
			t.Errorf("%q on %q: %q, note %q, err %v; want %q, note with %q", tc.flag, tc.listen, f.publicURL, note, err, tc.want, tc.note)
		}
	}
}
