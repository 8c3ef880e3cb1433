package submission

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/scoreboard"
)

// Limits are a contest's rules for one submission, checked in the same
// atomic step that records it: two submissions at once cannot both pass.
type Limits struct {
	// Total bounds the submissions to all of Challenges; 0: no bound.
	Total int
	// Challenges are the contest's challenges, whose submissions Total counts.
	Challenges []string
	// PerChallengePerDay bounds the submissions to the challenge made from
	// WindowStart to WindowEnd (seconds from the start, end excluded); 0: no bound.
	PerChallengePerDay     int
	WindowStart, WindowEnd int64
	// ClosedAfterAccept refuses submissions to a challenge already solved.
	ClosedAfterAccept bool
	// MinInterval is the least time between two submissions of a contestant.
	MinInterval time.Duration
}

// Refusals by Limits, in the order they are checked.
var (
	ErrSolved     = errors.New("challenge already solved")
	ErrTotalLimit = errors.New("all submissions of the contest used")
	ErrDailyLimit = errors.New("the day's submissions to the challenge used")
	ErrTooSoon    = errors.New("too soon after the last submission")
)

var refusals = map[string]error{
	"solved": ErrSolved, "total": ErrTotalLimit, "day": ErrDailyLimit, "gap": ErrTooSoon,
}

// usageLua defines usage(own, first, from, to): how many attempts the
// contestant made in all (own, the challenge's attempts key, and KEYS[first]
// onwards, the other challenges'), how many on the challenge from from to to
// (seconds from the start, to excluded), and whether one solved it (by
// its public score where it has one). Every
// submission counts, a system error too: what a submission causes is its
// own verdict, and the platform's rare faults are rejudged; none may be a
// free attempt.
const usageLua = `
local function usage(own, first, from, to)
  local total, inWindow, solved = redis.call('HLEN', own), 0, false
  for i = first, #KEYS do total = total + redis.call('HLEN', KEYS[i]) end
  for _, v in ipairs(redis.call('HVALS', own)) do
    local a = cjson.decode(v)
    if a.t >= from and a.t < to then inWindow = inWindow + 1 end
    if a.s == DONE then
      -- With public and private scores, only the public one decides: a
      -- refusal must not tell the contestant their private score.
      if type(a.ps) == 'number' then
        if a.mx > 0 and a.ps >= a.mx then solved = true end
      elseif a.o == ACCEPTED or type(a.mx) == 'number' and a.mx > 0 and a.sc >= a.mx then
        solved = true
      end
    end
  end
  return total, inWindow, solved
end
`

// submitScript checks the limits, then records a submission, updates the
// board's pending cells, appends the event and queues the job, all at once.
//
//	KEYS: scoreboard.RecomputeKeys (2: the challenge's attempts), sub, events,
//	      jobs, index, seq, gap, then the attempts of the other challenges
//	ARGV: number, check only (1: write nothing), total, per day, window
//	      start, window end, closed after accept (1/0), min interval (ms),
//	      attempt (events.Attempt), event data (events.SubmissionData without
//	      rows), events maxlen, user, slug, sid, event type, then the
//	      submission's fields and values
//	returns: {"ok", event id}; {"moved"} when the number was taken
//	         meanwhile; or {refusal} (see refusals)
var submitScript = redis.NewScript(scoreboard.RecomputeLua() + usageLua + `
local total, inWindow, solved = usage(KEYS[2], 14, tonumber(ARGV[5]), tonumber(ARGV[6]))
local maxTotal, maxDay = tonumber(ARGV[3]), tonumber(ARGV[4])
if ARGV[7] == '1' and solved then return {'solved'} end
if maxTotal > 0 and total >= maxTotal then return {'total'} end
if maxDay > 0 and inWindow >= maxDay then return {'day'} end
local gap = tonumber(ARGV[8])
if gap > 0 and redis.call('EXISTS', KEYS[13]) == 1 then return {'gap'} end
if ARGV[2] == '1' then return {'ok'} end

local num = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[12]) or '0') + 1 ~= num then return {'moved'} end
redis.call('SET', KEYS[12], num)
if gap > 0 then redis.call('SET', KEYS[13], 1, 'PX', gap) end
local user, slug, sid = ARGV[12], ARGV[13], ARGV[14]
redis.call('HSET', KEYS[8], unpack(ARGV, 16))
redis.call('HSET', KEYS[2], sid, ARGV[9])
local row, prow = recompute(user, slug)
local ev = redis.call('XADD', KEYS[9], 'MAXLEN', '~', ARGV[11], '*', 'type', ARGV[15],
  'data', withRows(ARGV[10], row, prow))
redis.call('XADD', KEYS[10], '*', 'sid', sid, 'gen', 1)
redis.call('ZADD', KEYS[11], num, sid)
return {'ok', ev}
`)

