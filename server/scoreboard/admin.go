package scoreboard

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/events"
)

// recomputeScript rebuilds one contestant's cell on one challenge.
//
//	KEYS: RecomputeKeys
//	ARGV: user, slug
var recomputeScript = redis.NewScript(RecomputeLua() + `
recompute(ARGV[1], ARGV[2])
return 1
`)

// SetParams changes the rules the boards of contest cid apply, rebuilds
// every cell under them, and appends a reset event so that caches and
// clients reload the board.
func (s *Store) SetParams(ctx context.Context, cid string, p Params) error {
	if p.Scoring != Points && p.Scoring != ICPC {
		return fmt.Errorf("board rules of %s: unknown scoring %q", cid, p.Scoring)
	}
	b, _ := json.Marshal(p)
	if err := s.rdb.Set(ctx, paramsKey(cid), b, 0).Err(); err != nil {
		return fmt.Errorf("save board rules of %s: %w", cid, err)
	}
	return s.RecomputeAll(ctx, cid)
}

// Attempted is one contestant's cell on one challenge that has attempts.
type Attempted struct {
	User, Slug string
}

// ListAttempted returns the cells of contest cid that have attempts, of
// user and on slug when they are not empty. The contestants come from the
// boards and the who hash, their challenges from their cells: the script
// that adds an attempt recomputes its cell.
func ListAttempted(ctx context.Context, rdb redis.UniversalClient, cid, user, slug string) ([]Attempted, error) {
	users := []string{user}
	if user == "" {
		var err error
		if users, err = contestants(ctx, rdb, cid); err != nil {
			return nil, err
		}
	}
	cmds := make([]*redis.StringSliceCmd, len(users))
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, u := range users {
			cmds[i] = p.HKeys(ctx, CellsKey(cid, u))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list cells of %s: %w", cid, err)
	}
	var out []Attempted
	for i, u := range users {
		for _, f := range cmds[i].Val() {
			if sl, ok := strings.CutPrefix(f, "j:"); ok && (slug == "" || sl == slug) {
				out = append(out, Attempted{User: u, Slug: sl})
			}
		}
	}
	return out, nil
}

// contestants lists everyone on the jury's board or in the who hash.
func contestants(ctx context.Context, rdb redis.UniversalClient, cid string) ([]string, error) {
	var board, who *redis.StringSliceCmd
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		board = p.ZRange(ctx, BoardKey(cid, Jury), 0, -1)
		who = p.HKeys(ctx, WhoKey(cid))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list contestants of %s: %w", cid, err)
	}
	seen := map[string]bool{}
	var out []string
	for _, u := range append(board.Val(), who.Val()...) {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out, nil
}

// RecomputeAll rebuilds every cell and rank of contest cid from the attempts.
func (s *Store) RecomputeAll(ctx context.Context, cid string) error {
	p, err := s.Params(ctx, cid)
	if err != nil {
		return err
	}
	cells, err := ListAttempted(ctx, s.rdb, cid, "", "")
	if err != nil {
		return err
	}
	withAttempts := map[string]bool{}
	for _, c := range cells {
		if err := recomputeScript.Run(ctx, s.rdb, RecomputeKeys(cid, c.User, c.Slug), c.User, c.Slug).Err(); err != nil {
			return fmt.Errorf("recompute %s/%s in %s: %w", c.User, c.Slug, cid, err)
		}
		withAttempts[c.User] = true
	}
	// Contestants with nothing submitted still need their key under the rules.
	users, err := s.rdb.HKeys(ctx, WhoKey(cid)).Result()
	if err != nil {
		return fmt.Errorf("list contestants of %s: %w", cid, err)
	}
	reset, err := events.Encode(events.ResetData{})
	if err != nil {
		return err
	}
	_, err = s.rdb.Pipelined(ctx, func(pl redis.Pipeliner) error {
		for _, u := range users {
			if !withAttempts[u] {
				for _, v := range []View{Jury, Public} {
					pl.ZAdd(ctx, BoardKey(cid, v), redis.Z{Score: Key(p.Scoring, 0, 0, 0), Member: u})
				}
			}
		}
		pl.XAdd(ctx, resetArgs(cid, reset))
		return nil
	})
	if err != nil {
		return fmt.Errorf("rank contestants of %s: %w", cid, err)
	}
	return nil
}

// resetArgs appends a reset event with data (events.ResetData, encoded) to
// contest cid's log: clients and caches reload the board.
func resetArgs(cid string, data string) *redis.XAddArgs {
	return &redis.XAddArgs{Stream: events.Key(cid), MaxLen: events.MaxLen, Approx: true,
		Values: []any{"type", events.TypeReset, "data", data}}
}

