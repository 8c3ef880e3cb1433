// Package events owns each contest's event log, a Redis stream that every
// serve replica tails to push changes to websocket clients.
//
// Redis keys:
//
//	arena:{cid}:events   STREAM  fields: type, data (JSON, see data.go)
//
// Events are appended by the atomic scripts of other packages (they pass
// Key(cid) as a KEYS entry and use MaxLen); this package reads them.
package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// MaxLen is roughly how many events a contest keeps for clients to resume from.
const MaxLen = 200000

// Types of event.
const (
	TypeSubmission    = "submission"    // a submission was queued
	TypeJudging       = "judging"       // a worker took it
	TypeVerdict       = "verdict"       // a result was applied, overridden or rejudged
	TypeReveal        = "reveal"        // a frozen result was revealed
	TypeClarification = "clarification" // a question, answer or announcement
	TypeReset         = "reset"         // the client must reload its snapshot
)

// Key is the event stream of contest cid.
func Key(cid string) string { return "arena:{" + cid + "}:events" }

// Event is one change in a contest. Data is, by Type, one of the data
// types of data.go; read it with Decode.
type Event struct {
	ID   string          `json:"id"`
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

func fromMessage(m redis.XMessage) Event {
	t, _ := m.Values["type"].(string)
	d, _ := m.Values["data"].(string)
	if d == "" {
		d = "null"
	}
	return Event{ID: m.ID, Type: t, Data: json.RawMessage(d)}
}

// Log reads contest event logs.
type Log struct {
	rdb redis.UniversalClient
}

// NewLog returns a log reader on rdb.
func NewLog(rdb redis.UniversalClient) *Log { return &Log{rdb: rdb} }

// ErrTooOld means the events after an id were trimmed away; reload the snapshot.
var ErrTooOld = errors.New("events since that id are no longer kept")

// Since returns up to count events after id (exclusive), oldest first.
func (l *Log) Since(ctx context.Context, cid, id string, count int64) ([]Event, error) {
	if _, err := ParseID(id); err != nil {
		return nil, err
	}
	// Trimming is the only deletion, so anything after id was lost iff id
	// comes before the newest deleted entry.
	info, err := l.rdb.XInfoStream(ctx, Key(cid)).Result()
	if errors.Is(err, redis.Nil) || err != nil && strings.Contains(err.Error(), "no such key") {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", cid, err)
	}
	if Less(id, info.MaxDeletedEntryID) {
		return nil, ErrTooOld
	}
	msgs, err := l.rdb.XRangeN(ctx, Key(cid), "("+id, "+", count).Result()
	if err != nil {
		return nil, fmt.Errorf("read events of %s since %s: %w", cid, id, err)
	}
	out := make([]Event, len(msgs))
	for i, m := range msgs {
		out[i] = fromMessage(m)
	}
	return out, nil
}

// Each calls fn on every event contest cid still keeps, oldest first,
// reading them in pages of batch; types, when given, are the only types
// handed to fn. It stops at fn's first error and returns it.
func (l *Log) Each(ctx context.Context, cid string, batch int64, fn func(Event) error, types ...string) error {
	from := "-"
	for {
		msgs, err := l.rdb.XRangeN(ctx, Key(cid), from, "+", batch).Result()
		if err != nil {
			return fmt.Errorf("read events of %s: %w", cid, err)
		}
		for _, m := range msgs {
			if t, _ := m.Values["type"].(string); len(types) > 0 && !slices.Contains(types, t) {
				continue
			}
			if err := fn(fromMessage(m)); err != nil {
				return err
			}
		}
		if int64(len(msgs)) < batch {
			return nil
		}
		from = "(" + msgs[len(msgs)-1].ID
	}
}

// Last returns the id of the newest event, or "0-0" when there is none.
func (l *Log) Last(ctx context.Context, cid string) (string, error) {
	msgs, err := l.rdb.XRevRangeN(ctx, Key(cid), "+", "-", 1).Result()
	if err != nil {
		return "", fmt.Errorf("read last event of %s: %w", cid, err)
	}
	if len(msgs) == 0 {
		return "0-0", nil
	}
	return msgs[0].ID, nil
}

// StreamID is a parsed Redis stream id.
type StreamID struct{ MS, Seq uint64 }

// ParseID parses "ms-seq" (a bare "ms" means seq 0).
func ParseID(id string) (StreamID, error) {
	ms, seq, found := strings.Cut(id, "-")
	a, err := strconv.ParseUint(ms, 10, 64)
	if err != nil {
		return StreamID{}, fmt.Errorf("event id %q: want MS-SEQ", id)
	}
	var b uint64
	if found {
		if b, err = strconv.ParseUint(seq, 10, 64); err != nil {
			return StreamID{}, fmt.Errorf("event id %q: want MS-SEQ", id)
		}
	}
	return StreamID{a, b}, nil
}

// Less reports whether stream id a comes before b; unparsable ids sort first.
func Less(a, b string) bool {
	x, _ := ParseID(a)
	y, _ := ParseID(b)
	return x.Less(y)
}

// Less reports whether id comes before o.
func (id StreamID) Less(o StreamID) bool {
	return id.MS < o.MS || id.MS == o.MS && id.Seq < o.Seq
}
