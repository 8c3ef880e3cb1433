package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
)

// boardFormat is the version of the board's JSON shape, part of its ETag:
// a server that encodes boards differently must not answer 304 to a
// client holding the old shape.
const boardFormat = "1"

// getScoreboard answers the board from the snapshot encoded once per event
// (scoreboard.Store.Encoded), gzipped for clients that accept it. Its
// strong ETag is the view and the last event id, so If-None-Match costs one
// read of the last event id and never reads the board.
func (s *server) getScoreboard(c *fiber.Ctx) error {
	ct, err := s.contest(c)
	if err != nil {
		return err
	}
	view := request.BoardView(c, ct)
	gz := acceptsGzip(c.Get(fiber.HeaderAcceptEncoding))
	// The view follows the caller's role: caches keep one answer per
	// caller and ask again every time.
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	c.Set(fiber.HeaderVary, "Accept-Encoding, Authorization, Cookie")
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" {
		last, err := s.Events.Last(c.UserContext(), ct.ID)
		if err != nil {
			return request.Internal(err)
		}
		frozen := ct.BoardParams().FrozenAt(view, time.Now()) // the board store's clock
		if etagMatches(inm, boardETag(view, last, frozen, false)) {
			c.Set(fiber.HeaderETag, boardETag(view, last, frozen, gz))
			return c.SendStatus(fiber.StatusNotModified)
		}
	}
	enc, err := s.Board.Encoded(c.UserContext(), ct.ID, view)
	if err != nil {
		return request.Internal(err)
	}
	c.Set(fiber.HeaderETag, boardETag(view, enc.EventID, enc.Frozen, gz))
	// While a newer board is being encoded, the previous one comes back:
	// it may be the one the client holds.
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && etagMatches(inm, boardETag(view, enc.EventID, enc.Frozen, false)) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	if gz {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(enc.Gzip)
	}
	return c.Send(enc.JSON)
}

// boardETag is the strong ETag of a board: format, view, event id and
// "-f" once the freeze has begun (which no event marks), and "-gz" for the
// gzipped bytes (another representation, so another tag).
func boardETag(v scoreboard.View, eventID string, frozen, gz bool) string {
	tag := `"board` + boardFormat + "-" + string(v) + "-" + eventID
	if frozen {
		tag += "-f"
	}
	if gz {
		tag += "-gz"
	}
	return tag + `"`
}

// etagMatches reports whether an If-None-Match header names the board of
// tag (given without "-gz"), in either representation: both hold the same
// board, so either one is current.
func etagMatches(header, tag string) bool {
	if strings.TrimSpace(header) == "*" {
		return true
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == strings.TrimSuffix(tag, `"`)+`-gz"` {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip
// (explicitly or through "*", and not with q=0).
func acceptsGzip(header string) bool {
	ok := false
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		zero := strings.HasPrefix(q, "q=0") && strings.Trim(strings.TrimPrefix(q, "q=0"), ".0") == ""
		if name == "gzip" {
			return !zero
		}
		ok = !zero
	}
	return ok
}
