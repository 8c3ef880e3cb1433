package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/privacy"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/roster"
	"golang.org/x/text/encoding/simplifiedchinese"
)

type importRowView struct {
	roster.PreviewRow
	// Problems are this row's problems.
	Problems []roster.Problem
}

type importView struct {
	OK       bool
	Rows     []importRowView
	Problems []roster.Problem
}

type slip struct {
	Username, Password, Name, Organization, Team, IDNumber string
}

type importPageData struct {
	page
	// Text is the list as text, to fix in place; Binary a kept XLSX file, base64.
	Text    string
	Binary  string
	Prefix  string
	Preview *importView
	Slips   []slip
}

// importPage is the contestant import: upload a CSV or XLSX file or paste
// CSV text, preview it (every row, each bad row with why), fix, import.
func (s *Site) importPage(c *fiber.Ctx) error {
	_, p, err := s.contestPage(c, "import.title", "admin")
	if err != nil {
		return err
	}
	return s.render(c, "import", importPageData{page: p, Prefix: c.FormValue("prefix"), Text: c.FormValue("text")})
}

// importForm previews (action=preview, a dry run) or imports the list for
// the contest. A clean import shows the login slips once, to download as
// CSV or print.
func (s *Site) importForm(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "import.title", "admin")
	if err != nil {
		return err
	}
	data, err := importData(c)
	if err != nil {
		return err
	}
	d := importPageData{page: p, Prefix: strings.TrimSpace(c.FormValue("prefix"))}
	if len(bytes.TrimSpace(data)) == 0 {
		return s.formFailed(c, &request.Error{Status: fiber.StatusBadRequest, Code: "no_list", Message: "choose a file or paste the list"}, s.importPage)
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		d.Binary = base64.StdEncoding.EncodeToString(data)
	} else {
		d.Text = asText(data)
	}
	u, _ := request.User(c)
	opt := roster.Options{Contest: ct.ID, Prefix: d.Prefix, DryRun: c.FormValue("action") != "import", Who: u.Username}
	im := &roster.Importer{Accounts: s.Accounts, Contests: s.Contests, Board: s.Board, Audit: s.Audit, Now: s.Now}
	res, err := im.Import(c.UserContext(), data, opt)
	switch {
	case errors.Is(err, contest.ErrNotFound):
		return request.NotFound("no contest " + ct.ID)
	case errors.Is(err, roster.ErrBadPrefix):
		return s.formFailed(c, request.BadRequest(err.Error()), s.importPage)
	case res == nil:
		return request.Internal(err)
	}
	if res.Imported {
		u, _ := request.User(c)
		s.Log.Info("contestants imported", "by", u.Username, "contest", ct.ID, "users", len(res.Entries))
		if err != nil {
			s.Log.Error("import: registration failed", "contest", ct.ID, "err", err)
			d.Error, d.ErrorDetail = s.UI.T(d.Lang, "import.register_failed"), ""
		}
		for _, e := range res.Entries {
			d.Slips = append(d.Slips, slip{Username: e.Username, Password: e.Password, Name: e.Name,
				Organization: e.Organization, Team: e.Team, IDNumber: privacy.MaskIDNumber(e.IDNumber)})
		}
		c.Status(fiber.StatusCreated)
		return s.render(c, "import", d)
	}
	pv := roster.PreviewOf(res)
	v := &importView{OK: pv.OK, Problems: pv.Problems}
	for _, r := range pv.Rows {
		rv := importRowView{PreviewRow: r}
		for _, pr := range res.Problems {
			if pr.Line == r.Line {
				rv.Problems = append(rv.Problems, pr)
			}
		}
		v.Rows = append(v.Rows, rv)
	}
	d.Preview = v
	if !v.OK {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return s.render(c, "import", d)
}

// importData is the uploaded file if one was chosen, else the pasted text,
// else the XLSX file kept from the preview.
func importData(c *fiber.Ctx) ([]byte, error) {
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return nil, request.Internal(fmt.Errorf("open upload: %w", err))
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return nil, request.Internal(fmt.Errorf("read upload: %w", err))
		}
		return b, nil
	}
	if t := c.FormValue("text"); strings.TrimSpace(t) != "" {
		return []byte(t), nil
	}
	if b64 := c.FormValue("data"); b64 != "" {
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, request.BadRequest("data: not base64")
		}
		return b, nil
	}
	return nil, nil
}

// asText is a CSV file as UTF-8 text: as it is, or from GB18030, which
// Chinese Excel writes.
func asText(b []byte) string {
	b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	if utf8.Valid(b) {
		return string(b)
	}
	if out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b); err == nil {
		return string(out)
	}
	return ""
}
