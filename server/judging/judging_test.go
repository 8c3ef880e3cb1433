package judging

import (
	"strings"
	"testing"

	"github.com/skillarena/arena/server/refusal"
)

func TestCheckSource(t *testing.T) {
	for _, tc := range []struct {
		name, data, file string
		kind             refusal.Kind
		wantName         string
	}{
		{name: "ok", data: "print(1)", file: "main.py", wantName: "main.py"},
		{name: "too large", data: strings.Repeat("#", 11), kind: refusal.Invalid},
		{name: "empty", data: " \n\t", kind: refusal.Invalid},
		{name: "binary", data: "\xff\xfe", kind: refusal.Invalid},
		{name: "long name cut", data: "x", file: strings.Repeat("n", 200), wantName: strings.Repeat("n", 128)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, name, err := checkSource([]byte(tc.data), tc.file, 10)
			r, refused := refusal.As(err)
			switch {
			case tc.kind == 0 && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.kind != 0 && (!refused || r.Kind != tc.kind):
				t.Fatalf("got %v, want a refusal of kind %d", err, tc.kind)
			case tc.kind == 0 && name != tc.wantName:
				t.Fatalf("name %q, want %q", name, tc.wantName)
			}
		})
	}
}
