"""The project's own typed inbound items: what every adapter's parse() returns.

Nothing past parse() sees platform JSON; ingest works on these alone.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ConversationKind = Literal["direct", "comment", "review", "mention"]
MessageKind = Literal["message", "comment", "review", "mention", "post"]
DeliveryStatus = Literal["delivered", "read", "failed"]


@dataclass(frozen=True)
class Person:
    """The customer as the platform names them."""

    external_id: str
    name: str = ""
    handle: str = ""
    avatar_url: str = ""
    profile: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Attachment:
    type: str  # image, video, audio, file, location, sticker, link, fallback
    url: str = ""
    name: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class InboundMessage:
    """A message, comment, review or mention; or an echo of one the account sent."""

    account_external_id: str
    thread_key: str
    conversation_kind: ConversationKind
    external_id: str
    sender: Person
    timestamp: datetime
    text: str = ""
    kind: MessageKind = "message"
    public: bool = False
    attachments: tuple[Attachment, ...] = ()
    parent_external_id: str = ""
    # True for what the account itself sent (echoes, the Page's own comments).
    outbound: bool = False
    # An echo of our own send: the id of our message, from the marker the send carried.
    own_message_id: int | None = None
    # The post, tweet or review a comment thread hangs under.
    context: dict = field(default_factory=dict)
    # Platform details worth keeping: quick-reply / postback payloads, the message it
    # replies to, ad or link referrals, the sending app of an echo.
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryUpdate:
    """Our outbound messages reached a new state (delivered, read, failed)."""

    account_external_id: str
    status: DeliveryStatus
    external_ids: tuple[str, ...] = ()
    # Platforms that report "everything before T": Messenger's watermark.
    watermark: datetime | None = None
    thread_key: str = ""
    reason: str = ""


MessageChange = Literal["edited", "removed", "hidden", "unhidden"]


@dataclass(frozen=True)
class MessageUpdate:
    """A message or comment we already have changed on the platform."""

    account_external_id: str
    external_id: str
    change: MessageChange
    text: str = ""
    timestamp: datetime | None = None


@dataclass(frozen=True)
class Reaction:
    """Someone reacted to a message (an annotation on it, never a message of its own)."""

    account_external_id: str
    external_id: str  # the message reacted to
    sender_external_id: str
    reaction: str  # the platform's keyword: like, love, smile...
    emoji: str = ""
    removed: bool = False
    timestamp: datetime | None = None


@dataclass(frozen=True)
class SubscriptionChange:
    """The customer opted in to or out of messages from the account (Viber's subscribed /
    unsubscribed). Unsubscribed customers cannot be sent replies until they write again."""

    account_external_id: str
    person: Person
    subscribed: bool
    timestamp: datetime | None = None


@dataclass(frozen=True)
class Skipped:
    """Something in the payload that nothing handles: stored, skipped and counted."""

    reason: str
    account_external_id: str = ""


InboundItem = (
    InboundMessage | DeliveryUpdate | MessageUpdate | Reaction | SubscriptionChange | Skipped
)
