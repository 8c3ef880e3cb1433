// Package submission owns submissions and the judging queue: the two atomic
// steps of the spine (accept a submission; apply its result) and the leases
// that let a crashed worker's job go to another.
//
// Redis keys:
//
//	arena:{cid}:seq                    STRING  last submission number
//	arena:{cid}:subs                   ZSET    submission id -> number (every submission, for listing)
//	arena:{cid}:gap:{user}             STRING  set while the minimum interval since the last submission runs
//	arena:{cid}:sub:{n}                HASH    the submission (see decode)
//	arena:{cid}:rejudge:{rid}          HASH    a rejudge batch (see rejudge.go)
//	arena:{cid}:rejudges               ZSET    rid -> created (unix ms)
//	scoreboard.AttemptsKey             HASH    sid -> events.Attempt JSON (see scoreboard.RecomputeLua)
//	arena:jobs                         STREAM  fields: sid, gen[, rejudge]; consumer group "judges"
//	arena:judges                       HASH    judge worker -> last asked for a job (Unix ms)
//
// The key functions are in keys.go. The scripts take every key they touch
// in KEYS; those that recompute the board pass scoreboard.RecomputeKeys first.
package submission

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/internal/telemetry"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/scoreboard"
)

// ErrNotFound is returned for an unknown submission.
var ErrNotFound = errors.New("submission not found")

// Status is where a submission is in its life.
type Status = events.Status

// Statuses.
const (
	Queued  = events.Queued
	Judging = events.Judging
	Done    = events.Done
)

// Submission is one attempt at a challenge.
type Submission struct {
	ID         string         `json:"id"`
	Contest    string         `json:"contest"`
	Challenge  string         `json:"challenge"`
	Contestant string         `json:"contestant"`
	Language   string         `json:"language"`
	Status     Status         `json:"status"`
	Outcome    string         `json:"outcome"`
	Score      float64        `json:"score"`
	MaxScore   float64        `json:"max_score"`
	Tests      []verdict.Test `json:"tests"`
	Message    string         `json:"message,omitempty"`
	// Text is Message as a code and its arguments (verdict.Result.Text).
	message.Text
	// PublicScore is the score on the public rows (predictions).
	PublicScore *float64 `json:"public_score,omitempty"`
	// Override is the reason when the jury set the result by hand.
	Override    string     `json:"override,omitempty"`
	SubmittedAt time.Time  `json:"submitted_at"`
	JudgedAt    *time.Time `json:"judged_at"`
	// Blob is the hash of the submitted file in the blob store.
	Blob     string `json:"-"`
	FileName string `json:"file_name"`
	// Elapsed is the submission time in seconds from the contest start.
	Elapsed int64  `json:"-"`
	Gen     int64  `json:"-"`
	Worker  string `json:"-"`
}

var sidRE = regexp.MustCompile(`^([a-z0-9][a-z0-9-]{0,62})-([0-9]{1,12})$`)

// SplitID returns the contest and number of a submission id "{cid}-{n}".
func SplitID(sid string) (cid string, n int64, ok bool) {
	m := sidRE.FindStringSubmatch(sid)
	if m == nil {
		return "", 0, false
	}
	n, err := strconv.ParseInt(m[2], 10, 64)
	return m[1], n, err == nil
}

// Store keeps submissions in Redis.
type Store struct {
	rdb      redis.UniversalClient
	now      func() time.Time
	replicas replicas
	// metrics counts applied results by outcome; nil counts nothing.
	metrics *telemetry.Metrics
}

// NewStore returns a store on rdb.
func NewStore(rdb redis.UniversalClient) *Store {
	return &Store{rdb: rdb, now: time.Now}
}

// New describes a submission being made.
type New struct {
	Contest    string
	Challenge  string
	Contestant string
	Language   string
	FileName   string
	Blob       string
	MaxScore   float64
	// Elapsed is seconds since the contest start.
	Elapsed int64
	// At is when it was made; zero: now. Only Record gives it, for a
	// submission graded before it reached this platform.
	At time.Time
	// Limits are the contest's rules for the submission; none when zero.
	Limits Limits
}

