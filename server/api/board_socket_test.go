package api

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	ws "github.com/fasthttp/websocket"
	"github.com/gorilla/websocket"
	"github.com/skillarena/arena/internal/arenatest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/scoreboard"
)

func event(t *testing.T, id, typ string, data any) events.Event {
	t.Helper()
	s, err := events.Encode(data)
	if err != nil {
		t.Fatal(err)
	}
	return events.Event{ID: id, Type: typ, Data: json.RawMessage(s)}
}

// TestFrames: each listener picks the frame its channel and role may see,
// and listeners of one view share one frame.
func TestFrames(t *testing.T) {
	public := 40.0
	sub := events.Submission{ID: "run-1", Challenge: "hello", Contestant: "ann", Status: events.Done, Score: 90, PublicScore: &public}
	row := &events.Row{Rank: 1, Contestant: events.Contestant{ID: "ann"}, Total: 90}
	prow := &events.Row{Rank: 1, Contestant: events.Contestant{ID: "ann"}}
	verdict := newFrames(event(t, "5-0", events.TypeVerdict, events.SubmissionData{Submission: sub, Rows: events.Rows{Row: row, PublicRow: prow}}))
	private := newFrames(event(t, "6-0", events.TypeClarification, events.ClarificationData{Clarification: events.Clarification{ID: 1, From: "ann", Question: "q"}}))
	reset := newFrames(events.Event{ID: "7-0", Type: events.TypeReset})
	answered := newFrames(event(t, "8-0", events.TypeClarification, events.ClarificationData{Clarification: events.Clarification{
		ID: 2, From: "ann", Question: "q", Answer: "a", Public: true, AnsweredBy: "jury"}}))

	anon := listener{channel: "board", view: scoreboard.Public}
	jury := listener{user: "jury", jury: true, channel: "board", view: scoreboard.Jury}
	for _, tt := range []struct {
		name string
		l    listener
		f    *frames
		want *ws.PreparedMessage
	}{
		{"public board", anon, verdict, verdict.boardPublic},
		{"jury board", jury, verdict, verdict.boardJury},
		{"jury on the public view", listener{jury: true, channel: "board", view: scoreboard.Public}, verdict, verdict.boardPublic},
		{"own submission", listener{user: "ann", channel: "submissions"}, verdict, verdict.subOwn},
		{"another's submission", listener{user: "ben", channel: "submissions"}, verdict, nil},
		{"jury feed", listener{user: "jury", jury: true, channel: "feed"}, verdict, verdict.subJury},
		{"verdict on clarifications", listener{user: "ann", channel: "clarifications"}, verdict, nil},
		{"own question", listener{user: "ann", channel: "clarifications"}, private, private.clarAsker},
		{"another's question", listener{user: "ben", channel: "clarifications"}, private, nil},
		{"question to the jury", listener{user: "jury", jury: true, channel: "clarifications"}, private, private.clarJury},
		{"answer to all, to the asker", listener{user: "ann", channel: "clarifications"}, answered, answered.clarAsker},
		{"answer to all, to another", listener{user: "ben", channel: "clarifications"}, answered, answered.clarOthers},
		{"question on the board", anon, private, nil},
		{"reset on the board", anon, reset, reset.reset},
		{"reset on submissions", listener{user: "ben", channel: "submissions"}, reset, reset.reset},
		{"unprepared", anon, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.l.frame(tt.f); got != tt.want {
				t.Fatalf("got %p, want %p", got, tt.want)
			}
		})
	}
	for name, pm := range map[string]*ws.PreparedMessage{"public row": verdict.boardPublic, "jury row": verdict.boardJury,
		"jury submission": verdict.subJury, "own submission": verdict.subOwn, "question": private.clarAsker, "answer to all": answered.clarOthers, "reset": reset.reset} {
		if pm == nil {
			t.Errorf("%s: no frame", name)
		}
	}
	if answered.clarOthers == answered.clarAsker {
		t.Error("an answer to all must reach others without the asker's name")
	}
	if verdict.subOwn == verdict.subJury {
		t.Error("the contestant's submission frame must show the public score, not the jury's")
	}
}

func TestAddressKey(t *testing.T) {
	for _, tt := range []struct{ ip, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"},
		{"::ffff:198.51.100.1", "::ffff:198.51.100.1"},
		{"junk", "junk"},
	} {
		if got := addressKey(tt.ip); got != tt.want {
			t.Errorf("addressKey(%q) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

// listen serves f's app on a loopback port and returns the websockets' base URL.
func listen(t *testing.T, f *fixture) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = f.App.Listener(ln) }()
	t.Cleanup(func() { _ = f.App.Shutdown() })
	return "ws://" + ln.Addr().String() + "/ws/contests/run/"
}

// dialAs opens path (under base) as user ("" for nobody) from source
// address from; it returns the connection or the refusal's status and body.
func dialAs(t *testing.T, f *fixture, base, path, user, from string) (*websocket.Conn, int, string) {
	t.Helper()
	h := http.Header{}
	if tok, ok := f.Tokens[user]; ok {
		h.Set("Authorization", "Bearer "+tok)
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second,
		NetDialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}).DialContext}
	c, resp, err := d.Dial(base+path, h)
	if err != nil {
		if resp == nil {
			t.Fatal(err)
		}
		var body strings.Builder
		var e struct{ Error struct{ Message string } }
		_ = json.NewDecoder(resp.Body).Decode(&e)
		body.WriteString(e.Error.Message)
		return nil, resp.StatusCode, body.String()
	}
	t.Cleanup(func() { c.Close() })
	return c, 101, ""
}

