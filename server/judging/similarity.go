package judging

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/refusal"
	"github.com/skillarena/arena/server/similarity"
	"github.com/skillarena/arena/server/statement"
	"github.com/skillarena/arena/server/submission"
)

// Limits of a similarity report.
const (
	// SimilarityMaxSources is how many sources one report compares at most
	// (every two of them: about 45,000 pairs); the newest are kept.
	SimilarityMaxSources = 300
	// similarityScan is how many of the contest's newest submissions a
	// report looks through.
	similarityScan = 50000
	// similarityMaxBytes is the largest source or template compared.
	similarityMaxBytes = 256 << 10
	// similarityMaxTemplates is how many attachment files a report reads
	// as templates at most.
	similarityMaxTemplates = 50
)

// SimilarityReport is how alike the contestants' last submissions to one
// challenge are, for the jury.
type SimilarityReport struct {
	Contest   string `json:"contest"`
	Challenge string `json:"challenge"`
	// Compared is the number of sources compared: each contestant's last
	// submission in each language.
	Compared int `json:"compared"`
	// Limit is the most sources a report compares; Truncated says there
	// were more, and only the newest Limit were compared.
	Limit     int  `json:"limit"`
	Truncated bool `json:"truncated"`
	// Skipped counts sources not compared: missing, too large or not text.
	Skipped int `json:"skipped"`
	// Pairs are the pairs of different contestants in the same language
	// that share enough, best first.
	Pairs []similarity.Pair `json:"pairs"`
	// SharedExcluded counts the distinct fingerprints of the compared
	// sources left out as shared code; SharedFromTemplates of them are in a
	// template, the others in more than CommonMin sources of a language and
	// more than CommonShare of them.
	SharedExcluded      int     `json:"shared_excluded"`
	SharedFromTemplates int     `json:"shared_from_templates"`
	CommonMin           int     `json:"common_min"`
	CommonShare         float64 `json:"common_share"`
	// Templates are the challenge's attachments and statement code blocks
	// in the compared languages, whose code counts for nothing.
	Templates []similarity.Template `json:"templates"`
}

// Similarity compares the last submission of each contestant in each
// language to challenge slug of contest ct, leaving out the code the
// challenge hands out and the code most sources share. Callers check that
// the user is of the jury.
func (s *Service) Similarity(ctx context.Context, ct *contest.Contest, slug string) (*SimilarityReport, error) {
	ch, ok := ct.Challenge(slug)
	if !ok {
		return nil, refusal.Invalidf("no challenge %q in this contest", slug)
	}
	r := &SimilarityReport{Contest: ct.ID, Challenge: slug, Limit: SimilarityMaxSources}
	sources, templates, err := s.similarityInputs(ctx, ct, ch, r)
	if err != nil {
		return nil, fmt.Errorf("similarity of %s/%s: %w", ct.ID, slug, err)
	}
	o := similarity.Options{}
	res := similarity.Report(sources, templates, o)
	r.Compared = len(sources)
	r.Pairs = res.Pairs
	r.SharedExcluded, r.SharedFromTemplates = res.Shared.Excluded, res.Shared.FromTemplates
	r.CommonMin, r.CommonShare = similarity.CommonRule(o)
	r.Templates = res.Shared.Templates
	return r, nil
}

// similarityInputs loads the last submission of each contestant in each
// language to ch, the newest first, and the challenge's templates in
// their languages; r counts what was left out.
func (s *Service) similarityInputs(ctx context.Context, ct *contest.Contest, ch contest.Challenge, r *SimilarityReport) ([]similarity.Source, []similarity.Template, error) {
	subs, err := s.Submissions.List(ctx, ct.ID, submission.Filter{Challenge: ch.Slug}, similarityScan, similarityScan)
	if err != nil {
		return nil, nil, err
	}
	type key struct{ contestant, language string }
	seen := map[key]bool{}
	families := map[string]bool{}
	var sources []similarity.Source
	for _, sub := range subs { // newest first: the first of each key is the last submitted
		k := key{sub.Contestant, sub.Language}
		if seen[k] {
			continue
		}
		seen[k] = true
		if len(sources) == SimilarityMaxSources {
			r.Truncated = true
			break
		}
		text, ok, err := s.similaritySource(ctx, sub)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			r.Skipped++
			continue
		}
		sources = append(sources, similarity.Source{Contestant: sub.Contestant, Submission: sub.ID, Language: sub.Language, Text: text})
		families[similarity.Family(sub.Language)] = true
	}
	templates, err := s.similarityTemplates(ctx, ch, families)
	if err != nil {
		return nil, nil, err
	}
	return sources, templates, nil
}

