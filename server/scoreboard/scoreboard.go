// Package scoreboard owns a contest's standings: one sorted set ranks the
// contestants, one hash per contestant holds their cells. Cells are never
// incremented: RecomputeLua derives them from the contestant's attempts, so
// applying the same verdict twice changes nothing.
//
// Redis keys:
//
//	arena:{cid}:board           ZSET    username -> sort key (see SortKey)
//	arena:{cid}:cells:{user}    HASH    challenge slug -> cell JSON
//	arena:{cid}:who             HASH    username -> contestant JSON {id, name, organization}
package scoreboard

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/events"
)

// BoardKey is the ranking sorted set of contest cid.
func BoardKey(cid string) string { return "arena:{" + cid + "}:board" }

// CellsKey holds the cells of one contestant.
func CellsKey(cid, user string) string { return "arena:{" + cid + "}:cells:" + user }

// WhoKey holds each contestant's public identity.
func WhoKey(cid string) string { return "arena:{" + cid + "}:who" }

// timeSpan is how many distinct seconds the sort key can tell apart (~115 days).
const timeSpan = 10_000_000

// SortKey orders contestants under points scoring: higher total first, then
// the earlier time (seconds from the start) at which it was reached. Totals
// are kept to 1/100 point; the key stays below 2^53, exact in a float64.
func SortKey(total float64, seconds int64) float64 {
	if seconds < 0 {
		seconds = 0
	}
	if seconds >= timeSpan {
		seconds = timeSpan - 1
	}
	return math.Round(total*100)*timeSpan + float64(timeSpan-1-seconds)
}

// RecomputeLua defines recompute(attKey, cellsKey, boardKey, whoKey, user, slug):
// it rebuilds the contestant's cell for one challenge from their attempts
// (HASH sid -> {s: status, sc: score, t: seconds, o: outcome}), then their
// total and sort key, and returns the contestant's board row as JSON.
// Scripts that change attempts include it and call it last.
const RecomputeLua = `
local function recompute(attKey, cellsKey, boardKey, whoKey, user, slug)
  local best, bestT, attempts, pending = 0, 0, 0, 0
  for _, v in ipairs(redis.call('HVALS', attKey)) do
    local a = cjson.decode(v)
    if a.o ~= 'system_error' then
      attempts = attempts + 1
    end
    if a.s ~= 'done' then
      pending = pending + 1
    elseif a.sc > best or (a.sc == best and a.sc > 0 and a.t < bestT) then
      best, bestT = a.sc, a.t
    end
  end
  redis.call('HSET', cellsKey, slug, cjson.encode({score = best, attempts = attempts, pending = pending, time = bestT}))
  local total, time = 0, 0
  local cells = {}
  local flat = redis.call('HGETALL', cellsKey)
  for i = 1, #flat, 2 do
    local c = cjson.decode(flat[i + 1])
    cells[flat[i]] = c
    total = total + c.score
    if c.score > 0 and c.time > time then time = c.time end
  end
  local span = ` + "10000000" + `
  local t = time
  if t >= span then t = span - 1 end
  local key = math.floor(total * 100 + 0.5) * span + (span - 1 - t)
  redis.call('ZADD', boardKey, key, user)
  local who = redis.call('HGET', whoKey, user)
  if not who then who = cjson.encode({id = user, name = user, organization = ''}) end
  return '{"contestant":' .. who .. ',"total":' .. cjson.encode(total) .. ',"time":' .. time .. ',"challenges":' .. cjson.encode(cells) .. '}'
end
`

// Contestant is a contestant as the board shows them.
type Contestant struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Organization string `json:"organization"`
}

// Cell is one contestant's standing on one challenge.
type Cell struct {
	Score    float64 `json:"score"`
	Attempts int     `json:"attempts"`
	Pending  int     `json:"pending"`
	// Time is when the best score was first reached, in seconds from the start.
	Time int64 `json:"time"`
}

// Row is one contestant's line on the board.
type Row struct {
	Rank       int             `json:"rank"`
	Contestant Contestant      `json:"contestant"`
	Total      float64         `json:"total"`
	Time       int64           `json:"time"`
	Challenges map[string]Cell `json:"challenges"`
}

