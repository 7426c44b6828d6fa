"""Facebook Page webhooks -> the project's inbound items (meta.md sections 3-5).

Pure: no database, no HTTP. Every entry and every event of a POST is read; one event that
is malformed or of a kind nothing handles becomes a Skipped with a reason, and never
costs the others. Only a payload that is not a webhook envelope at all raises
MalformedPayload. Every field is read through the shared readers of inbox.parsing, so a
value of the wrong type or a time out of range is refused there, never passed on.

Messenger events (`messaging[]`, and `standby[]` of the same shape) are dispatched on the
payload key they carry; `changes[]` on their field, then on the feed item.
"""

from collections.abc import Callable
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from inbox.adapters import marked_message_id
from inbox.items import (
    Attachment,
    DeliveryUpdate,
    InboundItem,
    InboundMessage,
    MessageChange,
    MessageUpdate,
    Person,
    Reaction,
    Skipped,
)
from inbox.parsing import (
    MalformedPayload,
    from_ms,
    from_seconds,
    mapping,
    number,
    optional_id,
    required,
    text,
)

# The keys every messaging event has; the one other key says what the event is.
ENVELOPE_KEYS = ("sender", "recipient", "timestamp")
# Feed and ratings verbs that change something we already hold.
CHANGE_VERBS: dict[str, MessageChange] = {
    "edited": "edited",
    "remove": "removed",
    "hide": "hidden",
    "unhide": "unhidden",
}
MEDIA_TYPES = ("image", "video", "audio", "file")


def parse(payload: Any) -> list[InboundItem]:
    """A webhook POST's items, in the order the payload lists them."""
    if not isinstance(payload, dict):
        raise MalformedPayload("a Facebook webhook body must be a JSON object")
    if "object" not in payload:
        raise MalformedPayload("the Facebook webhook has no 'object'")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise MalformedPayload("the Facebook webhook has no 'entry' list")
    if payload["object"] != "page":
        return [Skipped(f"facebook webhook object {str(payload['object'])[:40]!r} is not handled")]
    items: list[InboundItem] = []
    for entry in entries:
        items.extend(_entry(entry))
    return items


def _entry(entry: Any) -> list[InboundItem]:
    try:
        page_id = required(entry, "id")
    except MalformedPayload:
        return [Skipped("facebook webhook entry without an id")]
    items: list[InboundItem] = []
    readers = (("messaging", _messaging_event), ("standby", _messaging_event), ("changes", _change))
    for key, read in readers:
        events = entry.get(key, [])
        if not isinstance(events, list):
            items.append(Skipped(f"facebook entry field {key!r} is not a list", page_id))
            continue
        items.extend(guarded(read, page_id, event, what=key) for event in events)
    if not items:
        items.append(Skipped("facebook webhook entry without events", page_id))
    return items


def guarded(
    read: Callable[[str, Any], InboundItem], page_id: str, event: Any, *, what: str
) -> InboundItem:
    """One event's item; a malformed event becomes a Skipped naming what is wrong."""
    try:
        return read(page_id, event)
    except KeyError as exc:
        return Skipped(f"malformed facebook {what} event: missing {exc}", page_id)
    except (TypeError, ValueError, AttributeError) as exc:
        return Skipped(f"malformed facebook {what} event: {exc}", page_id)


# --- shared readers ---------------------------------------------------------------------


def _party(event: dict, key: str) -> str:
    party = event.get(key)
    if not isinstance(party, dict):
        raise ValueError(f"no {key!r}")
    return required(party, "id")


# --- Messenger ---------------------------------------------------------------------------


def _messaging_event(page_id: str, event: Any) -> InboundItem:
    if not isinstance(event, dict):
        raise ValueError("the event is not an object")
    key = next((key for key in MESSAGING_PARSERS if key in event), None)
    if key is None:
        name = next((k for k in event if k not in ENVELOPE_KEYS), "empty")
        return Skipped(f"facebook messaging event {name!r} is not handled", page_id)
    return MESSAGING_PARSERS[key](page_id, event)


