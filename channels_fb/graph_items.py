"""Graph API read results -> the same inbound items the webhooks give.

Catching up (after downtime, after a reconnect, and as a periodic safety net) reads the
Page's recent Messenger conversations and recent post comments. The items built here have
the thread keys, external ids and kinds of the webhook path (`parse.py` builds both), so
ingest stores what the webhooks missed and recognises what it already has.

Pure like `parse.py`: the Graph client fetches, this only converts.
"""

from datetime import UTC, datetime
from functools import partial
from typing import Any

from inbox.items import Attachment, InboundItem, Person, Skipped

from .parse import comment_message, guarded, messenger_message, required, visitor_post_message


def items_from_conversations(page_id: str, conversations: list[dict]) -> list[InboundItem]:
    """Items of `GET /{page-id}/conversations?platform=messenger&fields=id,updated_time,
    participants,messages.limit(20){id,message,from,to,created_time,attachments}`.
    """
    items: list[InboundItem] = []
    for conversation in conversations:
        if not isinstance(conversation, dict):
            items.append(Skipped("malformed facebook conversation", page_id))
            continue
        customer = _customer(page_id, conversation)
        for message in _data(conversation.get("messages")):
            read = partial(_message, customer=customer)
            items.append(guarded(read, page_id, message, what="conversation message"))
    return items


def items_from_feed(page_id: str, posts: list[dict]) -> list[InboundItem]:
    """Items of `GET /{page-id}/feed?fields=id,message,created_time,permalink_url,
    full_picture,from,comments{id,message,from,created_time,parent{id},comments{...}}`.
    """
    items: list[InboundItem] = []
    for post in posts:
        items.extend(_post(page_id, post))
    return items


def _post(page_id: str, post: Any) -> list[InboundItem]:
    if not isinstance(post, dict) or not post.get("id"):
        return [Skipped("malformed facebook feed post: no 'id'", page_id)]
    post_id = str(post["id"])
    items: list[InboundItem] = []
    poster = _person(post.get("from"))
    # Without `from` we cannot tell a visitor's post from the Page's own: leave it out.
    if poster is not None and poster.external_id != page_id:
        read = partial(_visitor_post, poster=poster)
        items.append(guarded(read, page_id, post, what="feed post"))
    for comment in _data(post.get("comments")):
        read = partial(_comment, post_id=post_id, top_level_id="")
        items.append(guarded(read, page_id, comment, what="feed comment"))
        if not isinstance(comment, dict) or not comment.get("id"):
            continue
        read = partial(_comment, post_id=post_id, top_level_id=str(comment["id"]))
        items.extend(
            guarded(read, page_id, reply, what="feed comment")
            for reply in _data(comment.get("comments"))
        )
    return items


def _visitor_post(page_id: str, post: dict, *, poster: Person) -> InboundItem:
    picture = post.get("full_picture")
    return visitor_post_message(
        page_id=page_id,
        post_id=required(post, "id"),
        sender=poster,
        timestamp=from_iso(required(post, "created_time")),
        text=post.get("message", ""),
        attachments=(Attachment("image", url=picture),) if picture else (),
    )


def _comment(page_id: str, comment: dict, *, post_id: str, top_level_id: str) -> InboundItem:
    """A comment of a post's `comments` edge. Listed flat (`filter(stream)`), a reply
    names its `parent`; nested (`comments{...}` inside a comment), it hangs under
    `top_level_id`."""
    sender = _person(comment.get("from"))
    if sender is None:
        raise ValueError("no 'from'")
    parent = comment.get("parent") if isinstance(comment.get("parent"), dict) else {}
    attachment = comment.get("attachment")
    return comment_message(
        page_id=page_id,
        post_id=post_id,
        comment_id=required(comment, "id"),
        parent_id=str(parent.get("id") or top_level_id or post_id),
        sender=sender,
        timestamp=from_iso(required(comment, "created_time")),
        text=comment.get("message", ""),
        attachments=(_comment_attachment(attachment),) if isinstance(attachment, dict) else (),
    )


def _message(page_id: str, message: dict, *, customer: Person | None) -> InboundItem:
    sender = _person(message.get("from"))
    if sender is None:
        raise ValueError("no 'from'")
    outbound = sender.external_id == page_id
    if outbound:
        recipients = [p for p in map(_person, _data(message.get("to"))) if p is not None]
        person = next((p for p in recipients if p.external_id != page_id), customer)
    else:
        person = sender
    if person is None:
        raise ValueError("no customer among the participants")
    if not person.name and customer and customer.external_id == person.external_id:
        person = customer
    return messenger_message(
        page_id=page_id,
        psid=person.external_id,
        external_id=required(message, "id"),
        timestamp=from_iso(required(message, "created_time")),
        text=message.get("message", ""),
        attachments=_message_attachments(message),
        outbound=outbound,
        name=person.name,
    )


def _customer(page_id: str, conversation: dict) -> Person | None:
    participants = [p for p in map(_person, _data(conversation.get("participants"))) if p]
    return next((p for p in participants if p.external_id != page_id), None)


def _message_attachments(message: dict) -> tuple[Attachment, ...]:
    found = tuple(map(_attachment, _data(message.get("attachments"))))
    if isinstance(message.get("sticker"), str) and message["sticker"]:
        found += (Attachment("sticker", url=message["sticker"]),)
    return found


def _attachment(raw: Any) -> Attachment:
    if not isinstance(raw, dict):
        return Attachment("unsupported", extra={"raw": raw})
    name = raw.get("name", "")
    if isinstance(raw.get("image_data"), dict):
        return Attachment("image", url=raw["image_data"].get("url", ""), name=name)
    if isinstance(raw.get("video_data"), dict):
        return Attachment("video", url=raw["video_data"].get("url", ""), name=name)
    if raw.get("file_url"):
        mime = raw.get("mime_type", "")
        kind = next(
            (kind for kind in ("audio", "video", "image") if mime.startswith(f"{kind}/")), "file"
        )
        return Attachment(kind, url=raw["file_url"], name=name)
    return Attachment("unsupported", extra={"raw": raw})


# A comment's `attachment.type` -> ours.
COMMENT_ATTACHMENT_TYPES = {
    "photo": "image",
    "video_inline": "video",
    "video_autoplay": "video",
    "animated_image_share": "image",
    "sticker": "sticker",
}


def _comment_attachment(raw: dict) -> Attachment:
    kind = COMMENT_ATTACHMENT_TYPES.get(raw.get("type", ""))
    media = raw.get("media") if isinstance(raw.get("media"), dict) else {}
    image = media.get("image") if isinstance(media.get("image"), dict) else {}
    if kind == "video":
        return Attachment("video", url=media.get("source") or raw.get("url", ""))
    if kind:
        return Attachment(kind, url=image.get("src", ""))
    if raw.get("type") == "share" and raw.get("url"):
        title = raw.get("title", "")
        return Attachment("fallback", url=raw["url"], name=title, extra={"title": title})
    return Attachment("unsupported", extra={"raw": raw})


def _person(raw: Any) -> Person | None:
    if not isinstance(raw, dict) or not raw.get("id"):
        return None
    return Person(external_id=str(raw["id"]), name=raw.get("name", ""))


def _data(edge: Any) -> list:
    """The rows of a Graph edge: {"data": [...], "paging": ...}."""
    if isinstance(edge, dict) and isinstance(edge.get("data"), list):
        return edge["data"]
    return []


def from_iso(value: str) -> datetime:
    """Graph times: ISO 8601 with a numeric offset, like 2026-07-29T10:00:00+0000."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)