// similarityTemplates reads the code ch's package hands every contestant
// in one of families: source files among its attachments and code blocks
// of its statements. A package that is gone has none.
func (s *Service) similarityTemplates(ctx context.Context, ch contest.Challenge, families map[string]bool) ([]similarity.Template, error) {
	if ch.Package == "" || len(families) == 0 {
		return nil, nil
	}
	pk := s.Packages
	if pk == nil {
		pk = statement.NewCache(s.Blobs)
	}
	p, err := pk.Get(ctx, ch.Package)
	if errors.Is(err, statement.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("templates of %s: %w", ch.Slug, err)
	}
	var out []similarity.Template
	n := 0
	files, err := pk.AttachmentFiles(ctx, ch.Package, func(name string, size int64) bool {
		f, ok := similarity.FileFamily(name)
		if !ok || !families[f] || size > similarityMaxBytes || n == similarityMaxTemplates {
			return false
		}
		n++
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("templates of %s: %w", ch.Slug, err)
	}
	for name, b := range files {
		if f, _ := similarity.FileFamily(name); utf8.Valid(b) {
			out = append(out, similarity.Template{Name: "attachments/" + name, Family: f, Text: string(b)})
		}
	}
	for lang, md := range p.Statements {
		for _, t := range similarity.CodeBlocks("statement."+lang+".md", md) {
			if families[t.Family] {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b similarity.Template) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// similaritySource reads a submission's file; not ok when it is missing,
// too large or not text.
func (s *Service) similaritySource(ctx context.Context, sub submission.Submission) (string, bool, error) {
	b, err := s.Blobs.Get(ctx, sub.Blob)
	if errors.Is(err, blob.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("source of %s: %w", sub.ID, err)
	}
	if len(b) > similarityMaxBytes || !utf8.Valid(b) {
		return "", false, nil
	}
	return string(b), true, nil
}

// SimilarPair is two submissions side by side with what they share.
type SimilarPair struct {
	A, B submission.Submission
	// ASource and BSource are the files; empty when missing, too large or
	// not text.
	ASource, BSource string
	similarity.Match
}

// ComparePair compares submissions sidA and sidB, both of contest ct.
// Callers check that the user is of the jury.
func (s *Service) ComparePair(ctx context.Context, ct *contest.Contest, sidA, sidB string) (*SimilarPair, error) {
	p := &SimilarPair{}
	for _, side := range []struct {
		sid  string
		sub  *submission.Submission
		text *string
	}{{sidA, &p.A, &p.ASource}, {sidB, &p.B, &p.BSource}} {
		sub, err := s.Submissions.Get(ctx, side.sid)
		if errors.Is(err, submission.ErrNotFound) || err == nil && sub.Contest != ct.ID {
			return nil, refusal.NotFoundf("no submission %s in this contest", side.sid)
		}
		if err != nil {
			return nil, fmt.Errorf("compare %s with %s: %w", sidA, sidB, err)
		}
		text, _, err := s.similaritySource(ctx, sub)
		if err != nil {
			return nil, fmt.Errorf("compare %s with %s: %w", sidA, sidB, err)
		}
		*side.sub, *side.text = sub, text
	}
	// The same code is left out as in the report on A's challenge.
	var sh *similarity.Shared
	if ch, ok := ct.Challenge(p.A.Challenge); ok {
		sources, templates, err := s.similarityInputs(ctx, ct, ch, &SimilarityReport{})
		if err != nil {
			return nil, fmt.Errorf("compare %s with %s: %w", sidA, sidB, err)
		}
		sh = similarity.FindShared(sources, templates, similarity.Options{})
	}
	a, b := similarity.NewDoc(p.A.Language, p.ASource, similarity.Options{}), similarity.NewDoc(p.B.Language, p.BSource, similarity.Options{})
	sh.Exclude(a, p.A.Language)
	sh.Exclude(b, p.B.Language)
	p.Match = similarity.Compare(a, b)
	return p, nil
}
