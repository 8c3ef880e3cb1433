package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"sync"
	"time"

	ws "github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/valyala/fasthttp"
)

const (
	wsWriteWait  = 10 * time.Second
	wsPongWait   = 60 * time.Second
	wsPingPeriod = wsPongWait * 9 / 10
	// wsBuffer is a socket's read buffer: clients send only pongs and
	// closes (SetReadLimit 1024). Writes need no buffer of their own: every
	// message is a prepared frame, written as it is; one that is not would
	// borrow this size from the pool for its write.
	wsBuffer = 256
)

// boardMessage is what a socket sends: {id, type, data}.
type boardMessage struct {
	ID   string          `json:"id"`
	Type string          `json:"type"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Channels of the live feed, each filtered by role:
//
//	board           board rows (public view; the jury's live view for judges)
//	submissions     the caller's own submissions (the jury: every submission)
//	feed            every submission, for the jury
//	clarifications  questions, answers and announcements the caller may see
var channels = map[string]bool{"board": true, "submissions": true, "feed": true, "clarifications": true}

// listener is who is on the other end of a socket.
type listener struct {
	user    string
	jury    bool
	channel string
	view    scoreboard.View
}

// socket streams one channel of a contest's events. A client that passes
// ?since=EVENT_ID first gets every event after that one (at most
// Limits.Sockets.Replay of them). Sockets are counted against
// Limits.Sockets before the upgrade.
func (s *server) socket() fiber.Handler {
	// The upgrade is fasthttp/websocket's own, not gofiber/contrib/websocket's:
	// that one copies every request's locals, parameters, headers and
	// cookies into maps each socket keeps (about 2 KB); the handler gets
	// what it needs from the closure instead.
	up := ws.FastHTTPUpgrader{
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   wsBuffer,
		WriteBufferSize:  wsBuffer,
		WriteBufferPool:  &sync.Pool{},
		CheckOrigin:      func(*fasthttp.RequestCtx) bool { return true }, // sameOrigin did
	}
	return func(c *fiber.Ctx) error {
		channel := c.Params("channel")
		if !channels[channel] {
			return request.NotFound("no channel " + channel + " (board, submissions, feed, clarifications)")
		}
		if !ws.FastHTTPIsWebSocketUpgrade(c.Context()) {
			return &request.Error{Status: fiber.StatusUpgradeRequired, Code: "upgrade_required", Message: "this is a websocket endpoint"}
		}
		if err := sameOrigin(c); err != nil {
			return err
		}
		ct, err := s.contest(c)
		if err != nil {
			return err
		}
		u, logged := request.User(c)
		if channel != "board" && !logged {
			return request.Unauthorized("log in first")
		}
		if channel == "feed" && !ct.IsJury(u) {
			return request.Forbidden("the submission feed is for the jury")
		}
		since := c.Query("since")
		if since != "" {
			if _, err := events.ParseID(since); err != nil {
				return request.BadRequest("since: " + err.Error())
			}
		}
		sl, err := s.sockets.take(c, u.Username, request.ClientIP(c))
		if err != nil {
			return err
		}
		// Kept in the request's locals, the slot goes back when fasthttp lets
		// the request go: at once if the upgrade fails, else after the socket.
		c.Locals("slot", sl)
		// Fiber reuses its buffers after the handler returns: copy before the upgrade.
		cid, since := string([]byte(ct.ID)), string([]byte(since))
		who := listener{user: string([]byte(u.Username)), jury: ct.IsJury(u), channel: string([]byte(channel)), view: request.BoardView(c, ct)}
		err = up.Upgrade(c.Context(), func(conn *ws.Conn) {
			defer sl.Close()
			defer func() {
				if r := recover(); r != nil {
					s.Log.Error("socket panicked", "panic", r)
				}
			}()
			s.serveSocket(conn, cid, since, who)
		})
		if err != nil {
			return &request.Error{Status: fiber.StatusBadRequest, Code: "bad_handshake", Message: "websocket handshake: " + err.Error()}
		}
		return nil
	}
}

// sameOrigin refuses browser connections from other sites; clients that send
// no Origin (tools, the CLI) are allowed.
func sameOrigin(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host != string(c.Request().Host()) {
		return request.Forbidden("websocket origin not allowed")
	}
	return nil
}

// serveSocket streams cid's events to who on conn, from since if given.
func (s *server) serveSocket(conn *ws.Conn, cid, since string, who listener) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The newest event sent or skipped: the replay and the live events may
	// overlap, and nothing is sent twice.
	var last events.StreamID
	if since != "" {
		last, _ = events.ParseID(since)
	}
	sock := s.pool.add(conn, who, last)
	defer sock.end()
	if err := s.Hub.Listen(ctx, cid, sock); err != nil {
		s.Log.Error("subscribe to events", "contest", cid, "err", err)
		_ = conn.WriteControl(ws.CloseMessage, ws.FormatCloseMessage(ws.CloseInternalServerErr, "try again"), time.Now().Add(wsWriteWait))
		return
	}
	defer s.Hub.Unlisten(cid, sock)
	s.Metrics.SocketOpened(who.channel)
	defer s.Metrics.SocketClosed(who.channel)

	// Live events wait in the socket while the handler replays the backlog.
	if since != "" {
		sock.writing.Lock()
		ok := s.replay(ctx, conn, cid, since, func(it *events.Item) bool { return sock.send(it, wsWriteWait) == nil })
		sock.writing.Unlock()
		if !ok {
			return
		}
	}
	sock.release()

	// The handler is the socket's reader: it answers pongs and notices the
	// client leaving; the pool writes.
	conn.SetReadLimit(1024)
	_ = conn.SetReadDeadline(time.Now().Add(wsPongWait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(wsPongWait)) })
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			return
		}
	}
}

// replay sends the events after since, at most Limits.Sockets.Replay of
// them: a client further behind gets a reset and reloads its snapshot, as
// one whose events were trimmed away does. It reports whether the socket
// goes on.
func (s *server) replay(ctx context.Context, conn *ws.Conn, cid, since string, send func(*events.Item) bool) bool {
	bound := s.Limits.Sockets.Replay
	page := int64(1000)
	if bound > 0 {
		page = int64(bound) + 1
	}
	from := since
	for {
		backlog, err := s.Events.Since(ctx, cid, from, page)
		if errors.Is(err, events.ErrTooOld) || err == nil && bound > 0 && len(backlog) > bound {
			f := newFrames(events.Event{ID: since, Type: events.TypeReset})
			_ = conn.SetWriteDeadline(time.Now().Add(wsWriteWait))
			_ = conn.WritePreparedMessage(f.reset)
			return false
		}
		if err != nil {
			s.Log.Error("read event backlog", "contest", cid, "err", err)
			return false
		}
		for _, ev := range backlog {
			it := s.Hub.Item(ev)
			if !send(&it) {
				return false
			}
		}
		if bound > 0 || int64(len(backlog)) < page {
			return true
		}
		from = backlog[len(backlog)-1].ID
	}
}

// frames are what one event becomes on each channel and view, each encoded
// once as a prepared frame that every socket sending it shares; nil where
// the event says nothing to that channel or view. The hub makes them
// (prepareFrames) before fanning the event out, so a socket only picks one.
type frames struct {
	// reset is sent on every channel.
	reset *ws.PreparedMessage
	// board rows, public and live.
	boardPublic, boardJury *ws.PreparedMessage
	// submissions: the jury's message, and its contestant's (the public score).
	subJury, subOwn *ws.PreparedMessage
	subOwner        string
	// clarifications: as the jury, the asker and everyone else may see it
	// (nil: they may not).
	clarJury, clarAsker, clarOthers *ws.PreparedMessage
	clarFrom                        string
}

// prepareFrames is the hub's prepare function (events.Hub.Prepare).
func prepareFrames(ev events.Event) any { return newFrames(ev) }

// newFrames decodes ev once and encodes every message made from it.
func newFrames(ev events.Event) *frames {
	f := &frames{}
	if ev.Type == events.TypeReset {
		f.reset = prepared(ev.ID, events.TypeReset, nil)
		return f
	}
	var d struct {
		Submission    *events.Submission    `json:"submission"`
		Clarification *events.Clarification `json:"clarification"`
		events.Rows
	}
	if err := json.Unmarshal(ev.Data, &d); err != nil {
		return f
	}
	f.boardPublic = preparedRow(ev.ID, d.PublicRow)
	f.boardJury = preparedRow(ev.ID, d.Row)
	if sub := d.Submission; sub != nil && sub.ID != "" {
		f.subJury = prepared(ev.ID, ev.Type, sub)
		f.subOwn, f.subOwner = f.subJury, sub.Contestant
		if own := sub.ForContestant(); own != *sub {
			f.subOwn = prepared(ev.ID, ev.Type, own)
		}
	}
	if c := d.Clarification; c != nil && ev.Type == events.TypeClarification {
		view := func(user string, jury bool) *ws.PreparedMessage {
			if v, ok := c.For(user, jury); ok {
				return prepared(ev.ID, clarification.TypeClarification, v)
			}
			return nil
		}
		f.clarFrom = c.From
		f.clarJury, f.clarAsker, f.clarOthers = view("", true), view(c.From, false), view("", false)
	}
	return f
}

// frame is the message this listener gets of an event, if any. Events it
// may not see still advance its id.
func (l listener) frame(f *frames) *ws.PreparedMessage {
	switch {
	case f == nil:
		return nil
	case f.reset != nil:
		return f.reset
	}
	switch l.channel {
	case "board":
		if l.view == scoreboard.Public {
			return f.boardPublic
		}
		return f.boardJury
	case "submissions", "feed":
		if l.jury {
			return f.subJury
		}
		if f.subOwner != l.user {
			return nil
		}
		return f.subOwn
	case "clarifications":
		switch {
		case l.jury:
			return f.clarJury
		case f.clarFrom != "" && l.user == f.clarFrom:
			return f.clarAsker
		}
		return f.clarOthers
	}
	return nil
}

// preparedRow is a board row message; rows always carry their challenges.
func preparedRow(id string, r *events.Row) *ws.PreparedMessage {
	if r == nil {
		return nil
	}
	if r.Challenges == nil {
		r.Challenges = map[string]events.Cell{}
	}
	return prepared(id, "row", r)
}

// prepared encodes {id, type, data} as a text frame, as WriteJSON did (with
// its newline); nil when v cannot be encoded.
func prepared(id, typ string, v any) *ws.PreparedMessage {
	msg := boardMessage{ID: id, Type: typ}
	if v != nil {
		data, err := json.Marshal(v)
		if err != nil {
			return nil
		}
		msg.Data = data
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return nil
	}
	pm, err := ws.NewPreparedMessage(ws.TextMessage, append(b, '\n'))
	if err != nil {
		return nil
	}
	return pm
}
