package scoreboard

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
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
}

// Encoded returns the board of contest cid in view v, encoded. The returned
// value is shared between readers: do not modify it.
func (s *Store) Encoded(ctx context.Context, cid string, v View) (*Encoded, error) {
	snap, err := s.current(ctx, cid, v, true)
	if err != nil {
		return nil, err
	}
	return snap.enc, nil
}

// gzipLevel trades a little size for speed: a 5,000-row board is encoded
// again after every event while viewers wait.
const gzipLevel = 6

func encodeBoard(b *Board) (*Encoded, error) {
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
	return &Encoded{Contest: b.Contest, View: b.View, EventID: b.EventID, JSON: raw, Gzip: gz.Bytes()}, nil
}
