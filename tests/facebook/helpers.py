"""Helpers the Facebook tests share: fixtures, Meta's signature, posting a webhook."""

import json
from pathlib import Path

from django.conf import settings

from tests.helpers import sign

FIXTURES = Path(__file__).parent / "fixtures"
WEBHOOK_URL = "/webhooks/facebook/"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def fixture_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def fb_sign(body: bytes) -> str:
    """X-Hub-Signature-256 as Meta sends it, keyed with the app secret."""
    return f"sha256={sign(body, settings.FACEBOOK_APP_SECRET)}"


def meta_bytes(payload: dict) -> bytes:
    """The body as Meta sends it: compact JSON, non-ASCII escaped as \\uXXXX."""
    return json.dumps(payload, separators=(",", ":")).encode()


def post_webhook(client, payload_or_bytes: dict | bytes, *, signature: str | None = None):
    """POST a webhook signed like Meta signs it (or with the given signature header)."""
    body = payload_or_bytes if isinstance(payload_or_bytes, bytes) else meta_bytes(payload_or_bytes)
    headers = {"HTTP_X_HUB_SIGNATURE_256": fb_sign(body) if signature is None else signature}
    return client.post(WEBHOOK_URL, body, content_type="application/json", **headers)