// Submit checks n.Limits and records the submission and queues it for
// judging, in one atomic step. A refusal is one of ErrSolved,
// ErrTotalLimit, ErrDailyLimit and ErrTooSoon.
func (s *Store) Submit(ctx context.Context, n New) (Submission, error) {
	at := s.now()
	if !n.At.IsZero() {
		at = n.At
	}
	// The number is taken optimistically, so that the script declares the
	// submission's key: each retry means another submission got the number.
	for range 1000 {
		last, err := s.rdb.Get(ctx, seqKey(n.Contest)).Int64()
		if err != nil && !errors.Is(err, redis.Nil) {
			return Submission{}, fmt.Errorf("number submission: %w", err)
		}
		num := last + 1
		sub := Submission{ID: submissionID(n.Contest, num), Contest: n.Contest, Challenge: n.Challenge,
			Contestant: n.Contestant, Language: n.Language, Status: Queued, MaxScore: n.MaxScore, SubmittedAt: at,
			Blob: n.Blob, FileName: n.FileName, Elapsed: n.Elapsed, Gen: 1}
		res, err := s.runSubmit(ctx, n, sub, num, false)
		if err != nil || res != "moved" {
			return sub, err
		}
		if err := ctx.Err(); err != nil {
			return Submission{}, fmt.Errorf("record submission: %w", err)
		}
	}
	return Submission{}, fmt.Errorf("record submission to %s: the numbering keeps moving", n.Contest)
}

// Check reports whether n passes n.Limits now, writing nothing; Submit
// checks again when it records the submission.
func (s *Store) Check(ctx context.Context, n New) error {
	l := n.Limits
	if l.Total <= 0 && l.PerChallengePerDay <= 0 && !l.ClosedAfterAccept && l.MinInterval <= 0 {
		return nil
	}
	_, err := s.runSubmit(ctx, n, Submission{ID: n.Contest + "-0", Contest: n.Contest,
		Challenge: n.Challenge, Contestant: n.Contestant}, 0, true)
	return err
}

