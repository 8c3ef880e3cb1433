package submission

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/scoreboard"
)

// The queue is a Redis stream read through one consumer group. A job taken
// by a worker stays in the group's pending list, its lease, until the result
// script acknowledges it; a worker renews its lease with Heartbeat, and any
// worker takes over a job whose lease has run out.

// MaxDeliveries is how often a job is handed out before it is given up as a system error.
const MaxDeliveries = 5

// Job is one submission to grade.
type Job struct {
	StreamID   string
	SID        string
	Gen        int64
	Deliveries int64
	// Rejudge names the rejudge batch the job grades for; its result goes
	// to the batch's preview, not to the submission.
	Rejudge string
}

// EnsureGroup creates the judges' consumer group if it does not exist.
func (s *Store) EnsureGroup(ctx context.Context) error {
	err := s.rdb.XGroupCreateMkStream(ctx, JobsKey, Group, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create consumer group: %w", err)
	}
	return nil
}

// Take returns the next job for worker: first one whose lease has expired,
// else a new one, waiting up to block. It returns (nil, nil) when there is none.
func (s *Store) Take(ctx context.Context, worker string, lease, block time.Duration) (*Job, error) {
	if err := s.rdb.HSet(ctx, judgesKey, worker, s.now().UnixMilli()).Err(); err != nil {
		return nil, fmt.Errorf("note judge %s: %w", worker, err)
	}
	claimed, _, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: JobsKey, Group: Group, Consumer: worker, MinIdle: lease, Start: "0-0", Count: 1,
	}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("reclaim expired jobs: %w", err)
	}
	if len(claimed) > 0 {
		return s.job(ctx, claimed[0])
	}
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: Group, Consumer: worker, Streams: []string{JobsKey, ">"}, Count: 1, Block: block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read jobs: %w", err)
	}
	for _, st := range res {
		for _, m := range st.Messages {
			return s.job(ctx, m)
		}
	}
	return nil, nil
}

func (s *Store) job(ctx context.Context, m redis.XMessage) (*Job, error) {
	sid, _ := m.Values["sid"].(string)
	rejudge, _ := m.Values["rejudge"].(string)
	gen, _ := strconv.ParseInt(fmt.Sprint(m.Values["gen"]), 10, 64)
	j := &Job{StreamID: m.ID, SID: sid, Gen: gen, Deliveries: 1, Rejudge: rejudge}
	p, err := s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: JobsKey, Group: Group, Start: m.ID, End: m.ID, Count: 1,
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("read lease of job %s: %w", m.ID, err)
	}
	if len(p) == 1 {
		j.Deliveries = p[0].RetryCount
	}
	return j, nil
}

// heartbeatScript renews a lease if the worker still holds it.
//
//	KEYS: jobs;  ARGV: group, stream id, worker
//	returns: 1 renewed, 0 the lease is lost
var heartbeatScript = redis.NewScript(`
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
return 1
`)

// ErrLeaseLost means another worker took the job over.
var ErrLeaseLost = errors.New("lease lost")

// Heartbeat renews worker's lease on job.
func (s *Store) Heartbeat(ctx context.Context, job *Job, worker string) error {
	n, err := heartbeatScript.Run(ctx, s.rdb, []string{JobsKey}, Group, job.StreamID, worker).Int()
	if err != nil {
		return fmt.Errorf("renew lease of %s: %w", job.SID, err)
	}
	if n == 0 {
		return ErrLeaseLost
	}
	return nil
}

// judgingScript marks a queued submission as being judged.
//
//	KEYS: sub, events;  ARGV: gen, worker, events maxlen, status judging, status done, event type
var judgingScript = redis.NewScript(`
local st = redis.call('HMGET', KEYS[1], 'status', 'gen', 'id', 'challenge', 'contestant')
if not st[3] or st[1] == ARGV[5] or st[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[4], 'worker', ARGV[2])
local data = {submission = {id = st[3], challenge = st[4], contestant = st[5], status = ARGV[4], score = 0}}
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'type', ARGV[6], 'data', cjson.encode(data))
return 1
`)

