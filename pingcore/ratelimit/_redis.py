"""A rate-limit store shared by every process of a site: counters in Redis (redis-py).

One Lua script counts a hit and starts its window in a single atomic step, and
notices when the counts were lost (the database flushed or restarted empty).
"""

from __future__ import annotations

import logging
import math
import uuid
from typing import TYPE_CHECKING, Any

from ._store import RateLimitUnavailable

if TYPE_CHECKING:
    import redis

__all__ = ["RedisStore"]

logger = logging.getLogger("pingcore.ratelimit")

# KEYS: the counter, the epoch marker, the recovery marker.
# ARGV: the window in ms, the epoch this store last saw ("" at first), a new epoch.
# Returns {count, epoch}; a count of -1 means "refuse": the counts were lost.
#
# The epoch marker has no expiry, so it disappears only when the data does.
# Then no one knows how many fetches the lost window held, so every hit is
# refused for one window (the recovery marker's lifetime) before counting again.
_HIT_SCRIPT = """
local epoch = redis.call('GET', KEYS[2])
if not epoch then
    redis.call('SET', KEYS[2], ARGV[3])
    if ARGV[2] == '' then
        epoch = ARGV[3]
    else
        redis.call('SET', KEYS[3], '1', 'PX', ARGV[1], 'NX')
        return {-1, ARGV[3]}
    end
elseif ARGV[2] ~= '' and epoch ~= ARGV[2] then
    redis.call('SET', KEYS[3], '1', 'PX', ARGV[1], 'NX')
    return {-1, epoch}
end
if redis.call('EXISTS', KEYS[3]) == 1 then
    return {-1, epoch}
end
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {count, epoch}
"""


class RedisStore:
    """Fixed-window counters in Redis, exact across every process and machine using it.

    ``url`` is redis-py's (``redis://host:6379/0``, ``rediss://`` for TLS), or pass
    a ready ``client``. ``prefix`` goes before every key, for a Redis shared
    with other applications. ``socket_timeout`` bounds each call, so a slow
    Redis slows a ping by at most that much.

    Fails closed: Redis down, slow, out of memory, or flushed mid-run, and a hit
    raises ``RateLimitUnavailable`` (after a flush or an empty restart, for one
    window). Redis must never evict these keys: run it with its default
    ``maxmemory-policy noeviction`` (then a full Redis refuses, which fails
    closed too). One Redis server, not a cluster: the script touches three keys.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        prefix: str = "",
        socket_timeout: float = 1.0,
        client: redis.Redis | None = None,
    ) -> None:
        if client is None:
            client = _client_from_url(url, socket_timeout)
        self.client = client
        self.prefix = prefix
        self._epoch_key = f"{prefix}pingcore:ratelimit:epoch"
        self._recovery_key = f"{prefix}pingcore:ratelimit:recovering"
        self._script = client.register_script(_HIT_SCRIPT)
        self._epoch = ""
        self._policy_checked = False

    def hit(self, key: str, window: float) -> int:
        import redis

        window_ms = max(1, math.ceil(window * 1000))
        keys = [f"{self.prefix}{key}", self._epoch_key, self._recovery_key]
        try:
            count, epoch = self._script(keys, [window_ms, self._epoch, uuid.uuid4().hex])
        except (redis.RedisError, OSError) as exc:
            raise RateLimitUnavailable(f"Redis failed: {type(exc).__name__}: {exc}") from exc
        self._epoch = _text(epoch)
        if not self._policy_checked:
            self._policy_checked = True
            self._warn_if_redis_evicts()
        if int(count) < 0:
            raise RateLimitUnavailable(
                "the counts in Redis were lost (flushed, or restarted empty); "
                "pings are refused until one window has passed"
            )
        return int(count)

    def close(self) -> None:
        self.client.close()

    def _warn_if_redis_evicts(self) -> None:
        import redis

        try:
            answer = self.client.config_get("maxmemory-policy")
        except redis.RedisError:
            return  # CONFIG is often disabled on managed Redis: nothing to learn
        policy = _text(answer.get("maxmemory-policy", "noeviction"))
        if policy != "noeviction":
            logger.warning(
                "Redis's maxmemory-policy is %s: when it is full it evicts keys, and a "
                "flood can then reset rate-limit counts; set it to noeviction",
                policy,
            )


def _client_from_url(url: str, socket_timeout: float) -> redis.Redis:
    try:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry
    except ImportError as exc:
        raise ImportError("RedisStore needs redis-py: pip install 'pingcore[redis]'") from exc
    # One quick retry for a pooled connection Redis closed (a restart); none for
    # a timeout, so a slow Redis costs a ping at most one socket_timeout.
    retry = Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,))
    client: redis.Redis = redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=socket_timeout,
        retry=retry,
    )
    return client


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
