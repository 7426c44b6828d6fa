"""Helpers the Viber tests share: fixtures, Viber's signature, posting a callback."""

import hashlib
import hmac
import json
from pathlib import Path

from django.urls import reverse

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def fixture_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def viber_sign(body: bytes, token: str) -> str:
    """X-Viber-Content-Signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the
    bot's auth token (no prefix)."""
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def viber_bytes(payload: dict) -> bytes:
    """A callback body as raw UTF-8 JSON (the signature covers these exact bytes)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def webhook_url(account) -> str:
    return reverse("channels_viber:webhook", kwargs={"account_id": account.pk})


def post_callback(client, account, payload_or_bytes: dict | bytes, *, signature: str | None = None):
    """POST a callback to the bot's webhook, signed with its token (or the given signature)."""
    body = (
        payload_or_bytes if isinstance(payload_or_bytes, bytes) else viber_bytes(payload_or_bytes)
    )
    if signature is None:
        signature = viber_sign(body, account.credentials["auth_token"])
    return client.post(
        webhook_url(account),
        body,
        content_type="application/json",
        HTTP_X_VIBER_CONTENT_SIGNATURE=signature,
    )
