package submission

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/scoreboard"
)

// A rejudge grades submissions again without touching their results: each
// new result goes into the batch, which then previews what would change.
// Applying the batch stores the changed results (a new generation, so late
// jobs of the old one are ignored); cancelling drops it.
// A batch's hash holds "_meta" -> batchMeta JSON, sid -> BatchEntry JSON
// and "r:{sid}" -> the new verdict.Result JSON.

// Batch states.
const (
	BatchRunning   = "running"   // results still coming
	BatchReady     = "ready"     // every result is in: preview complete
	BatchApplied   = "applied"   // changes stored
	BatchCancelled = "cancelled" // dropped
)

// ErrBatchNotFound is returned for an unknown rejudge batch.
var ErrBatchNotFound = errors.New("rejudge not found")

// ErrBatchClosed is returned when a batch was already applied or cancelled.
var ErrBatchClosed = errors.New("rejudge already applied or cancelled")

// BatchEntry is one submission in a rejudge batch.
type BatchEntry struct {
	Submission string          `json:"submission"`
	Contestant string          `json:"contestant"`
	Challenge  string          `json:"challenge"`
	Gen        int64           `json:"gen"`
	OldOutcome string          `json:"old_outcome"`
	OldScore   float64         `json:"old_score"`
	New        *verdict.Result `json:"new,omitempty"`
	Changed    bool            `json:"changed"`
	// Skipped says why an entry was not applied (e.g. changed meanwhile).
	Skipped string `json:"skipped,omitempty"`
	// SkippedText is Skipped as a message code (internal/message); batches
	// applied before it have Skipped alone.
	SkippedText message.Text `json:"skipped_text,omitzero"`
}

// skip marks e as not applied, for the reason message code says.
func (e *BatchEntry) skip(code string) {
	e.SkippedText = message.New(code)
	e.Skipped = e.SkippedText.String()
}

// Batch is a rejudge and its preview.
type Batch struct {
	ID      string       `json:"id"`
	Contest string       `json:"contest"`
	Who     string       `json:"who"`
	Reason  string       `json:"reason"`
	Created time.Time    `json:"created"`
	State   string       `json:"state"`
	Entries []BatchEntry `json:"entries"`
}

type batchMeta struct {
	Who     string    `json:"who"`
	Reason  string    `json:"reason"`
	Created time.Time `json:"created"`
	State   string    `json:"state"`
}

// Select returns the ids of contest cid's submissions to one challenge, by
// one contestant, or both; empty arguments match all.
func (s *Store) Select(ctx context.Context, cid, challenge, contestant string) ([]string, error) {
	cells, err := scoreboard.ListAttempted(ctx, s.rdb, cid, contestant, challenge)
	if err != nil {
		return nil, err
	}
	cmds := make([]*redis.StringSliceCmd, len(cells))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range cells {
			cmds[i] = p.HKeys(ctx, scoreboard.AttemptsKey(cid, c.User, c.Slug))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list submissions of %s: %w", cid, err)
	}
	var sids []string
	for _, c := range cmds {
		sids = append(sids, c.Val()...)
	}
	sort.Slice(sids, func(i, j int) bool {
		_, a, _ := SplitID(sids[i])
		_, b, _ := SplitID(sids[j])
		return a < b
	})
	return sids, nil
}

// StartRejudge grades the given submissions of contest cid again, as a
// preview; nothing changes until ApplyRejudge.
func (s *Store) StartRejudge(ctx context.Context, cid string, sids []string, who, reason string) (*Batch, error) {
	if len(sids) == 0 {
		return nil, errors.New("no submissions to rejudge")
	}
	rid := strings.ToLower(rand.Text()[:10])
	meta := batchMeta{Who: who, Reason: reason, Created: s.now().UTC(), State: BatchRunning}
	mb, _ := json.Marshal(meta)
	fields := []any{"_meta", string(mb)}
	var jobs []*redis.XAddArgs
	for _, sid := range sids {
		sub, err := s.Get(ctx, sid)
		if err != nil {
			return nil, fmt.Errorf("rejudge %s: %w", sid, err)
		}
		if sub.Contest != cid {
			return nil, fmt.Errorf("rejudge %s: not a submission of %s", sid, cid)
		}
		e := BatchEntry{Submission: sid, Contestant: sub.Contestant, Challenge: sub.Challenge, Gen: sub.Gen,
			OldOutcome: sub.Outcome, OldScore: sub.Score}
		eb, _ := json.Marshal(e)
		fields = append(fields, sid, string(eb))
		jobs = append(jobs, &redis.XAddArgs{Stream: JobsKey, Values: []any{"sid", sid, "gen", sub.Gen, "rejudge", rid}})
	}
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, rejudgeKey(cid, rid), fields...)
		p.ZAdd(ctx, rejudgesKey(cid), redis.Z{Score: float64(meta.Created.UnixMilli()), Member: rid})
		for _, j := range jobs {
			p.XAdd(ctx, j)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("start rejudge in %s: %w", cid, err)
	}
	return s.Rejudge(ctx, cid, rid)
}

