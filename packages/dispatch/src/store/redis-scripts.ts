// The Lua scripts of the Redis store: one script per StateStore operation, so each operation is
// atomic and costs one round trip. Every script touches only keys that share one hash tag (a
// bucket, see redis-store.ts), so it also runs on Redis Cluster. Time always comes from the
// caller (ARGV `now`): scripts never read the server clock. String comparisons and sorting are
// left to TypeScript, because Lua compares strings with the server's locale (strcoll).
import { defineScript } from 'redis';
import type { CommandParser } from 'redis';

// Shared helpers, prepended to every script.
// - `int(n)` formats a Lua number as a plain integer (tostring would give 1.8e+12).
// - `ttl(expireAt, now)` is the relative TTL the contract asks for: max(expireAt - now, MIN).
// - `extend(key, ms)` raises a key's TTL to at least `ms`, never lowers it.
const PRELUDE = `
local MIN_TTL = 1000
local function int(n) return string.format('%d', n) end
local function ttl(expireAt, now)
  local t = tonumber(expireAt) - tonumber(now)
  if t < MIN_TTL then t = MIN_TTL end
  return t
end
local function extend(key, ms)
  local current = redis.call('PTTL', key)
  if current < ms then redis.call('PEXPIRE', key, int(ms)) end
end
local function num(v) if v then return tonumber(v) end return nil end
-- Puts member in the due index; the index then lives at least as long as its owner key.
local function schedule(due, score, member, owner)
  redis.call('ZADD', due, score, member)
  local t = redis.call('PTTL', owner)
  if t > 0 then extend(due, t) end
end
`;

