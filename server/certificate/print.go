package certificate

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/skillarena/arena/server/certificate/rules"
)

// VerifyURL is the verification page of certificate number under base,
// the server's public address.
func VerifyURL(base, number string) string {
	return strings.TrimRight(base, "/") + "/verify/" + url.PathEscape(number)
}

// PDFOptions say how to print certificates.
type PDFOptions struct {
	// BaseURL is the server's public address, for the QR code.
	BaseURL string
	Font    *Font
}

// colours of the certificate.
type rgb struct{ r, g, b int }

var (
	crimson = rgb{139, 26, 26}
	gold    = rgb{184, 134, 11}
	ink     = rgb{40, 40, 40}
	grey    = rgb{110, 110, 110}
	paper   = rgb{255, 252, 242}
)

// WritePDF prints the records as certificates, one A4 landscape page each,
// into one PDF: the holder, the contest, place, award and level, the
// number, and a QR code to the verification page.
func WritePDF(w io.Writer, recs []Record, opt PDFOptions) error {
	if opt.Font == nil {
		return ErrNoFont
	}
	if len(recs) == 0 {
		return badInput("no certificates to print")
	}
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes("cjk", "", opt.Font.Data)
	pdf.SetCreator("SkillArena", true)
	pdf.SetTitle(title(recs), true)
	if recs[0].Issuer != "" {
		pdf.SetAuthor(recs[0].Issuer, true)
	}
	if d, err := time.ParseInLocation(time.DateOnly, recs[0].Issued, Zone()); err == nil {
		pdf.SetCreationDate(d)
		pdf.SetModificationDate(d)
	}
	for _, r := range recs {
		if err := page(pdf, r, opt); err != nil {
			return err
		}
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write PDF: %w", err)
	}
	return nil
}

func title(recs []Record) string {
	if len(recs) == 1 {
		return "证书 " + recs[0].Number + " " + recs[0].Holder.Name
	}
	return recs[0].ContestTitle + " 证书"
}

func setText(pdf *fpdf.Fpdf, c rgb, size float64) {
	pdf.SetTextColor(c.r, c.g, c.b)
	pdf.SetFont("cjk", "", size)
}

