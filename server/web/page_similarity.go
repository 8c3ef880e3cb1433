package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/judging"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/similarity"
)

type similarityPageData struct {
	page
	Challenges []challengeOption
	Titles     map[string]string
	// Selected is the challenge asked for; Report is nil without one.
	Selected string
	Report   *judging.SimilarityReport
}

// similarityPage lists, for the jury, the pairs of contestants whose last
// submissions to ?challenge= look alike, best first
// (judging.Service.Similarity); without a challenge, the challenges to pick.
func (s *Site) similarityPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "sim.title", "similarity")
	if err != nil {
		return err
	}
	d := similarityPageData{page: p, Selected: c.Query("challenge"), Titles: challengeTitles(ct, p.Lang)}
	for _, ch := range ct.Challenges {
		d.Challenges = append(d.Challenges, challengeOption{Slug: ch.Slug, Title: ch.Title.In(p.Lang)})
	}
	if d.Selected != "" {
		if d.Report, err = s.Judging.Similarity(c.UserContext(), ct, d.Selected); err != nil {
			return request.Fail(err)
		}
	}
	return s.render(c, "similarity", d)
}

// simLine is one line of a source on the side-by-side page.
type simLine struct {
	N    int
	Text string
	// Frag is the 1-based number of the first fragment holding the line;
	// 0 for none. Colour picks its highlight (sim-c0 to sim-c3).
	Frag   int
	Colour int
}

// simColours is how many highlight colours style.css has (.sim-c0 ...).
const simColours = 4

// simFragment is a shared fragment as the side-by-side page lists it.
type simFragment struct {
	N, Colour int
	similarity.Fragment
}

type similarPairData struct {
	page
	Pair      *judging.SimilarPair
	ALines    []simLine
	BLines    []simLine
	Fragments []simFragment
}

// similarPairPage shows two submissions side by side, for the jury, with
// the fragments they share highlighted in matching colours.
func (s *Site) similarPairPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "sim.pair_title", "similarity")
	if err != nil {
		return err
	}
	pair, err := s.Judging.ComparePair(c.UserContext(), ct, c.Params("a"), c.Params("b"))
	if err != nil {
		return request.Fail(err)
	}
	d := similarPairData{page: p, Pair: pair}
	for i, f := range pair.Fragments {
		d.Fragments = append(d.Fragments, simFragment{N: i + 1, Colour: i % simColours, Fragment: f})
	}
	d.ALines = simLines(pair.ASource, pair.Fragments, func(f similarity.Fragment) similarity.Lines { return f.A })
	d.BLines = simLines(pair.BSource, pair.Fragments, func(f similarity.Fragment) similarity.Lines { return f.B })
	return s.render(c, "similarity_pair", d)
}

// simLines splits a source into lines, each marked with the first
// fragment whose side (of frags) holds it.
func simLines(src string, frags []similarity.Fragment, side func(similarity.Fragment) similarity.Lines) []simLine {
	if src == "" {
		return nil
	}
	text := strings.Split(strings.TrimSuffix(strings.ReplaceAll(src, "\r\n", "\n"), "\n"), "\n")
	out := make([]simLine, len(text))
	for i, t := range text {
		out[i] = simLine{N: i + 1, Text: t}
		for j, f := range frags {
			if r := side(f); i+1 >= r[0] && i+1 <= r[1] {
				out[i].Frag, out[i].Colour = j+1, j%simColours
				break
			}
		}
	}
	return out
}