// TestIntegrationSocketLimits: sockets beyond an address's, an account's or
// the server's share are refused before the upgrade, with a message; a
// closed socket gives its slot back.
func TestIntegrationSocketLimits(t *testing.T) {
	f := serve(t, arenatest.New(t, time.Now()), SocketLimits{PerAddress: 2, PerUser: 1, Total: 5})
	base := listen(t, f)
	first, st, _ := dialAs(t, f, base, "board", "", "127.0.0.2")
	if st != 101 {
		t.Fatalf("first anonymous socket: %d", st)
	}
	if _, st, _ := dialAs(t, f, base, "board", "", "127.0.0.2"); st != 101 {
		t.Fatalf("second anonymous socket: %d", st)
	}
	if _, st, msg := dialAs(t, f, base, "board", "", "127.0.0.2"); st != 429 || !strings.Contains(msg, "your address has 2") {
		t.Fatalf("third from one address: %d %q", st, msg)
	}
	// A hall behind one address: each account has its own share.
	if _, st, _ := dialAs(t, f, base, "submissions", "ann", "127.0.0.2"); st != 101 {
		t.Fatalf("ann behind the same address: %d", st)
	}
	if _, st, msg := dialAs(t, f, base, "board", "ann", "127.0.0.3"); st != 429 || !strings.Contains(msg, "your account has 1") {
		t.Fatalf("ann's second socket: %d %q", st, msg)
	}
	if _, st, _ := dialAs(t, f, base, "submissions", "ben", "127.0.0.2"); st != 101 {
		t.Fatalf("ben behind the same address: %d", st)
	}
	if _, st, _ := dialAs(t, f, base, "board", "", "127.0.0.4"); st != 101 {
		t.Fatalf("another address: %d", st)
	}
	if _, st, msg := dialAs(t, f, base, "board", "", "127.0.0.5"); st != 503 || !strings.Contains(msg, "all the live connections it takes (5)") {
		t.Fatalf("over the total: %d %q", st, msg)
	}
	first.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, st, _ := dialAs(t, f, base, "board", "", "127.0.0.5"); st == 101 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a closed socket's slot was not given back")
		}
	}
	// Refusals before the slot is taken take none.
	if _, st, _ := dialAs(t, f, base, "feed", "ann", "127.0.0.6"); st != 403 {
		t.Fatalf("ann on the feed: %d", st)
	}
}

// TestIntegrationReplayBound: a client resuming further back than the
// replay bound gets a reset naming its own id; within it, every event.
func TestIntegrationReplayBound(t *testing.T) {
	f := serve(t, arenatest.New(t, time.Now()), SocketLimits{Replay: 2})
	base := listen(t, f)
	setup, err := f.Events.Last(context.Background(), "run") // enrolment's reset
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"print(1)", "print(2)", "print(3)"} {
		f.Submit(t, "ann", code)
	}
	evs, err := f.Events.Since(context.Background(), "run", setup, 100)
	if err != nil || len(evs) != 3 {
		t.Fatalf("events: %d, %v; want the 3 submissions", len(evs), err)
	}
	read := func(c *websocket.Conn) boardMessage {
		t.Helper()
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var m boardMessage
		if err := c.ReadJSON(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	far, _, _ := dialAs(t, f, base, "board?since="+setup, "", "127.0.0.2")
	if m := read(far); m.Type != events.TypeReset || m.ID != setup {
		t.Fatalf("3 events behind: %+v, want a reset naming %s", m, setup)
	}
	near, _, _ := dialAs(t, f, base, "board?since="+evs[0].ID, "", "127.0.0.2")
	for _, ev := range evs[1:] {
		if m := read(near); m.ID != ev.ID || m.Type != "row" {
			t.Fatalf("replay: %+v, want row %s", m, ev.ID)
		}
	}
}

// TestSocketBound: a socket holds at most a buffer of pending batches;
// the hub drops it at the next one.
func TestSocketBound(t *testing.T) {
	p := &socketPool{socks: map[*socket]struct{}{}, stop: make(chan struct{})}
	s := &socket{pool: p, held: true} // held: nothing is written meanwhile
	b := &events.Batch{}
	for i := range events.SubscriptionBuffer {
		if !s.Deliver(b) {
			t.Fatalf("batch %d refused", i+1)
		}
	}
	if s.Deliver(b) {
		t.Fatal("a socket a buffer behind took one more batch")
	}
	if len(p.ready) != 0 {
		t.Fatal("a held socket was handed to the writers")
	}
}

// TestIntegrationSocketDropped: when the hub lets a socket go (here: the
// server stopping), the client is told to resume from its last event id.
func TestIntegrationSocketDropped(t *testing.T) {
	f := newFixture(t, time.Now())
	base := listen(t, f)
	c, _, _ := dialAs(t, f, base, "board", "", "127.0.0.2")
	time.Sleep(200 * time.Millisecond) // listening
	f.Hub.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
		t.Fatalf("got %v, want close 1013 (try again later)", err)
	}
}