// MarkJudging records that worker started grading the job's submission.
func (s *Store) MarkJudging(ctx context.Context, job *Job, worker string) error {
	cid, num, ok := SplitID(job.SID)
	if !ok {
		return fmt.Errorf("mark judging: bad submission id %q", job.SID)
	}
	err := judgingScript.Run(ctx, s.rdb, []string{subKey(cid, num), events.Key(cid)},
		job.Gen, worker, events.MaxLen, string(Judging), string(Done), events.TypeJudging).Err()
	if err != nil {
		return fmt.Errorf("mark %s judging: %w", job.SID, err)
	}
	return nil
}

// storeResultLua defines storeResult(a): it writes a result into the
// submission (KEYS[8]) and its attempt, recomputes the contestant's board
// rows and appends a verdict event (KEYS[9]). a holds what resultArgs
// encodes: result, attempt, event data, events maxlen, user, slug, sid, event type.
const storeResultLua = `
local function storeResult(a)
  local r = cjson.decode(a.result)
  redis.call('HSET', KEYS[8], 'status', DONE, 'outcome', r.outcome, 'score', r.score,
    'max_score', r.max_score, 'tests', r.tests, 'message', r.message, 'message_text', r.message_text, 'worker', r.worker, 'judged_at', r.judged_at)
  if type(r.public_score) == 'number' then
    redis.call('HSET', KEYS[8], 'public_score', r.public_score)
  else
    redis.call('HDEL', KEYS[8], 'public_score')
  end
  redis.call('HSET', KEYS[2], a.sid, a.attempt)
  local row, prow = recompute(a.user, a.slug)
  return redis.call('XADD', KEYS[9], 'MAXLEN', '~', a.maxlen, '*', 'type', a.type,
    'data', withRows(a.data, row, prow))
end

local function resultAt(i)
  return {result = ARGV[i], attempt = ARGV[i + 1], data = ARGV[i + 2], maxlen = ARGV[i + 3],
    user = ARGV[i + 4], slug = ARGV[i + 5], sid = ARGV[i + 6], type = ARGV[i + 7]}
end
`

// applyScript stores a result, recomputes the board from the contestant's
// attempts, appends the event and acknowledges the job, all at once. A result
// for a finished submission or an older generation only acknowledges the job.
//
//	KEYS: scoreboard.RecomputeKeys, sub, events, jobs
//	ARGV: gen, stream id, group, then resultArgs
//	returns: 1 applied, 0 already applied or stale
var applyScript = redis.NewScript(scoreboard.RecomputeLua() + storeResultLua + `
redis.call('XACK', KEYS[10], ARGV[3], ARGV[2])
redis.call('XDEL', KEYS[10], ARGV[2])
local st = redis.call('HMGET', KEYS[8], 'status', 'gen', 'id')
if not st[3] or st[1] == DONE or st[2] ~= ARGV[1] then
  return 0
end
storeResult(resultAt(4))
return 1
`)

// result is a result as the scripts store it.
type result struct {
	Outcome     string   `json:"outcome"`
	Score       float64  `json:"score"`
	PublicScore *float64 `json:"public_score"`
	MaxScore    float64  `json:"max_score"`
	Tests       string   `json:"tests"` // JSON, stored as is
	Message     string   `json:"message"`
	MessageText string   `json:"message_text"`
	Worker      string   `json:"worker"`
	JudgedAt    int64    `json:"judged_at"`
}

