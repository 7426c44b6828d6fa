"""Shared pieces of the live-update tests: each broker, and reading an SSE stream."""

import asyncio
import json
import os
import uuid

import pytest

from inbox import presence, realtime

BROKERS = ["in-process", "redis"]


@pytest.fixture(params=BROKERS)
def broker(request, settings, monkeypatch) -> str:
    """Run the test on this process's subscribers, and on Redis when REDIS_URL is set
    (CI's second pass). Channels and presence keys get names of this test's own: Redis
    pub/sub ignores database numbers, and other test runs may share the server."""
    monkeypatch.setattr(realtime, "CHANNEL_PREFIX", f"socialcare-test-{uuid.uuid4().hex}:")
    monkeypatch.setattr(presence, "KEY_PREFIX", f"socialcare-test-{uuid.uuid4().hex}:")
    if request.param == "redis":
        url = os.environ.get("REDIS_URL", "")
        if not url:
            pytest.skip("REDIS_URL is not set (CI's second pass sets it)")
        settings.REDIS_URL = url
    else:
        settings.REDIS_URL = ""
    return request.param


async def next_event(chunks, *, timeout: float = 10) -> tuple[str, dict]:
    """The next `event:` of an SSE body, skipping comments and the retry line."""
    while True:
        chunk = await asyncio.wait_for(anext(chunks), timeout)
        parsed = parse_event(chunk)
        if parsed is not None:
            return parsed


def parse_event(chunk: bytes) -> tuple[str, dict] | None:
    fields = dict(
        line.split(": ", 1) for line in chunk.decode().splitlines() if line and ": " in line
    )
    if "event" not in fields:
        return None
    return fields["event"], json.loads(fields["data"])