// Group state: a hash (meta) + pending list + seen set + last list, all in one bucket.
// meta fields: o openedAt, li lastItemAt, lf lastFlushAt, s seq, f flushAt, h header,
// ld leading event id, du the due time last written to the index, x expireAt (the contract's,
// checked on every read), xt the instant the keys' TTLs run to, tw/ti/tr/tc/tm/tf timing
// (wait, interval, repeat, close, maxItems, sendFirst); the open claim (StateStore CLAIMS): ck kind
// (flush/repeat; its window is the last list), cq token (seq), cu lease end, cp sealed rendering.
// TTLs are refreshed only when xt falls short of x, then to x + grace: most adds
// then cost no PEXPIRE at all, and the keys still never vanish before x.
const GROUP_PRELUDE = `
local meta, pending, seen, last, due = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local function drop_group() redis.call('DEL', meta, pending, seen, last) end
local function load_group(now)
  local v = redis.call('HMGET', meta, 'o','li','lf','s','f','h','ld','x','tw','ti','tr','tc','tm','tf','xt','du','ck','cq','cu')
  if not v[1] then return nil end
  if tonumber(v[8]) <= now then drop_group(); return nil end
  return { o = tonumber(v[1]), li = tonumber(v[2]), lf = num(v[3]), s = tonumber(v[4]),
    f = num(v[5]), h = v[6], ld = v[7] or '', tw = tonumber(v[9]), ti = tonumber(v[10]),
    tr = num(v[11]), tc = tonumber(v[12]), tm = num(v[13]), tf = v[14], xt = num(v[15]), du = num(v[16]),
    ck = v[17] or nil, cq = num(v[18]), cu = num(v[19]), had_cu = v[19] ~= false,
    had_f = v[5] ~= false, had_tr = v[11] ~= false, had_tm = v[13] ~= false,
    np = redis.call('LLEN', pending), nl = redis.call('LLEN', last) }
end
local function next_due(g)
  if g.cu then return g.cu end
  if g.np > 0 and g.f then return g.f end
  local closeAt = g.li + g.tc
  if g.tr and g.nl > 0 and g.lf then return math.min(closeAt, g.lf + g.tr) end
  return closeAt
end
local function save_group(g, now, member, grace, force)
  local nd = next_due(g)
  local x = math.max(nd, g.li + g.tc) + grace
  local fields = { 'o', int(g.o), 'li', int(g.li), 's', int(g.s), 'h', g.h, 'ld', g.ld,
    'x', int(x), 'tw', int(g.tw), 'ti', int(g.ti), 'tc', int(g.tc), 'tf', g.tf }
  local refresh = not g.xt or g.xt < x
  if refresh then table.insert(fields, 'xt'); table.insert(fields, int(x + grace)) end
  -- The due index is written only when the due time moved (an add that leaves it may keep a
  -- claimer's lease; the claimer's flush always writes it, force), or when TTLs are refreshed.
  local reindex = force or refresh or g.du ~= nd
  if reindex then table.insert(fields, 'du'); table.insert(fields, int(nd)) end
  if g.lf then table.insert(fields, 'lf'); table.insert(fields, int(g.lf)) end
  if g.f then table.insert(fields, 'f'); table.insert(fields, int(g.f)) end
  if g.tr then table.insert(fields, 'tr'); table.insert(fields, int(g.tr)) end
  if g.tm then table.insert(fields, 'tm'); table.insert(fields, int(g.tm)) end
  if g.cu then
    table.insert(fields, 'ck'); table.insert(fields, g.ck)
    table.insert(fields, 'cq'); table.insert(fields, int(g.cq))
    table.insert(fields, 'cu'); table.insert(fields, int(g.cu))
  end
  redis.call('HSET', meta, unpack(fields))
  local gone = {}
  if g.had_cu and not g.cu then
    table.insert(gone, 'ck'); table.insert(gone, 'cq'); table.insert(gone, 'cu'); table.insert(gone, 'cp')
  end
  if g.had_f and not g.f then table.insert(gone, 'f') end
  if g.had_tr and not g.tr then table.insert(gone, 'tr') end
  if g.had_tm and not g.tm then table.insert(gone, 'tm') end
  if #gone > 0 then redis.call('HDEL', meta, unpack(gone)) end
  if refresh then
    local t = int(ttl(x + grace, now))
    for _, k in ipairs({ meta, pending, seen, last }) do redis.call('PEXPIRE', k, t) end
  elseif g.new_pending then
    -- A pending list created by this add (the previous one became the last list at a flush).
    local t = redis.call('PTTL', meta)
    if t > 0 then redis.call('PEXPIRE', pending, t) end
  end
  if reindex then schedule(due, int(nd), member, meta) end
end
`;

const GROUP_ADD = `${GROUP_PRELUDE}
local now = tonumber(ARGV[1])
local eventId, item, header = ARGV[2], ARGV[3], ARGV[4]
local tw, ti, tr, tc, tm, tf = tonumber(ARGV[5]), tonumber(ARGV[6]), num(ARGV[7] ~= '' and ARGV[7]),
  tonumber(ARGV[8]), num(ARGV[9] ~= '' and ARGV[9]), ARGV[10]
local member, grace = ARGV[11], tonumber(ARGV[12])
local g = load_group(now)
if g and not g.cu and g.np == 0 and g.li + g.tc <= now then drop_group(); g = nil end
local outcome, leading
if not g then
  local lead = tf == '1'
  g = { o = now, li = now, s = 0, h = header, ld = '', tw = tw, ti = ti, tr = tr, tc = tc,
    tm = tm, tf = tf, np = 0, nl = 0 }
  redis.call('SADD', seen, eventId)
  if lead then
    g.ld = eventId; g.lf = now
    redis.call('RPUSH', last, item); g.nl = 1
  else
    redis.call('RPUSH', pending, item); g.np = 1
    if tm and tm <= 1 then g.f = now else g.f = now + tw end
  end
  outcome, leading = 'opened', lead
elseif redis.call('SISMEMBER', seen, eventId) == 1 then
  return { 'duplicate', int(g.o), g.ld == eventId and '1' or '0' }
else
  redis.call('RPUSH', pending, item); g.np = g.np + 1
  g.new_pending = g.np == 1
  redis.call('SADD', seen, eventId)
  g.li = now
  g.tw, g.ti, g.tr, g.tc, g.tm, g.tf = tw, ti, tr, tc, tm, tf
  if g.np == 1 then
    if g.s == 0 or not g.lf then g.f = g.o + g.tw
    else
      local interval = math.max(1, g.ti)
      local k = math.max(1, math.ceil((now - g.lf) / interval))
      g.f = g.lf + k * interval
    end
  end
  if tm and g.np >= tm then g.f = now end
  outcome, leading = 'added', false
end
save_group(g, now, member, grace, false)
return { outcome, int(g.o), leading and '1' or '0' }
`;

