package document

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/testenv"
)

func findFont(t *testing.T) *Font {
	t.Helper()
	font, err := FindFont(context.Background(), "")
	if errors.Is(err, ErrNoFont) {
		testenv.Missing(t, "a Chinese TrueType font (apt-get install fonts-wqy-zenhei): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return font
}

func TestFontChecks(t *testing.T) {
	font := findFont(t)
	if !bytes.HasPrefix(font.Data, []byte{0, 1, 0, 0}) && !bytes.HasPrefix(font.Data, []byte("true")) {
		t.Fatalf("font %s face %d is not a standalone TrueType file: % x", font.Path, font.Face, font.Data[:4])
	}
	tables, err := tableDirectory(font.Data, 0)
	if err != nil || tables["glyf"] == nil || !coversProbe(tables["cmap"]) {
		t.Fatalf("extracted face: %v", err)
	}
	if _, err := FindFont(context.Background(), "/nonexistent/font.ttf"); err == nil || !strings.Contains(err.Error(), "/nonexistent/font.ttf") {
		t.Fatalf("a named font that is missing: %v", err)
	}
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.ttf")
	_ = os.WriteFile(junk, []byte("not a font at all"), 0o644)
	if _, err := loadFont(junk); err == nil {
		t.Fatal("junk accepted as a font")
	}
	for path, want := range map[string]string{
		"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf":        "no Chinese characters",
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc": "PostScript",
	} {
		if _, err := os.Stat(path); err != nil {
			continue // not installed here: nothing to check
		}
		if _, err := loadFont(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", path, err, want)
		}
	}
}
