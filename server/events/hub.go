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
// clients listen; each event is decoded and prepared once (Prepare), and every
// listener gets the same pointer, so a listener's cost is a channel send and
// its own write.
type Hub struct {
	rdb redis.UniversalClient
	log *slog.Logger

	mu      sync.Mutex
	prepare func(Event) any
	tailers map[string]*tailer
}

type tailer struct {
	cid    string
	cancel context.CancelFunc
	subs   map[Listener]struct{}
}

// Listener receives a contest's batches from the hub. The hub calls it
// with its lock held: neither method may block or call the hub.
type Listener interface {
	// Deliver hands over a batch; false means the listener is too far
	// behind, and the hub drops it.
	Deliver(*Batch) bool
	// Dropped is called once when the hub lets the listener go (too slow,
	// or the hub stops), never after Unlisten.
	Dropped()
}

// Item is one event as the hub fans it out.
type Item struct {
	Event
	// Seq is the event's id, parsed.
	Seq StreamID
	// Prepared is what the hub's prepare function made of the event, shared
	// by every listener; nil without one.
	Prepared any
}

// Batch is the events of one read of a contest's log, oldest first: a
// burst (a rejudge) is one batch, so it takes one slot of a listener's buffer.
type Batch struct {
	Items []Item
}

// Subscription receives a contest's events on a channel until closed. C is
// closed when the subscriber falls too far behind or the hub stops; the
// client must then reconnect and resume by id.
type Subscription struct {
	C   <-chan *Batch
	c   chan *Batch
	hub *Hub
	cid string
}

// Deliver queues b unless the channel is full.
func (s *Subscription) Deliver(b *Batch) bool {
	select {
	case s.c <- b:
		return true
	default:
		return false
	}
}

// Dropped closes C.
func (s *Subscription) Dropped() { close(s.c) }

// SubscriptionBuffer is how many batches a slow listener may lag before it is
// dropped. Batches are shared pointers, so the buffer costs 8 bytes a slot.
const SubscriptionBuffer = 16

// readCount is the most events one batch holds.
const readCount = 500

// NewHub returns a hub on rdb.
func NewHub(rdb redis.UniversalClient, log *slog.Logger) *Hub {
	return &Hub{rdb: rdb, log: log, tailers: map[string]*tailer{}}
}

// Prepare sets what the hub makes of each event before fanning it out, once
// for all its listeners (Item.Prepared): the websocket layer encodes its
// frames there. Contests tailed already keep the function they started with.
func (h *Hub) Prepare(f func(Event) any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.prepare = f
}

// Item returns ev as the hub would fan it out: parsed and prepared.
func (h *Hub) Item(ev Event) Item {
	h.mu.Lock()
	prepare := h.prepare
	h.mu.Unlock()
	return item(ev, prepare)
}

func item(ev Event, prepare func(Event) any) Item {
	seq, _ := ParseID(ev.ID)
	it := Item{Event: ev, Seq: seq}
	if prepare != nil {
		it.Prepared = prepare(ev)
	}
	return it
}

// Subscribe starts receiving events of contest cid appended from now on.
func (h *Hub) Subscribe(ctx context.Context, cid string) (*Subscription, error) {
	c := make(chan *Batch, SubscriptionBuffer)
	s := &Subscription{C: c, c: c, hub: h, cid: cid}
	if err := h.Listen(ctx, cid, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops the subscription.
func (s *Subscription) Close() {
	if s.hub.Unlisten(s.cid, s) {
		close(s.c)
	}
}

// Listen starts handing l the events of contest cid appended from now on.
func (h *Hub) Listen(ctx context.Context, cid string, l Listener) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	t, ok := h.tailers[cid]
	if !ok {
		last, err := NewLog(h.rdb).Last(ctx, cid)
		if err != nil {
			return err
		}
		tctx, cancel := context.WithCancel(context.Background())
		t = &tailer{cid: cid, cancel: cancel, subs: map[Listener]struct{}{}}
		h.tailers[cid] = t
		go h.tail(tctx, cid, last, t, h.prepare)
	}
	t.subs[l] = struct{}{}
	return nil
}

// Unlisten stops l and reports whether it was listening (not dropped).
func (h *Hub) Unlisten(cid string, l Listener) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	t, ok := h.tailers[cid]
	if !ok {
		return false
	}
	_, listening := t.subs[l]
	delete(t.subs, l)
	if len(t.subs) == 0 {
		t.cancel()
		delete(h.tailers, cid)
	}
	return listening
}

func (h *Hub) tail(ctx context.Context, cid, last string, t *tailer, prepare func(Event) any) {
	for ctx.Err() == nil {
		res, err := h.rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{Key(cid), last}, Count: readCount, Block: 5 * time.Second,
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
			if len(st.Messages) == 0 {
				continue
			}
			b := &Batch{Items: make([]Item, len(st.Messages))}
			for i, m := range st.Messages {
				b.Items[i] = item(fromMessage(m), prepare)
			}
			last = st.Messages[len(st.Messages)-1].ID
			h.broadcast(t, b)
		}
	}
}

func (h *Hub) broadcast(t *tailer, b *Batch) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for l := range t.subs {
		if !l.Deliver(b) {
			// Too slow: drop it so it cannot hold up anyone else.
			delete(t.subs, l)
			l.Dropped()
		}
	}
	if len(t.subs) == 0 && h.tailers[t.cid] == t {
		t.cancel()
		delete(h.tailers, t.cid)
	}
}

// Close stops every tailer and closes every subscription.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for cid, t := range h.tailers {
		t.cancel()
		for l := range t.subs {
			l.Dropped()
		}
		delete(h.tailers, cid)
	}
}
