"""Live-update events for agents' browsers.

Published only after commit, to explicitly named streams ("account:7", "user:3",
"conversation:42"). With REDIS_URL set they go through Redis pub/sub so any web process
can stream them; otherwise to subscribers in this process.
"""

import json
import logging
import queue
import threading
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)
CHANNEL_PREFIX = "socialcare:"

_local_lock = threading.Lock()
_local_subscribers: dict[str, set[queue.Queue]] = defaultdict(set)


@cache
def _redis():  # type: ignore[no-untyped-def]
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


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
        try:
            pipe = _redis().pipeline(transaction=False)
            for streams, data in encoded:
                for stream in streams:
                    pipe.publish(CHANNEL_PREFIX + stream, data)
            pipe.execute()
        except Exception:  # noqa: BLE001 - a live update is never worth failing a write
            log.warning("%d live updates not published", len(encoded), exc_info=True)
        return
    for streams, data in encoded:
        with _local_lock:
            targets = {q for s in streams for q in _local_subscribers.get(s, ())}
        for q in targets:
            q.put_nowait(data)


def subscribe_local(streams: Iterable[str]) -> queue.Queue:
    q: queue.Queue = queue.Queue()
    with _local_lock:
        for stream in streams:
            _local_subscribers[stream].add(q)
    return q


def unsubscribe_local(q: queue.Queue) -> None:
    with _local_lock:
        for subscribers in _local_subscribers.values():
            subscribers.discard(q)


def account_streams(account_id: int, conversation_id: int | None = None) -> list[str]:
    streams = [f"account:{account_id}"]
    if conversation_id is not None:
        streams.append(f"conversation:{conversation_id}")
    return streams
