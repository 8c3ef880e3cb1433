package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/submission"
)

// ownStatus is where a contestant stands on one challenge.
type ownStatus struct {
	// Status is none, pending, solved, partial or tried.
	Status   string
	Attempts int
	Best     float64
}

// ownStatuses sums up the caller's own submissions per challenge, as they
// may see them (private scores stay hidden until the results are final).
func (s *Site) ownStatuses(c *fiber.Ctx, u account.User, ct *contest.Contest) (map[string]ownStatus, error) {
	out := map[string]ownStatus{}
	if u.Role != account.Contestant {
		return out, nil
	}
	subs, err := s.Submissions.List(c.UserContext(), ct.ID, submission.Filter{Contestant: u.Username}, 5000, 20000)
	if err != nil {
		return nil, request.Internal(err)
	}
	for _, sub := range subs {
		sub = judging.ForViewer(u, ct, sub)
		st := out[sub.Challenge]
		st.Attempts++
		switch {
		case sub.Status != submission.Done:
			if st.Status != "solved" {
				st.Status = "pending"
			}
		case sub.Outcome == "accepted" || sub.MaxScore > 0 && sub.Score >= sub.MaxScore:
			st.Status = "solved"
		case sub.Score > 0 && st.Status != "solved" && st.Status != "pending":
			st.Status = "partial"
		case st.Status == "":
			st.Status = "tried"
		}
		st.Best = max(st.Best, sub.Score)
		out[sub.Challenge] = st
	}
	return out, nil
}

type challengeRow struct {
	Slug     string
	Title    string
	Category string
	Kind     string
	Points   float64
	ownStatus
}

type challengesPageData struct {
	page
	NotYet bool
	Rows   []challengeRow
}

// challengesPage lists the challenges with category, points and, for a
// contestant, their own status. Contestants see them once the contest starts.
func (s *Site) challengesPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "challenges.title", "challenges")
	if err != nil {
		return err
	}
	u, _ := request.User(c)
	d := challengesPageData{page: p}
	if !p.IsJury() && p.Contest.State == contest.NotStarted {
		d.NotYet = true
		return s.render(c, "challenges", d)
	}
	own, err := s.ownStatuses(c, u, ct)
	if err != nil {
		return err
	}
	for _, ch := range ct.Challenges {
		st := own[ch.Slug]
		if st.Status == "" {
			st.Status = "none"
		}
		d.Rows = append(d.Rows, challengeRow{Slug: ch.Slug, Title: ch.Title.In(p.Lang), Category: ch.Category,
			Kind: ch.Kind, Points: ch.Points, ownStatus: st})
	}
	return s.render(c, "challenges", d)
}
