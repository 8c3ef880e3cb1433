package api

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/request"
)

// certs returns the certificate service, or an error when this server has none.
func (s *server) certs() (*certificate.Service, error) {
	if s.Certificates == nil {
		return nil, request.NotFound("certificates are not enabled on this server")
	}
	return s.Certificates, nil
}

// publicKeys publishes the keys that sign certificates.
func (s *server) publicKeys(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	keys, err := svc.Keys().Public(c.UserContext())
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(fiber.Map{"keys": keys})
}

// verifyCertificate shows anyone whether a certificate by number holds
// (valid, revoked, or failing its signature); with ?code= its verification
// code, also the masked holder and what it says. Rate limited per address.
func (s *server) verifyCertificate(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	v, err := svc.Verify(c.UserContext(), certificate.Lookup{Number: c.Params("number"), Code: c.Query("code"), Client: request.ClientIP(c)})
	if err != nil {
		return request.Fail(err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(v)
}

// ownRecord returns the certificate numbered in the path if the caller is
// its holder or an organizer; what an organizer fetches of someone else's
// (what: certificate.ExportCertificates or ExportRecords, in format) goes
// into the contest's audit log.
func (s *server) ownRecord(c *fiber.Ctx, what, format string) (*certificate.Service, *certificate.Record, error) {
	svc, err := s.certs()
	if err != nil {
		return nil, nil, err
	}
	r, err := svc.Record(c.UserContext(), c.Params("number"))
	if err != nil {
		return nil, nil, request.Fail(err)
	}
	u, _ := request.User(c)
	mine := certificate.HeldBy(*r, u)
	if !mine && !s.organizes(c, r.Contest) {
		return nil, nil, request.NotFound(certificate.ErrNotFound.Error())
	}
	if !mine {
		if err := svc.AuditExport(c.UserContext(), r.Contest, u.Username, what, format, 1, r.Number); err != nil {
			return nil, nil, request.Fail(err)
		}
	}
	// Certificates issued before verification codes get theirs now.
	if r, err = svc.Issued(c.UserContext(), r.Number); err != nil {
		return nil, nil, request.Fail(err)
	}
	return svc, r, nil
}

// certificateRecord is the signed record, for checking offline with
// `arena certificate verify` (the holder's own, or any for organizers).
func (s *server) certificateRecord(c *fiber.Ctx) error {
	_, r, err := s.ownRecord(c, certificate.ExportRecords, "json")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Attachment("certificate-" + r.Number + ".json")
	return c.JSON(r)
}

// certificatePDF prints one certificate (the holder's own, or any for organizers).
func (s *server) certificatePDF(c *fiber.Ctx) error {
	svc, r, err := s.ownRecord(c, certificate.ExportCertificates, "pdf")
	if err != nil {
		return err
	}
	if r.Revoked != nil {
		return request.Conflict("the certificate is revoked: " + r.Revoked.Reason)
	}
	return s.sendPDF(c, svc, []certificate.Record{*r}, "certificate-"+r.Number+".pdf")
}

func (s *server) sendPDF(c *fiber.Ctx, svc *certificate.Service, recs []certificate.Record, name string) error {
	if len(recs) == 0 {
		return request.Fail(certificate.ErrNotFound)
	}
	opt, err := svc.PrintOptions(c.UserContext(), recs[0].Contest)
	if err != nil {
		return request.Fail(err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Attachment(name)
	if err := certificate.WritePDF(c, recs, opt); err != nil {
		return request.Fail(err)
	}
	return nil
}

type certReasonRequest struct {
	Reason       string `json:"reason"`
	AgencyNumber string `json:"agency_number"`
}

// revokeCertificate revokes a certificate with a reason, shown on verification.
func (s *server) revokeCertificate(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	var req certReasonRequest
	if err := c.BodyParser(&req); err != nil {
		return request.BadRequest("body must be JSON {reason}")
	}
	u, _ := request.User(c)
	r, err := svc.Revoke(c.UserContext(), c.Params("number"), u.Username, req.Reason)
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(r.Revoked)
}

// setAgencyNumber records the national number an evaluation agency assigned.
func (s *server) setAgencyNumber(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	var req certReasonRequest
	if err := c.BodyParser(&req); err != nil {
		return request.BadRequest("body must be JSON {agency_number, reason}")
	}
	u, _ := request.User(c)
	if _, err := svc.SetAgencyNumber(c.UserContext(), c.Params("number"), req.AgencyNumber, u.Username, req.Reason); err != nil {
		return request.Fail(err)
	}
	v, err := svc.Full(c.UserContext(), c.Params("number"))
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(v)
}

// reviewCertificates shows the organizers the flags: computed from the
// final standings, or the finalized snapshot; personal data masked.
func (s *server) reviewCertificates(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	rv, err := svc.Review(c.UserContext(), c.Params("cid"))
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(rv.Masked())
}

// overrideCertificate changes one contestant's status, award or level, with a reason.
func (s *server) overrideCertificate(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	var req certificate.OverrideRequest
	if err := c.BodyParser(&req); err != nil {
		return request.BadRequest("body must be JSON {contestant, status, award, level, reason}")
	}
	u, _ := request.User(c)
	o, err := svc.SetOverride(c.UserContext(), c.Params("cid"), req, u.Username)
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(o)
}

// previewCertificateOverride says whose results an override would change, changing nothing.
func (s *server) previewCertificateOverride(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	var req certificate.OverrideRequest
	if err := c.BodyParser(&req); err != nil {
		return request.BadRequest("body must be JSON {contestant, status, award, level}")
	}
	u, _ := request.User(c)
	p, err := svc.PreviewOverride(c.UserContext(), c.Params("cid"), req, u.Username)
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(p)
}

// clearCertificateOverride removes an override; the reason comes as JSON {reason} or ?reason=.
func (s *server) clearCertificateOverride(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	var req certReasonRequest
	_ = c.BodyParser(&req)
	if req.Reason == "" {
		req.Reason = c.Query("reason")
	}
	u, _ := request.User(c)
	if err := svc.ClearOverride(c.UserContext(), c.Params("cid"), c.Params("contestant"), u.Username, req.Reason); err != nil {
		return request.Fail(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// importPartScores takes an imported part's scores (multipart file, part, reason).
func (s *server) importPartScores(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	data, err := request.Upload(c, "file", 8<<20, "send the scores as a multipart file field \"file\" (CSV or XLSX), with the field \"part\"")
	if err != nil {
		return err
	}
	if dry, _ := strconv.ParseBool(formOrQuery(c, "dry_run")); dry {
		chk, err := svc.CheckScores(c.UserContext(), c.Params("cid"), strings.TrimSpace(c.FormValue("part")), data)
		if err != nil {
			return request.Fail(err)
		}
		return c.JSON(fiber.Map{"dry_run": true, "ok": chk.OK(), "part": chk.Part, "scores": chk.Scores, "absent": chk.Absent,
			"rows": chk.Rows, "problems": chk.Problems, "problem_texts": chk.ProblemTexts, "missing": chk.Missing})
	}
	u, _ := request.User(c)
	n, err := svc.ImportScores(c.UserContext(), c.Params("cid"), strings.TrimSpace(c.FormValue("part")), data, u.Username, c.FormValue("reason"))
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(fiber.Map{"part": c.FormValue("part"), "scores": n})
}

// importAgencyNumbers records the national numbers of the contest's
// certificates from a file (multipart file, reason), all or nothing.
func (s *server) importAgencyNumbers(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	data, err := request.Upload(c, "file", 8<<20, "send the national numbers as a multipart file field \"file\" (CSV or XLSX), with the field \"reason\"")
	if err != nil {
		return err
	}
	u, _ := request.User(c)
	n, err := svc.ImportAgencyNumbers(c.UserContext(), c.Params("cid"), data, u.Username, c.FormValue("reason"))
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(fiber.Map{"certificates": n})
}

// exportRecords is every signed record of the contest as one JSON array,
// the file arena certificate verify reads (organizers; audited).
func (s *server) exportRecords(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	ctx, cid := c.UserContext(), c.Params("cid")
	recs, err := svc.IssuedRecords(ctx, cid)
	if err != nil {
		return request.Fail(err)
	}
	who, _ := request.User(c)
	if err := svc.AuditExport(ctx, cid, who.Username, certificate.ExportRecords, "json", len(recs)); err != nil {
		return request.Fail(err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Attachment("certificates-" + cid + ".json")
	return c.JSON(recs)
}

// certificateTemplate shows the contest's certificate template: title,
// issuer lines and whether it has a logo.
func (s *server) certificateTemplate(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	t, err := svc.Template(c.UserContext(), c.Params("cid"))
	if err != nil {
		return request.Fail(err)
	}
	return c.JSON(fiber.Map{"title": t.Title, "title_en": t.TitleEn, "award_title": t.AwardTitle, "award_title_en": t.AwardTitleEn,
		"issuer": t.Issuer, "logo": len(t.Logo) > 0})
}

// setCertificateTemplate replaces the template: multipart fields title,
// title_en, award_title, award_title_en, issuer (one line each), reason, and an optional file logo
// (PNG or JPEG; without it the logo stays, with remove_logo=1 it goes).
func (s *server) setCertificateTemplate(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	ctx, cid := c.UserContext(), c.Params("cid")
	old, err := svc.Template(ctx, cid)
	if err != nil {
		return request.Fail(err)
	}
	t := certificate.Template{Title: c.FormValue("title"), TitleEn: c.FormValue("title_en"), AwardTitle: c.FormValue("award_title"),
		AwardTitleEn: c.FormValue("award_title_en"), Issuer: strings.Split(c.FormValue("issuer"), "\n"), Logo: old.Logo}
	if c.FormValue("remove_logo") == "1" {
		t.Logo = nil
	}
	if _, err := c.FormFile("logo"); err == nil {
		// One byte over the limit, so that a larger file is refused, not cut.
		logo, err := request.Upload(c, "logo", certificate.MaxLogoBytes+1, "send the logo as a multipart file field \"logo\" (PNG or JPEG)")
		if err != nil {
			return err
		}
		t.Logo = logo
	}
	u, _ := request.User(c)
	if err := svc.SetTemplate(ctx, cid, t, u.Username, c.FormValue("reason")); err != nil {
		return request.Fail(err)
	}
	return s.certificateTemplate(c)
}

// myCertificates lists the caller's own certificates, of every contest.
func (s *server) myCertificates(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	u, _ := request.User(c)
	mine, err := svc.HeldCertificates(c.UserContext(), u)
	if err != nil {
		return request.Fail(err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"certificates": mine})
}

// finalizeCertificates locks the results and issues the signed records.
func (s *server) finalizeCertificates(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	var req certReasonRequest
	_ = c.BodyParser(&req)
	u, _ := request.User(c)
	rv, recs, err := svc.Finalize(c.UserContext(), c.Params("cid"), u.Username, req.Reason)
	if err != nil {
		return request.Fail(err)
	}
	numbers := make([]string, len(recs))
	for i, r := range recs {
		numbers[i] = r.Number
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"finalized_at": rv.FinalizedAt, "certificates": numbers})
}
