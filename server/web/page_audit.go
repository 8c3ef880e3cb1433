package web

import (
	"encoding/json"
	"net/url"
	"regexp"
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
	// WhoName is the name of who acted, when known.
	WhoName string
	// Link leads to the target when it is a submission, a rejudge or a clarification.
	Link        string
	DetailsJSON string
}

type auditPageData struct {
	page
	Entries []auditRow
	Search  string
	// Older continues the log after its last entry; Newest goes back to its start.
	Older, Newest string
}

// Bounds of the audit page: entries shown, and entries looked through for a search.
const (
	auditPageRows = 100
	auditScan     = 5000
)

// streamIDRE is a Redis stream entry id, as the audit page's ?before= takes it.
var streamIDRE = regexp.MustCompile(`^[0-9]{1,20}-[0-9]{1,20}$`)

// auditPage shows the contest's audit log, newest first, a page at a time:
// every action that changed results, imports and what the jury announced,
// by whom and why; ?q= searches who, action, target, reason and details.
func (s *Site) auditPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "audit.title", "admin")
	if err != nil {
		return err
	}
	before := c.Query("before")
	if before != "" && !streamIDRE.MatchString(before) {
		return request.BadRequest("before: " + before + " is not an audit entry id")
	}
	d := auditPageData{page: p, Search: strings.TrimSpace(c.Query("q"))}
	scan := int64(auditPageRows + 1)
	if d.Search != "" {
		scan = auditScan
	}
	entries, err := s.Audit.ListBefore(c.UserContext(), ct.ID, before, scan)
	if err != nil {
		return request.Internal(err)
	}
	names := map[string]string{}
	low := strings.ToLower(d.Search)
	more := false
	for _, e := range entries {
		r := auditRow{Entry: e, ActionLabel: e.Action}
		if key := "audit.act." + e.Action; s.UI.Messages().Has(key) {
			r.ActionLabel = s.UI.T(p.Lang, key)
		}
		if len(e.Details) > 0 {
			b, _ := json.Marshal(e.Details)
			r.DetailsJSON = string(b)
		}
		if low != "" && !strings.Contains(strings.ToLower(strings.Join([]string{e.Who, e.Action, r.ActionLabel, e.Target, e.Reason, r.DetailsJSON}, "\n")), low) {
			continue
		}
		if len(d.Entries) == auditPageRows {
			more = true
			break
		}
		if cid, _, ok := submission.SplitID(e.Target); ok && cid == ct.ID {
			r.Link = "/submissions/" + e.Target
		} else if strings.HasPrefix(e.Action, "rejudge.") && e.Target != "" {
			r.Link = "/contests/" + ct.ID + "/rejudges/" + e.Target
		} else if strings.HasPrefix(e.Action, "clarification.") && e.Target != "" {
			r.Link = "/contests/" + ct.ID + "/clarifications#clar-" + e.Target
		}
		names[e.Who] = ""
		d.Entries = append(d.Entries, r)
	}
	if err := s.names(c, names); err != nil {
		return err
	}
	for i := range d.Entries {
		d.Entries[i].WhoName = names[d.Entries[i].Who]
	}
	q := url.Values{}
	if d.Search != "" {
		q.Set("q", d.Search)
	}
	if before != "" {
		d.Newest = "/contests/" + ct.ID + "/audit?" + q.Encode()
	}
	if more {
		q.Set("before", d.Entries[len(d.Entries)-1].ID)
		d.Older = "/contests/" + ct.ID + "/audit?" + q.Encode()
	}
	return s.render(c, "audit", d)
}

// names fills in the names of the accounts that are names' keys.
func (s *Site) names(c *fiber.Ctx, names map[string]string) error {
	users := make([]string, 0, len(names))
	for u := range names {
		if u != "" {
			users = append(users, u)
		}
	}
	got, err := s.Accounts.GetMany(c.UserContext(), users)
	if err != nil {
		return request.Internal(err)
	}
	for _, u := range got {
		names[u.Username] = u.Name
	}
	return nil
}