// ARGV now, member, grace, claimMs ('' = commit at once) → { 'none' } | { 'closed', openedAt }
// | { kind, openedAt, seq, header, replay '0'/'1', sealed ('' = none), items… }.
const GROUP_FLUSH = `${GROUP_PRELUDE}
local now, member, grace = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local claimMs = num(ARGV[4] ~= '' and ARGV[4])
local g = load_group(now)
if not g then
  drop_group(); redis.call('ZREM', due, member)
  return { 'none' }
end
local result = { 'none' }
if g.cu then
  -- An open claim: nothing else happens to the group until it is confirmed or its lease ends.
  if g.cu <= now then
    result = { g.ck, int(g.o), int(g.cq), g.h, '1', redis.call('HGET', meta, 'cp') or '' }
    for _, it in ipairs(redis.call('LRANGE', last, 0, -1)) do table.insert(result, it) end
    if claimMs then g.cu = now + claimMs else g.cu = nil end
  end
  save_group(g, now, member, grace, true)
  return result
end
if g.np > 0 then
  if g.f and g.f <= now then
    g.s = g.s + 1
    local items = redis.call('LRANGE', pending, 0, -1)
    redis.call('DEL', last)
    redis.call('RENAME', pending, last)
    g.nl, g.np, g.lf, g.f = #items, 0, now, nil
    result = { 'flush', int(g.o), int(g.s), g.h, '0', '' }
    for _, it in ipairs(items) do table.insert(result, it) end
  end
elseif g.li + g.tc <= now then
  drop_group(); redis.call('ZREM', due, member)
  return { 'closed', int(g.o) }
elseif g.tr and g.nl > 0 and g.lf and g.lf + g.tr <= now then
  g.s = g.s + 1
  g.lf = now
  result = { 'repeat', int(g.o), int(g.s), g.h, '0', '' }
  for _, it in ipairs(redis.call('LRANGE', last, 0, -1)) do table.insert(result, it) end
end
if claimMs and result[1] ~= 'none' then
  g.ck, g.cq, g.cu = result[1], g.s, now + claimMs
end
save_group(g, now, member, grace, true)
return result
`;

// KEYS as GROUP_FLUSH. ARGV seq, payload → {} when claim seq is not open, else { sealed }.
const GROUP_SEAL = `
local v = redis.call('HMGET', KEYS[1], 'cq', 'cp')
if not v[1] or v[1] ~= ARGV[1] then return {} end
if v[2] then return { v[2] } end
redis.call('HSET', KEYS[1], 'cp', ARGV[2])
return { ARGV[2] }
`;

// KEYS as GROUP_FLUSH. ARGV now, seq, member, grace → 1 when the claim was open (now ended).
const GROUP_CONFIRM = `${GROUP_PRELUDE}
local now, member, grace = tonumber(ARGV[1]), ARGV[3], tonumber(ARGV[4])
local g = load_group(now)
if not g or not g.cu or int(g.cq) ~= ARGV[2] then return 0 end
g.cu = nil
save_group(g, now, member, grace, true)
return 1
`;

// KEYS[1] the bucket's due index. ARGV now, leaseUntil, members… → the members claimed.
const CLAIM_DUE = `
local now, lease = tonumber(ARGV[1]), ARGV[2]
local out = {}
for i = 3, #ARGV do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if s and tonumber(s) <= now then
    redis.call('ZADD', KEYS[1], lease, ARGV[i])
    table.insert(out, ARGV[i])
  end
end
return out
`;

