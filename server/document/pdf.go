package document

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// CertificatePage is what one certificate page shows; server/certificate
// says it, this file lays it out.
type CertificatePage struct {
	// Heading and HeadingEn are the title, in Chinese and in English.
	Heading, HeadingEn string
	// Name is the holder's name, large.
	Name string
	// Text is the sentence of what the holder did, wrapped to the page.
	Text string
	// Facts are label and value pairs, in a column on the left.
	Facts [][2]string
	// Issuer and Date sign the page, when Issuer is set.
	Issuer, Date string
	// Link is the verification page, drawn as a QR code above Number.
	Link, Number string
	// Code, when set, is printed under Number: the verification code, with its label.
	Code string
}

// PDFInfo is the PDF's own metadata.
type PDFInfo struct {
	Title, Author string
	// Created, when set, is the creation and modification date.
	Created time.Time
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

// WriteCertificates prints pages as certificates, one A4 landscape page
// each, into one PDF, in font.
func WriteCertificates(w io.Writer, font *Font, info PDFInfo, pages []CertificatePage) error {
	if font == nil {
		return ErrNoFont
	}
	if len(pages) == 0 {
		return errors.New("no certificate pages to print")
	}
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes("cjk", "", font.Data)
	pdf.SetCreator("SkillArena", true)
	pdf.SetTitle(info.Title, true)
	if info.Author != "" {
		pdf.SetAuthor(info.Author, true)
	}
	if !info.Created.IsZero() {
		pdf.SetCreationDate(info.Created)
		pdf.SetModificationDate(info.Created)
	}
	for _, p := range pages {
		if err := page(pdf, p); err != nil {
			return err
		}
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write PDF: %w", err)
	}
	return nil
}

func setText(pdf *fpdf.Fpdf, c rgb, size float64) {
	pdf.SetTextColor(c.r, c.g, c.b)
	pdf.SetFont("cjk", "", size)
}

func page(pdf *fpdf.Fpdf, p CertificatePage) error {
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

	setText(pdf, crimson, 36)
	pdf.SetXY(0, 26)
	pdf.CellFormat(w, 16, p.Heading, "", 1, "C", false, 0, "")
	setText(pdf, grey, 12)
	pdf.CellFormat(w, 7, p.HeadingEn, "", 1, "C", false, 0, "")
	pdf.SetDrawColor(gold.r, gold.g, gold.b)
	pdf.SetLineWidth(0.4)
	pdf.Line(w/2-45, 53, w/2+45, 53)

	// The holder's name, large, then what they did.
	setText(pdf, ink, 26)
	pdf.SetXY(0, 60)
	pdf.CellFormat(w, 14, p.Name, "", 1, "C", false, 0, "")
	setText(pdf, ink, 15)
	for i, line := range wrap(pdf, p.Text, w-80) {
		pdf.SetXY(40, 80+9*float64(i))
		pdf.CellFormat(w-80, 9, line, "", 0, "C", false, 0, "")
	}

	// The facts, in two columns on the left.
	y := 122.0
	for _, f := range p.Facts {
		setText(pdf, grey, 11)
		pdf.SetXY(30, y)
		pdf.CellFormat(30, 7, f[0], "", 0, "R", false, 0, "")
		setText(pdf, ink, 11)
		pdf.SetXY(63, y)
		pdf.CellFormat(130, 7, f[1], "", 0, "L", false, 0, "")
		y += 7.5
	}

	// Issuer and date above the QR code's left.
	if p.Issuer != "" {
		setText(pdf, ink, 14)
		pdf.SetXY(170, 160)
		pdf.CellFormat(70, 8, p.Issuer, "", 2, "C", false, 0, "")
		setText(pdf, grey, 11)
		pdf.CellFormat(70, 7, p.Date, "", 0, "C", false, 0, "")
	}

	// QR code to the verification page, bottom right.
	if err := drawQR(pdf, p.Link, w-60, 122, 36); err != nil {
		return err
	}
	setText(pdf, grey, 9)
	pdf.SetXY(w-66, 159)
	pdf.CellFormat(48, 5, "扫码验证 Scan to verify", "", 2, "C", false, 0, "")
	pdf.SetXY(w-66, 164)
	pdf.CellFormat(48, 5, p.Number, "", 0, "C", false, 0, "")
	if p.Code != "" {
		pdf.SetXY(w-76, 169)
		pdf.CellFormat(68, 5, p.Code, "", 0, "C", false, 0, "")
	}
	pdf.LinkString(w-60, 122, 36, 36, p.Link)
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
