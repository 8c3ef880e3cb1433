package submission

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/internal/telemetry"
	"github.com/skillarena/arena/server/events"
)

// CountResults makes Apply count every result it applies in m, by outcome
// (arena_submissions_judged_total). Call it before the store is used.
func (s *Store) CountResults(m *telemetry.Metrics) { s.metrics = m }

// group returns the judges' consumer group, and whether it exists yet: no
// judge has started on a fresh Redis, so asking for it fails there.
func (s *Store) group(ctx context.Context) (redis.XInfoGroup, bool, error) {
	n, err := s.rdb.Exists(ctx, JobsKey).Result()
	if err != nil {
		return redis.XInfoGroup{}, false, fmt.Errorf("find the queue: %w", err)
	}
	if n == 0 {
		return redis.XInfoGroup{}, false, nil
	}
	groups, err := s.rdb.XInfoGroups(ctx, JobsKey).Result()
	if err != nil {
		return redis.XInfoGroup{}, false, fmt.Errorf("find the judges' group: %w", err)
	}
	for _, g := range groups {
		if g.Name == Group {
			return g, true, nil
		}
	}
	return redis.XInfoGroup{}, false, nil
}

// QueueStats reads the queue and its judges for the metrics
// (telemetry.QueueSource): how many jobs wait or are graded, the oldest
// one's age, the judge workers online (Workers) and busy.
func (s *Store) QueueStats(ctx context.Context) (telemetry.QueueStats, error) {
	var st telemetry.QueueStats
	g, ok, err := s.group(ctx)
	if err != nil {
		return st, err
	}
	if st.Jobs, err = s.rdb.XLen(ctx, JobsKey).Result(); err != nil {
		return st, fmt.Errorf("queue length: %w", err)
	}
	oldest, err := s.rdb.XRangeN(ctx, JobsKey, "-", "+", 1).Result()
	if err != nil {
		return st, fmt.Errorf("oldest job: %w", err)
	}
	if len(oldest) == 1 {
		if id, err := events.ParseID(oldest[0].ID); err == nil {
			st.OldestAge = max(0, s.now().Sub(time.UnixMilli(int64(id.MS))))
		}
	}
	if !ok {
		return st, nil
	}
	st.Grading = g.Pending
	workers, err := s.Workers(ctx)
	if err != nil {
		return st, err
	}
	st.JudgesOnline = len(workers)
	for _, w := range workers {
		if w.Busy {
			st.JudgesBusy++
		}
	}
	return st, nil
}
