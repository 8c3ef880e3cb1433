package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/submission"
)

// feedOutcomes are the outcomes the jury may filter by.
var feedOutcomes = []string{
	string(verdict.Accepted), string(verdict.WrongAnswer), string(verdict.TimeLimit), string(verdict.MemoryLimit),
	string(verdict.RuntimeError), string(verdict.OutputLimit), string(verdict.CompileError),
	string(verdict.InvalidSubmission), string(verdict.Scored), string(verdict.SystemError),
}

type submissionsPageData struct {
	page
	Rows        []submission.Submission
	Titles      map[string]string
	Challenges  []challengeOption
	Members     []string
	Outcomes    []string
	Filter      submission.Filter
	FilterQuery string
}

// filterOf reads the feed's filters from the query.
func filterOf(c *fiber.Ctx) (submission.Filter, string) {
	f := submission.Filter{Challenge: c.Query("challenge"), Contestant: c.Query("contestant"), Outcome: c.Query("outcome")}
	q := url.Values{}
	for k, v := range map[string]string{"challenge": f.Challenge, "contestant": f.Contestant, "outcome": f.Outcome} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return f, q.Encode()
}

// submissionsPage lists the caller's own submissions, or for the jury every
// submission with filters by challenge, contestant and outcome. New
// submissions and verdicts arrive live (submissions.js).
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
	if jury {
		d.Filter, d.FilterQuery = filterOf(c)
		for _, ch := range ct.Challenges {
			d.Challenges = append(d.Challenges, challengeOption{Slug: ch.Slug, Title: ch.Title.In(p.Lang)})
		}
		if d.Members, err = s.Contests.Members(c.UserContext(), ct.ID); err != nil {
			return request.Internal(err)
		}
	} else {
		d.Filter.Contestant = u.Username
	}
	if d.Event, err = s.lastEvent(c, ct.ID); err != nil {
		return err
	}
	rows, err := s.Submissions.List(c.UserContext(), ct.ID, d.Filter, 200, 20000)
	if err != nil {
		return request.Internal(err)
	}
	for _, r := range rows {
		d.Rows = append(d.Rows, judging.ForViewer(u, ct, r))
	}
	return s.render(c, "submissions", d)
}
