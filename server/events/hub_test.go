package events

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/internal/testenv"
)

// receive returns the next batch of s, failing after a few seconds.
func receive(t *testing.T, s *Subscription) *Batch {
	t.Helper()
	select {
	case b, ok := <-s.C:
		if !ok {
			t.Fatal("subscription closed")
		}
		return b
	case <-time.After(10 * time.Second):
		t.Fatal("no batch within 10 s")
	}
	return nil
}

func appendEvent(t *testing.T, rdb *redis.Client, cid string) {
	t.Helper()
	if err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: Key(cid), Values: []any{"type", "t", "data", "{}"}}).Err(); err != nil {
		t.Fatal(err)
	}
}

// TestIntegrationSlowListenerDropped: a listener that stops reading is
// dropped once it falls a buffer behind; the others get every event.
func TestIntegrationSlowListenerDropped(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	hub := NewHub(rdb, slog.Default())
	defer hub.Close()
	fast, err := hub.Subscribe(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	slow, err := hub.Subscribe(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	// One event at a time, each read by the fast listener before the next:
	// one batch each.
	n := SubscriptionBuffer + 50
	for range n {
		appendEvent(t, rdb, "c")
		if b := receive(t, fast); len(b.Items) != 1 {
			t.Fatalf("batch of %d events, want 1", len(b.Items))
		}
	}
	drained := 0
	for range slow.C { // closed after the buffer filled
		drained++
	}
	if drained != SubscriptionBuffer {
		t.Fatalf("slow listener got %d buffered batches before being dropped, want %d", drained, SubscriptionBuffer)
	}
	slow.Close() // closing a dropped subscription is harmless
	fast.Close()
}

// TestIntegrationPreparedOnce: the hub prepares each event once, and every
// listener gets the same batch, in order, with parsed ids.
func TestIntegrationPreparedOnce(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	hub := NewHub(rdb, slog.Default())
	defer hub.Close()
	var calls atomic.Int32
	hub.Prepare(func(ev Event) any { calls.Add(1); return ev.ID })
	var subs []*Subscription
	for range 5 {
		s, err := hub.Subscribe(ctx, "c")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		subs = append(subs, s)
	}
	appendEvent(t, rdb, "c")
	first := receive(t, subs[0])
	for _, s := range subs[1:] {
		if b := receive(t, s); b != first {
			t.Fatal("listeners got different batches")
		}
	}
	it := first.Items[0]
	if calls.Load() != 1 || it.Prepared != it.ID {
		t.Fatalf("prepared %d times, Prepared %v for %s", calls.Load(), it.Prepared, it.ID)
	}
	if want, _ := ParseID(it.ID); it.Seq != want || it.Seq.MS == 0 {
		t.Fatalf("Seq %v for %s", it.Seq, it.ID)
	}
}

// TestIntegrationLastListenerStopsTailer: once every listener is gone,
// dropped or closed, the contest is no longer tailed.
func TestIntegrationLastListenerStopsTailer(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	hub := NewHub(rdb, slog.Default())
	defer hub.Close()
	s, err := hub.Subscribe(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	tailed := func() bool {
		hub.mu.Lock()
		defer hub.mu.Unlock()
		return len(hub.tailers) > 0
	}
	// Events until the unread listener is dropped: a buffer's worth of
	// batches, however the tailer groups them.
	for deadline := time.Now().Add(20 * time.Second); tailed(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the dropped listener's contest is still tailed")
		}
		appendEvent(t, rdb, "c")
	}
	s.Close()
}
