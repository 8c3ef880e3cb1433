package web

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/submission"
)

type auditRow struct {
	audit.Entry
	// ActionLabel is the action in the page's language, when it is known.
	ActionLabel string
	// Link leads to the target when it is a submission or a rejudge.
	Link        string
	DetailsJSON string
}

type auditPageData struct {
	page
	Entries []auditRow
}

// auditPage shows the contest's audit log, newest first: every action that
// changed results, by whom and why.
func (s *Site) auditPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "audit.title", "admin")
	if err != nil {
		return err
	}
	entries, err := s.Audit.List(c.UserContext(), ct.ID, 1000)
	if err != nil {
		return request.Internal(err)
	}
	d := auditPageData{page: p}
	for _, e := range entries {
		r := auditRow{Entry: e, ActionLabel: e.Action}
		if key := "audit.act." + e.Action; s.UI.Messages().Has(key) {
			r.ActionLabel = s.UI.T(p.Lang, key)
		}
		if cid, _, ok := submission.SplitID(e.Target); ok && cid == ct.ID {
			r.Link = "/submissions/" + e.Target
		} else if strings.HasPrefix(e.Action, "rejudge.") && e.Target != "" {
			r.Link = "/contests/" + ct.ID + "/rejudges/" + e.Target
		}
		if len(e.Details) > 0 {
			b, _ := json.Marshal(e.Details)
			r.DetailsJSON = string(b)
		}
		d.Entries = append(d.Entries, r)
	}
	return s.render(c, "audit", d)
}
