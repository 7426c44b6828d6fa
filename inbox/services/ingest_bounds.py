"""Items made safe to store, at ingest's door: what a hostile or broken payload can carry.

Parsers check types; the values can still be ones no column takes: a 10,000-character
name, a 500-character id, a time in the year 9999, NUL characters (PostgreSQL refuses them
in text and in JSON), lone surrogates (no encoding takes them), NaN (not JSON), nesting
deeper than the JSON encoder recurses. Every item passes through `item_bounded` before
either ingest path touches the database, so both store the same thing and neither raises:

- text is cleaned (NUL dropped, a lone surrogate becomes U+FFFD), display fields are cut
  to their columns, an avatar URL too long to be real is dropped;
- a time is clamped to the bounds of inbox.parsing; nesting is cut at MAX_DEPTH;
- an id longer than its column refuses the item (a Skipped saying so): cutting it could
  make two ids one, and merge two customers' threads.
"""

import math
import re
from dataclasses import fields, is_dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from inbox.items import (
    DeliveryUpdate,
    InboundItem,
    InboundMessage,
    Person,
    Skipped,
    SubscriptionChange,
)
from inbox.models import ChannelAccount, Conversation, Identity, Message
from inbox.parsing import EPOCH, LATEST

MAX_DEPTH = 32
SURROGATE = re.compile("[\ud800-\udfff]")


def _limit(model: type, name: str) -> int:
    return model._meta.get_field(name).max_length


ACCOUNT_ID = _limit(ChannelAccount, "external_id")
PERSON_ID = _limit(Identity, "external_id")
MESSAGE_ID = _limit(Message, "external_id")
THREAD_KEY = _limit(Conversation, "thread_key")
NAME = _limit(Identity, "name")
HANDLE = _limit(Identity, "handle")
AVATAR_URL = _limit(Identity, "avatar_url")


def item_bounded(item: InboundItem) -> InboundItem:
    """The item with every value storable, or a Skipped if one of its ids cannot be."""
    item = _clean(item, 0)
    if isinstance(item, Skipped):
        return item
    overlong = _overlong_id(item)
    if overlong:
        return Skipped(
            f"{type(item).__name__} refused: its {overlong} is longer than any platform id",
            getattr(item, "account_external_id", "")[:ACCOUNT_ID],
        )
    person = _person(item)
    if person is not None:
        item = replace(item, **{person: _person_bounded(getattr(item, person))})
    return item


def _person(item: InboundItem) -> str | None:
    if isinstance(item, InboundMessage):
        return "sender"
    if isinstance(item, SubscriptionChange):
        return "person"
    return None


def _overlong_id(item: InboundItem) -> str:
    """The name of the first id too long for its column, or ""."""
    limits: dict[str, int] = {"account_external_id": ACCOUNT_ID}
    if isinstance(item, InboundMessage):
        limits.update(thread_key=THREAD_KEY, external_id=MESSAGE_ID, parent_external_id=MESSAGE_ID)
        if len(item.sender.external_id) > PERSON_ID:
            return "sender id"
    elif isinstance(item, SubscriptionChange) and len(item.person.external_id) > PERSON_ID:
        return "person id"
    elif isinstance(item, DeliveryUpdate):
        limits.update(thread_key=THREAD_KEY)
        if any(len(i) > MESSAGE_ID for i in item.external_ids):
            return "message id"
    for name, limit in limits.items():
        if len(getattr(item, name, "")) > limit:
            return name.replace("_", " ")
    return ""


def _person_bounded(person: Person) -> Person:
    return replace(
        person,
        name=person.name[:NAME],
        handle=person.handle[:HANDLE],
        # Cut, a URL points somewhere else: none is better than a wrong picture.
        avatar_url=person.avatar_url if len(person.avatar_url) <= AVATAR_URL else "",
    )


def _clean(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, datetime):
        return _moment(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict | list | tuple) and depth >= MAX_DEPTH:
        return None  # only platform details nest this deep, never anything shown
    if isinstance(value, dict):
        return {_clean(k, depth): _clean(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v, depth + 1) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _clean(getattr(value, f.name), depth) for f in fields(value)}
        return replace(value, **changes)
    return value


def _text(value: str) -> str:
    if "\x00" in value:
        value = value.replace("\x00", "")
    return SURROGATE.sub("\ufffd", value)


def _moment(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    # Strictly inside the bounds: a time plus an SLA's minutes must still be a time.
    return min(max(value, EPOCH), LATEST - timedelta(days=1))