def _parse_message(page_id: str, event: dict) -> InboundItem:
    message = mapping(event, "message")
    if message.get("is_echo"):
        return _parse_echo(page_id, event)
    psid = _party(event, "sender")
    extra: dict[str, Any] = {}
    if isinstance(message.get("quick_reply"), dict):
        extra["quick_reply"] = message["quick_reply"].get("payload", "")
    if isinstance(message.get("reply_to"), dict) and message["reply_to"].get("mid"):
        extra["reply_to"] = message["reply_to"]["mid"]
    if message.get("referral"):
        extra["referral"] = message["referral"]
    return messenger_message(
        page_id=page_id,
        psid=psid,
        external_id=required(message, "mid"),
        timestamp=from_ms(event["timestamp"]),
        text=text(message, "text"),
        attachments=_attachments(message.get("attachments")),
        extra=extra,
    )


def _parse_echo(page_id: str, event: dict) -> InboundItem:
    """Sent by the Page (from us, Meta's inbox or another app): sender/recipient swapped."""
    message = mapping(event, "message")
    extra = {"app_id": required(message, "app_id")} if message.get("app_id") else {}
    if message.get("metadata"):
        extra["metadata"] = message["metadata"]
    return messenger_message(
        page_id=page_id,
        psid=_party(event, "recipient"),
        external_id=required(message, "mid"),
        timestamp=from_ms(event["timestamp"]),
        text=text(message, "text"),
        attachments=_attachments(message.get("attachments")),
        extra=extra,
        outbound=True,
        # Our own sends carry their message's marker: the echo confirms that message.
        own_message_id=marked_message_id(message.get("metadata")),
    )


def messenger_message(
    *,
    page_id: str,
    psid: str,
    external_id: str,
    timestamp: datetime,
    text: str = "",
    attachments: tuple[Attachment, ...] = (),
    extra: dict | None = None,
    outbound: bool = False,
    name: str = "",
    own_message_id: int | None = None,
) -> InboundMessage:
    """A Messenger message, in the thread of the customer's PSID whoever wrote it."""
    return InboundMessage(
        account_external_id=page_id,
        thread_key=psid,
        conversation_kind="direct",
        external_id=external_id,
        sender=Person(external_id=psid, name=name),
        timestamp=timestamp,
        text=text,
        attachments=attachments,
        outbound=outbound,
        extra=extra or {},
        own_message_id=own_message_id,
    )


def _parse_delivery(page_id: str, event: dict) -> InboundItem:
    delivery = mapping(event, "delivery")
    raw_mids = delivery.get("mids") or []
    if not isinstance(raw_mids, list):
        raise MalformedPayload("'mids' is not a list")
    mids = tuple(required({"mid": mid}, "mid") for mid in raw_mids)
    watermark = delivery.get("watermark")
    if not mids and not watermark:
        raise MalformedPayload("a delivery without 'mids' or 'watermark'")
    return DeliveryUpdate(
        account_external_id=page_id,
        status="delivered",
        external_ids=mids,
        watermark=from_ms(watermark) if watermark else None,
        thread_key=_party(event, "sender"),
    )


def _parse_read(page_id: str, event: dict) -> InboundItem:
    return DeliveryUpdate(
        account_external_id=page_id,
        status="read",
        watermark=from_ms(required(mapping(event, "read"), "watermark")),
        thread_key=_party(event, "sender"),
    )


def _parse_postback(page_id: str, event: dict) -> InboundItem:
    """A button the customer tapped: its title reads as what they said."""
    postback = mapping(event, "postback")
    psid = _party(event, "sender")
    extra: dict[str, Any] = {}
    # Standby postbacks carry no payload.
    if "payload" in postback:
        extra["postback"] = postback["payload"]
    if postback.get("referral"):
        extra["referral"] = postback["referral"]
    return messenger_message(
        page_id=page_id,
        psid=psid,
        external_id=optional_id(postback, "mid")
        or f"postback:{psid}:{number(event.get('timestamp'))}",
        timestamp=from_ms(event.get("timestamp")),
        text=text(postback, "title"),
        extra=extra,
    )


