"""Live-update events for agents' browsers.

Published only after commit, to explicitly named streams ("account:7", "user:3",
"conversation:42"). With REDIS_URL set they go through Redis pub/sub so any web process
can stream them, on channels named for the Redis database (pub/sub ignores database
numbers, and deployments may share a server). Otherwise to subscribers in this process,
and through `live_socket` to those of the other processes on this machine and database
(`make run`: the worker ingests, the web process streams).

Events carry ids only (conversation, message, actor, a type): browsers fetch what they
show through the ordinary access-checked views, so nothing a user may not see rides on
a stream, and no customer text needs escaping twice.

Readers subscribe with `subscription` (sync: the WSGI stream, threads) or
`asubscription` (async: the ASGI stream); both hand out a `get(timeout)` that answers the
next event's JSON, or None once `timeout` seconds pass without one.
"""

import asyncio
import json
import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction

from inbox import live_socket, outage

log = logging.getLogger(__name__)
# Followed by the Redis database number: see `_channels`.
CHANNEL_PREFIX = "socialcare:"
# How long a new subscriber waits for Redis to confirm its channels before going on.
SUBSCRIBE_TIMEOUT = 5.0

Deliver = Callable[[str], None]
SyncGet = Callable[[float], str | None]
AsyncGet = Callable[[float], Awaitable[str | None]]

_local_lock = threading.Lock()
_local_subscribers: dict[str, set[Deliver]] = defaultdict(set)


def _redis():  # type: ignore[no-untyped-def]
    return _redis_for(settings.REDIS_URL)


@cache
def _redis_for(url: str):  # type: ignore[no-untyped-def]
    import redis

    return redis.Redis.from_url(url, **_timeouts())


def _timeouts() -> dict[str, float]:
    """A dead or silent server costs a publisher or a stream this long, never a hang."""
    return {
        "socket_connect_timeout": settings.REDIS_TIMEOUT,
        "socket_timeout": settings.REDIS_TIMEOUT,
    }


@cache
def _redis_db(url: str) -> int:
    from redis.connection import parse_url

    return int(parse_url(url).get("db") or 0)


def _channels(streams: Iterable[str]) -> list[str]:
    """Redis channels of `streams`, apart for each database of the server."""
    prefix = f"{CHANNEL_PREFIX}{_redis_db(settings.REDIS_URL)}:"
    return [prefix + stream for stream in streams]


def publish(streams: Iterable[str], event: dict[str, Any]) -> None:
    """Publish `event` to `streams` once the current transaction commits."""
    publish_many([(streams, event)])


def publish_many(events: Iterable[tuple[Iterable[str], dict[str, Any]]]) -> None:
    """Several events after commit, in one round trip to Redis."""
    batch = [(sorted(set(streams)), event) for streams, event in events]
    if batch:
        transaction.on_commit(lambda: _publish_all(batch))


def _publish_all(batch: list[tuple[list[str], dict[str, Any]]]) -> None:
    encoded = [(streams, json.dumps(event, default=str)) for streams, event in batch]
    if settings.REDIS_URL:
        # A live update is never worth failing a write: browsers catch up on reconnect.
        outage.degrade(
            f"publishing {len(encoded)} live updates",
            settings.REDIS_URL,
            lambda: _redis_publish(encoded),
            None,
        )
        return
    for streams, data in encoded:
        _deliver_local(streams, data)
    live_socket.send(encoded)


def _redis_publish(encoded: list[tuple[list[str], str]]) -> None:
    pipe = _redis().pipeline(transaction=False)
    for streams, data in encoded:
        for channel in _channels(streams):
            pipe.publish(channel, data)
    pipe.execute()


def _deliver_local(streams: list[str], data: str) -> None:
    """Hand one event to this process's subscribers (also what other processes send)."""
    with _local_lock:
        targets = {deliver for s in streams for deliver in _local_subscribers.get(s, ())}
    for deliver in targets:
        deliver(data)


# --- in-process subscribers ---------------------------------------------------------------


def _add_local(streams: Iterable[str], deliver: Deliver) -> None:
    if not settings.REDIS_URL:
        live_socket.listen(_deliver_local)
    with _local_lock:
        for stream in streams:
            _local_subscribers[stream].add(deliver)


def _remove_local(deliver: Deliver) -> None:
    with _local_lock:
        for stream, subscribers in list(_local_subscribers.items()):
            subscribers.discard(deliver)
            if not subscribers:
                del _local_subscribers[stream]


def subscribe_local(streams: Iterable[str]) -> queue.Queue:
    """A queue that receives this process's events on `streams` (thread-safe)."""
    q: queue.Queue = queue.Queue()
    _add_local(streams, q.put_nowait)
    return q


def unsubscribe_local(q: queue.Queue) -> None:
    _remove_local(q.put_nowait)


def _async_deliver(loop: asyncio.AbstractEventLoop, q: asyncio.Queue) -> Deliver:
    """Hand events from any thread (the one that committed) to the loop that reads `q`."""

    def deliver(data: str) -> None:
        # A closed loop raises: its stream ended before unsubscribing, nobody is reading.
        with suppress(RuntimeError):
            loop.call_soon_threadsafe(q.put_nowait, data)

    return deliver


# --- subscriptions for the live stream ----------------------------------------------------