// KEYS[1] dedup hash (h holder, x expireAt). ARGV member, now, expireAt → {duplicate, holder}.
const DEDUP_CHECK = `
local now = tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'h', 'x')
if v[1] and tonumber(v[2]) > now then
  if v[1] == ARGV[1] then return { 0, v[1] } end
  return { 1, v[1] }
end
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'x', ARGV[3])
redis.call('PEXPIRE', KEYS[1], int(ttl(ARGV[3], now)))
return { 0, ARGV[1] }
`;

// KEYS[1] window hash (x expireAt, m:<member> → dropped count answered), KEYS[2] dropped hash
// (x expireAt, m:<member>), KEYS[3] the previous window's hash (or KEYS[1] again when none).
// ARGV member, limit, now, windowExpireAt, droppedExpireAt.
const THROTTLE_HIT = `
local now, limit = tonumber(ARGV[3]), tonumber(ARGV[2])
local member = 'm:' .. ARGV[1]
local wx = num(redis.call('HGET', KEYS[1], 'x'))
if wx and wx <= now then redis.call('DEL', KEYS[1]); wx = nil end
if wx then
  local d = redis.call('HGET', KEYS[1], member)
  if d then return { 1, tonumber(d) } end
end
if KEYS[3] ~= KEYS[1] then
  local px = num(redis.call('HGET', KEYS[3], 'x'))
  if px and px > now then
    local d = redis.call('HGET', KEYS[3], member)
    if d then return { 1, tonumber(d) } end
  end
end
local dx = num(redis.call('HGET', KEYS[2], 'x'))
if dx and dx <= now then redis.call('DEL', KEYS[2]); dx = nil end
local size = 0
if dx then
  size = redis.call('HLEN', KEYS[2]) - 1
  if redis.call('HEXISTS', KEYS[2], member) == 1 then return { 0, size } end
end
local admitted = 0
if wx then admitted = redis.call('HLEN', KEYS[1]) - 1 end
if admitted < limit then
  if not wx then
    redis.call('HSET', KEYS[1], 'x', ARGV[4])
    redis.call('PEXPIRE', KEYS[1], int(ttl(ARGV[4], now)))
  end
  redis.call('HSET', KEYS[1], member, int(size))
  redis.call('DEL', KEYS[2])
  return { 1, size }
end
redis.call('HSET', KEYS[2], member, '1', 'x', ARGV[5])
redis.call('PEXPIRE', KEYS[2], int(ttl(ARGV[5], now)))
return { 0, size + 1 }
`;

// KEYS[1] inhibit hash (source id → "until|bothSides"). ARGV sourceId, until, bothSides, now.
const INHIBIT_RECORD = `
local now, untilAt = tonumber(ARGV[4]), tonumber(ARGV[2])
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local u = tonumber(string.match(current, '^(%d+)|'))
  if u >= untilAt then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
extend(KEYS[1], ttl(untilAt, now))
return 1
`;

// KEYS[1] inhibit hash. ARGV now → the live sources as a flat list id, until, bothSides;
// expired ones are deleted (the choice among the live ones is made in TypeScript).
const INHIBIT_LIVE = `
local now = tonumber(ARGV[1])
local all = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #all, 2 do
  local u, b = string.match(all[i + 1], '^(%d+)|(%d)$')
  if tonumber(u) <= now then redis.call('HDEL', KEYS[1], all[i])
  else table.insert(out, all[i]); table.insert(out, u); table.insert(out, b) end
end
return out
`;

// KEYS[1] silences hash: r:<id> record JSON, e:<id> endsAt, u:<id> updatedAt override,
// x:<id> expireAt. ARGV id, recordJson, endsAt, expireAt, now.
const SILENCE_PUT = `
local id = ARGV[1]
redis.call('HSET', KEYS[1], 'r:' .. id, ARGV[2], 'e:' .. id, ARGV[3], 'x:' .. id, ARGV[4])
redis.call('HDEL', KEYS[1], 'u:' .. id)
extend(KEYS[1], ttl(ARGV[4], ARGV[5]))
return 1
`;