def _parse_reaction(page_id: str, event: dict) -> InboundItem:
    reaction = mapping(event, "reaction")
    return Reaction(
        account_external_id=page_id,
        external_id=required(reaction, "mid"),
        sender_external_id=_party(event, "sender"),
        reaction=text(reaction, "reaction"),
        emoji=text(reaction, "emoji"),
        removed=reaction.get("action") == "unreact",
        timestamp=from_ms(event["timestamp"]),
    )


def _parse_message_edit(page_id: str, event: dict) -> InboundItem:
    edit = mapping(event, "message_edit")
    return MessageUpdate(
        account_external_id=page_id,
        external_id=required(edit, "mid"),
        change="edited",
        text=text(edit, "text"),
        timestamp=from_ms(event["timestamp"]),
    )


MESSAGING_PARSERS: dict[str, Callable[[str, dict], InboundItem]] = {
    "message": _parse_message,
    "delivery": _parse_delivery,
    "read": _parse_read,
    "postback": _parse_postback,
    "reaction": _parse_reaction,
    "message_edit": _parse_message_edit,
}


# --- attachments -------------------------------------------------------------------------


def _attachments(raw: Any) -> tuple[Attachment, ...]:
    if not raw:
        return ()
    if not isinstance(raw, list):
        raise MalformedPayload("'attachments' is not a list")
    found: list[Attachment] = []
    stickers: set[str] = set()
    for attachment in map(_attachment, raw):
        # Stickers arrive twice (a sticker and an image of it): keep one per sticker.
        sticker_id = attachment.extra.get("sticker_id") if attachment.type == "sticker" else None
        if sticker_id is not None:
            if sticker_id in stickers:
                continue
            stickers.add(sticker_id)
        found.append(attachment)
    return tuple(found)


def _attachment(raw: Any) -> Attachment:
    if not isinstance(raw, dict):
        return Attachment("unsupported", extra={"raw": raw})
    kind = raw.get("type")
    payload = raw.get("payload") if isinstance(raw.get("payload"), dict) else {}
    if kind in ("sticker", "image") and payload.get("sticker_id"):
        return Attachment(
            "sticker",
            url=text(payload, "url"),
            extra={"sticker_id": required(payload, "sticker_id")},
        )
    if kind in MEDIA_TYPES or kind == "sticker":
        url = text(payload, "url")
        return Attachment(kind, url=url, name=_file_name(url))
    if kind == "location":
        coordinates = payload.get("coordinates")
        coordinates = coordinates if isinstance(coordinates, dict) else {}
        return Attachment(
            "location",
            url=text(raw, "url") or text(payload, "url"),
            name=text(raw, "title"),
            extra={"lat": coordinates.get("lat"), "long": coordinates.get("long")},
        )
    if kind == "fallback":
        title = text(raw, "title") or text(payload, "title")
        url = text(raw, "url") or text(payload, "url")
        return Attachment("fallback", url=url, name=title, extra={"title": title})
    # Templates, shared posts, reels and types not invented yet: kept as they came.
    return Attachment("unsupported", extra={"raw": raw})


def _file_name(url: str) -> str:
    return PurePosixPath(urlsplit(url).path).name if url else ""


# --- changes: feed and ratings -----------------------------------------------------------


def _change(page_id: str, change: Any) -> InboundItem:
    if not isinstance(change, dict):
        raise MalformedPayload("the change is not an object")
    field = change.get("field")
    parser = CHANGE_PARSERS.get(field)
    if parser is None:
        return Skipped(f"facebook change field {field!r} is not handled", page_id)
    value = change.get("value")
    if not isinstance(value, dict):
        raise MalformedPayload(f"the {field} change has no 'value' object")
    return parser(page_id, value)


