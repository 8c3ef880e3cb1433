package web

import (
	"errors"
	"html/template"
	"mime"
	"net/url"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/statement"
)

type attachmentLink struct {
	Name string
	// Path is Name escaped for the URL, one segment at a time.
	Path string
	Size int64
}

type challengePageData struct {
	page
	Challenge   contest.Challenge
	Limits      challenges.Limits
	Statement   template.HTML
	ShownLang   string
	Missing     bool
	Attachments []attachmentLink
}

// challengeOf returns contest ct's :slug challenge if the caller may read
// it: the jury always, contestants of the contest once it has started.
func (s *Site) challengeOf(c *fiber.Ctx, ct *contest.Contest) (contest.Challenge, error) {
	ch, ok := ct.Challenge(c.Params("slug"))
	if !ok {
		return contest.Challenge{}, request.Say(request.NotFound(""), "refusal.no_challenge_slug", c.Params("slug"))
	}
	u, _ := request.User(c)
	if ct.IsJury(u) {
		return ch, nil
	}
	if ct.StateAt(s.Now()) == contest.NotStarted {
		return contest.Challenge{}, request.Say(request.Forbidden(""), "refusal.not_started")
	}
	member, err := s.Contests.IsMember(c.UserContext(), ct.ID, u.Username)
	if err != nil {
		return contest.Challenge{}, request.Internal(err)
	}
	if !member {
		return contest.Challenge{}, request.Say(request.Forbidden(""), "refusal.not_contestant", ct.ID)
	}
	return ch, nil
}

// challengePage shows a statement, rendered from the package's Markdown
// (raw HTML dropped), with its limits and attachments.
func (s *Site) challengePage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "", "challenges")
	if err != nil {
		return err
	}
	ch, err := s.challengeOf(c, ct)
	if err != nil {
		return err
	}
	p.Title = ch.Title.In(p.Lang)
	d := challengePageData{page: p, Challenge: ch, ShownLang: p.Lang}
	pkg, err := s.Statements.Get(c.UserContext(), ch.Package)
	switch {
	case errors.Is(err, statement.ErrNotFound):
		d.Missing = true
	case err != nil:
		return request.Internal(err)
	default:
		text, shown := pkg.In(p.Lang)
		if text == "" {
			d.Missing = true
		} else {
			d.ShownLang = shown
			if d.Statement, err = s.UI.Markdown(withoutTitle(text)); err != nil {
				return request.Internal(err)
			}
		}
		d.Limits = pkg.Limits
		for _, a := range pkg.Attachments {
			segs := strings.Split(a.Name, "/")
			for i, sg := range segs {
				segs[i] = url.PathEscape(sg)
			}
			d.Attachments = append(d.Attachments, attachmentLink{Name: a.Name, Path: strings.Join(segs, "/"), Size: a.Size})
		}
	}
	if d.Missing {
		c.Status(fiber.StatusNotFound)
	}
	return s.render(c, "challenge", d)
}

// attachmentDownload sends one file of the package's attachments/ folder;
// nothing else of the package is reachable.
func (s *Site) attachmentDownload(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	ch, err := s.challengeOf(c, ct)
	if err != nil {
		return err
	}
	name, err := url.PathUnescape(c.Params("*"))
	if err != nil {
		return request.Say(request.NotFound(""), "refusal.no_attachment", "")
	}
	data, err := s.Statements.Attachment(c.UserContext(), ch.Package, name)
	if errors.Is(err, statement.ErrNotFound) {
		return request.Say(request.NotFound(""), "refusal.no_attachment", name)
	}
	if err != nil {
		return request.Internal(err)
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" || strings.HasPrefix(ctype, "text/html") || strings.Contains(ctype, "javascript") || strings.Contains(ctype, "svg") {
		ctype = "application/octet-stream"
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	base := path.Base(name)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+request.SafeFileName(asciiOnly(base), "attachment")+`"; filename*=UTF-8''`+url.PathEscape(base))
	return c.Send(data)
}

// asciiOnly replaces what the plain filename parameter cannot carry.
func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0x7e {
			return '_'
		}
		return r
	}, s)
}

// withoutTitle drops a statement's leading "# Title" line: the page shows
// the challenge's title above it already.
func withoutTitle(md string) string {
	rest := strings.TrimLeft(md, "\ufeff \t\r\n")
	if !strings.HasPrefix(rest, "# ") {
		return md
	}
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		return rest[i+1:]
	}
	return ""
}
