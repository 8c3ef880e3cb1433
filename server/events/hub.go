package events

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Hub tails the event logs of the contests that have listeners and fans
// each event out to them. One tailer per contest per replica, however many
// clients listen.
type Hub struct {
	rdb redis.UniversalClient
	log *slog.Logger

	mu      sync.Mutex
	tailers map[string]*tailer
}

type tailer struct {
	cancel context.CancelFunc
	subs   map[*Subscription]struct{}
}

// Subscription receives a contest's events until closed. C is closed when the
// subscriber falls too far behind or the hub stops; the client must then
// reconnect and resume by id.
type Subscription struct {
	C   <-chan Event
	c   chan Event
	hub *Hub
	cid string
}

// SubscriptionBuffer is how many events a slow listener may lag before it is dropped.
const SubscriptionBuffer = 256

// NewHub returns a hub on rdb.
func NewHub(rdb redis.UniversalClient, log *slog.Logger) *Hub {
	return &Hub{rdb: rdb, log: log, tailers: map[string]*tailer{}}
}

// Subscribe starts receiving events of contest cid appended from now on.
func (h *Hub) Subscribe(ctx context.Context, cid string) (*Subscription, error) {
	c := make(chan Event, SubscriptionBuffer)
	s := &Subscription{C: c, c: c, hub: h, cid: cid}
	h.mu.Lock()
	defer h.mu.Unlock()
	t, ok := h.tailers[cid]
	if !ok {
		last, err := NewLog(h.rdb).Last(ctx, cid)
		if err != nil {
			return nil, err
		}
		tctx, cancel := context.WithCancel(context.Background())
		t = &tailer{cancel: cancel, subs: map[*Subscription]struct{}{}}
		h.tailers[cid] = t
		go h.tail(tctx, cid, last, t)
	}
	t.subs[s] = struct{}{}
	return s, nil
}

// Close stops the subscription.
func (s *Subscription) Close() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	t, ok := h.tailers[s.cid]
	if !ok {
		return
	}
	if _, ok := t.subs[s]; ok {
		delete(t.subs, s)
		close(s.c)
	}
	if len(t.subs) == 0 {
		t.cancel()
		delete(h.tailers, s.cid)
	}
}

func (h *Hub) tail(ctx context.Context, cid, last string, t *tailer) {
	for ctx.Err() == nil {
		res, err := h.rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{Key(cid), last}, Count: 500, Block: 5 * time.Second,
		}).Result()
		if err == redis.Nil {
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			h.log.Warn("tail events", "contest", cid, "err", err)
			time.Sleep(500 * time.Millisecond)
			continue
		}
		for _, st := range res {
			for _, m := range st.Messages {
				last = m.ID
				h.broadcast(t, fromMessage(m))
			}
		}
	}
}

func (h *Hub) broadcast(t *tailer, ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range t.subs {
		select {
		case s.c <- ev:
		default:
			// Too slow: drop it so it cannot hold up anyone else.
			delete(t.subs, s)
			close(s.c)
		}
	}
}

// Close stops every tailer and closes every subscription.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for cid, t := range h.tailers {
		t.cancel()
		for s := range t.subs {
			close(s.c)
		}
		delete(h.tailers, cid)
	}
}