// storeRejudgeScript puts a rejudge result into its batch and acknowledges the job.
//
//	KEYS: batch, jobs;  ARGV: sid, result JSON, group, stream id
var storeRejudgeScript = redis.NewScript(`
redis.call('XACK', KEYS[2], ARGV[3], ARGV[4])
redis.call('XDEL', KEYS[2], ARGV[4])
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'r:' .. ARGV[1], ARGV[2])
return 1
`)

// StoreRejudge records a rejudge job's result in its batch.
func (s *Store) StoreRejudge(ctx context.Context, job *Job, res verdict.Result) error {
	cid, _, ok := SplitID(job.SID)
	if !ok {
		return fmt.Errorf("store rejudge result: bad submission id %q", job.SID)
	}
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("encode rejudge result of %s: %w", job.SID, err)
	}
	err = storeRejudgeScript.Run(ctx, s.rdb, []string{rejudgeKey(cid, job.Rejudge), JobsKey},
		job.SID, b, Group, job.StreamID).Err()
	if err != nil {
		return fmt.Errorf("store rejudge result of %s: %w", job.SID, err)
	}
	return nil
}

// Rejudge returns a batch and its preview.
func (s *Store) Rejudge(ctx context.Context, cid, rid string) (*Batch, error) {
	m, err := s.rdb.HGetAll(ctx, rejudgeKey(cid, rid)).Result()
	if err != nil {
		return nil, fmt.Errorf("read rejudge %s: %w", rid, err)
	}
	raw, ok := m["_meta"]
	if !ok {
		return nil, ErrBatchNotFound
	}
	var meta batchMeta
	if err := json.Unmarshal([]byte(raw), &meta); err != nil {
		return nil, fmt.Errorf("decode rejudge %s: %w", rid, err)
	}
	b := &Batch{ID: rid, Contest: cid, Who: meta.Who, Reason: meta.Reason, Created: meta.Created, State: meta.State}
	done := true
	for k, v := range m {
		if k == "_meta" || strings.HasPrefix(k, "r:") {
			continue
		}
		var e BatchEntry
		if err := json.Unmarshal([]byte(v), &e); err != nil {
			return nil, fmt.Errorf("decode rejudge entry %s: %w", k, err)
		}
		if raw, ok := m["r:"+k]; ok {
			var r verdict.Result
			if err := json.Unmarshal([]byte(raw), &r); err != nil {
				return nil, fmt.Errorf("decode rejudge result %s: %w", k, err)
			}
			e.New = &r
		}
		if e.New == nil {
			done = false
		} else {
			e.Changed = string(e.New.Outcome) != e.OldOutcome || e.New.Score != e.OldScore
		}
		b.Entries = append(b.Entries, e)
	}
	sort.Slice(b.Entries, func(i, j int) bool {
		_, x, _ := SplitID(b.Entries[i].Submission)
		_, y, _ := SplitID(b.Entries[j].Submission)
		return x < y
	})
	if b.State == BatchRunning && done {
		b.State = BatchReady
	}
	return b, nil
}