// resultArgs are the arguments storeResult reads for res of sub: the result,
// the attempt, the verdict event's data, the events maxlen, user, slug, sid, event type.
func (s *Store) resultArgs(sub Submission, res verdict.Result) ([]any, error) {
	tests := []byte("[]")
	if res.Tests != nil {
		var err error
		if tests, err = json.Marshal(res.Tests); err != nil {
			return nil, fmt.Errorf("encode tests of %s: %w", sub.ID, err)
		}
	}
	said := ""
	if !res.Text.IsZero() {
		b, err := json.Marshal(res.Text)
		if err != nil {
			return nil, fmt.Errorf("encode the message of %s: %w", sub.ID, err)
		}
		said = string(b)
	}
	r, err := events.Encode(result{Outcome: string(res.Outcome), Score: res.Score, PublicScore: res.PublicScore,
		MaxScore: res.MaxScore, Tests: string(tests), Message: res.Message, MessageText: said, Worker: res.Worker, JudgedAt: s.now().UnixMilli()})
	if err != nil {
		return nil, err
	}
	_, num, _ := SplitID(sub.ID)
	att, err := events.Encode(events.Attempt{N: num, Status: Done, Score: res.Score, PublicScore: res.PublicScore,
		MaxScore: res.MaxScore, Elapsed: sub.Elapsed, Outcome: res.Outcome})
	if err != nil {
		return nil, err
	}
	data, err := events.Encode(events.SubmissionData{Submission: events.Submission{ID: sub.ID, Challenge: sub.Challenge,
		Contestant: sub.Contestant, Status: Done, Outcome: res.Outcome, Score: res.Score, PublicScore: res.PublicScore}})
	if err != nil {
		return nil, err
	}
	return []any{r, att, data, events.MaxLen, sub.Contestant, sub.Challenge, sub.ID, events.TypeVerdict}, nil
}

// Apply stores the result of job in one atomic, idempotent step. It reports
// whether the result was applied (false: it had been already, or is stale).
func (s *Store) Apply(ctx context.Context, job *Job, sub Submission, res verdict.Result) (bool, error) {
	args, err := s.resultArgs(sub, res)
	if err != nil {
		return false, err
	}
	args = append([]any{job.Gen, job.StreamID, Group}, args...)
	n, err := applyScript.Run(ctx, s.rdb, append(keysOf(sub), JobsKey), args...).Int()
	if err != nil {
		return false, fmt.Errorf("apply result of %s: %w", sub.ID, err)
	}
	if n == 1 {
		s.metrics.Judged(string(res.Outcome))
	}
	return n == 1, nil
}

// Depth returns how many jobs wait or are being graded.
func (s *Store) Depth(ctx context.Context) (int64, error) {
	n, err := s.rdb.XLen(ctx, JobsKey).Result()
	if err != nil {
		return 0, fmt.Errorf("queue depth: %w", err)
	}
	return n, nil
}

// Ack drops a job without a result (its submission no longer exists).
func (s *Store) Ack(ctx context.Context, job *Job) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, JobsKey, Group, job.StreamID)
		p.XDel(ctx, JobsKey, job.StreamID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("drop job %s: %w", job.StreamID, err)
	}
	return nil
}

// QueueEntry is one job in the judging queue.
type QueueEntry struct {
	Submission string `json:"submission"`
	Contest    string `json:"contest"`
	Rejudge    string `json:"rejudge,omitempty"`
	// Worker is empty while the job waits.
	Worker     string `json:"worker,omitempty"`
	WaitingMS  int64  `json:"waiting_ms"`
	LeaseIdle  int64  `json:"lease_idle_ms,omitempty"`
	Deliveries int64  `json:"deliveries"`
}

// Queue lists up to limit jobs, oldest first: those being graded (by which
// worker, since when the lease was renewed) and those waiting.
func (s *Store) Queue(ctx context.Context, limit int64) ([]QueueEntry, error) {
	msgs, err := s.rdb.XRangeN(ctx, JobsKey, "-", "+", limit).Result()
	if err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}
	pend, err := s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: JobsKey, Group: Group, Start: "-", End: "+", Count: limit}).Result()
	if err != nil && !strings.Contains(err.Error(), "NOGROUP") {
		return nil, fmt.Errorf("read leases: %w", err)
	}
	leases := map[string]redis.XPendingExt{}
	for _, p := range pend {
		leases[p.ID] = p
	}
	now := s.now().UnixMilli()
	out := make([]QueueEntry, 0, len(msgs))
	for _, m := range msgs {
		sid, _ := m.Values["sid"].(string)
		rj, _ := m.Values["rejudge"].(string)
		e := QueueEntry{Submission: sid, Contest: ContestOf(sid), Rejudge: rj}
		if id, err := events.ParseID(m.ID); err == nil {
			e.WaitingMS = now - int64(id.MS)
		}
		if p, ok := leases[m.ID]; ok {
			e.Worker, e.LeaseIdle, e.Deliveries = p.Consumer, p.Idle.Milliseconds(), p.RetryCount
		}
		out = append(out, e)
	}
	return out, nil
}

