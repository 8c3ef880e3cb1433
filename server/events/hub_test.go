package events

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/internal/testenv"
)

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
	n := SubscriptionBuffer + 50
	got := make(chan int)
	go func() {
		count := 0
		for range fast.C {
			count++
			if count == n {
				break
			}
		}
		got <- count
	}()
	for i := 0; i < n; i++ {
		if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: Key("c"), Values: []any{"type", "t", "data", "{}"}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case c := <-got:
		if c != n {
			t.Fatalf("fast listener got %d of %d", c, n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("fast listener was held up")
	}
	drained := 0
	for range slow.C { // closed after the buffer filled
		drained++
	}
	if drained != SubscriptionBuffer {
		t.Fatalf("slow listener got %d buffered events before being dropped, want %d", drained, SubscriptionBuffer)
	}
	slow.Close() // closing a dropped subscription is harmless
	fast.Close()
}
