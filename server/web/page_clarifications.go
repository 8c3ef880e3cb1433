package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/request"
)

type challengeOption struct {
	Slug  string
	Title string
}

type clarPageData struct {
	page
	Challenges      []challengeOption
	ChallengeTitles map[string]string
	Items           []clarification.Clarification
	// Item is the one clarification of the "item" fragment.
	Item clarification.Clarification
	// Open counts unanswered questions (jury); OnlyOpen (?only=open) lists
	// only them.
	Open     int
	OnlyOpen bool
	Selected string
	Draft    string
	// Names are the askers' names, for the jury.
	Names map[string]string
}

// clarificationsPage: contestants ask and read answers; the jury answers
// (to the asker or to all) and announces; ?only=open shows the jury the
// unanswered questions, and answered ones keep their form folded. New questions and answers arrive
// live; ?fragment=item&id=N renders one, for the live module.
func (s *Site) clarificationsPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "clar.title", "clarifications")
	if err != nil {
		return err
	}
	u, _ := request.User(c)
	jury := p.IsJury()
	if jury {
		p.Title = s.UI.T(p.Lang, "clar.inbox_title")
	}
	d := clarPageData{page: p, ChallengeTitles: challengeTitles(ct, p.Lang), Selected: c.Query("challenge"),
		Draft: c.FormValue("question", c.FormValue("text"))}
	for _, ch := range ct.Challenges {
		d.Challenges = append(d.Challenges, challengeOption{Slug: ch.Slug, Title: ch.Title.In(p.Lang)})
	}
	if jury {
		if d.Names, err = s.contestantNames(c, ct.ID); err != nil {
			return err
		}
	}
	if c.Query("fragment") == "item" {
		id, err := strconv.ParseInt(c.Query("id"), 10, 64)
		if err != nil {
			return request.Say(request.NotFound(""), "refusal.no_clarification")
		}
		cl, err := s.Clarifications.Get(c.UserContext(), ct.ID, id)
		if err != nil {
			return request.Fail(err)
		}
		cl, ok := cl.For(u.Username, jury)
		if !ok {
			return request.Say(request.NotFound(""), "refusal.no_clarification")
		}
		if c.Query("public") == "1" && !cl.Public {
			return c.SendStatus(fiber.StatusNoContent)
		}
		d.Item = cl
		return s.render(c, "clarifications", d)
	}
	if d.Event, err = s.lastEvent(c, ct.ID); err != nil {
		return err
	}
	if d.Items, err = s.Clarifications.List(c.UserContext(), ct.ID, u.Username, jury); err != nil {
		return request.Internal(err)
	}
	d.OnlyOpen = jury && c.Query("only") == "open"
	open := d.Items[:0:0]
	for _, cl := range d.Items {
		if cl.From != "" && cl.Answer == "" {
			d.Open++
			open = append(open, cl)
		}
	}
	if d.OnlyOpen {
		d.Items = open
	}
	return s.render(c, "clarifications", d)
}

// askForm asks a question.
func (s *Site) askForm(c *fiber.Ctx) error {
	if strings.TrimSpace(c.FormValue("question")) == "" {
		return s.formFailed(c, &request.Error{Status: fiber.StatusBadRequest, Code: "empty_question", Message: "the question is empty"}, s.clarificationsPage)
	}
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	var req struct{ Challenge, Question string }
	if err := c.BodyParser(&req); err != nil {
		return s.formFailed(c, request.BadRequest("body must be JSON {challenge, question}"), s.clarificationsPage)
	}
	u, _ := request.User(c)
	if _, err := s.Clarifications.AskIn(c.UserContext(), ct, s.Contests, u, req.Challenge, req.Question); err != nil {
		return s.formFailed(c, request.Fail(err), s.clarificationsPage)
	}
	return seeOther(c, "/contests/"+c.Params("cid")+"/clarifications", "asked")
}

// answerForm answers a question, to its asker (to_all=0) or to everyone.
func (s *Site) answerForm(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return request.Say(request.NotFound(""), "refusal.no_clarification")
	}
	u, _ := request.User(c)
	_, err = s.Clarifications.Answer(c.UserContext(), ct.ID, id, u.Username, c.FormValue("answer"), c.FormValue("to_all") == "1")
	if err != nil {
		return s.formFailed(c, request.Fail(err), s.clarificationsPage)
	}
	return seeOther(c, "/contests/"+ct.ID+"/clarifications#clar-"+strconv.FormatInt(id, 10), "answered")
}

// announceForm posts an announcement.
func (s *Site) announceForm(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	var req struct{ Challenge, Text string }
	if err := c.BodyParser(&req); err != nil {
		return s.formFailed(c, request.BadRequest("body must be JSON {challenge, text}"), s.clarificationsPage)
	}
	u, _ := request.User(c)
	if _, err := s.Clarifications.Announce(c.UserContext(), ct.ID, u.Username, req.Challenge, req.Text); err != nil {
		return s.formFailed(c, request.Fail(err), s.clarificationsPage)
	}
	return seeOther(c, "/contests/"+c.Params("cid")+"/clarifications", "announced")
}
