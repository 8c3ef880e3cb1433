package certificate

import (
	"bytes"
	"context"
	"errors"
	"html"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
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

// longRecord is a certificate whose every text is as long as real ones get.
func longRecord() Record {
	r := sampleRecords()[0]
	r.Holder.Name = "阿卜杜热合曼·买买提艾力·库尔班江·艾合买提江·玉素甫"
	r.ContestTitle = "第二届全国数字技术职业技能大赛暨区块链应用操作员职业技能竞赛（省级选拔赛）"
	r.Parts = []PartScore{{Name: "t", Title: "理论知识", Score: 88.25}, {Name: "p", Title: "实际操作", Score: 99.5},
		{Name: "d", Title: "答辩", Score: 77.75}, {Name: "s", Title: "安全规范", Score: 100}}
	r.Issuer = "第二届全国数字技术职业技能大赛广东省选拔赛组织委员会办公室"
	r.Number = "GD-BLOCKCHAIN-OPERATOR-2025-000123"
	return r
}

// logoPNG is a 60×30 solid blue PNG.
func logoPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 60, 30))
	for y := 0; y < 30; y++ {
		for x := 0; x < 60; x++ {
			img.Set(x, y, color.RGBA{0, 0, 255, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type bbox struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

func (a bbox) overlaps(b bbox) bool {
	const slack = 0.3 // points: glyph boxes of neighbouring words may touch
	return a.xMin < b.xMax-slack && b.xMin < a.xMax-slack && a.yMin < b.yMax-slack && b.yMin < a.yMax-slack
}

var wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// TestIntegrationPDFLayoutLongTexts prints a certificate whose name,
// facts, issuer lines and number are long, with an organizer's template
// (title, four issuer lines, a logo), and checks the rendered PDF: no two
// words overlap, none runs into the QR code or out of the frame, the
// template's texts are there and the logo is drawn.
func TestIntegrationPDFLayoutLongTexts(t *testing.T) {
	font := findFont(t)
	pdftoppm, pdftotext := tool(t, "pdftoppm"), tool(t, "pdftotext")
	dir := t.TempDir()
	tmpl := &Template{Title: "职业技能等级证书（竞赛）", TitleEn: "Vocational Skill Level Certificate (Contest)", AwardTitle: "竞赛获奖证书",
		Issuer: []string{"第二届全国数字技术职业技能大赛组织委员会", "广东省人力资源和社会保障厅职业技能鉴定指导中心", "某某职业技能等级认定评价机构", "（盖章）"},
		Logo:   logoPNG(t)}
	for _, tc := range []struct {
		name string
		tmpl *Template
	}{{"the rules' issuer", nil}, {"a template", tmpl}} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WritePDF(&buf, []Record{longRecord()}, PDFOptions{BaseURL: "https://arena.example.org", Font: font, Template: tc.tmpl}); err != nil {
				t.Fatal(err)
			}
			pdf := filepath.Join(dir, "long.pdf")
			if err := os.WriteFile(pdf, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(pdftotext, "-bbox", pdf, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			var words []bbox
			for _, m := range wordRE.FindAllStringSubmatch(string(out), -1) {
				var b bbox
				b.text = html.UnescapeString(m[5])
				for i, p := range []*float64{&b.xMin, &b.yMin, &b.xMax, &b.yMax} {
					*p, _ = strconv.ParseFloat(m[i+1], 64)
				}
				words = append(words, b)
			}
			text := ""
			for _, w := range words {
				text += w.text
			}
			want := []string{"阿卜杜热合曼·买买提艾力·库尔班江·艾合买提江·玉素甫", "GD-BLOCKCHAIN-OPERATOR-2025-000123", "安全规范", "扫码验证"}
			issuer := []string{"第二届全国数字技术职业技能大赛广东省选拔赛组织委员会办公室"}
			if tc.tmpl != nil {
				want, issuer = append(want, tc.tmpl.Title), tc.tmpl.Issuer
			} else {
				want = append(want, "职业技能等级证书")
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("the PDF lacks %q: %s", w, text)
				}
			}
			// The issuer's lines, whole (wrapped where long), in the seal area.
			pt := func(mm float64) string { return strconv.Itoa(int(mm * 72 / 25.4)) }
			seal, err := exec.Command(pdftotext, "-x", pt(160), "-y", pt(118), "-W", pt(68), "-H", pt(75), pdf, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext of the seal area: %v", err)
			}
			if flat := strings.Join(strings.Fields(string(seal)), ""); !strings.Contains(flat, strings.Join(issuer, "")+"2025年6月2日") {
				t.Errorf("the seal area says %q, want the issuer lines %q and the date", flat, issuer)
			}
			// In points: the inner frame, and the QR code with its white margin.
			const mm = 72 / 25.4
			frame := bbox{xMin: 12.5 * mm, yMin: 12.5 * mm, xMax: 284.5 * mm, yMax: 197.5 * mm}
			qr := bbox{text: "QR", xMin: 239 * mm, yMin: 116 * mm, xMax: 275 * mm, yMax: 152 * mm}
			for i, a := range words {
				if a.xMin < frame.xMin || a.xMax > frame.xMax || a.yMin < frame.yMin || a.yMax > frame.yMax {
					t.Errorf("%q runs out of the frame: %+v", a.text, a)
				}
				if a.overlaps(qr) {
					t.Errorf("%q runs into the QR code: %+v", a.text, a)
				}
				for _, b := range words[i+1:] {
					if a.overlaps(b) {
						t.Errorf("%q overlaps %q: %+v %+v", a.text, b.text, a, b)
					}
				}
			}
			if tc.tmpl == nil {
				return
			}
			// The logo: blue pixels at the top left, none elsewhere.
			if msg, err := exec.Command(pdftoppm, "-r", "50", "-png", "-singlefile", pdf, filepath.Join(dir, "long")).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v %s", err, msg)
			}
			f, err := os.Open(filepath.Join(dir, "long.png"))
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			bounds := img.Bounds()
			in, out2 := 0, 0
			for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
				for x := bounds.Min.X; x < bounds.Max.X; x++ {
					r, g, b, _ := img.At(x, y).RGBA()
					if b>>8 > 200 && r>>8 < 60 && g>>8 < 60 {
						if x < bounds.Dx()/5 && y < bounds.Dy()/4 {
							in++
						} else {
							out2++
						}
					}
				}
			}
			if in < 200 || out2 > 0 {
				t.Errorf("logo: %d blue pixels at the top left, %d elsewhere", in, out2)
			}
		})
	}
	// An award-only certificate takes the template's award title.
	var buf bytes.Buffer
	if err := WritePDF(&buf, []Record{sampleRecords()[1]}, PDFOptions{BaseURL: "https://arena.example.org", Font: font, Template: tmpl}); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "award.pdf")
	if err := os.WriteFile(pdf, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, pdf, "-").Output()
	if err != nil || !strings.Contains(string(out), "竞赛获奖证书") || strings.Contains(string(out), tmpl.Title) {
		t.Fatalf("award certificate with a template: %v %s", err, out)
	}
}
