package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/scoreboard"
)

// quota is what a contestant may still submit to one challenge.
type quota struct {
	TotalLimit, TotalLeft int
	DayLimit, DayLeft     int
	// Interval is the minimum seconds between submissions.
	Interval int64
	// Closed: solved, and the contest takes no more submissions to it.
	Closed bool
}

type submitChallenge struct {
	Slug      string
	Title     string
	Languages []string
	Quota     quota
}

// LanguageList is the challenge's languages for the page's script.
func (s submitChallenge) LanguageList() string { return strings.Join(s.Languages, " ") }

type submitPageData struct {
	page
	Challenges []submitChallenge
	Selected   string
	Languages  []string
	Language   string
	Code       string
	MaxBytes   int64
}

// quotaOf is what user may still submit to slug in ct, by the contest's
// rules (the same counts createSubmission checks).
func (s *server) quotaOf(c *fiber.Ctx, ct *contest.Contest, user, slug string) (quota, error) {
	l := ct.Limits
	q := quota{TotalLimit: l.Total, DayLimit: l.PerChallengePerDay, Interval: l.MinIntervalSeconds}
	day := scoreboard.Elapsed(ct.Start, s.Now()) / 86400
	u, err := s.Submissions.Usage(c.UserContext(), ct.ID, user, ct.Slugs(), slug, day*86400, (day+1)*86400)
	if err != nil {
		return q, errInternal(err)
	}
	q.TotalLeft = max(l.Total-u.Total, 0)
	q.DayLeft = max(l.PerChallengePerDay-u.InWindow, 0)
	q.Closed = !ct.AttemptsAfterAccept && u.Solved
	return q, nil
}

// submitPage is the submit form: challenge, language, a file or a text
// area, and what the contestant may still submit.
func (s *server) submitPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "submit.title", "submit")
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	d := submitPageData{page: p, Selected: c.FormValue("challenge", c.Query("challenge")),
		Language: c.FormValue("language"), Code: c.FormValue("code"), MaxBytes: int64(s.Limits.MaxSubmissionBytes)}
	if p.Contest.State != contest.Running {
		return s.render(c, "submit", d)
	}
	if _, ok := ct.Challenge(d.Selected); !ok && len(ct.Challenges) > 0 {
		d.Selected = ct.Challenges[0].Slug
	}
	for _, ch := range ct.Challenges {
		q, err := s.quotaOf(c, ct, u.Username, ch.Slug)
		if err != nil {
			return err
		}
		d.Challenges = append(d.Challenges, submitChallenge{Slug: ch.Slug, Title: ch.Title.In(p.Lang), Languages: ch.Languages, Quota: q})
		if ch.Slug == d.Selected {
			d.Languages = ch.Languages
		}
	}
	return s.render(c, "submit", d)
}

// submitForm submits through the API's own handler — every check the API
// makes — and goes on to the new submission's page, where the verdict
// arrives live.
func (s *server) submitForm(c *fiber.Ctx) error {
	_, fileErr := c.FormFile("file")
	hasFile, hasCode := fileErr == nil, strings.TrimSpace(c.FormValue("code")) != ""
	switch {
	case hasFile && hasCode:
		return s.formFailed(c, &apiError{Status: fiber.StatusBadRequest, Code: "file_and_code", Message: "send either file or code, not both"}, s.submitPage)
	case !hasFile && !hasCode:
		return s.formFailed(c, &apiError{Status: fiber.StatusBadRequest, Code: "no_solution", Message: "choose a file or paste the code"}, s.submitPage)
	}
	var out createdSubmission
	if err := callAPI(c, s.createSubmission, &out); err != nil {
		return s.formFailed(c, err, s.submitPage)
	}
	return seeOther(c, "/submissions/"+out.ID, "submitted")
}
