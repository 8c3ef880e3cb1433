package certificate

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/document"
)

// VerifyURL is the verification page of certificate number under base,
// the server's public address; with its verification code, the page shows
// the holder (the link of the QR code), without it only whether the
// certificate holds.
func VerifyURL(base, number, code string) string {
	u := strings.TrimRight(base, "/") + "/verify/" + url.PathEscape(number)
	if code != "" {
		u += "?code=" + url.QueryEscape(code)
	}
	return u
}

// PDFOptions say how to print certificates.
type PDFOptions struct {
	// BaseURL is the server's public address, for the QR code.
	BaseURL string
	Font    *document.Font
	// Template, when set, adjusts the title, the issuer lines and the logo.
	Template *Template
}

// WritePDF prints the records as certificates, one A4 landscape page each,
// into one PDF (laid out by server/document): the holder, the contest,
// place, award and level, the number and verification code, and a QR code
// to the verification page with the code.
func WritePDF(w io.Writer, recs []Record, opt PDFOptions) error {
	if opt.Font == nil {
		return document.ErrNoFont
	}
	if len(recs) == 0 {
		return badInput("cert.nothing_to_print")
	}
	info := document.PDFInfo{Title: title(recs), Author: recs[0].Issuer}
	if d, err := time.ParseInLocation(time.DateOnly, recs[0].Issued, time.UTC); err == nil {
		info.Created = d
	}
	pages := make([]document.CertificatePage, len(recs))
	for i, r := range recs {
		pages[i] = certificatePage(r, opt.BaseURL)
		if t := opt.Template; t != nil {
			title, en := t.Title, t.TitleEn
			if r.Level == rules.NoLevel {
				title, en = t.AwardTitle, t.AwardTitleEn
			}
			if title != "" {
				pages[i].Heading, pages[i].HeadingEn = title, en
			}
			pages[i].IssuerLines, pages[i].Logo = t.Issuer, t.Logo
		}
	}
	return document.WriteCertificates(w, opt.Font, info, pages)
}

func title(recs []Record) string {
	if len(recs) == 1 {
		return "证书 " + recs[0].Number + " " + recs[0].Holder.Name
	}
	return recs[0].ContestTitle + " 证书"
}

// certificatePage is what the certificate of r says.
func certificatePage(r Record, baseURL string) document.CertificatePage {
	p := document.CertificatePage{Heading: "荣誉证书", HeadingEn: "Certificate of Award", Name: r.Holder.Name,
		Issuer: r.Issuer, Date: chineseDate(r.Issued), Link: VerifyURL(baseURL, r.Number, r.Code), Number: r.Number}
	if r.Code != "" {
		p.Code = "验证码 " + FormatCode(r.Code)
	}
	if r.Level != rules.NoLevel {
		p.Heading, p.HeadingEn = "职业技能等级证书", "Vocational Skill Level Certificate"
	}
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
	p.Text = b.String()

	p.Facts = [][2]string{
		{"证件号码", r.Holder.IDNumber},
		{"职业（工种）", job},
	}
	if r.OccupationCode != "" {
		p.Facts = append(p.Facts, [2]string{"职业编码", r.OccupationCode})
	}
	if r.Level != rules.NoLevel {
		p.Facts = append(p.Facts, [2]string{"等级", r.Level.String()})
	}
	score := fmt.Sprintf("%.2f", r.Total)
	for _, part := range r.Parts {
		if part.Absent {
			score += fmt.Sprintf("（%s 缺考）", part.Title)
			continue
		}
		score += fmt.Sprintf("（%s %.2f）", part.Title, part.Score)
	}
	p.Facts = append(p.Facts, [2]string{"成绩", score}, [2]string{"证书编号", r.Number})
	if r.AgencyNumber != "" {
		p.Facts = append(p.Facts, [2]string{"全国统一编号", r.AgencyNumber})
	}
	p.Facts = append(p.Facts, [2]string{"发证日期", chineseDate(r.Issued)})
	return p
}

// chineseDate writes 2025-06-01 as 2025年6月1日.
func chineseDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// PrintOptions are how contest cid's certificates print: its template,
// links under the public address, the service's font.
func (s *Service) PrintOptions(ctx context.Context, cid string) (PDFOptions, error) {
	font, err := s.Font(ctx)
	if err != nil {
		return PDFOptions{}, err
	}
	t, err := s.Template(ctx, cid)
	if err != nil {
		return PDFOptions{}, err
	}
	return PDFOptions{BaseURL: s.public, Font: font, Template: &t}, nil
}

// Font returns the service's certificate font, found once.
func (s *Service) Font(ctx context.Context) (*document.Font, error) {
	s.fontMu.Lock()
	defer s.fontMu.Unlock()
	if s.font != nil {
		return s.font, nil
	}
	f, err := document.FindFont(ctx, s.fontPath)
	if err != nil {
		return nil, err
	}
	s.font = f
	return f, nil
}
