"""Helpers the Viber tests share: fixtures, Viber's signature, a connected bot, posting a
callback."""

import json
from pathlib import Path

from django.urls import reverse

from inbox.models import ChannelAccount, Team
from tests.helpers import sign

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def fixture_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def viber_sign(body: bytes, token: str) -> str:
    """X-Viber-Content-Signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the
    bot's auth token (no prefix)."""
    return sign(body, token)


def connect_bot(
    world,
    *,
    token: str = "sandbox-viber-token-acme",
    external_id: str = "pa:5840000000000000001",
    name: str = "Acme Support",
    team: Team | None = None,
) -> ChannelAccount:
    """A connected Viber bot worked by `team` (Support unless told); by default the fake
    Viber's Acme bot."""
    account = ChannelAccount.objects.create(
        kind="viber", external_id=external_id, name=name, credentials={"auth_token": token}
    )
    account.teams.add(team or world.support)
    return account


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
