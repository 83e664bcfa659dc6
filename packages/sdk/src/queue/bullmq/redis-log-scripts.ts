// The delivery log's Lua scripts on Redis: each change is one script, so that a worker's update and
// a receiver's duplicate count never lose one another. An entry is a hash `<base>:d:<key>` (its event
// id within its academy; `e`: the entry as JSON without its body, `b`: the body); sorted sets of keys
// by received time index it, one for all, one per event id, type, status, email, user, course and
// academy, and `<base>:expiry` orders the
// finished entries by removal time; `<base>:academies` is the set of academies with a queue. Every key shares the queue's prefix (a hash tag on Redis
// Cluster), so that a script touches one slot.

const PRELUDE = `
local base = ARGV[1]
local id = ARGV[2]
local key = base .. ':d:' .. id
local function present(value) return value ~= nil and value ~= cjson.null end
local function indexKeys(e)
  local keys = { base .. ':i:all', base .. ':i:id:' .. e.id, base .. ':i:type:' .. e.type, base .. ':i:status:' .. e.status }
  if present(e.email) then keys[#keys + 1] = base .. ':i:email:' .. e.email end
  if present(e.userId) then keys[#keys + 1] = base .. ':i:user:' .. e.userId end
  if present(e.courseId) then keys[#keys + 1] = base .. ':i:course:' .. e.courseId end
  if present(e.academy) then keys[#keys + 1] = base .. ':i:academy:' .. e.academy end
  return keys
end
local function setStatus(e, status)
  if e.status == status then return end
  redis.call('ZREM', base .. ':i:status:' .. e.status, id)
  redis.call('ZADD', base .. ':i:status:' .. status, e.receivedAtMs, id)
  e.status = status
end
local function setExpiry(e, expiresAtMs)
  e.expiresAtMs = expiresAtMs
  if present(expiresAtMs) then redis.call('ZADD', base .. ':expiry', expiresAtMs, id)
  else redis.call('ZREM', base .. ':expiry', id) end
end
local function removeEntry(entryId, e)
  for _, indexKey in ipairs(indexKeys(e)) do redis.call('ZREM', indexKey, entryId) end
  redis.call('ZREM', base .. ':expiry', entryId)
  redis.call('DEL', base .. ':d:' .. entryId)
end
`;

/** ARGV: base, id, entry JSON (no body), body. A new entry, or a logged one of another job put back to waiting. */
export const RECEIVED = `${PRELUDE}
local current = redis.call('HGET', key, 'e')
if current then
  local e = cjson.decode(current)
  local new = cjson.decode(ARGV[3])
  -- The same job logged already (a worker got to it before the queue's own write): kept as it is.
  if present(new.jobId) and e.jobId == new.jobId then return 0 end
  setStatus(e, 'waiting')
  e.nextRetryAt = cjson.null
  setExpiry(e, cjson.null)
  if present(new.jobId) then e.jobId = new.jobId end
  redis.call('HSET', key, 'e', cjson.encode(e))
  return 0
end
local e = cjson.decode(ARGV[3])
redis.call('HSET', key, 'e', ARGV[3], 'b', ARGV[4])
for _, indexKey in ipairs(indexKeys(e)) do redis.call('ZADD', indexKey, e.receivedAtMs, id) end
return 1
`;

/** ARGV: base, id, body. 0: no entry, 1: same body, 2: a different body (a conflict). */
export const REPEATED = `${PRELUDE}
local current = redis.call('HGET', key, 'e')
if not current then return 0 end
local e = cjson.decode(current)
e.duplicates = (e.duplicates or 0) + 1
local result = 1
if redis.call('HGET', key, 'b') ~= ARGV[3] then
  e.conflicts = (e.conflicts or 0) + 1
  result = 2
end
redis.call('HSET', key, 'e', cjson.encode(e))
return result
`;

/** ARGV: base, id, change JSON (see EntryChange). 1 when applied. */
export const UPDATE = `${PRELUDE}
local current = redis.call('HGET', key, 'e')
if not current then return 0 end
local e = cjson.decode(current)
local c = cjson.decode(ARGV[3])
if present(c.onlyFrom) then
  local allowed = false
  for _, status in ipairs(c.onlyFrom) do if status == e.status then allowed = true end end
  if not allowed then return 0 end
end
if c.onlyIfReplays ~= nil then
  local replayed = 0
  if type(e.replays) == 'table' then replayed = #e.replays end
  if replayed ~= c.onlyIfReplays then return 0 end
end
setStatus(e, c.status)
if present(c.attempt) then
  local attempts = {}
  if type(e.attempts) == 'table' then attempts = e.attempts end
  attempts[#attempts + 1] = c.attempt
  while #attempts > tonumber(ARGV[4]) do table.remove(attempts, 1) end
  e.attempts = attempts
end
if c.nextRetryAt ~= nil then e.nextRetryAt = c.nextRetryAt end
if c.expiresAtMs ~= nil then setExpiry(e, c.expiresAtMs) end
if present(c.replayedAt) then
  local replays = {}
  if type(e.replays) == 'table' then replays = e.replays end
  replays[#replays + 1] = c.replayedAt
  e.replays = replays
end
if present(c.jobId) then e.jobId = c.jobId end
redis.call('HSET', key, 'e', cjson.encode(e))
return 1
`;

/** ARGV: base, (unused), now (ms), limit. Removes up to limit expired entries; returns how many. */
export const REMOVE_EXPIRED = `${PRELUDE}
local ids = redis.call('ZRANGEBYSCORE', base .. ':expiry', '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
for _, expiredId in ipairs(ids) do
  local current = redis.call('HGET', base .. ':d:' .. expiredId, 'e')
  if current then removeEntry(expiredId, cjson.decode(current))
  else redis.call('ZREM', base .. ':expiry', expiredId) end
end
return #ids
`;
