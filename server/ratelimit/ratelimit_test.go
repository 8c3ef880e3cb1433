package ratelimit

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
)

func TestIntegrationLimiter(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	now := time.Date(2026, 11, 25, 9, 0, 10, 0, time.UTC)
	l := New(rdb, "t", 3, time.Minute)
	l.now = func() time.Time { return now }

	var got []bool
	for i := 0; i < 4; i++ {
		ok, wait, err := l.Allow(ctx, "ann")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ok)
		if wait != 50*time.Second {
			t.Fatalf("wait = %v, want the 50 s left in the window", wait)
		}
	}
	if !got[0] || !got[2] || got[3] {
		t.Fatalf("allowed %v, want 3 then refused", got)
	}
	if ok, _, _ := l.Allow(ctx, "ben"); !ok {
		t.Fatal("another key must have its own count")
	}
	if over, _, _ := l.Exceeded(ctx, "ann"); !over {
		t.Fatal("Exceeded = false for a used-up key")
	}
	if over, _, _ := l.Exceeded(ctx, "carl"); over {
		t.Fatal("Exceeded = true for an unused key")
	}
	now = now.Add(time.Minute) // a new window
	if ok, _, _ := l.Allow(ctx, "ann"); !ok {
		t.Fatal("a new window must allow again")
	}
	unlimited := New(rdb, "u", 0, time.Minute)
	for i := 0; i < 5; i++ {
		if ok, _, _ := unlimited.Allow(ctx, "x"); !ok {
			t.Fatal("Max 0 means no limit")
		}
	}
	if ttl, _ := rdb.TTL(ctx, "arena:rl:t:ann:"+strconv.FormatInt(now.UnixNano()/int64(time.Minute), 10)).Result(); ttl <= 0 {
		t.Fatalf("counter has no expiry (ttl %v)", ttl)
	}
}

func TestIntegrationUndo(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	now := time.Date(2026, 11, 25, 9, 0, 10, 0, time.UTC)
	l := New(rdb, "t", 2, time.Minute)
	l.now = func() time.Time { return now }

	for range 2 {
		if _, _, err := l.Hit(ctx, "ann"); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Undo(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	if over, _, _ := l.Exceeded(ctx, "ann"); over {
		t.Fatal("Exceeded after Undo took one of two hits back")
	}
	now = now.Add(time.Minute) // the window ended: nothing to take back
	if err := l.Undo(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Exists(ctx, "arena:rl:t:ann:"+strconv.FormatInt(now.UnixNano()/int64(time.Minute), 10)).Result(); n != 0 {
		t.Fatal("Undo in a new window left a counter behind")
	}
}
