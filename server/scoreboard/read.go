package scoreboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/events"
)

// The board a request reads is a snapshot kept per contest and view. When
// the event log has moved on, the snapshot takes the rows that the new
// events carry (every board-changing event carries the changed rows); only a
// reset event, or falling far behind, rebuilds it from Redis.

// maxDelta is how many events a snapshot catches up on before it rebuilds instead.
const maxDelta = 2000

type snapshot struct {
	board  *Board
	keys   map[string]float64 // sort key per contestant
	params Params
	enc    *Encoded // made on the first Encoded call, under the entry's lock
}

type cacheEntry struct {
	mu   sync.Mutex // one refresh at a time; readers of a current snapshot do not wait on Redis
	snap *snapshot
	// enc is the newest encoding, read without the lock, and inflight the
	// Encoded calls under way (see Encoded).
	enc      atomic.Pointer[Encoded]
	inflight atomic.Int32
}

type cache struct {
	mu      sync.Mutex
	entries map[string]*cacheEntry
}

func newCache() *cache { return &cache{entries: map[string]*cacheEntry{}} }

func (c *cache) entry(cid string, v View) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := cid + "\x00" + string(v)
	e, ok := c.entries[k]
	if !ok {
		e = &cacheEntry{}
		c.entries[k] = e
	}
	return e
}

// Read returns the board of contest cid in view v. The returned board is
// shared between readers: do not modify it.
func (s *Store) Read(ctx context.Context, cid string, v View) (*Board, error) {
	last, err := events.NewLog(s.rdb).Last(ctx, cid)
	if err != nil {
		return nil, err
	}
	snap, err := s.current(ctx, cid, v, last, false)
	if err != nil {
		return nil, err
	}
	return snap.board, nil
}

// current returns the snapshot of contest cid in view v at event last
// (the log's last), encoding it first when encode is set (see Encoded).
func (s *Store) current(ctx context.Context, cid string, v View, last string, encode bool) (*snapshot, error) {
	e := s.cache.entry(cid, v)
	e.mu.Lock()
	defer e.mu.Unlock()
	return s.refresh(ctx, e, cid, v, last, encode)
}

// refresh brings e up to event last; the caller holds e.mu.
func (s *Store) refresh(ctx context.Context, e *cacheEntry, cid string, v View, last string, encode bool) (*snapshot, error) {
	var err error
	// The freeze beginning changes the board without an event.
	if e.snap == nil || e.snap.board.EventID != last || e.snap.board.Frozen != e.snap.params.FrozenAt(v, time.Now()) {
		snap, ok := (*snapshot)(nil), false
		if e.snap != nil {
			snap, ok = s.catchUp(ctx, cid, v, e.snap)
		}
		if !ok {
			if snap, err = s.build(ctx, cid, v); err != nil {
				return nil, err
			}
		}
		e.snap = snap
	}
	if encode && e.snap.enc == nil {
		// Under the entry's lock: concurrent requests for a new event wait
		// for one encoding instead of each making their own.
		enc, err := encodeBoard(e.snap.board, time.Now())
		if err != nil {
			return nil, err
		}
		enc.params = e.snap.params
		e.snap.enc = enc
		e.enc.Store(enc)
	}
	return e.snap, nil
}

// catchUp applies the rows of the events after the snapshot's; ok is false
// when the snapshot must be rebuilt instead.
func (s *Store) catchUp(ctx context.Context, cid string, v View, old *snapshot) (*snapshot, bool) {
	evs, err := events.NewLog(s.rdb).Since(ctx, cid, old.board.EventID, maxDelta+1)
	if err != nil || len(evs) == 0 || len(evs) > maxDelta {
		return nil, false
	}
	changed := map[string]Row{}
	for _, ev := range evs {
		if ev.Type == events.TypeReset {
			return nil, false
		}
		if row, ok := RowOf(ev, v); ok {
			changed[row.Contestant.ID] = row
		}
	}
	b := &Board{Contest: old.board.Contest, View: v, Scoring: old.board.Scoring, Frozen: old.params.FrozenAt(v, time.Now()),
		EventID: evs[len(evs)-1].ID}
	// Readers never look at keys, and refreshes hold the entry's lock: the
	// map moves on to the new snapshot rather than being copied.
	keys := old.keys
	// Keep the unchanged rows in their order and merge the changed ones in
	// by key: O(n) per refresh instead of a sort.
	moved := make([]Row, 0, len(changed))
	for id, r := range changed {
		keys[id] = Key(old.params.Scoring, r.Total, r.Penalty, r.Time)
		moved = append(moved, r)
	}
	less := func(a, b Row) bool { // a before b
		ka, kb := keys[a.Contestant.ID], keys[b.Contestant.ID]
		if ka != kb {
			return ka > kb
		}
		return a.Contestant.Name < b.Contestant.Name
	}
	sort.Slice(moved, func(i, j int) bool { return less(moved[i], moved[j]) })
	b.Rows = make([]Row, 0, len(old.board.Rows)+len(moved))
	m := 0
	for _, r := range old.board.Rows {
		if _, ok := changed[r.Contestant.ID]; ok {
			continue
		}
		for m < len(moved) && less(moved[m], r) {
			b.Rows = append(b.Rows, moved[m])
			m++
		}
		b.Rows = append(b.Rows, r)
	}
	b.Rows = append(b.Rows, moved[m:]...)
	rank(b, keys)
	return &snapshot{board: b, keys: keys, params: old.params}, true
}

