package api

import (
	"errors"
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/certificate"
)

// verifyPageTemplate is the certificate verification page: plain HTML with
// class names to style; the QR code on every certificate leads here.
var verifyPageTemplate = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="{{if eq .Lang "en"}}en{{else}}zh-CN{{end}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.T.Title}} {{.Number}}</title></head>
<body class="verify">
<main class="verify-card">
<h1>{{.T.Title}}</h1>
<p class="verify-number">{{.T.Number}}: <strong>{{.Number}}</strong></p>
{{with .V}}
<p class="verify-status verify-{{.Status}}"><strong>{{index $.T.Status .Status}}</strong></p>
{{with .Revoked}}<p class="verify-revoked">{{$.T.RevokedOn}} {{.At.Format "2006-01-02"}}: {{.Reason}}</p>{{end}}
<dl class="verify-fields">
<dt>{{$.T.Holder}}</dt><dd>{{.Holder.Name}}</dd>
<dt>{{$.T.IDNumber}}</dt><dd>{{.Holder.IDNumber}}</dd>
{{with .Holder.Organization}}<dt>{{$.T.Organization}}</dt><dd>{{.}}</dd>{{end}}
{{with .LevelName}}<dt>{{$.T.Level}}</dt><dd>{{.}}</dd>{{end}}
{{with .AwardTitle}}<dt>{{$.T.Award}}</dt><dd>{{.}}</dd>{{end}}
{{if .Rank}}<dt>{{$.T.Rank}}</dt><dd>{{.Rank}}</dd>{{end}}
<dt>{{$.T.Contest}}</dt><dd>{{if and (eq $.Lang "en") .ContestTitleEn}}{{.ContestTitleEn}}{{else}}{{.ContestTitle}}{{end}} ({{.TierName}})</dd>
<dt>{{$.T.Occupation}}</dt><dd>{{.Occupation}}{{with .OccupationCode}} {{.}}{{end}}{{if and .WorkType (ne .WorkType .Occupation)}} / {{.WorkType}}{{end}}</dd>
{{with .AgencyNumber}}<dt>{{$.T.Agency}}</dt><dd>{{.}}</dd>{{end}}
<dt>{{$.T.Issued}}</dt><dd>{{.Issued}}</dd>
{{with .Issuer}}<dt>{{$.T.Issuer}}</dt><dd>{{.}}</dd>{{end}}
<dt>{{$.T.Signature}}</dt><dd>{{if .SignatureValid}}{{$.T.SigOK}}{{else}}{{$.T.SigBad}}{{end}} (Ed25519, {{.KeyID}})</dd>
</dl>
{{else}}
<p class="verify-status verify-missing"><strong>{{.T.Missing}}</strong></p>
{{end}}
<p class="verify-lang"><a href="?lang=zh">中文</a> · <a href="?lang=en">English</a></p>
</main>
</body>
</html>
`))

type verifyTexts struct {
	Title, Number, Holder, IDNumber, Organization, Level, Award, Rank, Contest, Occupation string
	Agency, Issued, Issuer, Signature, SigOK, SigBad, RevokedOn, Missing                   string
	Status                                                                                 map[string]string
}

var verifyTextsByLang = map[string]verifyTexts{
	"zh": {Title: "证书验证", Number: "证书编号", Holder: "持证人", IDNumber: "证件号码", Organization: "单位", Level: "职业技能等级",
		Award: "奖项", Rank: "名次", Contest: "竞赛", Occupation: "职业（工种）", Agency: "全国统一编号", Issued: "发证日期", Issuer: "发证单位",
		Signature: "电子签名", SigOK: "有效", SigBad: "无效：记录与签名不符", RevokedOn: "已于以下日期撤销", Missing: "未找到该编号的证书",
		Status: map[string]string{certificate.StatusValid: "证书有效", certificate.StatusRevoked: "证书已撤销", certificate.StatusInvalid: "证书无效：签名不符"}},
	"en": {Title: "Certificate verification", Number: "Number", Holder: "Holder", IDNumber: "ID number", Organization: "Organization",
		Level: "Skill level", Award: "Award", Rank: "Place", Contest: "Contest", Occupation: "Occupation", Agency: "National number",
		Issued: "Issued", Issuer: "Issued by", Signature: "Signature", SigOK: "valid", SigBad: "invalid: the record does not match its signature",
		RevokedOn: "Revoked on", Missing: "No certificate has this number",
		Status: map[string]string{certificate.StatusValid: "Valid certificate", certificate.StatusRevoked: "Revoked", certificate.StatusInvalid: "Invalid: the signature does not hold"}},
}

// verifyPage is the public verification page of a certificate.
func (s *server) verifyPage(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	l := lang(c)
	texts, ok := verifyTextsByLang[l]
	if !ok {
		texts = verifyTextsByLang["zh"]
	}
	number := c.Params("number")
	v, err := svc.Verify(c.UserContext(), number)
	if err != nil && !errors.Is(err, certificate.ErrNotFound) {
		return certError(err)
	}
	if v == nil {
		c.Status(fiber.StatusNotFound)
	}
	c.Type("html", "utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return verifyPageTemplate.Execute(c, struct {
		Lang, Number string
		T            verifyTexts
		V            *certificate.Verification
	}{l, number, texts, v})
}