// ARGV id, now → 1 when ended now, 0 when unknown, expired or already ended.
const SILENCE_EXPIRE = `
local id, now = ARGV[1], tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'x:' .. id, 'e:' .. id)
if not v[1] or tonumber(v[1]) <= now then return 0 end
if tonumber(v[2]) <= now then return 0 end
redis.call('HSET', KEYS[1], 'e:' .. id, ARGV[2], 'u:' .. id, ARGV[2])
return 1
`;

// ARGV now → flat list: id, record JSON, endsAt, updatedAt override ('' when none); drops
// silences whose expireAt passed.
const SILENCE_LIST = `
local now = tonumber(ARGV[1])
local all = redis.call('HGETALL', KEYS[1])
local fields = {}
for i = 1, #all, 2 do fields[all[i]] = all[i + 1] end
local out = {}
for name, value in pairs(fields) do
  if string.sub(name, 1, 2) == 'x:' then
    local id = string.sub(name, 3)
    if tonumber(value) <= now then
      redis.call('HDEL', KEYS[1], 'r:' .. id, 'e:' .. id, 'u:' .. id, 'x:' .. id)
    elseif fields['r:' .. id] then
      table.insert(out, id); table.insert(out, fields['r:' .. id])
      table.insert(out, fields['e:' .. id] or ''); table.insert(out, fields['u:' .. id] or '')
    end
  end
end
return out
`;

// Escalation hash fields: sc scope, st status, n stepsSent, d stepDueAt (comma list), h header,
// by acknowledgedBy, c closedAt, x expireAt; the open claim: cs token (step), cu lease end,
// cp sealed rendering.
const ESCALATION_PRELUDE = `
local function load_escalation(key, now)
  local v = redis.call('HMGET', key, 'sc', 'st', 'n', 'd', 'h', 'by', 'c', 'x', 'cs', 'cu')
  if not v[1] then return nil end
  if now and tonumber(v[8]) <= now then return nil end
  local steps = {}
  for s in string.gmatch(v[4], '[^,]+') do table.insert(steps, tonumber(s)) end
  return { sc = v[1], st = v[2], n = tonumber(v[3]), d = v[4], steps = steps, h = v[5],
    by = v[6] or '', c = v[7] or '', cs = num(v[9]), cu = num(v[10]) }
end
local function state_reply(e) return { e.sc, e.st, int(e.n), e.d, e.h, e.by, e.c } end
-- Without an open claim: the entry waits for the next step, or leaves the index.
local function reschedule_escalation(key, due, e, member)
  local nextAt = e.steps[e.n + 1]
  if e.st == 'open' and nextAt then schedule(due, int(nextAt), member, key)
  else redis.call('ZREM', due, member) end
end
`;

// KEYS esc hash, scope set, due. ARGV scope, key, now, steps (comma list), header, expireAt, member.
const ESCALATION_START = `${ESCALATION_PRELUDE}
local now = tonumber(ARGV[3])
local existing = load_escalation(KEYS[1], now)
if existing then
  local r = state_reply(existing); table.insert(r, 1, '0'); return r
end
local noSteps = ARGV[4] == ''
local status = noSteps and 'done' or 'open'
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'sc', ARGV[1], 'st', status, 'n', '0', 'd', ARGV[4], 'h', ARGV[5], 'x', ARGV[6])
if noSteps then redis.call('HSET', KEYS[1], 'c', ARGV[3]) end
local t = ttl(ARGV[6], now)
redis.call('PEXPIRE', KEYS[1], int(t))
redis.call('SADD', KEYS[2], ARGV[2])
extend(KEYS[2], t)
if not noSteps then
  local first = string.match(ARGV[4], '^[^,]+')
  redis.call('ZADD', KEYS[3], first, ARGV[7])
  extend(KEYS[3], t)
end
local r = state_reply(load_escalation(KEYS[1], nil)); table.insert(r, 1, '1'); return r
`;

