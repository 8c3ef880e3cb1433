// Package ratelimit counts actions per key in fixed windows, shared by every
// serve replica through Redis.
//
// Redis keys:
//
//	arena:rl:{name}:{key}:{window}   STRING  counter; expires after the window
package ratelimit

import (
	"context"
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
	if l.Max <= 0 {
		return true, 0, nil
	}
	now := l.now()
	win := now.UnixNano() / int64(l.Window)
	k := "arena:rl:" + l.name + ":" + key + ":" + strconv.FormatInt(win, 10)
	var incr *redis.IntCmd
	_, err := l.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.Incr(ctx, k)
		p.Expire(ctx, k, l.Window+time.Second)
		return nil
	})
	if err != nil {
		return false, 0, fmt.Errorf("rate limit %s: %w", l.name, err)
	}
	if incr.Val() > l.Max {
		reset := time.Unix(0, (win+1)*int64(l.Window)).Sub(now)
		return false, reset, nil
	}
	return true, 0, nil
}
