package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
)

// TestIntegrationBackoff: the free attempts go at once, then each waits
// twice as long as the one before, up to the cap; an early attempt is not
// counted, a reset starts over, and other keys are not touched.
func TestIntegrationBackoff(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	b := NewBackoff(testenv.StartRedis(t).Client(), "t", 3, time.Second, 5*time.Second, time.Hour)
	b.now = func() time.Time { return now }
	attempt := func(key string) time.Duration {
		t.Helper()
		wait, err := b.Attempt(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return wait
	}
	for i := range 3 {
		if w := attempt("ann"); w != 0 {
			t.Fatalf("free attempt %d waits %v", i+1, w)
		}
	}
	// The third set a 1 s wait; then 2 s, 4 s, and 5 s at most.
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second} {
		if w := attempt("ann"); w != want {
			t.Fatalf("too early: wait %v, want %v", w, want)
		}
		now = now.Add(want / 2)
		if w := attempt("ann"); w != want-want/2 {
			t.Fatalf("halfway: wait %v, want %v (an early attempt must not count)", w, want-want/2)
		}
		now = now.Add(want - want/2)
		if w := attempt("ann"); w != 0 {
			t.Fatalf("after the wait of %v: still %v", want, w)
		}
	}
	if w := attempt("ben"); w != 0 {
		t.Fatalf("another key waits %v", w)
	}
	if err := b.Reset(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	if w := attempt("ann"); w != 0 {
		t.Fatalf("after a reset: wait %v", w)
	}
}