// revealScript reveals one frozen cell if it is still frozen.
//
//	KEYS: RecomputeKeys, events
//	ARGV: user, slug, events maxlen, reveal event data (events.RevealData without rows), event type
//	returns: the event id, or "" when the cell is no longer frozen
var revealScript = redis.NewScript(RecomputeLua() + `
local user, slug = ARGV[1], ARGV[2]
local k = boardKeys()
local raw = redis.call('HGET', k.cells, 'p:' .. slug)
if not raw or cjson.decode(raw).pending == 0 or
   redis.call('SADD', k.revealed, user .. '/' .. slug) == 0 then
  return ''
end
local row, prow = recompute(user, slug)
return redis.call('XADD', KEYS[8], 'MAXLEN', '~', ARGV[3], '*', 'type', ARGV[5],
  'data', withRows(ARGV[4], row, prow))
`)

// Revealed is one step of the step-by-step reveal.
type Revealed struct {
	Contestant string `json:"contestant"`
	Challenge  string `json:"challenge"`
	EventID    string `json:"event_id"`
}

// RevealNext reveals the next frozen result on the public board, lowest
// ranked contestant first, as award ceremonies do. It returns nil when
// nothing is left to reveal. slugs gives the challenges in board order.
func (s *Store) RevealNext(ctx context.Context, cid string, slugs []string) (*Revealed, error) {
	// The script reveals the cell only if it is still frozen; a reveal by
	// someone else in between means picking again.
	for range 100 {
		next, err := s.nextFrozen(ctx, cid, slugs)
		if err != nil || next == nil {
			return nil, err
		}
		data, err := events.Encode(events.RevealData{Reveal: events.Reveal{Contestant: next.User, Challenge: next.Slug}})
		if err != nil {
			return nil, err
		}
		keys := append(RecomputeKeys(cid, next.User, next.Slug), events.Key(cid))
		id, err := revealScript.Run(ctx, s.rdb, keys, next.User, next.Slug, events.MaxLen, data, events.TypeReveal).Text()
		if err != nil {
			return nil, fmt.Errorf("reveal %s/%s in %s: %w", next.User, next.Slug, cid, err)
		}
		if id != "" {
			return &Revealed{Contestant: next.User, Challenge: next.Slug, EventID: id}, nil
		}
	}
	return nil, fmt.Errorf("reveal next result of %s: the board keeps changing", cid)
}

// nextFrozen finds the next cell to reveal: the bottom of the public board
// first (ascending key, and within a tie the order the board shows
// reversed: it lists ties by name), on the first frozen challenge in order.
func (s *Store) nextFrozen(ctx context.Context, cid string, slugs []string) (*Attempted, error) {
	if len(slugs) == 0 {
		return nil, nil
	}
	var board *redis.ZSliceCmd
	var who *redis.MapStringStringCmd
	var revealed *redis.StringSliceCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		board = p.ZRangeWithScores(ctx, BoardKey(cid, Public), 0, -1)
		who = p.HGetAll(ctx, WhoKey(cid))
		revealed = p.SMembers(ctx, revealedKey(cid))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read public board of %s: %w", cid, err)
	}
	type ranked struct {
		id, name string
		key      float64
	}
	users := make([]ranked, 0, len(board.Val()))
	for _, z := range board.Val() {
		u := ranked{id: z.Member.(string), key: z.Score}
		u.name = u.id
		if raw, ok := who.Val()[u.id]; ok {
			var c Contestant
			if json.Unmarshal([]byte(raw), &c) == nil && c.Name != "" {
				u.name = c.Name
			}
		}
		users = append(users, u)
	}
	sort.SliceStable(users, func(i, j int) bool {
		if users[i].key != users[j].key {
			return users[i].key < users[j].key
		}
		return users[i].name > users[j].name
	})
	done := map[string]bool{}
	for _, r := range revealed.Val() {
		done[r] = true
	}
	fields := make([]string, len(slugs))
	for i, sl := range slugs {
		fields[i] = "p:" + sl
	}
	cells := make([]*redis.SliceCmd, len(users))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, u := range users {
			cells[i] = p.HMGet(ctx, CellsKey(cid, u.id), fields...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read public cells of %s: %w", cid, err)
	}
	for i, u := range users {
		for j, raw := range cells[i].Val() {
			str, ok := raw.(string)
			if !ok || done[u.id+"/"+slugs[j]] {
				continue
			}
			var c Cell
			if err := json.Unmarshal([]byte(str), &c); err != nil {
				return nil, fmt.Errorf("decode cell %s/%s of %s: %w", u.id, slugs[j], cid, err)
			}
			if c.Pending > 0 {
				return &Attempted{User: u.id, Slug: slugs[j]}, nil
			}
		}
	}
	return nil, nil
}

// Revealed returns the public cells of contest cid revealed one by one, as
// "{user}/{slug}".
func (s *Store) Revealed(ctx context.Context, cid string) (map[string]bool, error) {
	ms, err := s.rdb.SMembers(ctx, revealedKey(cid)).Result()
	if err != nil {
		return nil, fmt.Errorf("read revealed cells of %s: %w", cid, err)
	}
	out := make(map[string]bool, len(ms))
	for _, m := range ms {
		out[m] = true
	}
	return out, nil
}