def _parse_feed(page_id: str, value: dict) -> InboundItem:
    item = value.get("item")
    parser = FEED_PARSERS.get(item)
    if parser is None:
        return Skipped(f"facebook feed item {item!r} is not handled", page_id)
    return parser(page_id, value)


def author(value: dict) -> Person:
    """Who wrote a comment or post: `from`, or the `sender_id` variant of some payloads."""
    sender = value.get("from") if isinstance(value.get("from"), dict) else {}
    external_id = optional_id(sender, "id") or optional_id(value, "sender_id")
    if not external_id:
        raise MalformedPayload("no 'from' or 'sender_id'")
    return Person(external_id=external_id, name=text(sender, "name") or text(value, "sender_name"))


def _author_id(value: dict) -> str:
    try:
        return author(value).external_id
    except ValueError:
        return ""


def _update(page_id: str, external_id: str, verb: str, text: str, value: dict) -> MessageUpdate:
    created = value.get("created_time")
    change = CHANGE_VERBS[verb]
    return MessageUpdate(
        account_external_id=page_id,
        external_id=external_id,
        change=change,
        text=text if change == "edited" else "",
        timestamp=from_seconds(created) if created else None,
    )


def _parse_feed_comment(page_id: str, value: dict) -> InboundItem:
    verb = value.get("verb")
    comment_id = required(value, "comment_id")
    if verb in CHANGE_VERBS:
        return _update(page_id, comment_id, verb, text(value, "message"), value)
    if verb != "add":
        return Skipped(f"facebook comment verb {verb!r} is not handled", page_id)
    post_id = required(value, "post_id")
    return comment_message(
        page_id=page_id,
        post_id=post_id,
        comment_id=comment_id,
        parent_id=optional_id(value, "parent_id") or post_id,
        sender=author(value),
        timestamp=from_seconds(value.get("created_time")),
        text=text(value, "message"),
        attachments=_feed_attachments(value),
    )


def comment_message(
    *,
    page_id: str,
    post_id: str,
    comment_id: str,
    parent_id: str,
    sender: Person,
    timestamp: datetime,
    text: str,
    attachments: tuple[Attachment, ...] = (),
) -> InboundItem:
    """A comment under one of the Page's posts: one thread per top-level comment.

    The Page's own replies are outbound messages of the thread; its own top-level
    comments start nothing.
    """
    top_level = parent_id == post_id
    outbound = sender.external_id == page_id
    if outbound and top_level:
        return Skipped("the Page's own comment on its post is not a conversation", page_id)
    return InboundMessage(
        account_external_id=page_id,
        thread_key=comment_id if top_level else parent_id,
        conversation_kind="comment",
        external_id=comment_id,
        sender=sender,
        timestamp=timestamp,
        text=text,
        kind="comment",
        public=True,
        attachments=attachments,
        parent_external_id="" if top_level else parent_id,
        outbound=outbound,
        context={"post_id": post_id},
    )


def _parse_feed_post(page_id: str, value: dict) -> InboundItem:
    """A visitor's post on the Page is a thread of its own; the Page's posts are not."""
    post_id = required(value, "post_id")
    verb = value.get("verb")
    if _author_id(value) == page_id:
        return Skipped("the Page's own posts are not conversations", page_id)
    if verb in CHANGE_VERBS:
        return _update(page_id, post_id, verb, text(value, "message"), value)
    if verb != "add":
        return Skipped(f"facebook post verb {verb!r} is not handled", page_id)
    return visitor_post_message(
        page_id=page_id,
        post_id=post_id,
        sender=author(value),
        timestamp=from_seconds(value.get("created_time")),
        text=text(value, "message"),
        attachments=_feed_attachments(value),
    )


def visitor_post_message(
    *,
    page_id: str,
    post_id: str,
    sender: Person,
    timestamp: datetime,
    text: str,
    attachments: tuple[Attachment, ...] = (),
) -> InboundMessage:
    return InboundMessage(
        account_external_id=page_id,
        thread_key=post_id,
        conversation_kind="comment",
        external_id=post_id,
        sender=sender,
        timestamp=timestamp,
        text=text,
        kind="post",
        public=True,
        attachments=attachments,
        context={"post_id": post_id, "visitor_post": True},
    )