func page(pdf *fpdf.Fpdf, r Record, opt PDFOptions) error {
	pdf.AddPage()
	const w, h = 297.0, 210.0
	// Paper and a double frame.
	pdf.SetFillColor(paper.r, paper.g, paper.b)
	pdf.Rect(0, 0, w, h, "F")
	pdf.SetDrawColor(crimson.r, crimson.g, crimson.b)
	pdf.SetLineWidth(2.2)
	pdf.Rect(8, 8, w-16, h-16, "D")
	pdf.SetDrawColor(gold.r, gold.g, gold.b)
	pdf.SetLineWidth(0.6)
	pdf.Rect(12.5, 12.5, w-25, h-25, "D")
	for _, c := range [][2]float64{{12.5, 12.5}, {w - 12.5, 12.5}, {12.5, h - 12.5}, {w - 12.5, h - 12.5}} {
		pdf.SetFillColor(gold.r, gold.g, gold.b)
		pdf.Circle(c[0], c[1], 2.2, "F")
	}

	heading, headingEn := "荣誉证书", "Certificate of Award"
	if r.Level != rules.NoLevel {
		heading, headingEn = "职业技能等级证书", "Vocational Skill Level Certificate"
	}
	setText(pdf, crimson, 36)
	pdf.SetXY(0, 26)
	pdf.CellFormat(w, 16, heading, "", 1, "C", false, 0, "")
	setText(pdf, grey, 12)
	pdf.CellFormat(w, 7, headingEn, "", 1, "C", false, 0, "")
	pdf.SetDrawColor(gold.r, gold.g, gold.b)
	pdf.SetLineWidth(0.4)
	pdf.Line(w/2-45, 53, w/2+45, 53)

	// The holder's name, large, then what they did.
	setText(pdf, ink, 26)
	pdf.SetXY(0, 60)
	pdf.CellFormat(w, 14, r.Holder.Name, "", 1, "C", false, 0, "")

	var b strings.Builder
	fmt.Fprintf(&b, "参加%s", r.ContestTitle)
	if t := r.Tier.In("zh"); t != "" {
		fmt.Fprintf(&b, "（%s）", t)
	}
	job := r.Occupation
	if r.WorkType != "" && r.WorkType != r.Occupation {
		job += "（" + r.WorkType + "）"
	}
	fmt.Fprintf(&b, "，在%s项目中", job)
	if r.Rank > 0 {
		fmt.Fprintf(&b, "，获得第%d名", r.Rank)
	}
	if r.AwardTitle != "" {
		fmt.Fprintf(&b, "，荣获%s", r.AwardTitle)
	}
	b.WriteString("。")
	if r.Level != rules.NoLevel {
		fmt.Fprintf(&b, "经审核，准予晋升%s职业技能等级。", r.Level)
	}
	setText(pdf, ink, 15)
	for i, line := range wrap(pdf, b.String(), w-80) {
		pdf.SetXY(40, 80+9*float64(i))
		pdf.CellFormat(w-80, 9, line, "", 0, "C", false, 0, "")
	}

	// The facts, in two columns on the left.
	facts := [][2]string{
		{"证件号码", r.Holder.IDNumber},
		{"职业（工种）", job},
	}
	if r.OccupationCode != "" {
		facts = append(facts, [2]string{"职业编码", r.OccupationCode})
	}
	if r.Level != rules.NoLevel {
		facts = append(facts, [2]string{"等级", r.Level.String()})
	}
	score := fmt.Sprintf("%.2f", r.Total)
	for _, p := range r.Parts {
		score += fmt.Sprintf("（%s %.2f）", p.Title, p.Score)
	}
	facts = append(facts, [2]string{"成绩", score}, [2]string{"证书编号", r.Number})
	if r.AgencyNumber != "" {
		facts = append(facts, [2]string{"全国统一编号", r.AgencyNumber})
	}
	facts = append(facts, [2]string{"发证日期", chineseDate(r.Issued)})
	y := 122.0
	for _, f := range facts {
		setText(pdf, grey, 11)
		pdf.SetXY(30, y)
		pdf.CellFormat(30, 7, f[0], "", 0, "R", false, 0, "")
		setText(pdf, ink, 11)
		pdf.SetXY(63, y)
		pdf.CellFormat(130, 7, f[1], "", 0, "L", false, 0, "")
		y += 7.5
	}

	// Issuer and date above the QR code's left.
	if r.Issuer != "" {
		setText(pdf, ink, 14)
		pdf.SetXY(170, 160)
		pdf.CellFormat(70, 8, r.Issuer, "", 2, "C", false, 0, "")
		setText(pdf, grey, 11)
		pdf.CellFormat(70, 7, chineseDate(r.Issued), "", 0, "C", false, 0, "")
	}

	// QR code to the verification page, bottom right.
	link := VerifyURL(opt.BaseURL, r.Number)
	if err := drawQR(pdf, link, w-60, 122, 36); err != nil {
		return err
	}
	setText(pdf, grey, 9)
	pdf.SetXY(w-66, 159)
	pdf.CellFormat(48, 5, "扫码验证 Scan to verify", "", 2, "C", false, 0, "")
	pdf.SetXY(w-66, 164)
	pdf.CellFormat(48, 5, r.Number, "", 0, "C", false, 0, "")
	pdf.LinkString(w-60, 122, 36, 36, link)
	return pdf.Error()
}

// wrap breaks text into lines no wider than width in the current font,
// between any two characters (Chinese has no spaces), never putting closing
// punctuation at the start of a line.
func wrap(pdf *fpdf.Fpdf, text string, width float64) []string {
	var lines []string
	var line []rune
	for _, r := range text {
		if len(line) > 0 && pdf.GetStringWidth(string(append(line, r))) > width && !strings.ContainsRune("，。、；：）》」』！？,.;:)", r) {
			lines = append(lines, string(line))
			line = line[:0]
		}
		line = append(line, r)
	}
	if len(line) > 0 {
		lines = append(lines, string(line))
	}
	return lines
}

// drawQR draws a QR code of text as vector squares, size mm wide, at x, y.
func drawQR(pdf *fpdf.Fpdf, text string, x, y, size float64) error {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("QR code for %s: %w", text, err)
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(x-2, y-2, size+4, size+4, "F")
	pdf.SetFillColor(0, 0, 0)
	m := size / float64(len(bm))
	for row, line := range bm {
		for col := 0; col < len(line); {
			if !line[col] {
				col++
				continue
			}
			run := col
			for run < len(line) && line[run] {
				run++
			}
			pdf.Rect(x+float64(col)*m, y+float64(row)*m, float64(run-col)*m+0.01, m+0.01, "F")
			col = run
		}
	}
	return nil
}

// chineseDate writes 2025-06-01 as 2025年6月1日.
func chineseDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}
