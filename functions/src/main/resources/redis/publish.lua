-- Publishes a job's events in sequence order, each exactly once, as one atomic step.
--
-- KEYS[1]  the job's capped history stream; entry ids are 0-<seq>, so the newest id is the last published seq
-- KEYS[2]  the job's shard channel (SPUBLISH). Both names carry the job's hash tag, so on a Redis Cluster they
--          are in one slot and this script runs on the shard that owns it.
-- ARGV[1]  the session's channel, or '' when the job has none: a plain channel (PUBLISH reaches every node of a
--          cluster), since a session's jobs live in many slots
-- ARGV[2]  history length (approx.)   ARGV[3]  history time to live, seconds
-- ARGV[4]  '1' to publish even across a gap (the caller could not find the missing events)
-- ARGV[5], ARGV[6], ...  pairs of seq and message text, in increasing seq
--
-- Returns {1, number published}, or {0, last published seq} when the first event does not follow the last
-- published one: an earlier batch is stored but not yet published, and the caller sends it first.
-- Events at or below the last published seq were published already and are skipped, so a retry repeats nothing.
local last = nil
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #newest > 0 then
  last = tonumber(string.match(newest[1][1], '%-(%d+)$'))
end
local first = tonumber(ARGV[5])
if last ~= nil and first > last + 1 and ARGV[4] ~= '1' then
  return {0, last}
end
local published = 0
for i = 5, #ARGV, 2 do
  local seq = tonumber(ARGV[i])
  if last == nil or seq > last then
    local message = ARGV[i + 1]
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '0-' .. seq, 'm', message)
    redis.call('SPUBLISH', KEYS[2], message)
    if ARGV[1] ~= '' then
      redis.call('PUBLISH', ARGV[1], message)
    end
    last = seq
    published = published + 1
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, published}
