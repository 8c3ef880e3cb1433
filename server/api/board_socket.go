package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/scoreboard"
)

const (
	wsWriteWait  = 10 * time.Second
	wsPongWait   = 60 * time.Second
	wsPingPeriod = wsPongWait * 9 / 10
)

// boardMessage is what a board socket sends: {id, type, data}.
type boardMessage struct {
	ID   string          `json:"id"`
	Type string          `json:"type"`
	Data json.RawMessage `json:"data,omitempty"`
}

// boardSocket streams every change of a contest's board. A client that
// passes ?since=EVENT_ID first gets every change after that event.
func (s *server) boardSocket() fiber.Handler {
	upgrade := websocket.New(s.serveBoard, websocket.Config{
		HandshakeTimeout: 10 * time.Second,
		RecoverHandler: func(conn *websocket.Conn) {
			if r := recover(); r != nil {
				s.Log.Error("board socket panicked", "panic", r)
			}
		},
	})
	return func(c *fiber.Ctx) error {
		if !websocket.IsWebSocketUpgrade(c) {
			return &apiError{Status: fiber.StatusUpgradeRequired, Code: "upgrade_required", Message: "this is a websocket endpoint"}
		}
		if err := sameOrigin(c); err != nil {
			return err
		}
		ct, err := s.contest(c)
		if err != nil {
			return err
		}
		since := c.Query("since")
		if since != "" {
			if _, err := events.ParseID(since); err != nil {
				return errBadRequest("since: " + err.Error())
			}
		}
		// Fiber reuses its buffers after the handler returns: copy before the upgrade.
		c.Locals("cid", string([]byte(ct.ID)))
		c.Locals("since", string([]byte(since)))
		c.Locals("view", boardView(c))
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
		return errForbidden("websocket origin not allowed")
	}
	return nil
}

func (s *server) serveBoard(conn *websocket.Conn) {
	cid, _ := conn.Locals("cid").(string)
	since, _ := conn.Locals("since").(string)
	view, _ := conn.Locals("view").(scoreboard.View)
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
		msg, ok := boardEvent(ev, view)
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

// boardEvent turns a contest event into a board message for view v: the
// changed row, or a reset that tells the client to reload the board. Events
// that do not change the board still advance the client's id.
func boardEvent(ev events.Event, v scoreboard.View) (boardMessage, bool) {
	if ev.Type == events.TypeReset {
		return boardMessage{ID: ev.ID, Type: events.TypeReset}, true
	}
	row, ok := scoreboard.RowOf(ev, v)
	if !ok {
		return boardMessage{}, false
	}
	data, err := json.Marshal(row)
	if err != nil {
		return boardMessage{}, false
	}
	return boardMessage{ID: ev.ID, Type: "row", Data: data}, true
}