// Worker is a judge worker as the queue sees it.
type Worker struct {
	Name string `json:"name"`
	// Jobs is how many jobs it holds now.
	Jobs   int64 `json:"jobs"`
	IdleMS int64 `json:"idle_ms"`
	Busy   bool  `json:"busy"`
}

// onlineWithin: a worker polls the queue every few seconds, so one silent for
// longer is gone.
const onlineWithin = 30 * time.Second

// forgetAfter is when a silent worker's last-seen entry is dropped.
const forgetAfter = 24 * time.Hour

// Workers lists the judge workers seen recently.
func (s *Store) Workers(ctx context.Context) ([]Worker, error) {
	if _, ok, err := s.group(ctx); err != nil || !ok {
		return []Worker{}, err
	}
	cs, err := s.rdb.XInfoConsumers(ctx, JobsKey, Group).Result()
	if err != nil {
		if strings.Contains(err.Error(), "NOGROUP") || strings.Contains(err.Error(), "no such key") {
			return []Worker{}, nil
		}
		return nil, fmt.Errorf("list judge workers: %w", err)
	}
	seen, err := s.rdb.HGetAll(ctx, judgesKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list judge workers: %w", err)
	}
	// A worker is known by its own last request, and by the jobs it holds:
	// the group lists a consumer only once a job was delivered to it.
	now := s.now()
	idle := map[string]time.Duration{}
	for name, v := range seen {
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
			idle[name] = max(now.Sub(time.UnixMilli(ms)), 0)
		}
	}
	pending := map[string]int64{}
	for _, c := range cs {
		pending[c.Name] = c.Pending
		if d, ok := idle[c.Name]; !ok || c.Idle < d {
			idle[c.Name] = c.Idle
		}
	}
	out := []Worker{}
	var gone []string
	for name, d := range idle {
		jobs := pending[name]
		if d > onlineWithin && jobs == 0 {
			if _, ok := seen[name]; ok && d > forgetAfter {
				gone = append(gone, name)
			}
			continue
		}
		out = append(out, Worker{Name: name, Jobs: jobs, IdleMS: d.Milliseconds(), Busy: jobs > 0})
	}
	slices.SortFunc(out, func(a, b Worker) int { return strings.Compare(a.Name, b.Name) })
	if len(gone) > 0 {
		// Workers gone for long: their entries would only grow the hash.
		if err := s.rdb.HDel(ctx, judgesKey, gone...).Err(); err != nil {
			return nil, fmt.Errorf("forget judge workers: %w", err)
		}
	}
	return out, nil
}

// recordScan is how far back from the newest job Record looks for the job
// its Submit just queued.
const recordScan = 1000

// Record makes a submission whose result is already known (graded before
// it reached the platform, as the demo's finished contest is) through the
// spine's two steps: Submit records and queues it, Apply stores the result
// and removes the job. A worker that took the job meanwhile finds the
// result stored and only acknowledges it.
func (s *Store) Record(ctx context.Context, n New, res verdict.Result) (Submission, error) {
	sub, err := s.Submit(ctx, n)
	if err != nil {
		return Submission{}, err
	}
	msgs, err := s.rdb.XRevRangeN(ctx, JobsKey, "+", "-", recordScan).Result()
	if err != nil {
		return Submission{}, fmt.Errorf("find the job of %s: %w", sub.ID, err)
	}
	for _, m := range msgs {
		if m.Values["sid"] != sub.ID || m.Values["rejudge"] != nil {
			continue
		}
		if _, err := s.Apply(ctx, &Job{StreamID: m.ID, SID: sub.ID, Gen: sub.Gen}, sub, res); err != nil {
			return Submission{}, err
		}
		return s.Get(ctx, sub.ID)
	}
	return Submission{}, fmt.Errorf("record %s: its job is not among the newest %d; a judge grades it", sub.ID, recordScan)
}
