package web

import (
	"cmp"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
)

type verifyPageData struct {
	page
	// Number is the number asked for; V its verification, nil when no
	// certificate has that number.
	Number string
	V      *certificate.Verification
	// Full: the right code came, V shows the holder. CodeWrong: a code
	// came that is not this certificate's.
	Full, CodeWrong bool
	// What the verification says, in the page's language.
	Level, Award, ContestTitle, Tier string
	// WorkType is the 工种 when it differs from the occupation.
	WorkType string
	// RevokedOn is the date of a revocation in the contest's zone.
	RevokedOn string
}

// verifyPage is the public verification page of a certificate, the page the
// QR code on every certificate leads to (/verify/{number}?code=...). By
// number alone it says whether the certificate is valid, revoked or fails
// its signature, and asks for the verification code printed on it; with the
// code, also the masked holder, the level, the contest and a revocation's
// reason. A wrong code shows what the number alone shows. Rate limited per
// address (certificate.Service.Verify). An unknown number answers 404 with
// a page that says so.
func (s *Site) verifyPage(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	d := verifyPageData{page: s.newPage(c, "verify.title"), Number: c.Params("number")}
	code := strings.TrimSpace(c.Query("code"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	d.V, err = svc.Verify(c.UserContext(), certificate.Lookup{Number: d.Number, Code: code, Client: request.ClientIP(c)})
	if err != nil && !errors.Is(err, certificate.ErrNotFound) {
		return request.Fail(err)
	}
	if v := d.V; v != nil {
		d.Full = v.Scope == certificate.ScopeFull
		d.CodeWrong = code != "" && !d.Full
	}
	if v := d.V; v != nil && d.Full {
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
		if v.WorkType != "" && v.WorkType != v.Occupation {
			d.WorkType = v.WorkType
		}
	}
	if v := d.V; v == nil {
		c.Status(fiber.StatusNotFound)
	} else if v.Revoked != nil {
		loc := (&contest.Contest{}).Location() // a status-only answer names no contest
		if ct, err := s.Contests.Get(c.UserContext(), v.Contest); v.Contest != "" && err == nil {
			loc = ct.Location()
		}
		d.RevokedOn = v.Revoked.At.In(loc).Format("2006-01-02")
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
