package api

import (
	"errors"
	"github.com/skillarena/arena/internal/telemetry"
	"sync"
	"time"

	ws "github.com/fasthttp/websocket"
	"github.com/skillarena/arena/server/events"
)

// A websocket costs one goroutine, its reader (the handler's own); a fixed
// pool of writers sends every socket's frames, and one ticker pings them
// all. A socket's memory is then its connection, a few pointers of pending
// batches and nothing per event: the frames are the hub's, shared.

const (
	// socketWriters is how many sockets are written to at once.
	socketWriters = 64
	// writeChunk is how many ready sockets a writer takes at once.
	writeChunk = 16
	// wsPoolWriteWait bounds one write from the pool. A viewer whose
	// kernel buffer stays full that long is far behind: it is closed and
	// resumes by id, having cost one writer this long at most.
	wsPoolWriteWait = 2 * time.Second
)

// socketPool is the writers and the sockets they serve.
type socketPool struct {
	mu    sync.Mutex // guards ready and socks
	wake  *sync.Cond
	ready []*socket // sockets with something to send, each once
	socks map[*socket]struct{}
	stop  chan struct{}
	// metrics counts events sent and sockets dropped; nil counts nothing.
	metrics *telemetry.Metrics
}

func newSocketPool(m *telemetry.Metrics) *socketPool {
	p := &socketPool{socks: map[*socket]struct{}{}, stop: make(chan struct{}), metrics: m}
	p.wake = sync.NewCond(&p.mu)
	for range socketWriters {
		go p.write()
	}
	go p.ping()
	return p
}

// close stops the writers and the pings (the app shuts down).
func (p *socketPool) close() {
	p.mu.Lock()
	close(p.stop)
	p.mu.Unlock()
	p.wake.Broadcast()
}

// socket is one websocket as the pool sees it; it is the hub's listener.
type socket struct {
	pool *socketPool
	conn *ws.Conn
	who  listener

	mu      sync.Mutex
	pending []*events.Batch
	last    events.StreamID // the newest event sent or skipped
	held    bool            // the handler writes (the replay): the pool waits
	queued  bool            // in the pool's ready list or being written
	ping    bool
	closing bool // dropped by the hub: send what is pending, then the close
	dead    bool
	// writing is held by whoever writes to conn.
	writing sync.Mutex
}

func (p *socketPool) add(conn *ws.Conn, who listener, last events.StreamID) *socket {
	s := &socket{pool: p, conn: conn, who: who, last: last, held: true}
	p.mu.Lock()
	p.socks[s] = struct{}{}
	p.mu.Unlock()
	return s
}

// Deliver queues b for the writers; false when the socket is a buffer behind.
func (s *socket) Deliver(b *events.Batch) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dead || s.closing {
		return true
	}
	if len(s.pending) >= events.SubscriptionBuffer {
		return false
	}
	s.pending = append(s.pending, b)
	s.scheduleLocked()
	return true
}

// Dropped has the writers send what is pending, then a close asking the
// client to resume from its last event id.
func (s *socket) Dropped() {
	s.pool.metrics.EventDropped(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing = true
	s.scheduleLocked()
}

func (s *socket) scheduleLocked() {
	if s.queued || s.held || s.dead {
		return
	}
	s.queued = true
	s.pool.mu.Lock()
	s.pool.ready = append(s.pool.ready, s)
	s.pool.mu.Unlock()
	s.pool.wake.Signal()
}

// release hands the socket to the writers once the handler has written
// the replay, which ended at last.
func (s *socket) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held = false
	if len(s.pending) > 0 || s.closing || s.ping {
		s.scheduleLocked()
	}
}

// end stops the socket: no write starts after it returns, and one in
// progress has ended, so the connection may go.
func (s *socket) end() {
	s.mu.Lock()
	s.dead = true
	s.pending = nil
	s.mu.Unlock()
	if nc := s.conn.NetConn(); nc != nil {
		_ = nc.SetWriteDeadline(time.Now()) // cut short a write that waits
	}
	s.writing.Lock()
	defer s.writing.Unlock()
	s.pool.mu.Lock()
	delete(s.pool.socks, s)
	s.pool.mu.Unlock()
}

// send writes the frame of it for this socket, if any, after the last
// event sent. It is called by one writer at a time, holding s.writing.
func (s *socket) send(it *events.Item, wait time.Duration) error {
	if !s.last.Less(it.Seq) {
		return nil
	}
	s.last = it.Seq
	f, _ := it.Prepared.(*frames)
	pm := s.who.frame(f)
	if pm == nil {
		return nil
	}
	_ = s.conn.SetWriteDeadline(time.Now().Add(wait))
	if err := s.conn.WritePreparedMessage(pm); err != nil {
		return err
	}
	s.pool.metrics.EventSent(s.who.channel)
	return nil
}

// write is one writer: it takes a ready socket and sends all it has.
func (p *socketPool) write() {
	chunk := make([]*socket, 0, writeChunk)
	for {
		p.mu.Lock()
		for len(p.ready) == 0 {
			select {
			case <-p.stop:
				p.mu.Unlock()
				return
			default:
			}
			p.wake.Wait()
		}
		// A few at a time: one lock for several sockets, while the others
		// stay for the other writers.
		n := min(len(p.ready), writeChunk)
		chunk = append(chunk[:0], p.ready[:n]...)
		clear(p.ready[:n])
		p.ready = p.ready[n:]
		p.mu.Unlock()
		for _, s := range chunk {
			s.flush()
		}
	}
}

func (s *socket) flush() {
	s.writing.Lock()
	defer s.writing.Unlock()
	for {
		s.mu.Lock()
		batches, ping, closing := s.pending, s.ping, s.closing
		if s.dead || len(batches) == 0 && !ping && !closing {
			s.queued = false
			s.mu.Unlock()
			return
		}
		s.pending, s.ping = nil, false
		s.mu.Unlock()
		err := s.writeAll(batches, ping)
		if err == nil && closing {
			_ = s.conn.WriteControl(ws.CloseMessage, ws.FormatCloseMessage(ws.CloseTryAgainLater, "resume from your last event id"), time.Now().Add(wsPoolWriteWait))
			err = errClosed
		}
		if err != nil {
			// The reader sees the connection end and the handler cleans up.
			s.mu.Lock()
			s.dead, s.queued, s.pending = true, false, nil
			s.mu.Unlock()
			_ = s.conn.Close()
			return
		}
	}
}

func (s *socket) writeAll(batches []*events.Batch, ping bool) error {
	for _, b := range batches {
		s.mu.Lock()
		dead := s.dead
		s.mu.Unlock()
		if dead {
			return errClosed
		}
		for i := range b.Items {
			if err := s.send(&b.Items[i], wsPoolWriteWait); err != nil {
				return err
			}
		}
	}
	if ping {
		return s.conn.WriteControl(ws.PingMessage, nil, time.Now().Add(wsPoolWriteWait))
	}
	return nil
}

// errClosed ends a socket the hub dropped, once its close is sent.
var errClosed = errors.New("socket closed after the hub dropped it")

// ping asks every socket for a ping each wsPingPeriod; the readers' deadline
// ends those that do not answer.
func (p *socketPool) ping() {
	tick := time.NewTicker(wsPingPeriod)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		p.mu.Lock()
		socks := make([]*socket, 0, len(p.socks))
		for s := range p.socks {
			socks = append(socks, s)
		}
		p.mu.Unlock()
		for _, s := range socks {
			s.mu.Lock()
			s.ping = true
			s.scheduleLocked()
			s.mu.Unlock()
		}
	}
}
