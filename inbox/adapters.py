"""The channel adapter interface and its registry.

`inbox` never imports a channel app: each channel app registers one adapter in its
AppConfig.ready(), and the inbox asks the registry what a channel can do.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .items import Attachment, InboundItem, Person


class SendError(Exception):
    """Base of the three ways a send can fail. `reason` is for the agent to read."""

    def __init__(self, reason: str | Promise) -> None:
        super().__init__(str(reason))
        self.reason = str(reason)


class RetryableSendError(SendError):
    """Rate limits, server errors, timeouts: try again later (after `retry_after` s if known)."""

    def __init__(self, reason: str | Promise, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class UnknownOutcomeSendError(SendError):
    """The request may have reached the platform and been acted on, but we cannot tell:
    no answer in time after it was sent, the connection dropped mid-answer, a server
    error on a send, or a success without the message's id. Sending again could reach the
    customer twice, so it is never retried: the inbox asks `find_sent`, else fails it
    visibly as "may have been sent" and the agent decides.
    """


class PermanentSendError(SendError):
    """Window closed, user blocked, bad token: retrying cannot help.

    `account_broken` marks the account "needs reconnect" (a dead token);
    `recipient_unsubscribed` records that the customer takes no messages any more.
    """

    def __init__(
        self,
        reason: str | Promise,
        *,
        account_broken: bool = False,
        recipient_unsubscribed: bool = False,
    ) -> None:
        super().__init__(reason)
        self.account_broken = account_broken
        self.recipient_unsubscribed = recipient_unsubscribed


@dataclass(frozen=True)
class Capabilities:
    public_reply: bool = True
    private_reply: bool = False
    hide: bool = False
    like: bool = False
    delete: bool = False
    max_text_length: int = 2000
    # How long after the customer's last message a private reply may be sent.
    messaging_window: timedelta | None = None
    # A longer window some accounts may use (Messenger's human-agent tag: 7 days), on
    # when the account's option of this name is set.
    extended_window: timedelta | None = None
    extended_window_option: str = ""
    # A private reply to a public comment: once per comment, within this long of it.
    private_reply_window: timedelta | None = None
    # Public replies to reviews (threaded under the review).
    review_reply: bool = True
    # Replies may carry media (image, video, file) by a public URL the platform fetches.
    media_replies: bool = False


@dataclass(frozen=True)
class OptionField:
    """A per-account setting an admin sets on the account's settings screen.

    kind "bool" is a switch; "text" is a line of text; "translations" is a text per
    language, stored as {"": default, "ru": ..., "he": ...}.
    """

    name: str
    label: str | Promise
    help_text: str | Promise = ""
    default: Any = False
    kind: str = "bool"


@dataclass(frozen=True)
class CredentialField:
    """One value an admin supplies to connect an account (CLI flag and settings form)."""

    name: str  # python identifier; the CLI flag is --name-with-dashes
    label: str | Promise
    secret: bool = False
    required: bool = True
    help_text: str | Promise = ""


@dataclass(frozen=True)
class Outbound:
    """What an adapter needs to send one message; built from the database by the inbox."""

    message_id: int
    account_external_id: str
    credentials: Mapping[str, Any]
    options: Mapping[str, Any]
    conversation_kind: str
    thread_key: str
    recipient_external_id: str
    text: str
    public: bool
    parent_external_id: str = ""
    attachments: tuple[Attachment, ...] = ()
    # The customer's last message in this thread (messaging windows count from it).
    last_inbound_at: datetime | None = None
    # A private reply to the public comment `parent_external_id` (not a DM to a known user).
    private_reply: bool = False
    # The agent who wrote it (channels that can show it, e.g. as Viber's sender name).
    author_name: str = ""
    # The account's display name.
    account_name: str = ""
    # When this attempt started: `find_sent` looks only at what went out since.
    attempt_started_at: datetime | None = None


@dataclass(frozen=True)
class ModerationTarget:
    """A comment to hide, unhide, like or delete, with the account's credentials."""

    account_external_id: str
    credentials: Mapping[str, Any]
    external_id: str


MODERATION_ACTIONS = ("hide", "unhide", "like", "unlike", "delete")


@dataclass(frozen=True)
class SendResult:
    external_id: str
    # E.g. {"recipient_id": PSID} after a private reply: the person's id in direct messages.
    extra: dict = field(default_factory=dict)


class ProfileUnavailable(Exception):
    """The platform will not tell us who this is (no consent, blocked...): use a fallback."""


