// Package scoreboard owns a contest's standings. For each contestant a hash
// holds their cells in two views — the jury's (live) and the public one
// (results after the freeze stay pending until revealed) — and one sorted set
// per view ranks the contestants. Cells are never incremented: RecomputeLua
// derives them from the contestant's attempts, so applying the same verdict
// twice changes nothing.
//
// Redis keys (prefix arena:{cid}:):
//
//	board                 ZSET    username -> jury sort key (see Key)
//	board:public          ZSET    username -> public sort key
//	cells:{user}          HASH    "j:{slug}" / "p:{slug}" -> cell JSON
//	att:{user}:{slug}     HASH    submission id -> events.Attempt JSON (written by package submission)
//	who                   HASH    username -> contestant JSON {id, name, organization}
//	params                STRING  Params JSON: scoring, penalty, freeze, unfrozen, final
//	revealed              SET     "{user}/{slug}": public cells revealed one by one
//
// The key functions are in keys.go. The contestants with attempts are found
// from the boards and the who hash, their challenges from their cells
// (recompute writes a cell whenever it adds an attempt), never by SCAN.
package scoreboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/events"
)

// View is who looks at a board.
type View string

// Views.
const (
	Jury   View = "jury"   // live: every judged result
	Public View = "public" // results of attempts after the freeze stay pending until revealed
)

// Scoring modes.
const (
	Points = "points"
	ICPC   = "icpc"
)

// Params are the contest's rules as the board applies them.
type Params struct {
	Scoring string `json:"scoring"`
	// Penalty is the ICPC penalty in minutes per rejected attempt before the accept.
	Penalty int64 `json:"penalty"`
	// Freeze is seconds from the start after which public results stay pending; -1: none.
	Freeze int64 `json:"freeze"`
	// FreezeAt is the freeze as a time (Unix ms), when the public board
	// starts saying it is frozen; 0 (rules stored before it): at once.
	FreezeAt int64 `json:"freeze_at,omitempty"`
	// Unfrozen reveals everything on the public board.
	Unfrozen bool `json:"unfrozen"`
	// Final switches predictions challenges from public to private scores.
	Final bool `json:"final"`
}

// FreezePassed reports whether the freeze has begun at now.
func (p Params) FreezePassed(now time.Time) bool {
	return p.Freeze >= 0 && now.UnixMilli() >= p.FreezeAt
}

// FrozenAt reports whether view v of the board is frozen at now: the
// public one, from the freeze until everything is revealed.
func (p Params) FrozenAt(v View, now time.Time) bool {
	return v == Public && !p.Unfrozen && p.FreezePassed(now)
}

// DefaultParams are points scoring without a freeze.
func DefaultParams() Params { return Params{Scoring: Points, Penalty: 20, Freeze: -1} }

// timeSpan is how many distinct seconds a sort key tells apart (~115 days).
const timeSpan = 10_000_000

// Key orders contestants; larger is better, and equal keys share a rank. It
// is the Go twin of sortKey in RecomputeLua and stays below 2^53, exact in a
// float64.
//
// points: higher total (to 1/100 point), then the earlier time it was reached.
// icpc: more solved, then less penalty (minutes, capped at 999999), then the
// earlier last accept.
func Key(scoring string, total float64, penalty, seconds int64) float64 {
	seconds = min(max(seconds, 0), timeSpan-1)
	if scoring == ICPC {
		penalty = min(max(penalty, 0), 999_999)
		return total*1e13 + float64(999_999-penalty)*timeSpan + float64(timeSpan-1-seconds)
	}
	return math.Round(total*100)*timeSpan + float64(timeSpan-1-seconds)
}

// The board's data has its one shape in package events.
type (
	// Contestant is a contestant as the board shows them.
	Contestant = events.Contestant
	// Cell is one contestant's standing on one challenge.
	Cell = events.Cell
	// Row is one contestant's line on the board.
	Row = events.Row
)

// Board is a contest's standings in one view at one event.
type Board struct {
	Contest string `json:"contest"`
	View    View   `json:"view"`
	Scoring string `json:"scoring"`
	Frozen  bool   `json:"frozen"`
	// EventID is the last event the board includes; resume the live feed from it.
	EventID string `json:"event_id"`
	Rows    []Row  `json:"rows"`
}

// Store reads and prepares boards.
type Store struct {
	rdb   redis.UniversalClient
	cache *cache
}

// NewStore returns a store on rdb.
func NewStore(rdb redis.UniversalClient) *Store {
	return &Store{rdb: rdb, cache: newCache()}
}

// Enroll puts contestants on both boards of contest cid with nothing scored
// yet, and appends a reset event: new rows (and changed names) come with no
// row event, and every change to a board must append one, since caches and
// ETags take the last event id for the board's version.
func (s *Store) Enroll(ctx context.Context, cid string, cs ...Contestant) error {
	if len(cs) == 0 {
		return nil
	}
	p, err := s.Params(ctx, cid)
	if err != nil {
		return err
	}
	reset, err := events.Encode(events.ResetData{})
	if err != nil {
		return err
	}
	_, err = s.rdb.TxPipelined(ctx, func(pl redis.Pipeliner) error {
		for _, c := range cs {
			b, _ := json.Marshal(c)
			pl.HSet(ctx, WhoKey(cid), c.ID, b)
			for _, v := range []View{Jury, Public} {
				pl.ZAddNX(ctx, BoardKey(cid, v), redis.Z{Score: Key(p.Scoring, 0, 0, 0), Member: c.ID})
			}
		}
		pl.XAdd(ctx, resetArgs(cid, reset))
		return nil
	})
	if err != nil {
		return fmt.Errorf("enroll contestants in %s: %w", cid, err)
	}
	return nil
}

// Params returns the rules the board of contest cid applies.
func (s *Store) Params(ctx context.Context, cid string) (Params, error) {
	raw, err := s.rdb.Get(ctx, paramsKey(cid)).Bytes()
	if errors.Is(err, redis.Nil) {
		return DefaultParams(), nil
	}
	if err != nil {
		return Params{}, fmt.Errorf("read board rules of %s: %w", cid, err)
	}
	var p Params
	if err := json.Unmarshal(raw, &p); err != nil {
		return Params{}, fmt.Errorf("decode board rules of %s: %w", cid, err)
	}
	return p, nil
}

// Elapsed is the whole seconds from start to t, never negative.
func Elapsed(start, t time.Time) int64 {
	d := t.Sub(start)
	if d < 0 {
		return 0
	}
	return int64(d / time.Second)
}
