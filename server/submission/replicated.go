package submission

import (
	"bufio"
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrUnconfirmed: the submission is recorded on the Redis master, but no
// replica confirmed it in time, so a failover could still lose it.
var ErrUnconfirmed = errors.New("submission recorded but not yet confirmed by a Redis replica")

const (
	// replicaCheck is how stale the master's replica count may get.
	replicaCheck = 2 * time.Second
	// confirmWait is how long a write waits for a replica.
	confirmWait = 2 * time.Second
)

// replicas is how many replicas the master had when last asked.
type replicas struct {
	mu      sync.Mutex
	n       int
	checked time.Time
}

// replicaCount returns how many replicas the master has, asking it at most
// every replicaCheck; one caller asks while the others go on with the last
// answer. When it cannot tell, it keeps its last answer: the write that
// follows reports a Redis that is down.
func (s *Store) replicaCount(ctx context.Context) int {
	r := &s.replicas
	r.mu.Lock()
	n, now := r.n, time.Now()
	ask := now.Sub(r.checked) >= replicaCheck
	if ask {
		r.checked = now
	}
	r.mu.Unlock()
	if !ask {
		return n
	}
	if info, err := s.rdb.Info(ctx, "replication").Result(); err == nil {
		n = connectedReplicas(info)
		r.mu.Lock()
		r.n = n
		r.mu.Unlock()
	}
	return n
}

// connectedReplicas reads connected_slaves from INFO replication.
func connectedReplicas(info string) int {
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "connected_slaves:"); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

// runReplicated runs script and, where the master has replicas, returns
// only once one of them holds its writes (WAIT, on the same connection in
// one pipeline): what is acknowledged survives a failover. A script the
// new master of a failover has not cached is sent whole.
func (s *Store) runReplicated(ctx context.Context, script *redis.Script, keys []string, args ...any) *redis.Cmd {
	if s.replicaCount(ctx) == 0 {
		return script.Run(ctx, s.rdb, keys, args...)
	}
	run := func(whole bool) (cmd, wait *redis.Cmd) {
		_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			if whole {
				cmd = script.Eval(ctx, p, keys, args...)
			} else {
				cmd = script.EvalSha(ctx, p, keys, args...)
			}
			wait = p.Do(ctx, "wait", 1, confirmWait.Milliseconds())
			return nil
		})
		return cmd, wait
	}
	cmd, wait := run(false)
	if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		cmd, wait = run(true)
	}
	if acks, err := wait.Int64(); cmd.Err() == nil && (err != nil || acks < 1) {
		cmd.SetErr(ErrUnconfirmed)
	}
	return cmd
}
