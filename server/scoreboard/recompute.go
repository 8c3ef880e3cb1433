package scoreboard

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/events"
)

// NoPenalty reports whether outcome o is no rejected attempt for the ICPC
// penalty: a submission that never ran, or the platform's fault.
func NoPenalty(o verdict.Outcome) bool {
	return o == verdict.CompileError || o == verdict.SystemError || o == verdict.InvalidSubmission
}

// RecomputeLua returns the Lua that defines recompute(user, slug) for the
// scripts that change a contestant's attempts. It reads and writes only
// KEYS[1] to KEYS[RecomputeKeyCount], which the script's caller fills with
// RecomputeKeys(cid, user, slug). It rebuilds the contestant's cell on that
// challenge from all their attempts (events.Attempt), in both views (jury:
// live; public: frozen attempts pending until revealed), then their totals
// and sort keys, and returns both board rows as tables (events.Row).
// Nothing is incremented, so running it again changes nothing.
//
// It also defines withRows(data, row, prow): the Go-encoded event data with
// the rows added, encoded, for XADD.
//
// The outcome, status and scoring names in the script, and the default
// rules, come from their Go constants.
func RecomputeLua() string {
	var noPenalty []string
	for _, o := range verdict.Outcomes() {
		if NoPenalty(o) {
			noPenalty = append(noPenalty, "["+strconv.Quote(string(o))+"] = true")
		}
	}
	defaults, _ := json.Marshal(DefaultParams())
	return strings.NewReplacer(
		"$DEFAULTS", strconv.Quote(string(defaults)),
		"$ICPC", strconv.Quote(ICPC),
		"$DONE", strconv.Quote(string(events.Done)),
		"$ACCEPTED", strconv.Quote(string(verdict.Accepted)),
		"$NO_PENALTY", "{"+strings.Join(noPenalty, ", ")+"}",
	).Replace(recomputeLua)
}

const recomputeLua = `
local DONE, ACCEPTED, NO_PENALTY, ICPC, DEFAULTS = $DONE, $ACCEPTED, $NO_PENALTY, $ICPC, $DEFAULTS

local function cellOf(atts, p, visible)
  local c = {score = 0, attempts = 0, pending = 0, time = 0, solved = false, penalty = 0}
  local rejects = 0
  for _, a in ipairs(atts) do
    c.attempts = c.attempts + 1
    if a.s ~= DONE or not visible(a) then
      c.pending = c.pending + 1
    else
      local sc = a.sc
      if not p.final and type(a.ps) == 'number' then sc = a.ps end
      if p.scoring == ICPC then
        if not c.solved then
          if a.o == ACCEPTED then
            c.solved, c.score, c.time = true, 1, a.t
            c.penalty = math.floor(a.t / 60) + p.penalty * rejects
          elseif not NO_PENALTY[a.o] then
            rejects = rejects + 1
          end
        end
      elseif sc > c.score or (sc == c.score and sc > 0 and a.t < c.time) then
        c.score, c.time = sc, a.t
        c.solved = a.mx ~= nil and a.mx > 0 and sc >= a.mx
      end
    end
  end
  return c
end

local function sortKey(p, total, penalty, time)
  local span = 10000000
  if time >= span then time = span - 1 end
  if p.scoring == ICPC then
    if penalty > 999999 then penalty = 999999 end
    return total * 10000000000000 + (999999 - penalty) * span + (span - 1 - time)
  end
  return math.floor(total * 100 + 0.5) * span + (span - 1 - time)
end

local function boardKeys()
  return {params = KEYS[1], attempts = KEYS[2], revealed = KEYS[3], cells = KEYS[4],
    board = KEYS[5], public = KEYS[6], who = KEYS[7]}
end

local function rowOf(k, user, view, boardKey, p)
  local total, penalty, time = 0, 0, 0
  local cells = {}
  local flat = redis.call('HGETALL', k.cells)
  for i = 1, #flat, 2 do
    local v, slug = string.sub(flat[i], 1, 1), string.sub(flat[i], 3)
    if v == view then
      local c = cjson.decode(flat[i + 1])
      cells[slug] = c
      total = total + c.score
      if c.score > 0 then
        penalty = penalty + c.penalty
        if c.time > time then time = c.time end
      end
    end
  end
  redis.call('ZADD', boardKey, sortKey(p, total, penalty, time), user)
  local who = redis.call('HGET', k.who, user)
  local c = {id = user, name = user, organization = ''}
  if who then c = cjson.decode(who) end
  return {contestant = c, total = total, penalty = penalty, time = time, challenges = cells}
end

local function recompute(user, slug)
  local k = boardKeys()
  local raw = redis.call('GET', k.params)
  local p = cjson.decode(raw or DEFAULTS)
  local atts = {}
  for _, v in ipairs(redis.call('HVALS', k.attempts)) do
    table.insert(atts, cjson.decode(v))
  end
  table.sort(atts, function(a, b) if a.t ~= b.t then return a.t < b.t end return a.n < b.n end)

  local revealed = p.unfrozen or p.freeze < 0 or
    redis.call('SISMEMBER', k.revealed, user .. '/' .. slug) == 1
  local jury = cellOf(atts, p, function(a) return true end)
  local public = cellOf(atts, p, function(a) return revealed or a.t < p.freeze end)
  redis.call('HSET', k.cells, 'j:' .. slug, cjson.encode(jury), 'p:' .. slug, cjson.encode(public))
  return rowOf(k, user, 'j', k.board, p), rowOf(k, user, 'p', k.public, p)
end

local function withRows(data, row, prow)
  local d = cjson.decode(data)
  d.row, d.public_row = row, prow
  return cjson.encode(d)
end
`
