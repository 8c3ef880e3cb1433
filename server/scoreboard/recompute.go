package scoreboard

// RecomputeLua defines recompute(prefix, user, slug) for scripts that change a
// contestant's attempts; prefix is Prefix(cid). It rebuilds the contestant's
// cell on that challenge from all their attempts, in both views (jury: live;
// public: frozen attempts pending until revealed), then their totals and sort
// keys, and returns both board rows as JSON. Nothing
// is incremented, so running it again changes nothing.
//
// Attempts (AttemptsKey) are JSON {n: number, s: status, sc: score,
// ps: public score or absent, mx: max score, t: seconds from start, o: outcome}.
const RecomputeLua = `
local function attemptCounts(o)
  return o ~= 'compile_error' and o ~= 'system_error' and o ~= 'invalid_submission'
end

local function cellOf(atts, p, visible)
  local c = {score = 0, attempts = 0, pending = 0, time = 0, solved = false, penalty = 0}
  local rejects = 0
  for _, a in ipairs(atts) do
    c.attempts = c.attempts + 1
    if a.s ~= 'done' or not visible(a) then
      c.pending = c.pending + 1
    else
      local sc = a.sc
      if not p.final and type(a.ps) == 'number' then sc = a.ps end
      if p.scoring == 'icpc' then
        if not c.solved then
          if a.o == 'accepted' then
            c.solved, c.score, c.time = true, 1, a.t
            c.penalty = math.floor(a.t / 60) + p.penalty * rejects
          elseif attemptCounts(a.o) then
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
  if p.scoring == 'icpc' then
    if penalty > 999999 then penalty = 999999 end
    return total * 10000000000000 + (999999 - penalty) * span + (span - 1 - time)
  end
  return math.floor(total * 100 + 0.5) * span + (span - 1 - time)
end

local function rowOf(prefix, user, view, boardKey, p)
  local total, penalty, time = 0, 0, 0
  local cells = {}
  local flat = redis.call('HGETALL', prefix .. 'cells:' .. user)
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
  local who = redis.call('HGET', prefix .. 'who', user)
  if not who then who = cjson.encode({id = user, name = user, organization = ''}) end
  return '{"contestant":' .. who .. ',"total":' .. cjson.encode(total) .. ',"penalty":' .. penalty ..
    ',"time":' .. time .. ',"challenges":' .. cjson.encode(cells) .. '}'
end

local function recompute(prefix, user, slug)
  local raw = redis.call('GET', prefix .. 'params')
  local p = {scoring = 'points', penalty = 20, freeze = -1, unfrozen = false, final = false}
  if raw then p = cjson.decode(raw) end
  local atts = {}
  for _, v in ipairs(redis.call('HVALS', prefix .. 'att:' .. user .. ':' .. slug)) do
    table.insert(atts, cjson.decode(v))
  end
  table.sort(atts, function(a, b) if a.t ~= b.t then return a.t < b.t end return a.n < b.n end)

  local revealed = p.unfrozen or p.freeze < 0 or
    redis.call('SISMEMBER', prefix .. 'revealed', user .. '/' .. slug) == 1
  local jury = cellOf(atts, p, function(a) return true end)
  local public = cellOf(atts, p, function(a) return revealed or a.t < p.freeze end)
  redis.call('HSET', prefix .. 'cells:' .. user, 'j:' .. slug, cjson.encode(jury), 'p:' .. slug, cjson.encode(public))
  return rowOf(prefix, user, 'j', prefix .. 'board', p), rowOf(prefix, user, 'p', prefix .. 'board:public', p)
end
`
