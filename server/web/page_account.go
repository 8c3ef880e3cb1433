package web

import (
	"cmp"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/request"
)

type accountPageData struct {
	page
	// Certificates are the account's own, of every contest; nil on a
	// server without certificates.
	Certificates []accountCertificate
}

type accountCertificate struct {
	certificate.Holding
	// Title and Level in the page's language.
	Title, Level string
}

// accountPage is the logged-in person's own page: who they are (personal
// data masked) and their certificates, each with its PDF, its signed record
// and its verification link.
func (s *Site) accountPage(c *fiber.Ctx) error {
	u, _ := request.User(c)
	d := accountPageData{page: s.newPage(c, "account.title")}
	if s.Certificates != nil {
		held, err := s.Certificates.HeldCertificates(c.UserContext(), u)
		if err != nil {
			return request.Fail(err)
		}
		for _, h := range held {
			ac := accountCertificate{Holding: h, Title: h.ContestTitle}
			if d.Lang == "en" {
				ac.Title = cmp.Or(h.ContestTitleEn, h.ContestTitle)
			}
			if h.Level.Valid() {
				ac.Level = h.Level.In(d.Lang)
			}
			d.Certificates = append(d.Certificates, ac)
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, "account", d)
}
