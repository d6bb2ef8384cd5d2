"""The Redis runner's state changes, each one Lua script so it is atomic: a job deleted or expired while a worker
runs it is never brought back by the worker's next write, and the queue cap cannot be overrun by two servers at
once. Times are milliseconds since the epoch; every key is set to expire at the job's deadline."""

from __future__ import annotations

from typing import Any

from redis import Redis


class Script:
    def __init__(self, source: str) -> None:
        self.source = source

    def __call__(self, client: Redis, keys: list[str], args: list[Any]) -> Any:
        return client.register_script(self.source)(keys=keys, args=args)


# KEYS job, input, active, jobs · ARGV now, expires, max_queued, id, input bytes, field, value, …
SUBMIT = Script("""
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[5], 'PXAT', ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[4])
return 1
""")

# KEYS job, input, alive · ARGV process, lease: a queued job becomes running; its input is handed over and deleted
START = Script("""
if redis.call('HGET', KEYS[1], 'state') ~= 'queued' then return false end
local data = redis.call('GET', KEYS[2])
if not data then return false end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'state', 'running', 'process', ARGV[1])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
return data
""")

# KEYS job, alive · ARGV lease, field, value, …: renew the lease (and record progress) while the job runs
TOUCH = Script("""
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
return 1
""")

# KEYS job, errors · ARGV expires, line, …: append rejected-row messages while the job runs
ERRORS = Script("""
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('RPUSH', KEYS[2], unpack(ARGV, 2))
redis.call('PEXPIREAT', KEYS[2], ARGV[1])
return 1
""")

# KEYS job, result, active, alive · ARGV expires, id, workbook bytes, field, value, …: the job is done
FINISH = Script("""
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('SET', KEYS[2], ARGV[3], 'PXAT', ARGV[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('DEL', KEYS[4])
return 1
""")

# KEYS job, input, errors, result, active, alive · ARGV id, mode, field, value, …: the job failed, its data goes.
# mode "failed": the worker gave up on its running job; "lost-running": the lease lapsed (the worker died);
# "lost-queued": the queue lost the job before it started.
FAIL = Script("""
local state = redis.call('HGET', KEYS[1], 'state')
if ARGV[2] == 'lost-queued' then
  if state ~= 'queued' then return 0 end
elseif state ~= 'running' then return 0
elseif ARGV[2] == 'lost-running' and redis.call('EXISTS', KEYS[6]) == 1 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[6])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZREM', KEYS[5], ARGV[1])
return 1
""")
