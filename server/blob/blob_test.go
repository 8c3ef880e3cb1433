package blob

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestPutGet(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("print('hi')\n")},
		{"binary", []byte{0, 1, 2, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := s.Put(ctx, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			h2, err := s.Put(ctx, tt.data)
			if err != nil || h2 != h {
				t.Fatalf("second put = %q, %v; want %q", h2, err, h)
			}
			got, err := s.Get(ctx, h)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(tt.data) {
				t.Fatalf("got %q, want %q", got, tt.data)
			}
		})
	}
	for _, bad := range []string{"", "../../etc/passwd", "00", "ab" + string(make([]byte, 62))} {
		if _, err := s.Get(ctx, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q) = %v, want ErrNotFound", bad, err)
		}
	}
}

func TestGetRefusesDamagedBlob(t *testing.T) {
	ctx := context.Background()
	d := t.TempDir()
	s, err := Open(d)
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.Put(ctx, []byte("print('hi')\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir(d).path(h), []byte("print('bye')\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, h); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("damaged blob: %v, want a hash mismatch", err)
	}
}
