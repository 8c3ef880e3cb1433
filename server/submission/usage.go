package submission

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/scoreboard"
)

// Usage is what a contestant has submitted so far, for the contest's limits.
type Usage struct {
	// Total counts submissions to every challenge.
	Total int
	// InWindow counts submissions to the one challenge within the window asked for.
	InWindow int
	// Solved reports whether the contestant already solved that challenge.
	Solved bool
}

// Usage counts contestant user's submissions in contest cid over slugs, and
// on slug those made from from to to (seconds from the start, to exclusive).
func (s *Store) Usage(ctx context.Context, cid, user string, slugs []string, slug string, from, to int64) (Usage, error) {
	cmds := make([]*redis.StringSliceCmd, len(slugs))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, sl := range slugs {
			cmds[i] = p.HVals(ctx, scoreboard.AttemptsKey(cid, user, sl))
		}
		return nil
	})
	if err != nil {
		return Usage{}, fmt.Errorf("count submissions of %s in %s: %w", user, cid, err)
	}
	var u Usage
	for i, cmd := range cmds {
		for _, raw := range cmd.Val() {
			var a struct {
				S  string  `json:"s"`
				Sc float64 `json:"sc"`
				Mx float64 `json:"mx"`
				T  int64   `json:"t"`
				O  string  `json:"o"`
			}
			if err := json.Unmarshal([]byte(raw), &a); err != nil {
				return Usage{}, fmt.Errorf("decode attempt of %s: %w", user, err)
			}
			// Every submission counts, a system error too: what a submission
			// causes is its own verdict, and the platform's rare faults are
			// rejudged; none may be a free attempt.
			u.Total++
			if slugs[i] != slug {
				continue
			}
			if a.T >= from && a.T < to {
				u.InWindow++
			}
			if a.S == string(Done) && (a.O == "accepted" || a.Mx > 0 && a.Sc >= a.Mx) {
				u.Solved = true
			}
		}
	}
	return u, nil
}

// gapKey marks a contestant's last submission for the minimum interval.
func gapKey(cid, user string) string { return "arena:{" + cid + "}:gap:" + user }

// TakeGap reports whether user may submit now under a minimum interval,
// and if so starts the interval.
func (s *Store) TakeGap(ctx context.Context, cid, user string, interval time.Duration) (bool, error) {
	if interval <= 0 {
		return true, nil
	}
	ok, err := s.rdb.SetNX(ctx, gapKey(cid, user), 1, interval).Result()
	if err != nil {
		return false, fmt.Errorf("check submission interval: %w", err)
	}
	return ok, nil
}
