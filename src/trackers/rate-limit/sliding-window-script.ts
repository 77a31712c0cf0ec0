/** `now` from ARGV[1], or the Redis server's clock when it is -1 (hosts with skewed clocks still agree). */
const WINDOW_CLOCK = `
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * Sliding-window log over several keys at once, atomic in Redis so every worker process shares one budget.
 * KEYS: one sorted set per rule. ARGV: now (ms, or -1 to use the Redis clock so hosts with skewed clocks
 * still agree), member id, then limit and window (ms) per key.
 * Returns 0 when a slot was taken in every window, else the milliseconds until the fullest window has room;
 * nothing is recorded unless all windows have room, so a waiting caller does not eat budget.
 */
export const SLIDING_WINDOW_SCRIPT = `${WINDOW_CLOCK}local member = ARGV[2]
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + i * 2])
  local window = tonumber(ARGV[2 + i * 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local blocking = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local until_free = tonumber(blocking[2]) + window - now
    if until_free > wait then wait = until_free end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, tonumber(ARGV[2 + i * 2]))
end
return 0
`;

/**
 * Fills one window until a given time: `limit` entries that leave it `hold` ms from now, so the sliding window
 * script answers "wait" until then, to every process. KEYS: the window. ARGV: now (ms, or -1 for the Redis clock),
 * member id, limit, window (ms), hold (ms).
 */
export const HOLD_WINDOW_SCRIPT = `${WINDOW_CLOCK}local limit = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local hold = tonumber(ARGV[5])
for i = 1, limit do
  redis.call('ZADD', KEYS[1], now + hold - window, ARGV[2] .. ':' .. i)
end
if redis.call('PTTL', KEYS[1]) < hold then redis.call('PEXPIRE', KEYS[1], hold) end
return 0
`;

/**
 * Shuts a whole site until `ms` from now, unless an earlier answer shut it for longer: a later 429 asking less must
 * not open it early. KEYS: the site's key. ARGV: ms, when it opens (for people reading Redis).
 */
export const SHUT_SCRIPT = `if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
end
return 0
`;