// KEYS esc hash, due. ARGV now, member, claimMs ('' = commit at once) → {} or
// {step, dueAt, header, replay '0'/'1', sealed ('' = none)}.
const ESCALATION_ADVANCE = `${ESCALATION_PRELUDE}
local now, member = tonumber(ARGV[1]), ARGV[2]
local claimMs = num(ARGV[3] ~= '' and ARGV[3])
local e = load_escalation(KEYS[1], now)
if e and e.cu then
  if e.cu > now then schedule(KEYS[2], int(e.cu), member, KEYS[1]); return {} end
  local r = { int(e.cs), int(e.steps[e.cs]), e.h, '1', redis.call('HGET', KEYS[1], 'cp') or '' }
  if claimMs then
    redis.call('HSET', KEYS[1], 'cu', int(now + claimMs))
    schedule(KEYS[2], int(now + claimMs), member, KEYS[1])
  else
    redis.call('HDEL', KEYS[1], 'cs', 'cu', 'cp')
    reschedule_escalation(KEYS[1], KEYS[2], e, member)
  end
  return r
end
if not e or e.st ~= 'open' then redis.call('ZREM', KEYS[2], member); return {} end
local dueAt = e.steps[e.n + 1]
if not dueAt then redis.call('ZREM', KEYS[2], member); return {} end
if dueAt > now then schedule(KEYS[2], int(dueAt), member, KEYS[1]); return {} end
local step = e.n + 1
local done = step >= #e.steps
redis.call('HSET', KEYS[1], 'n', int(step))
if done then redis.call('HSET', KEYS[1], 'st', 'done', 'c', ARGV[1]) end
if claimMs then
  redis.call('HSET', KEYS[1], 'cs', int(step), 'cu', int(now + claimMs))
  schedule(KEYS[2], int(now + claimMs), member, KEYS[1])
else
  local nextAt = e.steps[step + 1]
  if done or not nextAt then redis.call('ZREM', KEYS[2], member)
  else schedule(KEYS[2], int(nextAt), member, KEYS[1]) end
end
return { int(step), int(dueAt), e.h, '0', '' }
`;

// KEYS esc hash. ARGV step, payload → {} when that claim is not open, else { sealed }.
const ESCALATION_SEAL = `
local v = redis.call('HMGET', KEYS[1], 'cs', 'cp')
if not v[1] or v[1] ~= ARGV[1] then return {} end
if v[2] then return { v[2] } end
redis.call('HSET', KEYS[1], 'cp', ARGV[2])
return { ARGV[2] }
`;

// KEYS esc hash, due. ARGV now, step, member → 1 when the claim was open (now ended).
const ESCALATION_CONFIRM = `${ESCALATION_PRELUDE}
local e = load_escalation(KEYS[1], tonumber(ARGV[1]))
if not e or not e.cs or int(e.cs) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], 'cs', 'cu', 'cp')
reschedule_escalation(KEYS[1], KEYS[2], e, ARGV[3])
return 1
`;

// KEYS esc hash, due. ARGV scope, by, now, member.
const ESCALATION_ACK = `${ESCALATION_PRELUDE}
local now = tonumber(ARGV[3])
local e = load_escalation(KEYS[1], now)
if not e or e.sc ~= ARGV[1] then return 'unknown' end
-- An unconfirmed step is not replayed once the escalation stopped.
if e.cu then redis.call('HDEL', KEYS[1], 'cs', 'cu', 'cp'); redis.call('ZREM', KEYS[2], ARGV[4]) end
if e.st ~= 'open' then return 'closed' end
redis.call('HSET', KEYS[1], 'st', 'acknowledged', 'by', ARGV[2], 'c', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[4])
return 'acknowledged'
`;

