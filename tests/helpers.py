"""Small helpers the tests share: signing, payload builders, CI-aware requirements."""

import hashlib
import hmac
import json
import os

import pytest

from tests.testchannel.adapter import SECRET

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip a test whose prerequisite is missing; under CI=true, fail it instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"missing prerequisite under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_body(*events: dict, account: str = "acme-page") -> bytes:
    return json.dumps({"account": account, "events": list(events)}).encode()


def message_event(
    id: str,
    *,
    thread: str = "t1",
    sender: str = "u1",
    name: str = "Maria",
    text: str = "hello",
    ts: int = 1_700_000_000,
    kind: str = "direct",
    **extra,
) -> dict:
    return {
        "type": "message",
        "id": id,
        "thread": thread,
        "kind": kind,
        "from": {"id": sender, "name": name},
        "text": text,
        "ts": ts,
        **extra,
    }
