package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
)

const (
	wsWriteWait  = 10 * time.Second
	wsPongWait   = 60 * time.Second
	wsPingPeriod = wsPongWait * 9 / 10
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
// ?since=EVENT_ID first gets every event after that one.
func (s *server) socket() fiber.Handler {
	upgrade := websocket.New(s.serveSocket, websocket.Config{
		HandshakeTimeout: 10 * time.Second,
		RecoverHandler: func(conn *websocket.Conn) {
			if r := recover(); r != nil {
				s.Log.Error("socket panicked", "panic", r)
			}
		},
	})
	return func(c *fiber.Ctx) error {
		channel := c.Params("channel")
		if !channels[channel] {
			return request.NotFound("no channel " + channel + " (board, submissions, feed, clarifications)")
		}
		if !websocket.IsWebSocketUpgrade(c) {
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
		if channel == "feed" && !request.IsJury(u) {
			return request.Forbidden("the submission feed is for the jury")
		}
		since := c.Query("since")
		if since != "" {
			if _, err := events.ParseID(since); err != nil {
				return request.BadRequest("since: " + err.Error())
			}
		}
		// Fiber reuses its buffers after the handler returns: copy before the upgrade.
		c.Locals("cid", string([]byte(ct.ID)))
		c.Locals("since", string([]byte(since)))
		c.Locals("listener", listener{user: string([]byte(u.Username)), jury: request.IsJury(u), channel: string([]byte(channel)), view: request.BoardView(c)})
		return upgrade(c)
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

func (s *server) serveSocket(conn *websocket.Conn) {
	cid, _ := conn.Locals("cid").(string)
	since, _ := conn.Locals("since").(string)
	who, _ := conn.Locals("listener").(listener)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	sub, err := s.Hub.Subscribe(ctx, cid)
	if err != nil {
		s.Log.Error("subscribe to events", "contest", cid, "err", err)
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseInternalServerErr, "try again"), time.Now().Add(wsWriteWait))
		return
	}
	defer sub.Close()

	// Reader: answers pongs and notices the client leaving.
	conn.SetReadLimit(1024)
	_ = conn.SetReadDeadline(time.Now().Add(wsPongWait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(wsPongWait)) })
	go func() {
		defer cancel()
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()

	last := since
	send := func(ev events.Event) bool {
		if last != "" && !events.Less(last, ev.ID) {
			return true // already sent from the backlog
		}
		last = ev.ID
		msg, ok := who.message(ev)
		if !ok {
			return true
		}
		_ = conn.SetWriteDeadline(time.Now().Add(wsWriteWait))
		return conn.WriteJSON(msg) == nil
	}

	if since != "" {
		for {
			backlog, err := s.Events.Since(ctx, cid, last, 1000)
			if errors.Is(err, events.ErrTooOld) {
				_ = conn.WriteJSON(boardMessage{ID: since, Type: events.TypeReset})
				return
			}
			if err != nil {
				s.Log.Error("read event backlog", "contest", cid, "err", err)
				return
			}
			for _, ev := range backlog {
				if !send(ev) {
					return
				}
			}
			if len(backlog) < 1000 {
				break
			}
		}
	}

	ping := time.NewTicker(wsPingPeriod)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-sub.C:
			if !ok {
				// Dropped as too slow, or the server is stopping: the client resumes by id.
				_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "resume from your last event id"), time.Now().Add(wsWriteWait))
				return
			}
			if !send(ev) {
				return
			}
		case <-ping.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(wsWriteWait)); err != nil {
				return
			}
		}
	}
}

// message turns a contest event into what this listener may see, if anything.
// Events it may not see still advance its id.
func (l listener) message(ev events.Event) (boardMessage, bool) {
	if ev.Type == events.TypeReset {
		return boardMessage{ID: ev.ID, Type: events.TypeReset}, true
	}
	switch l.channel {
	case "board":
		row, ok := scoreboard.RowOf(ev, l.view)
		if !ok {
			return boardMessage{}, false
		}
		return encoded(ev.ID, "row", row)
	case "submissions", "feed":
		d, err := events.Decode[events.SubmissionData](ev)
		if err != nil || d.Submission.ID == "" {
			return boardMessage{}, false
		}
		if !l.jury {
			if d.Submission.Contestant != l.user {
				return boardMessage{}, false
			}
			d.Submission = d.Submission.ForContestant()
		}
		return encoded(ev.ID, ev.Type, d.Submission)
	case "clarifications":
		d, err := events.Decode[events.ClarificationData](ev)
		if err != nil || ev.Type != events.TypeClarification || !d.Clarification.VisibleTo(l.user, l.jury) {
			return boardMessage{}, false
		}
		return encoded(ev.ID, clarification.TypeClarification, d.Clarification)
	}
	return boardMessage{}, false
}

func encoded(id, typ string, v any) (boardMessage, bool) {
	data, err := json.Marshal(v)
	if err != nil {
		return boardMessage{}, false
	}
	return boardMessage{ID: id, Type: typ, Data: data}, true
}
