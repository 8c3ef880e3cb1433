package document

import (
	"bytes"
	"crypto/sha256"
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
	// Issuer and Date sign the page, when Issuer is set; IssuerLines, when
	// set, are printed instead of Issuer, one line each, over the seal area.
	Issuer, Date string
	IssuerLines  []string
	// Logo is a PNG or JPEG image printed at the top left, when set.
	Logo []byte
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

// Layout of a page, in mm (A4 landscape). Each block has its own box, so
// nothing long runs into another: the name, the facts' values, the issuer
// lines and the captions under the QR code shrink to fit their box.
const (
	pageW, pageH = 297.0, 210.0
	// The facts: labels right-aligned up to factLabelX+factLabelW, values
	// from factValueX, at most factValueW wide (they end left of the seal).
	factLabelX, factLabelW, factValueX, factValueW = 24.0, 32.0, 58.0, 98.0
	factsY                                         = 120.0
	// The seal area: a circle the issuer's seal is stamped on, with the
	// issuer lines and the date across it.
	sealX, sealW, sealCY, sealR = 162.0, 64.0, 156.0, 20.0
	// The QR code and its captions.
	qrX, qrY, qrSize, captionX, captionW = 241.0, 118.0, 32.0, 233.0, 48.0
	// The name's box.
	nameX, nameW = 40.0, 217.0
)

// Box is where a piece of text was put on a page, in mm: for tests that
// check that no two pieces overlap.
type Box struct {
	Text       string
	X, Y, W, H float64
}

func page(pdf *fpdf.Fpdf, p CertificatePage) error {
	_, err := layout(pdf, p)
	return err
}

// fitted draws text in a box w wide at x, y, in size or as much smaller as
// it takes to fit, aligned by align, and returns where it went. Below
// least it would be hard to read, so a text that needs less is cut at the
// end with an ellipsis instead.
func fitted(pdf *fpdf.Fpdf, c rgb, text string, x, y, w, h, size, least float64, align string) Box {
	setText(pdf, c, size)
	for size > least && pdf.GetStringWidth(text) > w {
		size -= 0.5
		setText(pdf, c, size)
	}
	if pdf.GetStringWidth(text) > w {
		r := []rune(text)
		for len(r) > 1 && pdf.GetStringWidth(string(r)+"…") > w {
			r = r[:len(r)-1]
		}
		text = string(r) + "…"
	}
	pdf.SetXY(x, y)
	pdf.CellFormat(w, h, text, "", 0, align, false, 0, "")
	tw := pdf.GetStringWidth(text)
	bx := x + pdf.GetCellMargin()
	switch align {
	case "C":
		bx = x + (w-tw)/2
	case "R":
		bx = x + w - tw - pdf.GetCellMargin()
	}
	return Box{Text: text, X: bx, Y: y, W: tw, H: h}
}

// layout draws page p and returns the boxes of its text.
func layout(pdf *fpdf.Fpdf, p CertificatePage) ([]Box, error) {
	pdf.AddPage()
	const w, h = pageW, pageH
	var boxes []Box
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
	if len(p.Logo) > 0 {
		if err := drawLogo(pdf, p.Logo, 22, 20, 26); err != nil {
			return nil, err
		}
	}

	boxes = append(boxes, fitted(pdf, crimson, p.Heading, 50, 26, w-100, 16, 36, 20, "C"))
	boxes = append(boxes, fitted(pdf, grey, p.HeadingEn, 50, 42, w-100, 7, 12, 8, "C"))
	pdf.SetDrawColor(gold.r, gold.g, gold.b)
	pdf.SetLineWidth(0.4)
	pdf.Line(w/2-45, 53, w/2+45, 53)

	// The holder's name, large (smaller when long), then what they did.
	boxes = append(boxes, fitted(pdf, ink, p.Name, nameX, 58, nameW, 16, 26, 12, "C"))
	setText(pdf, ink, 15)
	for i, line := range wrap(pdf, p.Text, w-80) {
		y := 79 + 8.5*float64(i)
		pdf.SetXY(40, y)
		pdf.CellFormat(w-80, 8.5, line, "", 0, "C", false, 0, "")
		boxes = append(boxes, Box{Text: line, X: 40, Y: y, W: w - 80, H: 8.5})
	}

	// The facts, labels and values, on the left.
	y := factsY
	for _, f := range p.Facts {
		boxes = append(boxes, fitted(pdf, grey, f[0], factLabelX, y, factLabelW, 7, 11, 8, "R"))
		boxes = append(boxes, fitted(pdf, ink, f[1], factValueX, y, factValueW, 7, 11, 7, "L"))
		y += 7.5
	}

	// The seal area: a dashed circle for the seal, the issuer lines and the date across it.
	pdf.SetDrawColor(crimson.r, crimson.g, crimson.b)
	pdf.SetLineWidth(0.3)
	pdf.SetDashPattern([]float64{1.2, 1.2}, 0)
	pdf.Circle(sealX+sealW/2, sealCY, sealR, "D")
	pdf.SetDashPattern([]float64{}, 0)
	lines := p.IssuerLines
	if len(lines) == 0 && p.Issuer != "" {
		lines = []string{p.Issuer}
	}
	if len(lines) > 4 {
		lines = lines[:4]
	}
	// Fewer lines print larger; a line too long for the seal area wraps.
	size, lh := 13.0, 7.0
	if len(lines) > 2 {
		size, lh = 10.0, 5.5
	}
	setText(pdf, ink, size)
	var wrapped []string
	for _, l := range lines {
		wrapped = append(wrapped, wrap(pdf, l, sealW-2)...)
	}
	if len(wrapped) > 8 {
		wrapped = wrapped[:8]
	}
	ly := sealCY - 2 - lh*float64(len(wrapped))/2
	for _, l := range wrapped {
		boxes = append(boxes, fitted(pdf, ink, l, sealX, ly, sealW, lh, size, 6, "C"))
		ly += lh
	}
	if p.Date != "" {
		boxes = append(boxes, fitted(pdf, grey, p.Date, sealX, ly+1, sealW, 6, 11, 8, "C"))
	}

	// QR code to the verification page, bottom right, its captions under it.
	if err := drawQR(pdf, p.Link, qrX, qrY, qrSize); err != nil {
		return nil, err
	}
	boxes = append(boxes, Box{Text: "QR", X: qrX - 2, Y: qrY - 2, W: qrSize + 4, H: qrSize + 4})
	cy := qrY + qrSize + 2.5
	boxes = append(boxes, fitted(pdf, grey, "扫码验证 Scan to verify", captionX, cy, captionW, 5, 9, 6, "C"))
	boxes = append(boxes, fitted(pdf, grey, p.Number, captionX, cy+5, captionW, 5, 9, 5.5, "C"))
	if p.Code != "" {
		boxes = append(boxes, fitted(pdf, grey, p.Code, captionX-2, cy+10, captionW+4, 5, 9, 5.5, "C"))
	}
	pdf.LinkString(qrX, qrY, qrSize, qrSize, p.Link)
	return boxes, pdf.Error()
}

// drawLogo draws a PNG or JPEG image into a square of size mm at x, y,
// keeping its proportions.
func drawLogo(pdf *fpdf.Fpdf, img []byte, x, y, size float64) error {
	kind := "PNG"
	if bytes.HasPrefix(img, []byte{0xff, 0xd8}) {
		kind = "JPG"
	}
	name := fmt.Sprintf("logo-%x", sha256.Sum256(img))
	opt := fpdf.ImageOptions{ImageType: kind}
	info := pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(img))
	if pdf.Err() || info == nil {
		return fmt.Errorf("logo: not a PNG or JPEG image: %w", pdf.Error())
	}
	iw, ih := info.Extent()
	lw, lh := size, size
	if iw > ih {
		lh = size * ih / iw
	} else if ih > 0 {
		lw = size * iw / ih
	}
	pdf.ImageOptions(name, x, y, lw, lh, false, opt, 0, "")
	return pdf.Error()
}

// LayoutBoxes lays out p on a page of its own and returns where each piece
// of text went (its text, or "QR" for the code).
func LayoutBoxes(font *Font, p CertificatePage) ([]Box, error) {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes("cjk", "", font.Data)
	return layout(pdf, p)
}

// CheckLogo says whether img is a PNG or JPEG image a certificate can print.
func CheckLogo(img []byte) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.AddPage()
	return drawLogo(pdf, img, 0, 0, 10)
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
