package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/request"
)

type submitChallenge struct {
	Slug      string
	Title     string
	Languages []string
	Quota     judging.Quota
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

// submitPage is the submit form: challenge, language, a file or a text
// area, and what the contestant may still submit.
func (s *Site) submitPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "submit.title", "submit")
	if err != nil {
		return err
	}
	u, _ := request.User(c)
	d := submitPageData{page: p, Selected: c.FormValue("challenge", c.Query("challenge")),
		Language: c.FormValue("language"), Code: c.FormValue("code"), MaxBytes: int64(s.Judging.MaxBytes)}
	if p.Contest.State != contest.Running {
		return s.render(c, "submit", d)
	}
	if _, ok := ct.Challenge(d.Selected); !ok && len(ct.Challenges) > 0 {
		d.Selected = ct.Challenges[0].Slug
	}
	for _, ch := range ct.Challenges {
		q, err := s.Judging.Quota(c.UserContext(), ct, u.Username, ch.Slug)
		if err != nil {
			return request.Fail(err)
		}
		d.Challenges = append(d.Challenges, submitChallenge{Slug: ch.Slug, Title: ch.Title.In(p.Lang), Languages: ch.Languages, Quota: q})
		if ch.Slug == d.Selected {
			d.Languages = ch.Languages
		}
	}
	return s.render(c, "submit", d)
}

// submitForm submits through judging.Service.Submit — every check the API
// makes — and goes on to the new submission's page, where the verdict
// arrives live.
func (s *Site) submitForm(c *fiber.Ctx) error {
	_, fileErr := c.FormFile("file")
	hasFile, hasCode := fileErr == nil, strings.TrimSpace(c.FormValue("code")) != ""
	switch {
	case hasFile && hasCode:
		return s.formFailed(c, &request.Error{Status: fiber.StatusBadRequest, Code: "file_and_code", Message: "send either file or code, not both"}, s.submitPage)
	case !hasFile && !hasCode:
		return s.formFailed(c, &request.Error{Status: fiber.StatusBadRequest, Code: "no_solution", Message: "choose a file or paste the code"}, s.submitPage)
	}
	ct, err := s.contest(c)
	if err != nil {
		return s.formFailed(c, err, s.submitPage)
	}
	u, _ := request.User(c)
	sub, err := s.Judging.Submit(c.UserContext(), ct, judging.Entry{Contestant: u.Username,
		Challenge: c.FormValue("challenge"), Language: c.FormValue("language"),
		Source: func() ([]byte, string, error) { return request.SubmittedFile(c, s.Judging.MaxBytes) }})
	if err != nil {
		return s.formFailed(c, request.Fail(err), s.submitPage)
	}
	return seeOther(c, "/submissions/"+sub.ID, "submitted")
}
