package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// The viewers of the websocket rows: one client for SkillArena's board and
// for the bare broadcaster, so the two figures differ only by the server.

const (
	// viewersPerAddress is how many viewers share a source address: the
	// tool spreads them over 127.1.0.0/16, as a city's viewers come from
	// many addresses, below the server's per-address cap.
	viewersPerAddress = 40
	// dialParallel bounds the handshakes in flight.
	dialParallel = 64
	// settle is how long the viewers get after the last event to receive it.
	settle = 30 * time.Second
	// histMS is the latency histogram's range, in 1 ms buckets (the last holds the rest).
	histMS = 60_000
)

// viewers are n websocket clients reading one stream of events, each a JSON
// object starting {"id":"MS-SEQ","type":…}: the latency of a message is its
// arrival less the id's milliseconds (when the event was made, on the same clock).
type viewers struct {
	typ   []byte // the message type that counts as an event
	conns []*websocket.Conn
	got   []atomic.Int32 // events received, per viewer
	// closed counts viewers whose connection the server ended.
	closed atomic.Int32
	hist   [histMS + 1]atomic.Int64
	wg     sync.WaitGroup
}

// viewerAddr is viewer i's source address.
func viewerAddr(i int) *net.TCPAddr {
	a := i / viewersPerAddress
	return &net.TCPAddr{IP: net.IPv4(127, 1, byte(a/250), byte(a%250+1))}
}

// dialViewers opens n websockets to url and reads them until Close; typ is
// the message type they count.
func dialViewers(ctx context.Context, url string, n int, typ string) (*viewers, error) {
	v := &viewers{typ: []byte(`"type":"` + typ + `"`), conns: make([]*websocket.Conn, n), got: make([]atomic.Int32, n)}
	sem := make(chan struct{}, dialParallel)
	errs := make(chan error, n)
	var dials sync.WaitGroup
	for i := range n {
		dials.Add(1)
		sem <- struct{}{}
		go func() {
			defer dials.Done()
			defer func() { <-sem }()
			d := websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 256,
				NetDialContext: (&net.Dialer{LocalAddr: viewerAddr(i), Timeout: 30 * time.Second}).DialContext}
			c, resp, err := d.DialContext(ctx, url, nil)
			if err != nil {
				if resp != nil {
					err = fmt.Errorf("%w (%s)", err, resp.Status)
				}
				errs <- fmt.Errorf("viewer %d: %w", i, err)
				return
			}
			v.conns[i] = c
		}()
	}
	dials.Wait()
	close(errs)
	if err := <-errs; err != nil {
		v.Close()
		return nil, err
	}
	for i, c := range v.conns {
		v.wg.Add(1)
		go v.read(i, c)
	}
	return v, nil
}

func (v *viewers) read(i int, c *websocket.Conn) {
	defer v.wg.Done()
	for {
		_, msg, err := c.ReadMessage()
		if err != nil {
			if websocket.IsCloseError(err, websocket.CloseTryAgainLater, websocket.CloseInternalServerErr) {
				v.closed.Add(1)
			}
			return
		}
		now := time.Now()
		if !bytes.Contains(msg, v.typ) {
			continue
		}
		ms, ok := idMillis(msg)
		if !ok {
			continue
		}
		v.got[i].Add(1)
		lat := now.UnixMicro()/1000 - ms
		v.hist[min(max(lat, 0), histMS)].Add(1)
	}
}

// idMillis reads the milliseconds of the message's id.
func idMillis(msg []byte) (int64, bool) {
	_, rest, ok := bytes.Cut(msg, []byte(`"id":"`))
	if !ok {
		return 0, false
	}
	ms, _, ok := bytes.Cut(rest, []byte("-"))
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(string(ms), 10, 64)
	return n, err == nil
}

// wait returns once every viewer has want events, or settle has passed.
func (v *viewers) wait(ctx context.Context, want int) {
	deadline := time.Now().Add(settle)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if v.complete(want) == len(v.got) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// complete counts the viewers with want events.
func (v *viewers) complete(want int) int {
	n := 0
	for i := range v.got {
		if int(v.got[i].Load()) >= want {
			n++
		}
	}
	return n
}

// percentile is the latency under which fraction p of the messages came, in ms.
func (v *viewers) percentile(p float64) int64 {
	var total int64
	counts := make([]int64, len(v.hist))
	for i := range v.hist {
		counts[i] = v.hist[i].Load()
		total += counts[i]
	}
	if total == 0 {
		return -1
	}
	rank := int64(p*float64(total) + 0.5)
	var seen int64
	for i, c := range counts {
		seen += c
		if seen >= rank {
			return int64(i)
		}
	}
	return histMS
}

// Close ends every connection and waits for the readers.
func (v *viewers) Close() {
	for _, c := range v.conns {
		if c != nil {
			c.Close()
		}
	}
	v.wg.Wait()
}

// fanout is what a websocket row measured.
type fanout struct {
	viewers, events int
	p50, p99        int64
	// complete counts the viewers that got every event; closed those the server ended.
	complete, closed int
	perSocket        int64 // server memory growth per viewer, bytes
	mem              string
}

func (v *viewers) result(events int, mem *Memory) fanout {
	return fanout{viewers: len(v.conns), events: events, p50: v.percentile(0.5), p99: v.percentile(0.99),
		complete: v.complete(events), closed: int(v.closed.Load()), perSocket: mem.Growth() / int64(len(v.conns)), mem: mem.String()}
}

func (f fanout) String() string {
	s := fmt.Sprintf("%d viewers × %d events: p50 %d ms, p99 %d ms; %d of %d got every event", f.viewers, f.events, f.p50, f.p99, f.complete, f.viewers)
	if f.closed > 0 {
		s += fmt.Sprintf(" (%d closed by the server)", f.closed)
	}
	return s + fmt.Sprintf("; %.1f KB per socket (%s)", float64(f.perSocket)/1000, f.mem)
}
