package scoreboard

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/skillarena/arena/server/events"
)

// Encoded is a board as the API sends it: its JSON, and the same gzipped,
// made once per snapshot (one contest, view and event id) whatever the
// number of readers. Boards carry nothing per viewer: everyone who gets a
// view gets the same bytes.
type Encoded struct {
	Contest string
	View    View
	// EventID is the last event the board includes: with the view, it is
	// the board's version (every change to a board appends an event).
	EventID string
	JSON    []byte
	Gzip    []byte
	// Frozen is the board's frozen flag, which the freeze beginning
	// changes without an event: part of the version too.
	Frozen bool
	params Params
	made   time.Time
}

// Encoded returns the board of contest cid in view v, encoded, at the log's
// last event. One request encodes a new version while the others that come
// meanwhile get the previous encoding, a consistent board at its own
// (older) event id, rather than queueing behind it; and while requests
// overlap, an encoding younger than encodeGap is not replaced. So a board
// is encoded at most once per event, readers never wait for an encoding
// (only the first request for a board does), and under a stream of
// verdicts a busy board costs at most one encoding per encodeGap per view.
// A lone request always gets the last event's board. The returned value is
// shared between readers: do not modify it.
func (s *Store) Encoded(ctx context.Context, cid string, v View) (*Encoded, error) {
	last, err := events.NewLog(s.rdb).Last(ctx, cid)
	if err != nil {
		return nil, err
	}
	e := s.cache.entry(cid, v)
	busy := e.inflight.Add(1) > 1
	defer e.inflight.Add(-1)
	enc := e.enc.Load()
	if enc != nil && (enc.EventID == last && enc.Frozen == enc.params.FrozenAt(v, time.Now()) || busy && time.Since(enc.made) < encodeGap) {
		return enc, nil
	}
	if !e.mu.TryLock() {
		if enc := e.enc.Load(); enc != nil {
			return enc, nil // a refresh is under way
		}
		e.mu.Lock()
	}
	defer e.mu.Unlock()
	snap, err := s.refresh(ctx, e, cid, v, last, true)
	if err != nil {
		return nil, err
	}
	return snap.enc, nil
}

// encodeGap is how long a busy board's encoding stands before a newer
// event replaces it: the live feed brings viewers the events after it.
const encodeGap = time.Second

// gzipLevel trades size for speed: a 5,000-row board (2 MB of JSON here)
// is encoded again after every event. Level 3 takes about 60 ms for it and
// gives 216 KB; level 1, 28 ms and 284 KB; level 6, 90 ms and 191 KB
// (encoding the JSON itself takes about 60 ms).
const gzipLevel = 3

func encodeBoard(b *Board, now time.Time) (*Encoded, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode board of %s: %w", b.Contest, err)
	}
	var gz bytes.Buffer
	gz.Grow(len(raw) / 6)
	w, err := gzip.NewWriterLevel(&gz, gzipLevel)
	if err != nil {
		return nil, fmt.Errorf("compress board of %s: %w", b.Contest, err)
	}
	if _, err := w.Write(raw); err != nil {
		return nil, fmt.Errorf("compress board of %s: %w", b.Contest, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("compress board of %s: %w", b.Contest, err)
	}
	return &Encoded{Contest: b.Contest, View: b.View, EventID: b.EventID, JSON: raw, Gzip: gz.Bytes(), Frozen: b.Frozen, made: now}, nil
}
