"""The channel adapter interface and its registry.

`inbox` never imports a channel app: each channel app registers one adapter in its
AppConfig.ready(), and the inbox asks the registry what a channel can do.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .items import Attachment, InboundItem


class SendError(Exception):
    """Base of the two ways a send can fail. `reason` is for the agent to read."""

    def __init__(self, reason: str | Promise) -> None:
        super().__init__(str(reason))
        self.reason = str(reason)


class RetryableSendError(SendError):
    """Rate limits, server errors, timeouts: try again later (after `retry_after` s if known)."""

    def __init__(self, reason: str | Promise, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """Window closed, user blocked, bad token: retrying cannot help.

    `account_broken` marks the account "needs reconnect" (a dead token).
    """

    def __init__(self, reason: str | Promise, *, account_broken: bool = False) -> None:
        super().__init__(reason)
        self.account_broken = account_broken


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


@dataclass(frozen=True)
class ModerationTarget:
    """A comment to hide, unhide, like or delete, with the account's credentials."""

    account_external_id: str
    credentials: Mapping[str, Any]
    external_id: str


MODERATION_ACTIONS = ("hide", "unhide", "like", "delete")


@dataclass(frozen=True)
class SendResult:
    external_id: str
    extra: dict = field(default_factory=dict)


class ChannelAdapter:
    """One per channel. Subclasses set the class attributes and implement parse and send."""

    kind: ClassVar[str]
    label: ClassVar[str | Promise]
    capabilities: ClassVar[Capabilities] = Capabilities()
    credential_fields: ClassVar[tuple[CredentialField, ...]] = ()

    def parse(self, payload: Any, *, account_external_id: str = "") -> list[InboundItem]:
        """Platform payload -> inbound items. Pure: no database, no HTTP.

        Raises ValueError naming what is malformed.
        """
        raise NotImplementedError

    def send(self, outbound: Outbound) -> SendResult:
        """Send one message; raise RetryableSendError or PermanentSendError."""
        raise NotImplementedError

    def moderate(self, action: str, target: ModerationTarget) -> None:
        """Hide, unhide, like or delete a comment, where `capabilities` says the channel can.

        Raises RetryableSendError or PermanentSendError like send().
        """
        raise PermanentSendError(_("This channel cannot %(action)s comments.") % {"action": action})

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
