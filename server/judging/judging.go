// Package judging holds the rules of what enters judging and what the jury
// changes afterwards: taking a submission (every check and limit),
// rejudges and manual overrides, each change written to the audit log,
// and what of a submission each viewer may see. See docs/architecture.md
// (the spine, step 1).
package judging

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/ratelimit"
	"github.com/skillarena/arena/server/refusal"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/statement"
	"github.com/skillarena/arena/server/submission"
)

// Service applies the judging rules on the stores.
type Service struct {
	Contests    *contest.Store
	Submissions *submission.Store
	Blobs       *blob.Store
	Audit       *audit.Log
	// Packages reads challenge packages (the similarity report's
	// templates); when nil, each report reads its own.
	Packages *statement.Cache
	// Certificates, when set, locks results once certificates are issued.
	Certificates *certificate.Service
	// Rate limits submissions per contestant.
	Rate *ratelimit.Limiter
	// MaxBytes caps one submitted file or text.
	MaxBytes int
	Now      func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Entry is a submission as a contestant sends it.
type Entry struct {
	Contestant string
	Challenge  string
	Language   string
	// Source reads the file and its name; it is called only once the
	// contest, challenge and language are checked.
	Source func() ([]byte, string, error)
}

// Submit checks a submission against every rule — the contest's times,
// membership, challenge, language, the file, the contest's limits and the
// rate limit — stores its file and records it with its job in one atomic
// step.
func (s *Service) Submit(ctx context.Context, ct *contest.Contest, e Entry) (submission.Submission, error) {
	switch ct.StateAt(s.now()) {
	case contest.NotStarted:
		return submission.Submission{}, refusal.New(refusal.Conflict, "refusal.not_started")
	case contest.Ended:
		return submission.Submission{}, refusal.New(refusal.Conflict, "refusal.ended")
	}
	member, err := s.Contests.IsMember(ctx, ct.ID, e.Contestant)
	if err != nil {
		return submission.Submission{}, fmt.Errorf("membership of %s: %w", e.Contestant, err)
	}
	if !member {
		return submission.Submission{}, refusal.New(refusal.Forbidden, "refusal.not_contestant", ct.ID)
	}
	slug := strings.TrimSpace(e.Challenge)
	ch, ok := ct.Challenge(slug)
	if !ok {
		return submission.Submission{}, refusal.New(refusal.Invalid, "refusal.no_challenge", strconv.Quote(slug))
	}
	lang := strings.TrimSpace(e.Language)
	if ch.Kind != challenges.KindProgram && lang == "" && len(ch.Languages) > 0 {
		lang = ch.Languages[0] // file kinds (predictions, sql, ...) need not name one
	}
	if !slices.Contains(ch.Languages, lang) {
		return submission.Submission{}, refusal.New(refusal.Invalid, "refusal.language",
			strconv.Quote(lang), slug, strings.Join(ch.Languages, ", "))
	}
	data, name, err := e.Source()
	if err != nil {
		return submission.Submission{}, err
	}
	if data, name, err = checkSource(data, name, s.MaxBytes); err != nil {
		return submission.Submission{}, err
	}
	limits := contestLimits(ct, ch.Slug, scoreboard.Elapsed(ct.Start, s.now()))
	// A first look before the rate limit and the file's upload; Submit
	// checks again atomically as it records the submission.
	if err := s.Submissions.Check(ctx, submission.New{Contest: ct.ID, Challenge: ch.Slug, Contestant: e.Contestant, Limits: limits}); err != nil {
		return submission.Submission{}, limitRefusal(err, ct, ch.Slug)
	}
	ok, wait, err := s.Rate.Allow(ctx, ct.ID+":"+e.Contestant)
	if err != nil {
		return submission.Submission{}, fmt.Errorf("submit rate: %w", err)
	}
	if !ok {
		return submission.Submission{}, refusal.New(refusal.Limited, "refusal.rate", int(wait.Seconds())+1)
	}
	hash, err := s.Blobs.Put(ctx, data)
	if err != nil {
		return submission.Submission{}, fmt.Errorf("store the file: %w", err)
	}
	sub, err := s.Submissions.Submit(ctx, submission.New{
		Contest: ct.ID, Challenge: ch.Slug, Contestant: e.Contestant, Language: lang,
		FileName: name, Blob: hash, MaxScore: ch.Points,
		Elapsed: scoreboard.Elapsed(ct.Start, s.now()), Limits: limits,
	})
	if err != nil {
		return submission.Submission{}, limitRefusal(err, ct, ch.Slug)
	}
	return sub, nil
}

// contestLimits are the contest's own submission rules for slug at
// elapsed seconds from the start: solved challenges closed when attempts
// after an accept are off, a total, a per-challenge daily count (days
// counted from the start) and a minimum interval between submissions.
func contestLimits(ct *contest.Contest, slug string, elapsed int64) submission.Limits {
	l := ct.Limits
	day := elapsed / 86400
	return submission.Limits{Total: l.Total, Challenges: ct.Slugs(), PerChallengePerDay: l.PerChallengePerDay,
		WindowStart: day * 86400, WindowEnd: (day + 1) * 86400, ClosedAfterAccept: !ct.AttemptsAfterAccept,
		MinInterval: time.Duration(l.MinIntervalSeconds) * time.Second}
}

// limitRefusal is the answer to a submission the contest's rules refuse.
func limitRefusal(err error, ct *contest.Contest, slug string) error {
	l := ct.Limits
	switch {
	case err == nil:
		return nil
	case errors.Is(err, submission.ErrSolved):
		return refusal.New(refusal.Conflict, "refusal.solved", slug)
	case errors.Is(err, submission.ErrTotalLimit):
		return refusal.New(refusal.Limited, "refusal.total_used", l.Total)
	case errors.Is(err, submission.ErrDailyLimit):
		return refusal.New(refusal.Limited, "refusal.day_used", l.PerChallengePerDay, slug)
	case errors.Is(err, submission.ErrTooSoon):
		return refusal.New(refusal.Limited, "refusal.interval", l.MinIntervalSeconds)
	}
	return fmt.Errorf("record the submission: %w", err)
}

// usage counts user's submissions in ct, and to slug today.
func (s *Service) usage(ctx context.Context, ct *contest.Contest, user, slug string) (submission.Usage, error) {
	day := scoreboard.Elapsed(ct.Start, s.now()) / 86400
	u, err := s.Submissions.Usage(ctx, ct.ID, user, ct.Slugs(), slug, day*86400, (day+1)*86400)
	if err != nil {
		return u, fmt.Errorf("usage of %s: %w", user, err)
	}
	return u, nil
}

// Quota is what a contestant may still submit to one challenge.
type Quota struct {
	TotalLimit, TotalLeft int
	DayLimit, DayLeft     int
	// Interval is the minimum seconds between submissions.
	Interval int64
	// Closed: solved, and the contest takes no more submissions to it.
	Closed bool
}

// Quota is what user may still submit to slug in ct, by the counts Submit checks.
func (s *Service) Quota(ctx context.Context, ct *contest.Contest, user, slug string) (Quota, error) {
	l := ct.Limits
	q := Quota{TotalLimit: l.Total, DayLimit: l.PerChallengePerDay, Interval: l.MinIntervalSeconds}
	u, err := s.usage(ctx, ct, user, slug)
	if err != nil {
		return q, err
	}
	q.TotalLeft = max(l.Total-u.Total, 0)
	q.DayLeft = max(l.PerChallengePerDay-u.InWindow, 0)
	q.Closed = !ct.AttemptsAfterAccept && u.Solved
	return q, nil
}

// checkSource refuses a file that is too large, empty or not UTF-8 text.
func checkSource(data []byte, name string, max int) ([]byte, string, error) {
	if len(data) > max {
		return nil, "", refusal.New(refusal.Invalid, "refusal.too_large", max)
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, "", refusal.New(refusal.Invalid, "refusal.empty")
	}
	if !utf8.Valid(data) {
		return nil, "", refusal.New(refusal.Invalid, "refusal.not_utf8")
	}
	if len(name) > 128 {
		name = name[:128]
	}
	return data, name, nil
}

// ResultsLocked refuses changes to results once certificates were issued
// for the contest: the records would no longer match the standings.
func (s *Service) ResultsLocked(ctx context.Context, cid string) error {
	if s.Certificates == nil {
		return nil
	}
	done, err := s.Certificates.Finalized(ctx, cid)
	if err != nil {
		return fmt.Errorf("finalized %s: %w", cid, err)
	}
	if done {
		return refusal.New(refusal.Conflict, "refusal.final", cid)
	}
	return nil
}

// Visible loads submission sid, and its contest, if u may see it: its
// contestant or the contest's jury. Others get the same answer as for a
// missing one, so they learn nothing of others' submissions.
func (s *Service) Visible(ctx context.Context, u account.User, sid string) (submission.Submission, *contest.Contest, error) {
	missing := refusal.New(refusal.NotFound, "refusal.no_submission", sid)
	sub, err := s.Submissions.Get(ctx, sid)
	if errors.Is(err, submission.ErrNotFound) {
		return submission.Submission{}, nil, missing
	}
	if err != nil {
		return submission.Submission{}, nil, fmt.Errorf("submission %s: %w", sid, err)
	}
	ct, err := s.Contests.Get(ctx, sub.Contest)
	if err != nil {
		return submission.Submission{}, nil, fmt.Errorf("submission %s: %w", sid, err)
	}
	if sub.Contestant != u.Username && !ct.IsJury(u) {
		return submission.Submission{}, nil, missing
	}
	return sub, ct, nil
}

// ForViewer hides from contestants what they may not see: each test's
// jury-only detail and sandbox output (verdict.Test.ForContestant), and
// the private score of a predictions submission before the results are
// final. Every route and page that shows a submission goes through it.
func ForViewer(u account.User, ct *contest.Contest, sub submission.Submission) submission.Submission {
	if ct.IsJury(u) {
		return sub
	}
	tests := make([]verdict.Test, len(sub.Tests))
	for i, t := range sub.Tests {
		tests[i] = t.ForContestant()
	}
	sub.Tests = tests
	if sub.PublicScore != nil && !ct.Unfrozen {
		sub.Score = *sub.PublicScore
		sub.Tests = []verdict.Test{}
	}
	return sub
}

// Rejudge names what to rejudge: submissions, or a challenge and/or a contestant.
type Rejudge struct {
	Submissions []string `json:"submissions"`
	Challenge   string   `json:"challenge"`
	Contestant  string   `json:"contestant"`
	Reason      string   `json:"reason"`
}

// StartRejudge starts a rejudge as a preview, audited as by who.
func (s *Service) StartRejudge(ctx context.Context, ct *contest.Contest, r Rejudge, who string) (*submission.Batch, error) {
	if strings.TrimSpace(r.Reason) == "" {
		return nil, refusal.New(refusal.Invalid, "refusal.reason")
	}
	sids := r.Submissions
	if len(sids) == 0 {
		if r.Challenge == "" && r.Contestant == "" {
			return nil, refusal.New(refusal.Invalid, "refusal.rejudge_what")
		}
		if r.Challenge != "" {
			if _, ok := ct.Challenge(r.Challenge); !ok {
				return nil, refusal.New(refusal.Invalid, "refusal.not_in_contest", r.Challenge)
			}
		}
		var err error
		if sids, err = s.Submissions.Select(ctx, ct.ID, r.Challenge, r.Contestant); err != nil {
			return nil, fmt.Errorf("select submissions: %w", err)
		}
	}
	if len(sids) == 0 {
		return nil, refusal.New(refusal.Invalid, "refusal.rejudge_nothing")
	}
	b, err := s.Submissions.StartRejudge(ctx, ct.ID, sids, who, r.Reason)
	if errors.Is(err, submission.ErrNotFound) || err != nil && strings.Contains(err.Error(), "not a submission of") {
		return nil, refusal.Invalidf("%s", err.Error())
	}
	if err != nil {
		return nil, fmt.Errorf("start rejudge: %w", err)
	}
	if err := s.Audit.Append(ctx, ct.ID, audit.Entry{Who: who, Action: "rejudge.start",
		Target: b.ID, Reason: r.Reason, Details: map[string]any{"submissions": sids}}); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return b, nil
}

// FinishRejudge applies (once results are not locked) or cancels rejudge
// rid, audited as by who.
func (s *Service) FinishRejudge(ctx context.Context, cid, rid string, apply bool, who string) (*submission.Batch, error) {
	var b *submission.Batch
	var err error
	action := "rejudge.cancel"
	if apply {
		if err := s.ResultsLocked(ctx, cid); err != nil {
			return nil, err
		}
		action = "rejudge.apply"
		b, err = s.Submissions.ApplyRejudge(ctx, cid, rid)
	} else {
		b, err = s.Submissions.CancelRejudge(ctx, cid, rid)
	}
	switch {
	case errors.Is(err, submission.ErrBatchNotFound):
		return nil, refusal.New(refusal.NotFound, "refusal.no_rejudge", rid)
	case errors.Is(err, submission.ErrBatchClosed):
		return nil, refusal.New(refusal.Conflict, "refusal.rejudge_closed")
	case err != nil:
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	var changed []string
	for _, e := range b.Entries {
		if e.Changed && e.Skipped == "" && apply {
			changed = append(changed, e.Submission)
		}
	}
	if err := s.Audit.Append(ctx, cid, audit.Entry{Who: who, Action: action, Target: rid,
		Reason: b.Reason, Details: map[string]any{"changed": changed}}); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return b, nil
}

// Override is an outcome the jury sets by hand.
type Override struct {
	Outcome string   `json:"outcome"`
	Score   *float64 `json:"score"`
	Reason  string   `json:"reason"`
}

// Override sets submission sid's outcome and score by hand, audited as by who.
func (s *Service) Override(ctx context.Context, sid string, o Override, who string) (submission.Submission, error) {
	out, err := verdict.Parse(o.Outcome)
	if err != nil || out == verdict.SystemError || out == verdict.Skipped {
		return submission.Submission{}, refusal.New(refusal.Invalid, "refusal.outcome", strconv.Quote(o.Outcome))
	}
	if strings.TrimSpace(o.Reason) == "" {
		return submission.Submission{}, refusal.New(refusal.Invalid, "refusal.override_reason")
	}
	old, err := s.Submissions.Get(ctx, sid)
	if errors.Is(err, submission.ErrNotFound) {
		return submission.Submission{}, refusal.New(refusal.NotFound, "refusal.no_submission", sid)
	}
	if err != nil {
		return submission.Submission{}, fmt.Errorf("submission %s: %w", sid, err)
	}
	if err := s.ResultsLocked(ctx, old.Contest); err != nil {
		return submission.Submission{}, err
	}
	score := 0.0
	if o.Score != nil {
		score = *o.Score
	} else if out == verdict.Accepted {
		score = old.MaxScore
	}
	if score < 0 || score > old.MaxScore {
		return submission.Submission{}, refusal.New(refusal.Invalid, "refusal.score_range", strconv.FormatFloat(old.MaxScore, 'f', -1, 64))
	}
	sub, err := s.Submissions.Override(ctx, old.ID, out, score, o.Reason)
	if err != nil {
		return submission.Submission{}, fmt.Errorf("override %s: %w", old.ID, err)
	}
	if err := s.Audit.Append(ctx, sub.Contest, audit.Entry{Who: who, Action: "submission.override",
		Target: sub.ID, Reason: o.Reason, Details: map[string]any{
			"from": map[string]any{"outcome": old.Outcome, "score": old.Score},
			"to":   map[string]any{"outcome": sub.Outcome, "score": sub.Score}}}); err != nil {
		return submission.Submission{}, fmt.Errorf("audit: %w", err)
	}
	return sub, nil
}