// KEYS scope set, due. ARGV scope, now, escalation key prefix, member prefix → resolved keys.
// The escalation hashes are named from the set's members: they share the scope's hash tag, so
// they live in the same slot as the declared keys.
const ESCALATION_RESOLVE = `${ESCALATION_PRELUDE}
local now = tonumber(ARGV[2])
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local hash = ARGV[3] .. key
  local e = load_escalation(hash, now)
  if not e then redis.call('SREM', KEYS[1], key)
  elseif e.sc == ARGV[1] then
    if e.cu then
      redis.call('HDEL', hash, 'cs', 'cu', 'cp')
      redis.call('ZREM', KEYS[2], ARGV[4] .. key .. '\\n' .. ARGV[1])
    end
    if e.st == 'open' then
      redis.call('HSET', hash, 'st', 'resolved', 'c', ARGV[2])
      redis.call('ZREM', KEYS[2], ARGV[4] .. key .. '\\n' .. ARGV[1])
      table.insert(out, key)
    end
  end
end
return out
`;

// KEYS esc hash. ARGV now → {} or the state.
const ESCALATION_GET = `${ESCALATION_PRELUDE}
local e = load_escalation(KEYS[1], tonumber(ARGV[1]))
if not e then return {} end
return state_reply(e)
`;

// Deferred hash: s sendAt, p payload, t taken, x expireAt. KEYS hash, due.
// ARGV sendAt, payload, now, expireAt, member.
const DEFER_SEND = `
local now = tonumber(ARGV[3])
local x = num(redis.call('HGET', KEYS[1], 'x'))
if x and x > now then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 's', ARGV[1], 'p', ARGV[2], 't', '0', 'x', ARGV[4])
local t = ttl(ARGV[4], now)
redis.call('PEXPIRE', KEYS[1], int(t))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[5])
extend(KEYS[2], t)
return 1
`;

// KEYS hash, due. ARGV now, member, claimMs ('' = commit at once) → {} or
// {payload, replay '0'/'1', sealed ('' = none)}. The open claim: cu lease end, cp sealed.
const TAKE_DEFERRED = `
local now, member = tonumber(ARGV[1]), ARGV[2]
local claimMs = num(ARGV[3] ~= '' and ARGV[3])
local v = redis.call('HMGET', KEYS[1], 's', 'p', 't', 'x', 'cu', 'cp')
if v[1] and tonumber(v[4]) > now and v[5] then
  local cu = tonumber(v[5])
  if cu > now then schedule(KEYS[2], v[5], member, KEYS[1]); return {} end
  if claimMs then
    redis.call('HSET', KEYS[1], 'cu', int(now + claimMs))
    schedule(KEYS[2], int(now + claimMs), member, KEYS[1])
  else
    redis.call('HDEL', KEYS[1], 'cu', 'cp'); redis.call('HSET', KEYS[1], 'p', '')
    redis.call('ZREM', KEYS[2], member)
  end
  return { v[2], '1', v[6] or '' }
end
if not v[1] or tonumber(v[4]) <= now or v[3] == '1' then
  redis.call('ZREM', KEYS[2], member); return {}
end
if tonumber(v[1]) > now then schedule(KEYS[2], v[1], member, KEYS[1]); return {} end
if claimMs then
  redis.call('HSET', KEYS[1], 't', '1', 'cu', int(now + claimMs))
  schedule(KEYS[2], int(now + claimMs), member, KEYS[1])
else
  redis.call('HSET', KEYS[1], 't', '1', 'p', '')
  redis.call('ZREM', KEYS[2], member)
end
return { v[2], '0', '' }
`;

// KEYS hash. ARGV payload → {} when no claim is open, else { sealed }.
const DEFERRED_SEAL = `
local v = redis.call('HMGET', KEYS[1], 'cu', 'cp')
if not v[1] then return {} end
if v[2] then return { v[2] } end
redis.call('HSET', KEYS[1], 'cp', ARGV[1])
return { ARGV[1] }
`;

