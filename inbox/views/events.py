"""The live stream: Server-Sent Events for the signed-in agent's browser.

Under ASGI (uvicorn: production and `make run`) the body is an async generator, so a
waiting stream costs no thread; under WSGI (the test server) a sync one, because Django
would buffer an async body there until it ended. Either way the response ends after
SOCIALCARE_SSE_MAX_SECONDS: EventSource reconnects, and the reconnect picks up changes
in the user's teams. The database connection is given back before streaming starts.

Without Redis there is nothing to stream: a stream that loses it ends, and while it is
known to be down the stream is refused with a 503 at once, so the page's backoff grows
instead of reconnecting every second (pages, webhooks and sends go on without it).
"""

import json
import logging
import time
from collections.abc import AsyncIterator, Iterator

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from redis import RedisError

from inbox import realtime
from inbox.selectors.live import live_streams_for

log = logging.getLogger(__name__)
# EventSource waits this long (ms) before reconnecting after the stream ends.
RETRY_MS = 2000
# Sent before the stream ends on purpose: the page reconnects at once, without a notice.
BYE = b"event: reconnect\ndata: {}\n\n"
KEEPALIVE = b": keepalive\n\n"


@require_GET
def events(request: HttpRequest) -> HttpResponse:
    """The user's live events: every account they work and their own stream."""
    if not request.user.is_authenticated:
        # EventSource cannot follow a redirect to the login page; a refusal stops it.
        return HttpResponseForbidden(_("Log in to receive live updates."))
    if not realtime.live_available():
        return HttpResponse(
            _("Live updates are unavailable: the event broker (Redis) cannot be reached."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    streams = live_streams_for(user=request.user)
    _give_back_connection()
    # Django would buffer an async body under WSGI until it ended, which is never.
    body = _async_body(streams) if isinstance(request, ASGIRequest) else _sync_body(streams)
    response = StreamingHttpResponse(body, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    # A proxy that buffers (nginx does by default) would hold every event back.
    response["X-Accel-Buffering"] = "no"
    return response


def _give_back_connection() -> None:
    """A stream lives for minutes and never queries again: free the connection now.

    Not inside a transaction (a test's): closing would throw the transaction away.
    """
    if not connection.in_atomic_block:
        connection.close()


def _sync_body(streams: list[str]) -> Iterator[bytes]:
    keepalive, deadline = _timing()
    try:
        with realtime.subscription(streams) as get:
            yield f"retry: {RETRY_MS}\n\n".encode()
            while (left := deadline - time.monotonic()) > 0:
                data = get(min(keepalive, left))
                yield KEEPALIVE if data is None else frame(data)
    except (RedisError, OSError):
        log.warning("live stream stopped: the event broker is unreachable", exc_info=True)
        return
    yield BYE


async def _async_body(streams: list[str]) -> AsyncIterator[bytes]:
    keepalive, deadline = _timing()
    try:
        async with realtime.asubscription(streams) as get:
            yield f"retry: {RETRY_MS}\n\n".encode()
            while (left := deadline - time.monotonic()) > 0:
                data = await get(min(keepalive, left))
                yield KEEPALIVE if data is None else frame(data)
    except (RedisError, OSError):
        log.warning("live stream stopped: the event broker is unreachable", exc_info=True)
        return
    yield BYE


def _timing() -> tuple[float, float]:
    keepalive = float(settings.SOCIALCARE_SSE_KEEPALIVE)
    return keepalive, time.monotonic() + float(settings.SOCIALCARE_SSE_MAX_SECONDS)


def frame(data: str) -> bytes:
    """One event as SSE: its type names the event, its JSON (one line) is the data."""
    kind = str(json.loads(data).get("type", "message"))
    return f"event: {kind}\ndata: {data}\n\n".encode()
