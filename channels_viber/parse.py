"""Viber callbacks -> the project's inbound items (viber.md section 2).

Pure: no database, no HTTP. A callback names no bot, so the caller passes the account the
webhook URL belongs to. One POST is one callback: a body that is not a callback object
raises MalformedPayload, a known callback missing what it needs (or with a value of the
wrong type) raises MalformedPayload naming it, and callbacks nothing handles become a
Skipped with a reason.
"""

from collections.abc import Callable
from typing import Any

from inbox.items import (
    Attachment,
    DeliveryUpdate,
    InboundItem,
    InboundMessage,
    Person,
    Skipped,
    SubscriptionChange,
)
from inbox.parsing import MalformedPayload, from_ms, optional_id, required, text

# Viber's message types that carry a file at `media`, and what the inbox calls them.
MEDIA_TYPES = {"picture": "image", "video": "video", "file": "file"}


def parse(payload: Any, *, account_external_id: str) -> list[InboundItem]:
    """A callback's items (one, or a Skipped saying why there is nothing to ingest)."""
    if not isinstance(payload, dict):
        raise MalformedPayload("a Viber callback body must be a JSON object")
    event = payload.get("event")
    if not isinstance(event, str) or not event:
        raise MalformedPayload("the Viber callback has no 'event'")
    parser = EVENT_PARSERS.get(event)
    if parser is None:
        return [Skipped(f"viber event {event[:40]!r} is not handled", account_external_id)]
    try:
        return [parser(account_external_id, payload)]
    except KeyError as exc:
        raise MalformedPayload(f"malformed viber {event} callback: missing {exc}") from exc
    except (ValueError, TypeError, AttributeError) as exc:
        raise MalformedPayload(f"malformed viber {event} callback: {exc}") from exc


def conversation_started_user(payload: Any) -> dict | None:
    """The `user` of a conversation_started callback (who gets the welcome), else None."""
    if not isinstance(payload, dict) or payload.get("event") != "conversation_started":
        return None
    user = payload.get("user")
    return user if isinstance(user, dict) else {}


# --- shared readers ---------------------------------------------------------------------


def person(user: Any, *, subscribed: bool | None = None) -> Person:
    """A `sender` / `user` object. Name and avatar come only with send_name / send_photo."""
    if not isinstance(user, dict):
        raise MalformedPayload("the user is not an object")
    profile: dict[str, Any] = {key: user[key] for key in ("country", "language") if user.get(key)}
    if subscribed is not None:
        profile["subscribed"] = subscribed
    return Person(
        external_id=required(user, "id"),
        name=text(user, "name"),
        avatar_url=text(user, "avatar"),
        profile=profile,
    )


# --- callbacks --------------------------------------------------------------------------


def _parse_message(account_external_id: str, payload: dict) -> InboundItem:
    """A customer's message. Writing to the bot subscribes them (without a callback)."""
    message = payload["message"]
    if not isinstance(message, dict):
        raise MalformedPayload("'message' is not an object")
    sender = person(payload["sender"], subscribed=True)
    extra = {"tracking_data": message["tracking_data"]} if message.get("tracking_data") else {}
    attachment = _attachment(message)
    return InboundMessage(
        account_external_id=account_external_id,
        thread_key=sender.external_id,
        conversation_kind="direct",
        external_id=required(payload, "message_token"),
        sender=sender,
        timestamp=from_ms(payload["timestamp"]),
        text=text(message, "text"),
        attachments=(attachment,) if attachment else (),
        extra=extra,
    )


def _parse_subscribed(account_external_id: str, payload: dict) -> InboundItem:
    return SubscriptionChange(
        account_external_id=account_external_id,
        person=person(payload["user"]),
        subscribed=True,
        timestamp=from_ms(payload["timestamp"]),
    )


def _parse_unsubscribed(account_external_id: str, payload: dict) -> InboundItem:
    return SubscriptionChange(
        account_external_id=account_external_id,
        person=Person(external_id=required(payload, "user_id")),
        subscribed=False,
        timestamp=from_ms(payload["timestamp"]),
    )


def _parse_delivered(account_external_id: str, payload: dict) -> InboundItem:
    return DeliveryUpdate(
        account_external_id=account_external_id,
        status="delivered",
        external_ids=(required(payload, "message_token"),),
        thread_key=optional_id(payload, "user_id"),
    )


def _parse_seen(account_external_id: str, payload: dict) -> InboundItem:
    """Sent once when the customer reads everything unread: it covers all earlier messages."""
    return DeliveryUpdate(
        account_external_id=account_external_id,
        status="read",
        watermark=from_ms(payload["timestamp"]),
        thread_key=required(payload, "user_id"),
    )


def _parse_failed(account_external_id: str, payload: dict) -> InboundItem:
    return DeliveryUpdate(
        account_external_id=account_external_id,
        status="failed",
        external_ids=(required(payload, "message_token"),),
        thread_key=optional_id(payload, "user_id"),
        reason=text(payload, "desc"),
    )


def _parse_conversation_started(account_external_id: str, payload: dict) -> InboundItem:
    return Skipped(
        "viber conversation_started is not a message: the webhook view answers it with "
        "the welcome message",
        account_external_id,
    )


def _parse_webhook(account_external_id: str, payload: dict) -> InboundItem:
    return Skipped("viber webhook check: nothing to ingest", account_external_id)


EVENT_PARSERS: dict[str, Callable[[str, dict], InboundItem]] = {
    "message": _parse_message,
    "subscribed": _parse_subscribed,
    "unsubscribed": _parse_unsubscribed,
    "delivered": _parse_delivered,
    "seen": _parse_seen,
    "failed": _parse_failed,
    "conversation_started": _parse_conversation_started,
    "webhook": _parse_webhook,
}


# --- message types ----------------------------------------------------------------------


def _attachment(message: dict) -> Attachment | None:
    """What a non-text message carries; a picture's or video's caption stays the text."""
    kind = message.get("type")
    if kind == "text":
        return None
    if kind in MEDIA_TYPES:
        extra = {
            key: message[key]
            for key in ("thumbnail", "file_size", "duration")
            if message.get(key) is not None
        }
        return Attachment(
            MEDIA_TYPES[kind],
            url=text(message, "media"),
            name=text(message, "file_name"),
            extra=extra,
        )
    if kind == "sticker":
        return Attachment(
            "sticker",
            url=text(message, "media"),
            extra={"sticker_id": required(message, "sticker_id")},
        )
    if kind == "url":
        url = text(message, "media")
        if not url:
            raise MalformedPayload("a url message without 'media'")
        return Attachment("fallback", url=url, extra={"title": ""})
    if kind == "location":
        location = message["location"]
        return Attachment(
            "location", extra={"lat": location.get("lat"), "long": location.get("lon")}
        )
    if kind == "contact":
        contact = message["contact"]
        name = text(contact, "name")
        return Attachment(
            "contact",
            name=name,
            extra={"name": name, "phone_number": text(contact, "phone_number")},
        )
    # Rich media and types not invented yet: kept as they came.
    return Attachment("unsupported", extra={"raw": message})
