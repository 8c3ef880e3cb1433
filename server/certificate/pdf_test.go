package certificate

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/document"
)

func sampleRecords() []Record {
	base := Signed{Version: 1, Contest: "bc", ContestTitle: "区块链应用操作员职业技能竞赛", Tier: "provincial-1",
		Occupation: "区块链应用操作员", OccupationCode: "4-04-05-06", WorkType: "区块链应用操作员", Issued: "2025-06-02", Issuer: "竞赛组织委员会",
		Parts: []PartScore{{Name: "theory", Title: "理论", Score: 80}, {Name: "practical", Title: "实操", Score: 100}}}
	a, b := base, base
	a.Number, a.Level, a.Award, a.AwardTitle, a.Rank, a.Total = "bc-2025-0001", rules.Level2, "gold", "金牌", 1, 94
	a.Holder = Holder{Username: "ben", Name: "本杰明", IDNumber: "440304200002294568"}
	a.AgencyNumber = "S000044010001245001234"
	a.Code = "7K2QD0M1ABCDEFGHJKMN"
	b.Number, b.Award, b.AwardTitle, b.Rank, b.Total = "bc-2025-0002", "bronze", "铜牌", 3, 85
	b.Holder = Holder{Username: "dan", Name: "丹尼尔", IDNumber: "320102199506150043"}
	return []Record{{Signed: a}, {Signed: b}}
}

func findFont(t *testing.T) *document.Font {
	t.Helper()
	font, err := document.FindFont(context.Background(), "")
	if errors.Is(err, document.ErrNoFont) {
		testenv.Missing(t, "a Chinese TrueType font (apt-get install fonts-wqy-zenhei): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return font
}

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		testenv.Missing(t, "%s not installed (apt-get install poppler-utils)", name)
	}
	return p
}

// TestIntegrationPDFRenders prints two certificates into one PDF, renders
// it with pdftoppm, and reads its text back with pdftotext.
func TestIntegrationPDFRenders(t *testing.T) {
	font := findFont(t)
	pdftoppm, pdftotext := tool(t, "pdftoppm"), tool(t, "pdftotext")
	dir := t.TempDir()
	recs := sampleRecords()
	var buf bytes.Buffer
	if err := WritePDF(&buf, recs, PDFOptions{BaseURL: "https://arena.example.org/", Font: font}); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "all.pdf")
	if err := os.WriteFile(pdf, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	for _, want := range []string{"职业技能等级证书", "荣誉证书", "本杰明", "丹尼尔", "bc-2025-0001", "bc-2025-0002", "440304200002294568",
		"二级/技师", "金牌", "省级一类竞赛", "2025年6月2日", "S000044010001245001234", "扫码验证", "7K2QD-0M1AB-CDEFG-HJKMN"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	// No character is lost where a sentence wraps.
	if flat := strings.Join(strings.Fields(text), ""); !strings.Contains(flat, "获得第1名，荣获金牌。经审核，准予晋升二级/技师职业技能等级。") {
		t.Errorf("the sentence lost characters:\n%s", flat)
	}
	// The QR code's link (also the page's link annotation) carries the code.
	if !bytes.Contains(buf.Bytes(), []byte("https://arena.example.org/verify/bc-2025-0001?code=7K2QD0M1ABCDEFGHJKMN")) {
		t.Error("the PDF does not link to the verification page with the code")
	}
	if n := strings.Count(text, "\f"); n != 2 {
		t.Errorf("%d pages, want 2", n)
	}
	if msg, err := exec.Command(pdftoppm, "-r", "60", "-png", pdf, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, msg)
	}
	for _, name := range []string{"page-1.png", "page-2.png"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		bounds := img.Bounds()
		if bounds.Dx() <= bounds.Dy() {
			t.Fatalf("%s is %v: a certificate is landscape", name, bounds)
		}
		// The frame is crimson and the page is not blank: count the frame's and the ink's pixels.
		red, dark := 0, 0
		for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
			for x := bounds.Min.X; x < bounds.Max.X; x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				r, g, b = r>>8, g>>8, b>>8
				if r > 110 && g < 60 && b < 60 {
					red++
				}
				if r < 80 && g < 80 && b < 80 {
					dark++
				}
			}
		}
		if red < 500 || dark < 500 {
			t.Fatalf("%s: %d frame pixels, %d dark pixels: not rendered as a certificate", name, red, dark)
		}
	}
	// One certificate alone is a one-page PDF.
	buf.Reset()
	if err := WritePDF(&buf, recs[:1], PDFOptions{BaseURL: "http://x", Font: font}); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("one certificate: %v", err)
	}
	if err := WritePDF(&buf, nil, PDFOptions{Font: font}); err == nil {
		t.Fatal("an empty PDF was written")
	}
}
