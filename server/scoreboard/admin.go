package scoreboard

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/events"
)

// recomputeScript rebuilds one contestant's cell on one challenge.
//
//	KEYS: none declared (all under the contest's hash tag, from ARGV[1])
//	ARGV: prefix, user, slug
//	returns: {jury row, public row}
var recomputeScript = redis.NewScript(RecomputeLua + `
local row, prow = recompute(ARGV[1], ARGV[2], ARGV[3])
return {row, prow}
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

// RecomputeAll rebuilds every cell and rank of contest cid from the attempts.
func (s *Store) RecomputeAll(ctx context.Context, cid string) error {
	p, err := s.Params(ctx, cid)
	if err != nil {
		return err
	}
	prefix := Prefix(cid)
	withAttempts := map[string]bool{}
	iter := s.rdb.Scan(ctx, 0, prefix+"att:*", 1000).Iterator()
	for iter.Next(ctx) {
		rest := strings.TrimPrefix(iter.Val(), prefix+"att:")
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			continue
		}
		user, slug := rest[:i], rest[i+1:]
		if err := recomputeScript.Run(ctx, s.rdb, nil, prefix, user, slug).Err(); err != nil {
			return fmt.Errorf("recompute %s/%s in %s: %w", user, slug, cid, err)
		}
		withAttempts[user] = true
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("list attempts of %s: %w", cid, err)
	}
	// Contestants with nothing submitted still need their key under the rules.
	users, err := s.rdb.HKeys(ctx, WhoKey(cid)).Result()
	if err != nil {
		return fmt.Errorf("list contestants of %s: %w", cid, err)
	}
	_, err = s.rdb.Pipelined(ctx, func(pl redis.Pipeliner) error {
		for _, u := range users {
			if !withAttempts[u] {
				for _, v := range []View{Jury, Public} {
					pl.ZAdd(ctx, BoardKey(cid, v), redis.Z{Score: Key(p.Scoring, 0, 0, 0), Member: u})
				}
			}
		}
		pl.XAdd(ctx, &redis.XAddArgs{Stream: events.Key(cid), MaxLen: events.MaxLen, Approx: true,
			Values: []any{"type", events.TypeReset, "data", "{}"}})
		return nil
	})
	if err != nil {
		return fmt.Errorf("rank contestants of %s: %w", cid, err)
	}
	return nil
}

// revealScript reveals one frozen cell: the lowest-ranked contestant on the
// public board with a frozen result, on the first such challenge in order.
//
//	ARGV: prefix, events key, events maxlen, slugs...
//	returns: {user, slug, event id} or {} when nothing is left to reveal
var revealScript = redis.NewScript(RecomputeLua + `
local prefix = ARGV[1]
-- Bottom of the board first: ascending key, and within a tie the order the
-- board shows reversed (it lists ties by name).
local flat = redis.call('ZRANGE', prefix .. 'board:public', 0, -1, 'WITHSCORES')
local users = {}
for i = 1, #flat, 2 do
  local name = flat[i]
  local who = redis.call('HGET', prefix .. 'who', flat[i])
  if who then name = cjson.decode(who).name or name end
  table.insert(users, {id = flat[i], key = tonumber(flat[i + 1]), name = name})
end
table.sort(users, function(a, b)
  if a.key ~= b.key then return a.key < b.key end
  return a.name > b.name
end)
for _, u in ipairs(users) do
  local user = u.id
  for i = 4, #ARGV do
    local slug = ARGV[i]
    local raw = redis.call('HGET', prefix .. 'cells:' .. user, 'p:' .. slug)
    if raw and cjson.decode(raw).pending > 0 and
       redis.call('SISMEMBER', prefix .. 'revealed', user .. '/' .. slug) == 0 then
      redis.call('SADD', prefix .. 'revealed', user .. '/' .. slug)
      local row, prow = recompute(prefix, user, slug)
      local id = redis.call('XADD', ARGV[2], 'MAXLEN', '~', ARGV[3], '*', 'type', 'reveal',
        'data', '{"reveal":' .. cjson.encode({contestant = user, challenge = slug}) .. ',"row":' .. row .. ',"public_row":' .. prow .. '}')
      return {user, slug, id}
    end
  end
end
return {}
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
	args := []any{Prefix(cid), events.Key(cid), events.MaxLen}
	for _, sl := range slugs {
		args = append(args, sl)
	}
	res, err := revealScript.Run(ctx, s.rdb, nil, args...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("reveal next result of %s: %w", cid, err)
	}
	if len(res) != 3 {
		return nil, nil
	}
	return &Revealed{Contestant: res[0], Challenge: res[1], EventID: res[2]}, nil
}
