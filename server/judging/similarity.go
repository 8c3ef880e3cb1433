package judging

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/refusal"
	"github.com/skillarena/arena/server/similarity"
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
	// similarityMaxBytes is the largest source compared.
	similarityMaxBytes = 256 << 10
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
}

// Similarity compares the last submission of each contestant in each
// language to challenge slug of contest ct. Callers check that the user is
// of the jury.
func (s *Service) Similarity(ctx context.Context, ct *contest.Contest, slug string) (*SimilarityReport, error) {
	if _, ok := ct.Challenge(slug); !ok {
		return nil, refusal.Invalidf("no challenge %q in this contest", slug)
	}
	subs, err := s.Submissions.List(ctx, ct.ID, submission.Filter{Challenge: slug}, similarityScan, similarityScan)
	if err != nil {
		return nil, fmt.Errorf("similarity of %s/%s: %w", ct.ID, slug, err)
	}
	r := &SimilarityReport{Contest: ct.ID, Challenge: slug, Limit: SimilarityMaxSources}
	type key struct{ contestant, language string }
	seen := map[key]bool{}
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
			return nil, fmt.Errorf("similarity of %s/%s: %w", ct.ID, slug, err)
		}
		if !ok {
			r.Skipped++
			continue
		}
		sources = append(sources, similarity.Source{Contestant: sub.Contestant, Submission: sub.ID, Language: sub.Language, Text: text})
	}
	r.Compared = len(sources)
	r.Pairs = similarity.Report(sources, similarity.Options{})
	return r, nil
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
	p.Match = similarity.Compare(similarity.NewDoc(p.A.Language, p.ASource, similarity.Options{}),
		similarity.NewDoc(p.B.Language, p.BSource, similarity.Options{}))
	return p, nil
}