// KEYS hash, due. ARGV member → 1 when the claim was open (now ended).
const DEFERRED_CONFIRM = `
if not redis.call('HGET', KEYS[1], 'cu') then return 0 end
redis.call('HDEL', KEYS[1], 'cu', 'cp'); redis.call('HSET', KEYS[1], 'p', '')
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

/** One store script as node-redis wants it (`defineScript` adds the SHA1 for EVALSHA). */
export interface StoreScript {
  readonly SCRIPT: string;
  readonly NUMBER_OF_KEYS: number;
  readonly SHA1: string;
  parseCommand(
    this: void,
    parser: CommandParser,
    keys: readonly string[],
    args: readonly string[],
  ): void;
  transformReply(this: void, reply: unknown): unknown;
}

function script(source: string, numberOfKeys: number): StoreScript {
  return defineScript({
    SCRIPT: PRELUDE + source,
    NUMBER_OF_KEYS: numberOfKeys,
    parseCommand(parser: CommandParser, keys: readonly string[], args: readonly string[]) {
      for (const key of keys) parser.pushKey(key);
      parser.push(...args);
    },
    transformReply: (reply: unknown): unknown => reply,
  });
}

/** Names of the store's scripts (node-redis exposes each as a client method). */
export type StoreScriptName =
  | 'exrGroupAdd'
  | 'exrGroupFlush'
  | 'exrClaimDue'
  | 'exrDedupCheck'
  | 'exrThrottleHit'
  | 'exrInhibitRecord'
  | 'exrInhibitLive'
  | 'exrSilencePut'
  | 'exrSilenceExpire'
  | 'exrSilenceList'
  | 'exrEscalationStart'
  | 'exrEscalationAdvance'
  | 'exrEscalationAck'
  | 'exrEscalationResolve'
  | 'exrEscalationGet'
  | 'exrDeferSend'
  | 'exrTakeDeferred'
  | 'exrGroupSeal'
  | 'exrGroupConfirm'
  | 'exrEscalationSeal'
  | 'exrEscalationConfirm'
  | 'exrDeferredSeal'
  | 'exrDeferredConfirm';

/** Every script of the Redis store, registered on the node-redis client by name. */
export const REDIS_SCRIPTS: Readonly<Record<StoreScriptName, StoreScript>> = {
  exrGroupAdd: script(GROUP_ADD, 5),
  exrGroupFlush: script(GROUP_FLUSH, 5),
  exrClaimDue: script(CLAIM_DUE, 1),
  exrDedupCheck: script(DEDUP_CHECK, 1),
  exrThrottleHit: script(THROTTLE_HIT, 3),
  exrInhibitRecord: script(INHIBIT_RECORD, 1),
  exrInhibitLive: script(INHIBIT_LIVE, 1),
  exrSilencePut: script(SILENCE_PUT, 1),
  exrSilenceExpire: script(SILENCE_EXPIRE, 1),
  exrSilenceList: script(SILENCE_LIST, 1),
  exrEscalationStart: script(ESCALATION_START, 3),
  exrEscalationAdvance: script(ESCALATION_ADVANCE, 2),
  exrEscalationAck: script(ESCALATION_ACK, 2),
  exrEscalationResolve: script(ESCALATION_RESOLVE, 2),
  exrEscalationGet: script(ESCALATION_GET, 1),
  exrDeferSend: script(DEFER_SEND, 2),
  exrTakeDeferred: script(TAKE_DEFERRED, 2),
  exrGroupSeal: script(GROUP_SEAL, 5),
  exrGroupConfirm: script(GROUP_CONFIRM, 5),
  exrEscalationSeal: script(ESCALATION_SEAL, 1),
  exrEscalationConfirm: script(ESCALATION_CONFIRM, 2),
  exrDeferredSeal: script(DEFERRED_SEAL, 1),
  exrDeferredConfirm: script(DEFERRED_CONFIRM, 2),
};