// Rejudges returns contest cid's latest rejudges, newest first, at most limit.
func (s *Store) Rejudges(ctx context.Context, cid string, limit int64) ([]*Batch, error) {
	rids, err := s.rdb.ZRevRange(ctx, rejudgesKey(cid), 0, limit-1).Result()
	if err != nil {
		return nil, fmt.Errorf("list rejudges of %s: %w", cid, err)
	}
	out := make([]*Batch, 0, len(rids))
	for _, rid := range rids {
		b, err := s.Rejudge(ctx, cid, rid)
		if errors.Is(err, ErrBatchNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func (s *Store) setBatchState(ctx context.Context, cid, rid string, b *Batch, state string, changed ...BatchEntry) error {
	mb, _ := json.Marshal(batchMeta{Who: b.Who, Reason: b.Reason, Created: b.Created, State: state})
	fields := []any{"_meta", mb}
	for _, e := range changed {
		e.New = nil // kept under "r:{sid}"
		eb, _ := json.Marshal(e)
		fields = append(fields, e.Submission, eb)
	}
	if err := s.rdb.HSet(ctx, rejudgeKey(cid, rid), fields...).Err(); err != nil {
		return fmt.Errorf("update rejudge %s: %w", rid, err)
	}
	b.State = state
	return nil
}

// CancelRejudge drops a batch; results still arriving are ignored.
func (s *Store) CancelRejudge(ctx context.Context, cid, rid string) (*Batch, error) {
	b, err := s.Rejudge(ctx, cid, rid)
	if err != nil {
		return nil, err
	}
	if b.State == BatchApplied || b.State == BatchCancelled {
		return nil, ErrBatchClosed
	}
	return b, s.setBatchState(ctx, cid, rid, b, BatchCancelled)
}

// ApplyRejudge stores every changed result of a batch. A submission whose
// result changed since the batch started (another rejudge or an override)
// is skipped and says so, also when the batch is read again.
func (s *Store) ApplyRejudge(ctx context.Context, cid, rid string) (*Batch, error) {
	b, err := s.Rejudge(ctx, cid, rid)
	if err != nil {
		return nil, err
	}
	if b.State == BatchApplied || b.State == BatchCancelled {
		return nil, ErrBatchClosed
	}
	var skipped []BatchEntry
	for i := range b.Entries {
		e := &b.Entries[i]
		if e.New == nil {
			e.skip("rejudge.not_graded")
			skipped = append(skipped, *e)
			continue
		}
		if !e.Changed {
			continue
		}
		ok, err := s.setResult(ctx, e.Submission, e.Gen, *e.New)
		if err != nil {
			return nil, err
		}
		if !ok {
			e.skip("rejudge.changed_meanwhile")
			skipped = append(skipped, *e)
		}
	}
	return b, s.setBatchState(ctx, cid, rid, b, BatchApplied, skipped...)
}

// setResultScript replaces a submission's result under a new generation.
//
//	KEYS: scoreboard.RecomputeKeys, sub, events
//	ARGV: expected gen ("" for any), override reason, then resultArgs
//	returns: 1 stored, 0 the generation moved on
var setResultScript = redis.NewScript(scoreboard.RecomputeLua() + storeResultLua + `
local gen = redis.call('HGET', KEYS[8], 'gen')
if not gen or (ARGV[1] ~= '' and gen ~= ARGV[1]) then return 0 end
redis.call('HINCRBY', KEYS[8], 'gen', 1)
if ARGV[2] ~= '' then redis.call('HSET', KEYS[8], 'override', ARGV[2]) else redis.call('HDEL', KEYS[8], 'override') end
storeResult(resultAt(3))
return 1
`)

func (s *Store) setResult(ctx context.Context, sid string, gen int64, res verdict.Result) (bool, error) {
	return s.replaceResult(ctx, sid, fmt.Sprint(gen), res, "")
}

func (s *Store) replaceResult(ctx context.Context, sid, gen string, res verdict.Result, reason string) (bool, error) {
	sub, err := s.Get(ctx, sid)
	if err != nil {
		return false, err
	}
	args, err := s.resultArgs(sub, res)
	if err != nil {
		return false, err
	}
	n, err := setResultScript.Run(ctx, s.rdb, keysOf(sub), append([]any{gen, reason}, args...)...).Int()
	if err != nil {
		return false, fmt.Errorf("store result of %s: %w", sid, err)
	}
	return n == 1, nil
}

// Override sets a submission's outcome and score by hand, for reason. Any
// grading still under way for it is ignored when it finishes.
func (s *Store) Override(ctx context.Context, sid string, outcome verdict.Outcome, score float64, reason string) (Submission, error) {
	sub, err := s.Get(ctx, sid)
	if err != nil {
		return Submission{}, err
	}
	if score < 0 || score > sub.MaxScore {
		return Submission{}, fmt.Errorf("score must be in 0..%v", sub.MaxScore)
	}
	res := verdict.Result{Outcome: outcome, Score: score, MaxScore: sub.MaxScore, Tests: sub.Tests,
		Message: sub.Message, Text: sub.Text, Worker: "override"}
	if _, err := s.replaceResult(ctx, sid, "", res, reason); err != nil {
		return Submission{}, err
	}
	return s.Get(ctx, sid)
}