// Board is a contest's standings at one event.
type Board struct {
	Contest string `json:"contest"`
	Frozen  bool   `json:"frozen"`
	// EventID is the last event the board includes; resume the live feed from it.
	EventID string `json:"event_id"`
	Rows    []Row  `json:"rows"`
}

// Store reads and prepares boards. Reads are served from a snapshot that is
// rebuilt only when the contest's event log has moved on.
type Store struct {
	rdb redis.UniversalClient
	log *events.Log

	mu    sync.Mutex
	cache map[string]*Board
}

// NewStore returns a store on rdb.
func NewStore(rdb redis.UniversalClient) *Store {
	return &Store{rdb: rdb, log: events.NewLog(rdb), cache: map[string]*Board{}}
}

// Enroll puts contestants on the board of contest cid with nothing scored yet.
func (s *Store) Enroll(ctx context.Context, cid string, cs ...Contestant) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, c := range cs {
			b, _ := json.Marshal(c)
			p.HSet(ctx, WhoKey(cid), c.ID, b)
			p.ZAddNX(ctx, BoardKey(cid), redis.Z{Score: SortKey(0, 0), Member: c.ID})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("enroll contestants in %s: %w", cid, err)
	}
	return nil
}

// Read returns the board of contest cid. The returned board is shared: do not modify it.
func (s *Store) Read(ctx context.Context, cid string) (*Board, error) {
	last, err := s.log.Last(ctx, cid)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	b := s.cache[cid]
	s.mu.Unlock()
	if b != nil && b.EventID == last {
		return b, nil
	}
	b, err = s.build(ctx, cid)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if old := s.cache[cid]; old == nil || events.Less(old.EventID, b.EventID) {
		s.cache[cid] = b
	}
	s.mu.Unlock()
	return b, nil
}

// build reads the whole board in one transaction, so it matches one event id.
func (s *Store) build(ctx context.Context, cid string) (*Board, error) {
	var zs *redis.ZSliceCmd
	var who *redis.MapStringStringCmd
	var last *redis.XMessageSliceCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		zs = p.ZRevRangeWithScores(ctx, BoardKey(cid), 0, -1)
		who = p.HGetAll(ctx, WhoKey(cid))
		last = p.XRevRangeN(ctx, events.Key(cid), "+", "-", 1)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read board of %s: %w", cid, err)
	}
	b := &Board{Contest: cid, EventID: "0-0", Rows: make([]Row, 0, len(zs.Val()))}
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
	keys := make([]float64, len(zs.Val()))
	for i, z := range zs.Val() {
		user := z.Member.(string)
		row := Row{Contestant: Contestant{ID: user, Name: user}, Challenges: map[string]Cell{}}
		if raw, ok := who.Val()[user]; ok {
			_ = json.Unmarshal([]byte(raw), &row.Contestant)
		}
		for slug, raw := range cells[i].Val() {
			var c Cell
			if err := json.Unmarshal([]byte(raw), &c); err != nil {
				return nil, fmt.Errorf("decode cell %s/%s of %s: %w", user, slug, cid, err)
			}
			row.Challenges[slug] = c
			row.Total += c.Score
			if c.Score > 0 && c.Time > row.Time {
				row.Time = c.Time
			}
		}
		keys[i] = z.Score
		b.Rows = append(b.Rows, row)
	}
	Rank(b.Rows, keys)
	return b, nil
}

// Rank sets ranks on rows sorted by descending key: equal keys share a rank,
// and ties among them are listed by name.
func Rank(rows []Row, keys []float64) {
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && keys[j] == keys[i] {
			rows[j].Rank = i + 1
			j++
		}
		sort.SliceStable(rows[i:j], func(a, b int) bool {
			return rows[i+a].Contestant.Name < rows[i+b].Contestant.Name
		})
		i = j
	}
}

// Elapsed is the whole seconds from start to t, never negative.
func Elapsed(start, t time.Time) int64 {
	d := t.Sub(start)
	if d < 0 {
		return 0
	}
	return int64(d / time.Second)
}