class ChannelAdapter:
    """One per channel. Subclasses set the class attributes and implement parse and send."""

    kind: ClassVar[str]
    label: ClassVar[str | Promise]
    capabilities: ClassVar[Capabilities] = Capabilities()
    credential_fields: ClassVar[tuple[CredentialField, ...]] = ()
    option_fields: ClassVar[tuple[OptionField, ...]] = ()
    # The named URL of the channel's own connect screen (e.g. an OAuth flow); "" means the
    # settings screen offers a form with `credential_fields`.
    connect_url_name: ClassVar[str] = ""
    # Credentials the sandbox's fake platform accepts, for the demo's account.
    sandbox_credentials: ClassVar[dict[str, str]] = {}
    # Hosts media may be downloaded from (suffix match); nothing else is fetched.
    media_hosts: ClassVar[tuple[str, ...]] = ()
    # A stand-in until the channel is built: no webhook, replies reach the sandbox only.
    # The settings screens and `channels list` say so instead of calling it active.
    simulated: ClassVar[bool] = False

    def parse(self, payload: Any, *, account_external_id: str = "") -> list[InboundItem]:
        """Platform payload -> inbound items. Pure: no database, no HTTP.

        Raises ValueError naming what is malformed.
        """
        raise NotImplementedError

    def send(self, outbound: Outbound) -> SendResult:
        """Send one message; raise RetryableSendError, PermanentSendError or, when the
        platform may have sent it without saying so, UnknownOutcomeSendError."""
        raise NotImplementedError

    def find_sent(self, outbound: Outbound) -> SendResult | None:
        """After an unknown outcome: the message as the platform shows it sent, or None when
        the platform shows nothing (or cannot be asked). Must not send anything."""
        return None

    def moderate(self, action: str, target: ModerationTarget) -> None:
        """Hide, unhide, like or delete a comment, where `capabilities` says the channel can.

        Raises RetryableSendError or PermanentSendError like send().
        """
        raise PermanentSendError(_("This channel cannot %(action)s comments.") % {"action": action})

    def accepts(self, account: Any, item: InboundItem) -> str | None:
        """Why this account does not take this item (an option switched off), or None."""
        return None

    def fetch_profile(self, account: Any, external_id: str) -> Person:
        """The customer's name and picture from the platform. Raise ProfileUnavailable."""
        raise ProfileUnavailable("this channel has no profile look-up")

    def fetch_context(self, account: Any, context: Mapping[str, Any]) -> dict:
        """Fill in a comment thread's context (the post's text, permalink, picture)."""
        return dict(context)

    @property
    def enriches(self) -> bool:
        """Whether new threads have anything to look up (a profile or a post)."""
        cls = type(self)
        return (
            cls.fetch_profile is not ChannelAdapter.fetch_profile
            or cls.fetch_context is not ChannelAdapter.fetch_context
        )

    def option(self, account: Any, name: str) -> Any:
        """The account's value of one of `option_fields`, or its default."""
        for option in self.option_fields:
            if option.name == name:
                value = account.options.get(name, option.default)
                return bool(value) if option.kind == "bool" else value
        return account.options.get(name, False)

    def reply_refusal(self, conversation: Any) -> str | None:
        """A channel's own reason this conversation cannot be answered now, or None."""
        return None

    def on_connect(self, account: Any) -> None:
        """After an account is stored: e.g. check the token, subscribe the webhook.

        Raise an exception whose message an admin can act on; the account stays stored.
        """

    def on_disconnect(self, account: Any) -> None:
        """Before an account is removed: e.g. unsubscribe the webhook. Best effort."""

    def account_external_id(self, credentials: Mapping[str, Any]) -> str:
        """The platform's id for the account these credentials connect."""
        for name in ("page_id", "account_id", "external_id"):
            if credentials.get(name):
                return str(credentials[name])
        raise ValueError("cannot tell the account's platform id from its credentials")


# What a send carries where the platform echoes it back to us (Meta's `metadata`, Viber's
# `tracking_data`), so an echo of our own message is recognised by it.
SEND_MARKER_PREFIX = "socialcare:"


def send_marker(message_id: int) -> str:
    return f"{SEND_MARKER_PREFIX}{message_id}"


def marked_message_id(marker: object) -> int | None:
    """Our message's id from a marker `send_marker` made; None for anything else."""
    if not isinstance(marker, str) or not marker.startswith(SEND_MARKER_PREFIX):
        return None
    digits = marker.removeprefix(SEND_MARKER_PREFIX)
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) < 19 else None


_registry: dict[str, ChannelAdapter] = {}


def register(adapter: ChannelAdapter) -> ChannelAdapter:
    _registry[adapter.kind] = adapter
    return adapter


def unregister(kind: str) -> None:
    _registry.pop(kind, None)


def get_adapter(kind: str) -> ChannelAdapter:
    try:
        return _registry[kind]
    except KeyError:
        raise LookupError(f"no channel adapter registered for {kind!r}") from None


def adapters() -> dict[str, ChannelAdapter]:
    return dict(_registry)


def is_simulated(kind: str) -> bool:
    """Whether the channel is a stand-in not built yet (an unknown kind is not)."""
    try:
        return get_adapter(kind).simulated
    except LookupError:
        return False
