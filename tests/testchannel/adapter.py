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
    UnknownOutcomeSendError,
    marked_message_id,
    send_marker,
)
from inbox.http import json_object, may_have_been_sent, retry_after_header
from inbox.items import DeliveryUpdate, InboundItem, InboundMessage, Person, Skipped
from inbox.parsing import MalformedPayload, from_seconds, mapping, required, text

KIND = "testchannel"
SECRET = "test-secret"


CONVERSATION_KINDS = ("direct", "comment", "review", "mention")


def _parse_message(account: str, event: dict) -> InboundItem:
    sender = mapping(event, "from")
    kind = event.get("kind", "direct")
    if kind not in CONVERSATION_KINDS:
        raise MalformedPayload(f"unknown conversation kind {str(kind)[:20]!r}")
    return InboundMessage(
        account_external_id=account,
        thread_key=required(event, "thread"),
        conversation_kind=kind,
        external_id=required(event, "id"),
        sender=Person(external_id=required(sender, "id"), name=text(sender, "name")),
        timestamp=from_seconds(event.get("ts")),
        text=text(event, "text"),
        kind="comment" if kind == "comment" else "message",
        public=kind == "comment",
        outbound=bool(event.get("echo")),
        own_message_id=marked_message_id(event.get("metadata")),
        parent_external_id=text(event, "parent"),
    )


def _parse_delivery(account: str, event: dict) -> InboundItem:
    ids = event.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise MalformedPayload("'ids' is not a list of ids")
    # The status is passed on unchecked on purpose: a receipt in a state nothing knows is
    # how the tests craft a poison event, one that ingest raises on.
    status = event.get("status")
    if not isinstance(status, str):
        raise MalformedPayload("'status' is not text")
    return DeliveryUpdate(account_external_id=account, status=status, external_ids=tuple(ids))


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
    # (connect, read) seconds; tests that wait for a timeout shorten it.
    timeout: tuple[float, float] = (5, 5)

    def parse(self, payload: Any, *, account_external_id: str = "") -> list[InboundItem]:
        if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
            raise MalformedPayload("payload has no 'events' list")
        account = account_external_id or required(payload, "account")
        items: list[InboundItem] = []
        for event in payload["events"]:
            if not isinstance(event, dict):
                raise MalformedPayload("an event is not an object")
            kind = event.get("type")
            parser = PARSERS.get(kind) if isinstance(kind, str) else None
            try:
                items.append(
                    parser(account, event)
                    if parser
                    else Skipped(f"unknown event {str(event.get('type'))[:40]!r}", account)
                )
            except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
                raise MalformedPayload(f"malformed {event.get('type')} event: {exc!r}") from exc
        return items

    def send(self, outbound: Outbound) -> SendResult:
        """Classified like a real client: only what the platform did not act on is retried."""
        try:
            response = requests.post(
                f"{self.base_url}/send",
                json={
                    "to": outbound.recipient_external_id,
                    "text": outbound.text,
                    "public": outbound.public,
                    "parent": outbound.parent_external_id,
                    "metadata": send_marker(outbound.message_id),
                },
                headers={"Authorization": f"Bearer {outbound.credentials.get('token', '')}"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            if may_have_been_sent(exc):
                raise UnknownOutcomeSendError(f"no answer: {type(exc).__name__}") from exc
            raise RetryableSendError(f"unreachable: {type(exc).__name__}") from exc
        if response.status_code == 429:
            raise RetryableSendError("rate limited", retry_after=retry_after_header(response))
        if response.status_code >= 500:
            raise UnknownOutcomeSendError(f"server error {response.status_code}")
        if response.status_code == 401:
            raise PermanentSendError("the token was revoked", account_broken=True)
        if response.status_code >= 400:
            raise PermanentSendError(response.json()["error"])
        external_id = (json_object(response) or {}).get("id")
        if not external_id:
            raise UnknownOutcomeSendError("answered without an id")
        return SendResult(external_id=str(external_id))

    def find_sent(self, outbound: Outbound) -> SendResult | None:
        """The fake's look-up by the send's marker, where it offers one (404 otherwise)."""
        response = requests.get(
            f"{self.base_url}/sent/{send_marker(outbound.message_id)}", timeout=self.timeout
        )
        if response.status_code != 200:
            return None
        return SendResult(external_id=response.json()["id"])
