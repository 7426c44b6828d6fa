"""Redis may be down: what can live without it degrades instead of failing the request.

A webhook is answered 200 once its raw body is stored (Meta unsubscribes an app whose
webhooks fail for an hour), and pages must render, so everything Redis does on the way
is optional: the ingest drain flag, the Viber welcome flag, presence, Graph pacing, live
publishing and task enqueueing. Each goes through `degrade`: a failure is logged and the
caller gets its fallback; the stored rows and the periodic sweep recover the rest.

Every Redis client gives up after REDIS_TIMEOUT seconds, and once a server failed to
answer, this process leaves it alone for RETRY_AFTER_SECONDS: a host that never answers
costs one request a timeout, not every request of the outage.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
# Long enough that a burst of deliveries during an outage skips Redis at once, short
# enough that live updates and prompt processing come back soon after Redis does.
RETRY_AFTER_SECONDS = 5.0
# The server did not answer (refused, timed out, reset): what Redis, redis-py and
# kombu (publishing a task) raise then. Other errors degrade too, but say nothing
# about the next call, so they do not make us skip the server.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OperationalError)

_lock = threading.Lock()
# Server (a URL) -> monotonic time until which it is taken to be down.
_down_until: dict[str, float] = {}


def is_down(server: str) -> bool:
    """Whether `server` failed to answer less than RETRY_AFTER_SECONDS ago."""
    return _down_until.get(server, 0.0) > time.monotonic()


def mark_down(server: str) -> None:
    with _lock:
        _down_until[server] = time.monotonic() + RETRY_AFTER_SECONDS


def degrade[T](what: str, server: str, call: Callable[[], T], fallback: T) -> T:
    """`call()`, or `fallback` when `server` is down or the call fails. Never raises."""
    if is_down(server):
        log.debug("%s skipped: its server was unreachable moments ago", what)
        return fallback
    try:
        return call()
    except UNREACHABLE as exc:
        mark_down(server)
        # No URL in the message: it may carry the password.
        log.warning("%s skipped: %s (%s)", what, type(exc).__name__, exc)
    except Exception:  # noqa: BLE001 - optional work never fails the request
        log.warning("%s failed", what, exc_info=True)
    return fallback


# --- Django's cache (Redis in production) ----------------------------------------------


def _cache_server() -> str:
    return str(settings.CACHES["default"].get("LOCATION", ""))


def cache_get(key: str, default: Any = None) -> Any:
    return degrade("cache read", _cache_server(), lambda: cache.get(key, default), default)


def cache_get_many(keys: Iterable[str]) -> dict[str, Any]:
    keys = list(keys)
    return degrade("cache read", _cache_server(), lambda: cache.get_many(keys), {})


def cache_set(key: str, value: Any, timeout: float) -> None:
    degrade("cache write", _cache_server(), lambda: cache.set(key, value, timeout), None)


def cache_add(key: str, value: Any, timeout: float, *, when_down: bool) -> bool:
    """Set `key` unless it exists; True when this call set it. `when_down` is the
    answer while the cache cannot tell, chosen by the caller: which mistake is cheaper."""
    return degrade(
        "cache write", _cache_server(), lambda: cache.add(key, value, timeout), when_down
    )


def cache_delete(key: str) -> None:
    degrade("cache delete", _cache_server(), lambda: cache.delete(key), None)