@contextmanager
def subscription(streams: Iterable[str]) -> Iterator[SyncGet]:
    """Events on `streams` for a blocking reader: Redis pub/sub, or this process's events."""
    streams = sorted(set(streams))
    if settings.REDIS_URL:
        with _redis_subscription(streams) as get:
            yield get
        return
    q = subscribe_local(streams)

    def get(timeout: float) -> str | None:
        try:
            return q.get(timeout=max(timeout, 0))
        except queue.Empty:
            return None

    try:
        yield get
    finally:
        unsubscribe_local(q)


def live_available() -> bool:
    """False while Redis is known to be unreachable: a stream opened now would only end."""
    return not settings.REDIS_URL or not outage.is_down(settings.REDIS_URL)


@contextmanager
def _noting_outage() -> Iterator[None]:
    """A stream that loses Redis ends (its reader reconnects); the next ones are refused
    at once until Redis may be back, instead of each waiting for the timeout."""
    try:
        yield
    except outage.UNREACHABLE:
        outage.mark_down(settings.REDIS_URL)
        raise


@contextmanager
def _redis_subscription(streams: list[str]) -> Iterator[SyncGet]:
    pubsub = _redis().pubsub()

    def get(timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            message = pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
            if message and message["type"] == "message":
                return _text(message["data"])
        return None

    try:
        with _noting_outage():
            pubsub.subscribe(*_channels(streams))
            _await_confirmations(lambda t: pubsub.get_message(timeout=t), len(streams))
            yield get
    finally:
        pubsub.close()


def _await_confirmations(read: Callable[[float], Any], count: int) -> None:
    """Until Redis confirms a channel, an event published to it could pass us by."""
    deadline = time.monotonic() + SUBSCRIBE_TIMEOUT
    while count and (left := deadline - time.monotonic()) > 0:
        message = read(left)
        if message and message["type"] == "subscribe":
            count -= 1
    if count:
        _unconfirmed()


def _unconfirmed() -> None:
    # A server that takes connections but never answers: streaming on would show nothing.
    from redis.exceptions import TimeoutError as RedisTimeoutError

    raise RedisTimeoutError("Redis did not confirm the live stream's subscriptions")


def asubscription(streams: Iterable[str]) -> "AsyncSubscription":
    """Events on `streams` for a reader on an event loop (the ASGI stream)."""
    return AsyncSubscription(streams)


class AsyncSubscription:
    """`async with` gives `get`. A class, not an async generator: the stream that uses it
    is one, and Django may leave that to be closed by the loop's finalizer, which closes
    every pending async generator in no particular order."""

    def __init__(self, streams: Iterable[str]) -> None:
        self.streams = sorted(set(streams))
        self._close: Callable[[], Awaitable[None]] | None = None

    async def __aenter__(self) -> AsyncGet:
        if settings.REDIS_URL:
            with _noting_outage():
                get, self._close = await _aredis_open(self.streams)
        else:
            get, self._close = _alocal_open(self.streams)
        return get

    async def __aexit__(self, kind: object, error: object, traceback: object) -> None:
        if isinstance(error, outage.UNREACHABLE):
            outage.mark_down(settings.REDIS_URL)  # as `_noting_outage` does for sync streams
        if self._close is not None:
            await self._close()


def _alocal_open(streams: list[str]) -> tuple[AsyncGet, Callable[[], Awaitable[None]]]:
    q: asyncio.Queue = asyncio.Queue()
    deliver = _async_deliver(asyncio.get_running_loop(), q)
    _add_local(streams, deliver)

    async def get(timeout: float) -> str | None:
        try:
            return await asyncio.wait_for(q.get(), timeout=max(timeout, 0))
        except TimeoutError:
            return None

    async def close() -> None:
        _remove_local(deliver)

    return get, close


async def _aredis_open(streams: list[str]) -> tuple[AsyncGet, Callable[[], Awaitable[None]]]:
    import redis.asyncio

    # A client per stream: its connections belong to the event loop that made them.
    client = redis.asyncio.Redis.from_url(settings.REDIS_URL, **_timeouts())
    pubsub = client.pubsub()

    async def close() -> None:
        await pubsub.aclose()
        await client.aclose()

    loop = asyncio.get_running_loop()
    try:
        await pubsub.subscribe(*_channels(streams))
        deadline = loop.time() + SUBSCRIBE_TIMEOUT
        count = len(streams)
        while count and (left := deadline - loop.time()) > 0:
            message = await pubsub.get_message(timeout=left)
            if message and message["type"] == "subscribe":
                count -= 1
        if count:
            _unconfirmed()
    except BaseException:
        await close()
        raise

    async def get(timeout: float) -> str | None:
        deadline = loop.time() + timeout
        while (left := deadline - loop.time()) > 0:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
            if message and message["type"] == "message":
                return _text(message["data"])
        return None

    return get, close


def _text(data: bytes | str) -> str:
    return data.decode() if isinstance(data, bytes) else data


def account_streams(account_id: int, conversation_id: int | None = None) -> list[str]:
    streams = [f"account:{account_id}"]
    if conversation_id is not None:
        streams.append(f"conversation:{conversation_id}")
    return streams


def user_stream(user_id: int) -> str:
    return f"user:{user_id}"
