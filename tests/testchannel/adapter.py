from datetime import UTC, datetime
from typing import Any

import requests

from inbox.adapters import (
    Capabilities,
    ChannelAdapter,
    CredentialField,
    Outbound,
    PermanentSendError,
    RetryableSendError,
    SendResult,
)
from inbox.items import DeliveryUpdate, InboundItem, InboundMessage, Person, Skipped

KIND = "testchannel"
SECRET = "test-secret"


def _parse_message(account: str, event: dict) -> InboundItem:
    sender = event["from"]
    return InboundMessage(
        account_external_id=account,
        thread_key=str(event["thread"]),
        conversation_kind=event.get("kind", "direct"),
        external_id=str(event["id"]),
        sender=Person(external_id=str(sender["id"]), name=sender.get("name", "")),
        timestamp=datetime.fromtimestamp(int(event["ts"]), tz=UTC),
        text=event.get("text", ""),
        kind="comment" if event.get("kind") == "comment" else "message",
        public=event.get("kind") == "comment",
        outbound=bool(event.get("echo")),
        parent_external_id=event.get("parent", ""),
    )


def _parse_delivery(account: str, event: dict) -> InboundItem:
    return DeliveryUpdate(
        account_external_id=account, status=event["status"], external_ids=tuple(event["ids"])
    )


PARSERS = {"message": _parse_message, "delivery": _parse_delivery}


class TestChannelAdapter(ChannelAdapter):
    kind = KIND
    label = "Test channel"
    capabilities = Capabilities(public_reply=True, private_reply=True, max_text_length=500)
    credential_fields = (
        CredentialField("account_id", "Account ID"),
        CredentialField("token", "Token", secret=True),
    )
    # Set by the fake_platform fixture: where send() talks HTTP to.
    base_url = "http://127.0.0.1:9"

    def parse(self, payload: Any, *, account_external_id: str = "") -> list[InboundItem]:
        if not isinstance(payload, dict) or "events" not in payload:
            raise ValueError("payload has no 'events' list")
        account = account_external_id or str(payload["account"])
        items: list[InboundItem] = []
        for event in payload["events"]:
            parser = PARSERS.get(event.get("type"))
            items.append(
                parser(account, event)
                if parser
                else Skipped(f"unknown event {event.get('type')!r}", account)
            )
        return items

    def send(self, outbound: Outbound) -> SendResult:
        try:
            response = requests.post(
                f"{self.base_url}/send",
                json={
                    "to": outbound.recipient_external_id,
                    "text": outbound.text,
                    "public": outbound.public,
                    "parent": outbound.parent_external_id,
                },
                headers={"Authorization": f"Bearer {outbound.credentials.get('token', '')}"},
                timeout=5,
            )
        except requests.RequestException as exc:
            raise RetryableSendError(f"unreachable: {exc}") from exc
        if response.status_code == 429:
            raise RetryableSendError(
                "rate limited", retry_after=float(response.headers.get("Retry-After", 1))
            )
        if response.status_code >= 500:
            raise RetryableSendError(f"server error {response.status_code}")
        if response.status_code == 401:
            raise PermanentSendError("the token was revoked", account_broken=True)
        if response.status_code >= 400:
            raise PermanentSendError(response.json()["error"])
        return SendResult(external_id=response.json()["id"])
