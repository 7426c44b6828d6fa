"""Viber bots: one-to-one conversations through the REST Bot API.

The platform facts (callbacks, signature, status codes) are in ../shared/channels/viber.md.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox.adapters import (
    Capabilities,
    ChannelAdapter,
    CredentialField,
    OptionField,
    Outbound,
    PermanentSendError,
    ProfileUnavailable,
    RetryableSendError,
    SendResult,
    UnknownOutcomeSendError,
    send_marker,
)
from inbox.items import Attachment, InboundItem, Person

from .client import EVENT_TYPES, ViberClient, ViberError
from .parse import parse

# Viber's limit on the sender name shown to the customer.
SENDER_NAME_MAX = 28


class ViberAdapter(ChannelAdapter):
    kind = "viber"
    label = gettext_lazy("Viber")
    capabilities = Capabilities(
        public_reply=False, private_reply=False, max_text_length=7000, media_replies=True
    )
    credential_fields = (
        CredentialField(
            "auth_token",
            gettext_lazy("Bot token"),
            secret=True,
            help_text=gettext_lazy("From Viber: More > Settings > Bots > Edit Info."),
        ),
    )
    option_fields = (
        OptionField(
            "welcome",
            gettext_lazy("Welcome message"),
            gettext_lazy(
                "Sent when someone opens the chat with the bot, in their language when "
                "there is a text for it. Placeholders: {customer_name}, {bot_name}."
            ),
            default={},
            kind="translations",
        ),
        OptionField(
            "reply_buttons",
            gettext_lazy("Quick-answer buttons"),
            gettext_lazy(
                "Buttons shown under each reply for the customer's next message, separated "
                "by | (for example: Order status | Opening hours | Talk to an agent)."
            ),
            default="",
            kind="text",
        ),
        OptionField(
            "agent_name_as_sender",
            gettext_lazy("Show the agent's name"),
            gettext_lazy(
                "Replies show the agent's first name with the bot's name as the sender "
                '(for example "Maria · Acme"), so customers know who answers.'
            ),
            default=False,
        ),
    )
    connect_url_name = "viber_connect:connect"
    # Viber shows at most this many reply buttons comfortably (6 columns each, 2 a row).
    MAX_BUTTONS = 12
    # The fake Viber's first bot (channels_viber/sandbox/seed.py), for the demo.
    sandbox_credentials = {"auth_token": "sandbox-viber-token-acme"}
    media_hosts = ("viber.com",)

    # --- inbound ------------------------------------------------------------------------

    def parse(self, payload: Any, *, account_external_id: str = "") -> list[InboundItem]:
        return parse(payload, account_external_id=account_external_id)

    def fetch_profile(self, account: Any, external_id: str) -> Person:
        try:
            user = ViberClient(account.credentials.get("auth_token", "")).user_details(external_id)
        except ViberError as exc:
            raise ProfileUnavailable(exc.reason) from exc
        if not user.get("name"):
            raise ProfileUnavailable(_("Viber returned no name for this person."))
        return Person(
            external_id=external_id,
            name=user["name"],
            avatar_url=user.get("avatar") or "",
            profile={k: user[k] for k in ("country", "language") if user.get(k)},
        )

    # --- outbound -----------------------------------------------------------------------

    def reply_refusal(self, conversation: Any) -> str | None:
        identity = conversation.identity
        if identity is not None and identity.profile.get("subscribed") is False:
            return _(
                "This customer unsubscribed from the bot: Viber will not deliver replies "
                "until they write to it again."
            )
        return None

    def send(self, outbound: Outbound) -> SendResult:
        """The text, then each attachment as its own Viber message; the first token names it."""
        base = {
            "receiver": outbound.recipient_external_id,
            "min_api_version": 1,
            "sender": {"name": _sender_name(outbound)},
            "tracking_data": send_marker(outbound.message_id),
        }
        parts = [{"type": "text", "text": outbound.text}] if outbound.text else []
        parts += [_media_part(a) for a in outbound.attachments]
        keyboard = reply_keyboard(outbound.options.get("reply_buttons") or "")
        if keyboard:
            parts[-1]["keyboard"] = keyboard
        client = ViberClient(outbound.credentials.get("auth_token", ""))
        tokens = []
        try:
            for part in parts:
                tokens.append(client.send_message({**base, **part}))
        except ViberError as exc:
            if tokens and exc.maybe_sent:
                raise UnknownOutcomeSendError(
                    _("Part of the reply was sent; Viber did not say whether the rest was: %(r)s")
                    % {"r": exc.reason}
                ) from exc
            if tokens:
                # Part of the reply is out: retrying would repeat it, so say what happened.
                raise PermanentSendError(
                    _("Only part of the reply was sent before Viber refused the rest: %(r)s")
                    % {"r": exc.reason}
                ) from exc
            if exc.maybe_sent:
                # Viber has no way to look a message up: the agent checks on the phone.
                raise UnknownOutcomeSendError(exc.reason) from exc
            if exc.retryable:
                raise RetryableSendError(exc.reason, retry_after=exc.retry_after) from exc
            raise PermanentSendError(
                exc.reason,
                account_broken=exc.token_invalid,
                recipient_unsubscribed=exc.unsubscribed,
            ) from exc
        return SendResult(external_id=str(tokens[0]), extra={"tokens": tokens})

    # --- connecting ---------------------------------------------------------------------

    def account_external_id(self, credentials: Mapping[str, Any]) -> str:
        """The bot's id, from Viber itself: a token Viber refuses cannot be connected."""
        try:
            info = ViberClient(credentials.get("auth_token", "")).account_info()
        except ViberError as exc:
            raise ValueError(exc.reason) from exc
        return str(info["id"])

    def on_connect(self, account: Any) -> None:
        """Register this bot's own webhook URL (one per bot: it takes the bot's traffic)."""
        client = ViberClient(account.credentials.get("auth_token", ""))
        try:
            client.set_webhook(webhook_url(account), EVENT_TYPES)
        except ViberError as exc:
            raise RuntimeError(exc.reason) from exc

    def on_disconnect(self, account: Any) -> None:
        ViberClient(account.credentials.get("auth_token", "")).remove_webhook()


def webhook_url(account: Any) -> str:
    path = reverse("channels_viber:webhook", kwargs={"account_id": account.pk})
    return f"{settings.SOCIALCARE_PUBLIC_URL}{path}"


def _media_part(attachment: Attachment) -> dict:
    size = attachment.extra.get("size", 0)
    if attachment.type == "image":
        return {"type": "picture", "media": attachment.url, "text": ""}
    if attachment.type == "video":
        return {"type": "video", "media": attachment.url, "size": size}
    return {"type": "file", "media": attachment.url, "size": size, "file_name": attachment.name}


def reply_keyboard(buttons: str) -> dict | None:
    """Viber's keyboard of reply buttons: a tap sends the label as the customer's message."""
    labels = [label.strip() for label in buttons.split("|") if label.strip()]
    if not labels:
        return None
    return {
        "Type": "keyboard",
        "DefaultHeight": False,
        "Buttons": [
            {"ActionType": "reply", "ActionBody": label, "Text": label, "Columns": 3, "Rows": 1}
            for label in labels[: ViberAdapter.MAX_BUTTONS]
        ],
    }


def _sender_name(outbound: Outbound) -> str:
    name = outbound.account_name
    if outbound.options.get("agent_name_as_sender") and outbound.author_name:
        first = outbound.author_name.split()[0]
        name = f"{first} · {name}"
    return name[:SENDER_NAME_MAX]