def _parse_feed_reaction(page_id: str, value: dict) -> InboundItem:
    return Skipped("reactions are not conversations", page_id)


def _feed_attachments(value: dict) -> tuple[Attachment, ...]:
    found = []
    if isinstance(value.get("photo"), str):
        found.append(Attachment("image", url=value["photo"], name=_file_name(value["photo"])))
    if isinstance(value.get("video"), str):
        found.append(Attachment("video", url=value["video"], name=_file_name(value["video"])))
    link = value.get("link")
    if isinstance(link, str) and link:
        # A photo or video post's `link` is the media itself; elsewhere a shared link.
        media = {"photo": "image", "video": "video"}.get(value.get("item", ""))
        if media and not found:
            found.append(Attachment(media, url=link, name=_file_name(link)))
        elif not media:
            found.append(Attachment("fallback", url=link, extra={"title": ""}))
    return tuple(found)


FEED_PARSERS: dict[str, Callable[[str, dict], InboundItem]] = {
    "comment": _parse_feed_comment,
    "post": _parse_feed_post,
    "status": _parse_feed_post,
    "photo": _parse_feed_post,
    "video": _parse_feed_post,
    "reaction": _parse_feed_reaction,
    "like": _parse_feed_reaction,
}


def _parse_ratings(page_id: str, value: dict) -> InboundItem:
    """A review (recommendation) of the Page, or a comment under one."""
    story_id = required(value, "open_graph_story_id")
    verb = value.get("verb")
    if value.get("comment_id"):
        return _review_comment(page_id, story_id, value)
    if verb in ("edited", "remove"):
        return _update(page_id, story_id, verb, text(value, "review_text"), value)
    if verb != "add":
        return Skipped(f"facebook rating verb {verb!r} is not handled", page_id)
    if not any(key in value for key in ("review_text", "recommendation_type", "rating")):
        return Skipped("facebook rating without a review", page_id)
    return InboundMessage(
        account_external_id=page_id,
        thread_key=f"review:{story_id}",
        conversation_kind="review",
        external_id=story_id,
        sender=Person(
            external_id=required(value, "reviewer_id"), name=text(value, "reviewer_name")
        ),
        timestamp=from_seconds(value.get("created_time")),
        text=text(value, "review_text"),
        kind="review",
        public=True,
        context={
            "review_id": story_id,
            "recommendation_type": text(value, "recommendation_type"),
            "rating": value.get("rating"),
        },
    )


def _review_comment(page_id: str, story_id: str, value: dict) -> InboundItem:
    comment_id = required(value, "comment_id")
    verb = value.get("verb")
    if verb in CHANGE_VERBS:
        return _update(page_id, comment_id, verb, text(value, "message"), value)
    if verb != "add" or "message" not in value:
        return Skipped(f"facebook review comment verb {verb!r} is not handled", page_id)
    # meta.md names no author field for these; read `from` / `sender_id`, else the reviewer.
    if _author_id(value):
        sender = author(value)
    else:
        sender = Person(
            external_id=required(value, "reviewer_id"), name=text(value, "reviewer_name")
        )
    return InboundMessage(
        account_external_id=page_id,
        thread_key=f"review:{story_id}",
        conversation_kind="review",
        external_id=comment_id,
        sender=sender,
        timestamp=from_seconds(value.get("created_time")),
        text=text(value, "message"),
        kind="comment",
        public=True,
        parent_external_id=optional_id(value, "parent_id") or story_id,
        outbound=sender.external_id == page_id,
        context={"review_id": story_id},
    )


CHANGE_PARSERS: dict[str, Callable[[str, dict], InboundItem]] = {
    "feed": _parse_feed,
    "ratings": _parse_ratings,
}
