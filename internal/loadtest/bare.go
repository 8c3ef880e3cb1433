package loadtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// The bare broadcaster: the floor the board's fan-out is measured against.
// A tiny websocket server (gorilla/websocket, the family of the server's
// fasthttp/websocket) that sends the same number of events of a board row's
// size to every client: one prepared frame per event, a writer goroutine and
// a small channel per client, nothing else. It runs as a process of its own
// (this tool, started again with bareEnv set) so that the viewers' and the
// server's sockets count against separate open-file limits, as with arena serve.

const (
	// bareEnv, when set in the environment, makes the tool the bare broadcaster on that address.
	bareEnv = "ARENA_LOAD_BARE_ADDR"
	// eventCount and eventEvery pace the events of both websocket rows.
	eventCount = 40
	eventEvery = 200 * time.Millisecond
	// rowBytes is about the size of a board row message.
	rowBytes = 400
)

// ServeBareIfAsked runs the bare broadcaster and reports true when the
// environment asks this process to be it; the command's main calls it first.
func ServeBareIfAsked(ctx context.Context, log *slog.Logger) bool {
	addr := os.Getenv(bareEnv)
	if addr == "" {
		return false
	}
	if err := serveBare(ctx, addr); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("bare broadcaster", "err", err)
		os.Exit(1)
	}
	return true
}

type bareHub struct {
	mu      sync.Mutex
	clients map[chan *websocket.PreparedMessage]struct{}
}

func serveBare(ctx context.Context, addr string) error {
	h := &bareHub{clients: map[chan *websocket.PreparedMessage]struct{}{}}
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		h.serve(c)
	})
	mux.HandleFunc("POST /send", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		every, _ := time.ParseDuration(r.URL.Query().Get("every"))
		h.send(r.Context(), n, every)
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	return srv.ListenAndServe()
}

// serve is one client: a reader that notices it leave, and the writer.
func (h *bareHub) serve(c *websocket.Conn) {
	defer c.Close()
	ch := make(chan *websocket.PreparedMessage, 16)
	h.mu.Lock()
	h.clients[ch] = struct{}{}
	h.mu.Unlock()
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}()
	defer func() {
		h.mu.Lock()
		delete(h.clients, ch)
		h.mu.Unlock()
	}()
	for {
		select {
		case <-gone:
			return
		case pm := <-ch:
			_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if c.WritePreparedMessage(pm) != nil {
				return
			}
		}
	}
}

// send broadcasts n events, one every every.
func (h *bareHub) send(ctx context.Context, n int, every time.Duration) {
	pad := strings.Repeat("x", rowBytes)
	for i := range n {
		msg := fmt.Sprintf(`{"id":"%d-%d","type":"bare","data":{"pad":"%s"}}`, time.Now().UnixMilli(), i, pad)
		pm, err := websocket.NewPreparedMessage(websocket.TextMessage, []byte(msg))
		if err != nil {
			return
		}
		h.mu.Lock()
		for ch := range h.clients {
			select {
			case ch <- pm:
			default: // too slow: it misses the event, which the row counts
			}
		}
		h.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// bareSockets is the bare row: the viewers on the bare broadcaster.
func bareSockets(ctx context.Context, t *Target) (string, bool, error) {
	f, err := measureBare(ctx, t)
	if err != nil {
		return "", false, err
	}
	return f.String(), f.complete == f.viewers, nil
}

// measureBare starts the bare broadcaster, connects t's viewers to it and
// has it send the events.
func measureBare(ctx context.Context, t *Target) (fanout, error) {
	self, err := os.Executable()
	if err != nil {
		return fanout{}, fmt.Errorf("this tool's binary: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return fanout{}, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd, err := t.spawnEnv([]string{bareEnv + "=" + addr}, self)
	if err != nil {
		return fanout{}, err
	}
	defer t.kill(cmd)
	base := "http://" + addr
	if err := waitFor(ctx, func(ctx context.Context) error { return t.get(ctx, base+"/readyz") }); err != nil {
		return fanout{}, fmt.Errorf("bare broadcaster: %w", err)
	}
	return t.measure(ctx, cmd.Process.Pid, "ws://"+addr+"/ws", "bare", func(ctx context.Context) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("%s/send?n=%d&every=%s", base, eventCount, eventEvery), nil)
		resp, err := t.Client.Do(req)
		if err != nil {
			return 0, fmt.Errorf("bare broadcaster: %w", err)
		}
		resp.Body.Close()
		return eventCount, nil
	})
}

// measure follows the memory of the server pid, connects t.Viewers viewers to url,
// runs produce (which returns how many events every viewer must get) and
// waits for them to arrive.
func (t *Target) measure(ctx context.Context, pid int, url, typ string, produce func(context.Context) (int, error)) (fanout, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	mem, err := t.WatchPID(pid, cancel)
	if err != nil {
		return fanout{}, err
	}
	defer mem.Stop()
	v, err := dialViewers(ctx, url, t.viewers(), typ)
	if err != nil {
		return fanout{}, err
	}
	defer v.Close()
	time.Sleep(time.Second) // every handler subscribed
	want, err := produce(ctx)
	if err != nil {
		return fanout{}, err
	}
	v.wait(ctx, want)
	return v.result(want, mem), ctx.Err()
}

// viewers is how many websockets the rows open.
func (t *Target) viewers() int {
	if t.Viewers > 0 {
		return t.Viewers
	}
	return 10_000
}

func (t *Target) get(ctx context.Context, url string) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := t.Client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}