// runSubmit runs submitScript for sub, numbered num; it returns "ok" or "moved".
func (s *Store) runSubmit(ctx context.Context, n New, sub Submission, num int64, check bool) (string, error) {
	att, err := events.Encode(events.Attempt{N: num, Status: Queued, MaxScore: n.MaxScore, Elapsed: n.Elapsed})
	if err != nil {
		return "", err
	}
	data, err := events.Encode(events.SubmissionData{Submission: events.Submission{ID: sub.ID,
		Challenge: n.Challenge, Contestant: n.Contestant, Status: Queued}})
	if err != nil {
		return "", err
	}
	keys := append(scoreboard.RecomputeKeys(n.Contest, n.Contestant, n.Challenge), subKey(n.Contest, num),
		events.Key(n.Contest), JobsKey, indexKey(n.Contest), seqKey(n.Contest), gapKey(n.Contest, n.Contestant))
	l := n.Limits
	if l.Total > 0 { // only the total counts the other challenges
		keys = append(keys, otherAttempts(n.Contest, n.Contestant, n.Challenge, l.Challenges)...)
	}
	args := []any{num, boolArg(check), l.Total, l.PerChallengePerDay, l.WindowStart, l.WindowEnd, boolArg(l.ClosedAfterAccept),
		l.MinInterval.Milliseconds(), att, data, events.MaxLen, n.Contestant, n.Challenge, sub.ID, events.TypeSubmission,
		"id", sub.ID, "contest", n.Contest, "challenge", n.Challenge, "contestant", n.Contestant,
		"language", n.Language, "blob", n.Blob, "file_name", n.FileName, "submitted_at", sub.SubmittedAt.UnixMilli(),
		"elapsed", n.Elapsed, "max_score", n.MaxScore, "status", string(Queued), "gen", 1}
	var cmd *redis.Cmd
	if check { // writes nothing: no replica need hold it
		cmd = submitScript.Run(ctx, s.rdb, keys, args...)
	} else {
		cmd = s.runReplicated(ctx, submitScript, keys, args...)
	}
	res, err := cmd.StringSlice()
	if err != nil {
		return "", fmt.Errorf("record submission %s: %w", sub.ID, err)
	}
	if len(res) == 0 {
		return "", fmt.Errorf("record submission %s: empty answer", sub.ID)
	}
	if err, ok := refusals[res[0]]; ok {
		return "", err
	}
	return res[0], nil
}

func boolArg(b bool) int {
	if b {
		return 1
	}
	return 0
}

// otherAttempts lists user's attempts keys on slugs except slug.
func otherAttempts(cid, user, slug string, slugs []string) []string {
	var keys []string
	for _, sl := range slugs {
		if sl != slug {
			keys = append(keys, scoreboard.AttemptsKey(cid, user, sl))
		}
	}
	return keys
}

// Usage is what a contestant has submitted so far, for the contest's limits.
type Usage struct {
	// Total counts submissions to every challenge.
	Total int
	// InWindow counts submissions to the one challenge within the window asked for.
	InWindow int
	// Solved reports whether the contestant already solved that challenge.
	Solved bool
}

// usageScript counts as submitScript does.
//
//	KEYS: the challenge's attempts, then the other challenges'
//	ARGV: window start, window end
//	returns: {total, in window, solved (1/0)}
var usageScript = redis.NewScript(scoreboard.RecomputeLua() + usageLua + `
local total, inWindow, solved = usage(KEYS[1], 2, tonumber(ARGV[1]), tonumber(ARGV[2]))
return {total, inWindow, solved and 1 or 0}
`)

// Usage counts contestant user's submissions in contest cid over slugs, and
// on slug those made from from to to (seconds from the start, to exclusive).
func (s *Store) Usage(ctx context.Context, cid, user string, slugs []string, slug string, from, to int64) (Usage, error) {
	keys := append([]string{scoreboard.AttemptsKey(cid, user, slug)}, otherAttempts(cid, user, slug, slugs)...)
	r, err := usageScript.Run(ctx, s.rdb, keys, from, to).Int64Slice()
	if err != nil {
		return Usage{}, fmt.Errorf("count submissions of %s in %s: %w", user, cid, err)
	}
	if len(r) != 3 {
		return Usage{}, fmt.Errorf("count submissions of %s in %s: answer %v", user, cid, r)
	}
	return Usage{Total: int(r[0]), InWindow: int(r[1]), Solved: r[2] == 1}, nil
}

// submissionID is the id of contest cid's num-th submission.
func submissionID(cid string, num int64) string { return cid + "-" + strconv.FormatInt(num, 10) }

// ID is the id of contest cid's num-th submission, as SplitID reads it.
func ID(cid string, num int64) string { return submissionID(cid, num) }

// ContestOf is the contest of the submission with id sid (submissionID).
func ContestOf(sid string) string {
	if i := strings.LastIndexByte(sid, '-'); i > 0 {
		return sid[:i]
	}
	return ""
}