// Get returns the submission with id sid.
func (s *Store) Get(ctx context.Context, sid string) (Submission, error) {
	cid, num, ok := SplitID(sid)
	if !ok {
		return Submission{}, ErrNotFound
	}
	m, err := s.rdb.HGetAll(ctx, subKey(cid, num)).Result()
	if err != nil {
		return Submission{}, fmt.Errorf("load submission %s: %w", sid, err)
	}
	if len(m) == 0 {
		return Submission{}, ErrNotFound
	}
	return decode(m)
}

func decode(m map[string]string) (Submission, error) {
	sub := Submission{
		ID: m["id"], Contest: m["contest"], Challenge: m["challenge"], Contestant: m["contestant"],
		Language: m["language"], Status: Status(m["status"]), Outcome: m["outcome"],
		Message: m["message"], Blob: m["blob"], FileName: m["file_name"], Worker: m["worker"],
		Tests: []verdict.Test{},
	}
	num := func(k string) float64 { f, _ := strconv.ParseFloat(m[k], 64); return f }
	sub.Score, sub.MaxScore = num("score"), num("max_score")
	sub.Elapsed, sub.Gen = int64(num("elapsed")), int64(num("gen"))
	sub.SubmittedAt = time.UnixMilli(int64(num("submitted_at"))).UTC()
	if v, ok := m["public_score"]; ok {
		ps, _ := strconv.ParseFloat(v, 64)
		sub.PublicScore = &ps
	}
	sub.Override = m["override"]
	if v := m["judged_at"]; v != "" {
		t := time.UnixMilli(int64(num("judged_at"))).UTC()
		sub.JudgedAt = &t
	}
	if v := m["message_text"]; v != "" {
		if err := json.Unmarshal([]byte(v), &sub.Text); err != nil {
			return Submission{}, fmt.Errorf("decode the message of %s: %w", sub.ID, err)
		}
	}
	if v := m["tests"]; v != "" {
		if err := json.Unmarshal([]byte(v), &sub.Tests); err != nil {
			return Submission{}, fmt.Errorf("decode tests of %s: %w", sub.ID, err)
		}
	}
	return sub, nil
}

// keysOf lists the keys the result scripts touch: scoreboard.RecomputeKeys,
// then the submission and the events.
func keysOf(sub Submission) []string {
	cid, num, _ := SplitID(sub.ID)
	return append(scoreboard.RecomputeKeys(cid, sub.Contestant, sub.Challenge), subKey(cid, num), events.Key(cid))
}

// Filter narrows a list of submissions; empty fields match all.
type Filter struct {
	Challenge  string
	Contestant string
	Outcome    string
	// Contestants, when not nil, are the only contestants matched (a search).
	Contestants map[string]bool
	// Before, when positive, matches only submissions numbered below it:
	// the next page of a list.
	Before int64
}

// Match reports whether submission s passes the filter.
func (f Filter) Match(s Submission) bool {
	_, n, _ := SplitID(s.ID)
	return (f.Challenge == "" || s.Challenge == f.Challenge) &&
		(f.Contestant == "" || s.Contestant == f.Contestant) &&
		(f.Contestants == nil || f.Contestants[s.Contestant]) &&
		(f.Before <= 0 || n < f.Before) &&
		(f.Outcome == "" || s.Outcome == f.Outcome || f.Outcome == string(s.Status))
}

// List returns contest cid's submissions matching f, newest first, at most
// limit, looking through at most the newest scan submissions.
func (s *Store) List(ctx context.Context, cid string, f Filter, limit, scan int64) ([]Submission, error) {
	top := "+inf"
	if f.Before > 0 {
		top = "(" + strconv.FormatInt(f.Before, 10)
	}
	ids, err := s.rdb.ZRevRangeByScore(ctx, indexKey(cid), &redis.ZRangeBy{Max: top, Min: "-inf", Count: scan}).Result()
	if err != nil {
		return nil, fmt.Errorf("list submissions of %s: %w", cid, err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, sid := range ids {
			c, n, _ := SplitID(sid)
			cmds[i] = p.HGetAll(ctx, subKey(c, n))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list submissions of %s: %w", cid, err)
	}
	out := []Submission{}
	for _, cmd := range cmds {
		if len(cmd.Val()) == 0 {
			continue
		}
		sub, err := decode(cmd.Val())
		if err != nil {
			return nil, err
		}
		if f.Match(sub) {
			out = append(out, sub)
			if int64(len(out)) >= limit {
				break
			}
		}
	}
	return out, nil
}
