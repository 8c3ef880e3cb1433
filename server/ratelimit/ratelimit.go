// Package ratelimit counts actions per key in fixed windows (Limiter) and
// spaces out repeated attempts (Backoff), shared by every serve replica
// through Redis.
//
// Redis keys:
//
//	arena:rl:{name}:{key}:{window}   STRING  counter; expires after the window
//	arena:rl:backoff:{name}:{key}    HASH    n (attempts), until (Unix ms the next may come)
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limiter allows at most Max actions per Window for each key.
type Limiter struct {
	rdb    redis.UniversalClient
	name   string
	Max    int64
	Window time.Duration
	now    func() time.Time
}

// New returns a limiter called name (it prefixes the keys).
func New(rdb redis.UniversalClient, name string, max int64, window time.Duration) *Limiter {
	return &Limiter{rdb: rdb, name: name, Max: max, Window: window, now: time.Now}
}

// Allow counts one action for key and reports whether it is within the
// limit; when not, it also returns how long until the window resets.
func (l *Limiter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	n, reset, err := l.Hit(ctx, key)
	if err != nil {
		return false, 0, err
	}
	return l.Max <= 0 || n <= l.Max, reset, nil
}

// Hit counts one action for key and returns the count in this window and
// how long until it resets.
func (l *Limiter) Hit(ctx context.Context, key string) (int64, time.Duration, error) {
	k, reset := l.key(key)
	var incr *redis.IntCmd
	_, err := l.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.Incr(ctx, k)
		p.Expire(ctx, k, l.Window+time.Second)
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("rate limit %s: %w", l.name, err)
	}
	return incr.Val(), reset, nil
}

// undoScript takes one action back, leaving no counter behind if the window
// ended meanwhile. KEYS: the counter. Returns the count left.
var undoScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('DECR', KEYS[1])
`)

// Undo takes back one action Hit counted for key, as for an attempt counted
// before it was known to be a failure.
func (l *Limiter) Undo(ctx context.Context, key string) error {
	k, _ := l.key(key)
	if err := undoScript.Run(ctx, l.rdb, []string{k}).Err(); err != nil {
		return fmt.Errorf("rate limit %s: %w", l.name, err)
	}
	return nil
}

// Exceeded reports, without counting, whether key has used up this window.
func (l *Limiter) Exceeded(ctx context.Context, key string) (bool, time.Duration, error) {
	if l.Max <= 0 {
		return false, 0, nil
	}
	k, reset := l.key(key)
	n, err := l.rdb.Get(ctx, k).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, 0, fmt.Errorf("rate limit %s: %w", l.name, err)
	}
	return n >= l.Max, reset, nil
}

func (l *Limiter) key(key string) (string, time.Duration) {
	now := l.now()
	win := now.UnixNano() / int64(l.Window)
	reset := time.Unix(0, (win+1)*int64(l.Window)).Sub(now)
	return "arena:rl:" + l.name + ":" + key + ":" + strconv.FormatInt(win, 10), reset
}
