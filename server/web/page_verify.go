package web

import (
	"cmp"
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/request"
)

type verifyPageData struct {
	page
	// Number is the number asked for; V its verification, nil when no
	// certificate has that number.
	Number string
	V      *certificate.Verification
	// What the verification says, in the page's language.
	Level, Award, ContestTitle, Tier string
	// WorkType is the 工种 when it differs from the occupation.
	WorkType string
	// RevokedOn is the date of a revocation, China Standard Time.
	RevokedOn string
}

// verifyPage is the public verification page of a certificate, the page the
// QR code on every certificate leads to: whether the certificate is valid,
// revoked (and why) or fails its signature, with the holder masked. An
// unknown number answers 404 with a page that says so.
func (s *Site) verifyPage(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	d := verifyPageData{page: s.newPage(c, "verify.title"), Number: c.Params("number")}
	d.V, err = svc.Verify(c.UserContext(), d.Number)
	if err != nil && !errors.Is(err, certificate.ErrNotFound) {
		return request.Fail(err)
	}
	if v := d.V; v != nil {
		l := d.Lang
		d.Level = v.Level.In(l)
		d.Award = v.AwardTitle
		if v.Award != "" {
			if ct, err := s.Contests.Get(c.UserContext(), v.Contest); err == nil && ct.Certificates != nil {
				d.Award = cmp.Or(ct.Certificates.AwardTitle(v.Award, l), v.AwardTitle)
			} else if l == "en" {
				d.Award = cmp.Or(defaultAwardTitle(v.Award), v.AwardTitle)
			}
		}
		d.ContestTitle = v.ContestTitle
		if l == "en" && v.ContestTitleEn != "" {
			d.ContestTitle = v.ContestTitleEn
		}
		d.Tier = v.Tier.In(l)
		if v.Revoked != nil {
			d.RevokedOn = v.Revoked.At.In(certificate.Zone()).Format("2006-01-02")
		}
		if v.WorkType != "" && v.WorkType != v.Occupation {
			d.WorkType = v.WorkType
		}
	} else {
		c.Status(fiber.StatusNotFound)
	}
	return s.render(c, "verify", d)
}

// defaultAwardTitle is the English title of a default award, for a
// certificate whose contest is no longer on this server.
func defaultAwardTitle(name string) string {
	for _, a := range rules.DefaultAwards() {
		if a.Name == name {
			return a.TitleEn
		}
	}
	return ""
}
