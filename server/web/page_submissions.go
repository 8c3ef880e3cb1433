package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

// feedOutcomes are the outcomes the jury may filter by.
var feedOutcomes = []string{
	string(verdict.Accepted), string(verdict.WrongAnswer), string(verdict.TimeLimit), string(verdict.MemoryLimit),
	string(verdict.RuntimeError), string(verdict.OutputLimit), string(verdict.CompileError),
	string(verdict.InvalidSubmission), string(verdict.Scored), string(verdict.SystemError),
}

// Bounds of the submission lists: a page's rows, and how many submissions
// one page looks through for rows that match its filters.
const (
	feedPageRows = 100
	feedScan     = 20000
)

// memberOption is a contestant in the feed's filter: username and name.
type memberOption struct{ ID, Name string }

type submissionsPageData struct {
	page
	Rows        []submission.Submission
	Titles      map[string]string
	Names       map[string]string
	Challenges  []challengeOption
	Members     []memberOption
	Outcomes    []string
	Filter      submission.Filter
	Search      string
	FilterQuery string
	// Older continues the list after its last row; Newest goes back to its start.
	Older  string
	Newest string
}

// contestantNames maps the usernames of contest cid's contestants to their
// names, from the jury's board (cached per event).
func (s *Site) contestantNames(c *fiber.Ctx, cid string) (map[string]string, error) {
	b, err := s.Board.Read(c.UserContext(), cid, scoreboard.Jury)
	if err != nil {
		return nil, request.Internal(err)
	}
	names := make(map[string]string, len(b.Rows))
	for _, r := range b.Rows {
		names[r.Contestant.ID] = r.Contestant.Name
	}
	return names, nil
}

// filterOf reads the feed's filters from the query: challenge, contestant,
// outcome, q (a search in the contestants' usernames and names, or a
// submission's id) and before (the page). query is them again, for the
// live module's fragments.
func (s *Site) filterOf(c *fiber.Ctx, cid string) (f submission.Filter, query string, err error) {
	f = submission.Filter{Challenge: c.Query("challenge"), Contestant: c.Query("contestant"), Outcome: c.Query("outcome")}
	q := url.Values{}
	for k, v := range map[string]string{"challenge": f.Challenge, "contestant": f.Contestant, "outcome": f.Outcome} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if b, err := strconv.ParseInt(c.Query("before"), 10, 64); err == nil && b > 0 {
		f.Before = b
		q.Set("before", strconv.FormatInt(b, 10))
	}
	if search := strings.TrimSpace(c.Query("q")); search != "" {
		q.Set("q", search)
		if sid := search; strings.HasPrefix(sid, cid+"-") {
			if _, n, ok := submission.SplitID(sid); ok {
				f.Before = n + 1
			}
		}
		names, err := s.contestantNames(c, cid)
		if err != nil {
			return f, "", err
		}
		f.Contestants = map[string]bool{}
		low := strings.ToLower(search)
		for id, name := range names {
			if strings.Contains(strings.ToLower(id), low) || strings.Contains(strings.ToLower(name), low) {
				f.Contestants[id] = true
			}
		}
		if f.Before > 0 && len(f.Contestants) == 0 {
			f.Contestants = nil // an id: the list starts there
		}
	}
	return f, q.Encode(), nil
}

// submissionsPage lists the caller's own submissions, or for the jury every
// submission, a page at a time, with filters by challenge, contestant and
// outcome and a search by name. New submissions and verdicts arrive live
// (submissions.js) on the list's first page.
func (s *Site) submissionsPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "subs.title", "submissions")
	if err != nil {
		return err
	}
	u, _ := request.User(c)
	jury := p.IsJury()
	if jury {
		p.Title = s.UI.T(p.Lang, "subs.feed_title")
	}
	d := submissionsPageData{page: p, Titles: challengeTitles(ct, p.Lang), Outcomes: feedOutcomes}
	limit := int64(feedPageRows)
	if jury {
		if d.Filter, d.FilterQuery, err = s.filterOf(c, ct.ID); err != nil {
			return err
		}
		d.Search = strings.TrimSpace(c.Query("q"))
		for _, ch := range ct.Challenges {
			d.Challenges = append(d.Challenges, challengeOption{Slug: ch.Slug, Title: ch.Title.In(p.Lang)})
		}
		if d.Names, err = s.contestantNames(c, ct.ID); err != nil {
			return err
		}
		members, err := s.Contests.Members(c.UserContext(), ct.ID)
		if err != nil {
			return request.Internal(err)
		}
		for _, m := range members {
			d.Members = append(d.Members, memberOption{ID: m, Name: d.Names[m]})
		}
	} else {
		d.Filter.Contestant = u.Username
		limit = 200
	}
	if d.Event, err = s.lastEvent(c, ct.ID); err != nil {
		return err
	}
	rows, err := s.Submissions.List(c.UserContext(), ct.ID, d.Filter, limit, feedScan)
	if err != nil {
		return request.Internal(err)
	}
	for _, r := range rows {
		d.Rows = append(d.Rows, judging.ForViewer(u, ct, r))
	}
	if jury {
		q, _ := url.ParseQuery(d.FilterQuery)
		if int64(len(rows)) == limit {
			_, n, _ := submission.SplitID(rows[len(rows)-1].ID)
			q.Set("before", strconv.FormatInt(n, 10))
			d.Older = "/contests/" + ct.ID + "/submissions?" + q.Encode()
		}
		if d.Filter.Before > 0 {
			q.Del("before")
			if q.Get("q") != "" && strings.HasPrefix(q.Get("q"), ct.ID+"-") {
				q.Del("q")
			}
			d.Newest = "/contests/" + ct.ID + "/submissions?" + q.Encode()
		}
	}
	return s.render(c, "submissions", d)
}
