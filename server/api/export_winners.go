package api

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/request"
)

// exportWinners is the organizers' winner list for the evaluation agency,
// personal data in full: CSV (UTF-8 with a BOM, the default), XLSX, JSON,
// or PDF (every certificate in one file, once finalized). ?all=1 lists
// every ranked participant; ?lang=en gives English headers. Every export
// goes into the contest's audit log.
func (s *server) exportWinners(c *fiber.Ctx) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	cid := c.Params("cid")
	format, lng := c.Query("format", "csv"), c.Query("lang", "zh")
	if format != "csv" && format != "xlsx" && format != "json" && format != "pdf" {
		return request.BadRequest("format: use csv, xlsx, json or pdf")
	}
	if lng != "zh" && lng != "en" {
		return request.BadRequest("lang: use zh or en")
	}
	ctx := c.UserContext()
	who, _ := request.User(c)
	if format == "pdf" {
		recs, err := svc.IssuedRecords(ctx, cid)
		if err != nil {
			return request.Fail(err)
		}
		var live []certificate.Record
		for _, r := range recs {
			if r.Revoked == nil {
				live = append(live, r)
			}
		}
		if err := svc.AuditExport(ctx, cid, who.Username, certificate.ExportCertificates, format, len(live)); err != nil {
			return request.Fail(err)
		}
		return s.sendPDF(c, svc, live, "certificates-"+cid+".pdf")
	}
	list, err := svc.Winners(ctx, cid, c.QueryBool("all"))
	if err != nil {
		return request.Fail(err)
	}
	list.Link(svc.PublicURL())
	if err := svc.AuditExport(ctx, cid, who.Username, certificate.ExportWinners, format, len(list.Winners)); err != nil {
		return request.Fail(err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if format == "json" {
		return c.JSON(list)
	}
	c.Attachment("winners-" + cid + "." + format)
	var buf bytes.Buffer
	if format == "xlsx" {
		if err := list.WriteXLSX(&buf, lng); err != nil {
			return request.Internal(err)
		}
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	} else {
		if err := list.WriteCSV(&buf, lng); err != nil {
			return request.Internal(err)
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	}
	return c.Send(buf.Bytes())
}