// RowOf returns the row an event carries for view v, if it carries one.
func RowOf(ev events.Event, v View) (Row, bool) {
	d, err := events.Decode[events.Rows](ev)
	if err != nil {
		return Row{}, false
	}
	r := d.Row
	if v == Public {
		r = d.PublicRow
	}
	if r == nil {
		return Row{}, false
	}
	if r.Challenges == nil {
		r.Challenges = map[string]Cell{}
	}
	return *r, true
}

// build reads a whole board from Redis in one transaction, so it matches one event id.
func (s *Store) build(ctx context.Context, cid string, v View) (*snapshot, error) {
	var zs *redis.ZSliceCmd
	var who *redis.MapStringStringCmd
	var last *redis.XMessageSliceCmd
	var params *redis.StringCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		zs = p.ZRevRangeWithScores(ctx, BoardKey(cid, v), 0, -1)
		who = p.HGetAll(ctx, WhoKey(cid))
		last = p.XRevRangeN(ctx, events.Key(cid), "+", "-", 1)
		params = p.Get(ctx, paramsKey(cid))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read board of %s: %w", cid, err)
	}
	pr := DefaultParams()
	if raw, err := params.Bytes(); err == nil {
		if err := json.Unmarshal(raw, &pr); err != nil {
			return nil, fmt.Errorf("decode board rules of %s: %w", cid, err)
		}
	}
	b := &Board{Contest: cid, View: v, Scoring: pr.Scoring, EventID: "0-0", Rows: make([]Row, 0, len(zs.Val())),
		Frozen: pr.FrozenAt(v, time.Now())}
	if m := last.Val(); len(m) > 0 {
		b.EventID = m[0].ID
	}
	cells := make([]*redis.MapStringStringCmd, len(zs.Val()))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, z := range zs.Val() {
			cells[i] = p.HGetAll(ctx, CellsKey(cid, z.Member.(string)))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read board cells of %s: %w", cid, err)
	}
	prefix := "j:"
	if v == Public {
		prefix = "p:"
	}
	keys := make(map[string]float64, len(zs.Val()))
	for i, z := range zs.Val() {
		user := z.Member.(string)
		row := Row{Contestant: Contestant{ID: user, Name: user}, Challenges: map[string]Cell{}}
		if raw, ok := who.Val()[user]; ok {
			_ = json.Unmarshal([]byte(raw), &row.Contestant)
		}
		for field, raw := range cells[i].Val() {
			slug, ok := strings.CutPrefix(field, prefix)
			if !ok {
				continue
			}
			var c Cell
			if err := json.Unmarshal([]byte(raw), &c); err != nil {
				return nil, fmt.Errorf("decode cell %s/%s of %s: %w", user, slug, cid, err)
			}
			row.Challenges[slug] = c
			row.Total += c.Score
			if c.Score > 0 {
				row.Penalty += c.Penalty
				row.Time = max(row.Time, c.Time)
			}
		}
		keys[user] = z.Score
		b.Rows = append(b.Rows, row)
	}
	finish(b, keys)
	return &snapshot{board: b, keys: keys, params: pr}, nil
}

// finish sorts rows by key (best first), ranks them and marks first solvers.
func finish(b *Board, keys map[string]float64) {
	sort.SliceStable(b.Rows, func(i, j int) bool {
		ki, kj := keys[b.Rows[i].Contestant.ID], keys[b.Rows[j].Contestant.ID]
		if ki != kj {
			return ki > kj
		}
		return b.Rows[i].Contestant.Name < b.Rows[j].Contestant.Name
	})
	rank(b, keys)
}

// rank sets ranks on sorted rows and marks first solvers.
func rank(b *Board, keys map[string]float64) {
	rk := make([]float64, len(b.Rows))
	for i, r := range b.Rows {
		rk[i] = keys[r.Contestant.ID]
	}
	Rank(b.Rows, rk)
	markFirst(b.Rows)
}

// Rank sets ranks on rows sorted by descending key: equal keys share a rank.
func Rank(rows []Row, keys []float64) {
	for i := range rows {
		if i > 0 && keys[i] == keys[i-1] {
			rows[i].Rank = rows[i-1].Rank
		} else {
			rows[i].Rank = i + 1
		}
	}
}

// markFirst marks, for each challenge, the solve with the earliest time
// (several when they came in the same second).
func markFirst(rows []Row) {
	first := map[string]int64{}
	for _, r := range rows {
		for slug, c := range r.Challenges {
			if c.Solved {
				if t, ok := first[slug]; !ok || c.Time < t {
					first[slug] = c.Time
				}
			}
		}
	}
	for i := range rows {
		var cells map[string]Cell
		for slug, c := range rows[i].Challenges {
			want := c.Solved && c.Time == first[slug]
			if c.First != want {
				if cells == nil {
					// Rows of an older snapshot share this map with its readers.
					cells = maps.Clone(rows[i].Challenges)
				}
				c.First = want
				cells[slug] = c
			}
		}
		if cells != nil {
			rows[i].Challenges = cells
		}
	}
}
