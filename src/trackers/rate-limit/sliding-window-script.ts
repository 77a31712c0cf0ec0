/**
 * Sliding-window log over several keys at once, atomic in Redis so every worker process shares one budget.
 * KEYS: one sorted set per rule. ARGV: now (ms, or -1 to use the Redis clock so hosts with skewed clocks
 * still agree), member id, then limit and window (ms) per key.
 * Returns 0 when a slot was taken in every window, else the milliseconds until the fullest window has room;
 * nothing is recorded unless all windows have room, so a waiting caller does not eat budget.
 */
export const SLIDING_WINDOW_SCRIPT = `
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local member = ARGV[2]
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
