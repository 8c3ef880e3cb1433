package submission

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	gen, _ := strconv.ParseInt(fmt.Sprint(m.Values["gen"]), 10, 64)
	j := &Job{StreamID: m.ID, SID: sid, Gen: gen, Deliveries: 1}
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
//	KEYS: sub, events;  ARGV: gen, worker, events maxlen
var judgingScript = redis.NewScript(`
local st = redis.call('HMGET', KEYS[1], 'status', 'gen', 'id', 'challenge', 'contestant')
if not st[3] or st[1] == 'done' or st[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', 'judging', 'worker', ARGV[2])
local sub = cjson.encode({id = st[3], challenge = st[4], contestant = st[5], status = 'judging'})
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'type', 'judging', 'data', '{"submission":' .. sub .. '}')
return 1
`)

// MarkJudging records that worker started grading the job's submission.
func (s *Store) MarkJudging(ctx context.Context, job *Job, worker string) error {
	cid, num, ok := SplitID(job.SID)
	if !ok {
		return fmt.Errorf("mark judging: bad submission id %q", job.SID)
	}
	err := judgingScript.Run(ctx, s.rdb, []string{subKey(cid, num), events.Key(cid)},
		job.Gen, worker, events.MaxLen).Err()
	if err != nil {
		return fmt.Errorf("mark %s judging: %w", job.SID, err)
	}
	return nil
}

// applyScript stores a result, recomputes the board from the contestant's
// attempts, appends the event and acknowledges the job, all at once. A result
// for a finished submission or an older generation only acknowledges the job.
//
//	KEYS: sub, attempts, events, jobs
//	ARGV: gen, stream id, group, outcome, score, max_score, tests JSON,
//	      message, worker, judged_at (unix ms), events maxlen, board prefix,
//	      public score ("" when none)
//	returns: 1 applied, 0 already applied or stale
var applyScript = redis.NewScript(scoreboard.RecomputeLua + `
local function ack()
  redis.call('XACK', KEYS[4], ARGV[3], ARGV[2])
  redis.call('XDEL', KEYS[4], ARGV[2])
end
local st = redis.call('HMGET', KEYS[1], 'status', 'gen', 'id', 'challenge', 'contestant', 'elapsed')
if not st[3] or st[1] == 'done' or st[2] ~= ARGV[1] then
  ack()
  return 0
end
redis.call('HSET', KEYS[1], 'status', 'done', 'outcome', ARGV[4], 'score', ARGV[5],
  'max_score', ARGV[6], 'tests', ARGV[7], 'message', ARGV[8], 'worker', ARGV[9], 'judged_at', ARGV[10])
if ARGV[13] ~= '' then
  redis.call('HSET', KEYS[1], 'public_score', ARGV[13])
else
  redis.call('HDEL', KEYS[1], 'public_score')
end
local n = tonumber(string.match(st[3], '(%d+)$'))
redis.call('HSET', KEYS[2], st[3], cjson.encode({n = n, s = 'done', sc = tonumber(ARGV[5]),
  ps = tonumber(ARGV[13]), mx = tonumber(ARGV[6]), t = tonumber(st[6]), o = ARGV[4]}))
local row, prow = recompute(ARGV[12], st[5], st[4])
local sub = cjson.encode({id = st[3], challenge = st[4], contestant = st[5], status = 'done',
  outcome = ARGV[4], score = tonumber(ARGV[5])})
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[11], '*', 'type', 'verdict',
  'data', '{"submission":' .. sub .. ',"row":' .. row .. ',"public_row":' .. prow .. '}')
ack()
return 1
`)

// Apply stores the result of job in one atomic, idempotent step. It reports
// whether the result was applied (false: it had been already, or is stale).
func (s *Store) Apply(ctx context.Context, job *Job, sub Submission, res verdict.Result) (bool, error) {
	tests, err := json.Marshal(res.Tests)
	if err != nil {
		return false, fmt.Errorf("encode tests of %s: %w", sub.ID, err)
	}
	if res.Tests == nil {
		tests = []byte("[]")
	}
	public := ""
	if res.PublicScore != nil {
		public = strconv.FormatFloat(*res.PublicScore, 'f', -1, 64)
	}
	cid, _, _ := SplitID(sub.ID)
	n, err := applyScript.Run(ctx, s.rdb, s.keysOf(sub), job.Gen, job.StreamID, Group,
		string(res.Outcome), res.Score, res.MaxScore, tests, res.Message, res.Worker,
		s.now().UnixMilli(), events.MaxLen, scoreboard.Prefix(cid), public).Int()
	if err != nil {
		return false, fmt.Errorf("apply result of %s: %w", sub.ID, err)
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
