package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
)

// datetimeLocal is the format of <input type="datetime-local" step="1">.
const datetimeLocal = "2006-01-02T15:04:05"

// queueSummary is the judging queue as the dashboard shows it.
type queueSummary struct {
	Waiting, Grading, Busy int
	// Online is how many judge workers are connected; -1 while the queue
	// API does not report workers.
	Online        int
	OldestSeconds int64
}

type timesFormValues struct {
	Start, End, Freeze string
}

type adminPageData struct {
	page
	Members  int
	Queue    queueSummary
	Form     timesFormValues
	Revealed string
	// Staff is the contest's staff, comma-separated, for the admins' form.
	Organizers, Judges string
	// IsAdmin shows the staff form.
	IsAdmin bool
}

// adminPage is the organizer's contest dashboard: state and time left, the
// judging queue and busy workers (refreshed by admin.js), the times and
// freeze, the step-by-step reveal that every open board follows, and links
// to the import, the audit log, exports and the certificate screens.
func (s *Site) adminPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "admin.title", "admin")
	if err != nil {
		return err
	}
	members, err := s.Contests.Members(c.UserContext(), ct.ID)
	if err != nil {
		return request.Internal(err)
	}
	jobs, err := s.Submissions.Queue(c.UserContext(), 500)
	if err != nil {
		return request.Internal(err)
	}
	q := queueSummary{Online: -1}
	workers := map[string]bool{}
	for _, j := range jobs {
		if j.Worker == "" {
			q.Waiting++
			q.OldestSeconds = max(q.OldestSeconds, j.WaitingMS/1000)
			continue
		}
		q.Grading++
		workers[j.Worker] = true
	}
	q.Busy = len(workers)
	u, _ := request.User(c)
	loc := ct.Location()
	d := adminPageData{page: p, Members: len(members), Queue: q,
		Form:       timesFormValues{Start: localInput(ct.Start, loc), End: localInput(ct.End, loc)},
		Organizers: strings.Join(ct.Organizers, ", "), Judges: strings.Join(ct.Judges, ", "), IsAdmin: u.Role == account.Admin}
	if ct.Freeze != nil {
		d.Form.Freeze = localInput(*ct.Freeze, loc)
	}
	if who, ch := c.Query("who"), c.Query("challenge"); who != "" && c.Query("ok") == "revealed" {
		d.Revealed = s.UI.Messages().Tf(p.Lang, "admin.revealed_one", who, ch)
		d.Notice = ""
	}
	return s.render(c, "admin", d)
}

// localInput is t for a datetime-local input, in the contest's zone loc.
func localInput(t time.Time, loc *time.Location) string { return t.In(loc).Format(datetimeLocal) }

// parseLocal reads a datetime-local value in the contest's zone loc.
func parseLocal(field, v string, loc *time.Location) (*time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	for _, layout := range []string{datetimeLocal, "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return &t, nil
		}
	}
	return nil, request.Say(request.BadRequest(""), "refusal.bad_time", field)
}

// timesForm changes the contest's times, or freezes the board now.
func (s *Site) timesForm(c *fiber.Ctx) error {
	var t contest.Times
	reason := c.FormValue("reason")
	if strings.TrimSpace(reason) == "" {
		return s.formFailed(c, &request.Error{Status: fiber.StatusBadRequest, Code: "no_reason", Message: "reason: say why the times change"}, s.adminPage)
	}
	if c.FormValue("action") == "freeze_now" {
		now := s.Now()
		t.Freeze = &now
	} else {
		ct, err := s.contest(c)
		if err != nil {
			return err
		}
		for _, f := range []struct {
			name string
			dst  **time.Time
		}{{"start", &t.Start}, {"end", &t.End}, {"freeze", &t.Freeze}} {
			if *f.dst, err = parseLocal(f.name, c.FormValue(f.name), ct.Location()); err != nil {
				return s.formFailed(c, err, s.adminPage)
			}
		}
		t.ClearFreeze = c.FormValue("clear_freeze") == "1"
	}
	u, _ := request.User(c)
	if _, err := s.Admin.SetTimes(c.UserContext(), c.Params("cid"), t, u.Username, reason); err != nil {
		return s.formFailed(c, request.Fail(err), s.adminPage)
	}
	return seeOther(c, "/contests/"+c.Params("cid")+"/admin", "times_saved")
}

// staffForm replaces the contest's organizers and judges (admins).
func (s *Site) staffForm(c *fiber.Ctx) error {
	names := func(field string) []string {
		return strings.FieldsFunc(c.FormValue(field), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' })
	}
	u, _ := request.User(c)
	st := contest.Staff{Organizers: names("organizers"), Judges: names("judges")}
	if _, err := s.Admin.SetStaff(c.UserContext(), c.Params("cid"), st, u.Username, strings.TrimSpace(c.FormValue("reason"))); err != nil {
		return s.formFailed(c, request.Fail(err), s.adminPage)
	}
	return seeOther(c, "/contests/"+c.Params("cid")+"/admin", "staff_saved")
}

// revealForm reveals the next frozen result; every open board follows
// over its websocket.
func (s *Site) revealForm(c *fiber.Ctx) error {
	u, _ := request.User(c)
	r, err := s.Admin.RevealNext(c.UserContext(), c.Params("cid"), u.Username)
	if err != nil {
		return s.formFailed(c, request.Fail(err), s.adminPage)
	}
	path := "/contests/" + c.Params("cid") + "/admin"
	if r == nil {
		return seeOther(c, path, "reveal_done")
	}
	return seeOther(c, path+"?who="+urlQuery(r.Contestant)+"&challenge="+urlQuery(r.Challenge)+"#reveal-form", "revealed")
}

// unfreezeForm reveals the whole public board at once.
func (s *Site) unfreezeForm(c *fiber.Ctx) error {
	var req struct{ Reason string }
	_ = c.BodyParser(&req)
	u, _ := request.User(c)
	if _, err := s.Admin.Unfreeze(c.UserContext(), c.Params("cid"), u.Username, req.Reason); err != nil {
		return s.formFailed(c, request.Fail(err), s.adminPage)
	}
	return seeOther(c, "/contests/"+c.Params("cid")+"/admin", "unfrozen")
}

func urlQuery(s string) string { return url.QueryEscape(s) }
