package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Backoff lets the first Free attempts for a key go at once; from then on
// each attempt must wait longer after the one before: Base, doubling, up
// to Max. A success (Reset) starts over, and the count is forgotten Window
// after the last attempt. Unlike a fixed limit it never locks a key out:
// whoever comes after the wait is heard, so a guesser slows the holder of
// an account down by at most Max.
type Backoff struct {
	rdb               redis.UniversalClient
	name              string
	Free              int64
	Base, Max, Window time.Duration
	now               func() time.Time
}

// NewBackoff returns a backoff called name (it prefixes the keys); free <= 0
// turns it off.
func NewBackoff(rdb redis.UniversalClient, name string, free int64, base, max, window time.Duration) *Backoff {
	return &Backoff{rdb: rdb, name: name, Free: free, Base: base, Max: max, Window: window, now: time.Now}
}

// attemptScript counts an attempt unless it comes too early.
// KEYS: the hash. ARGV: now (ms), free, base (ms), max (ms), window (ms).
// Returns the ms still to wait (0: counted, go ahead).
var attemptScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local wait = tonumber(redis.call('HGET', KEYS[1], 'until') or '0') - now
if wait > 0 then return wait end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
local free, base, max = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if n >= free then
  redis.call('HSET', KEYS[1], 'until', now + math.min(base * 2 ^ math.min(n - free, 40), max))
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]) + max)
return 0
`)

// Attempt counts an attempt for key, before it is known to fail, unless
// the key must still wait: then it counts nothing and says how long.
func (b *Backoff) Attempt(ctx context.Context, key string) (time.Duration, error) {
	if b.Free <= 0 {
		return 0, nil
	}
	ms, err := attemptScript.Run(ctx, b.rdb, []string{b.key(key)}, b.now().UnixMilli(), b.Free,
		b.Base.Milliseconds(), b.Max.Milliseconds(), b.Window.Milliseconds()).Int64()
	if err != nil {
		return 0, fmt.Errorf("backoff %s: %w", b.name, err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Reset forgets key's attempts, after one succeeded.
func (b *Backoff) Reset(ctx context.Context, key string) error {
	if b.Free <= 0 {
		return nil
	}
	if err := b.rdb.Del(ctx, b.key(key)).Err(); err != nil {
		return fmt.Errorf("backoff %s: %w", b.name, err)
	}
	return nil
}

func (b *Backoff) key(key string) string { return "arena:rl:backoff:" + b.name + ":" + key }
