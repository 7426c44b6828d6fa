"""Facebook Page: Messenger, post comments and reviews, through the Graph API.

The platform facts (shapes, windows, error codes) are in ../shared/channels/meta.md.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox.adapters import (
    Capabilities,
    ChannelAdapter,
    CredentialField,
    ModerationTarget,
    OptionField,
    Outbound,
    PermanentSendError,
    ProfileUnavailable,
    RetryableSendError,
    SendResult,
    UnknownOutcomeSendError,
    send_marker,
)
from inbox.items import InboundItem, InboundMessage, Person
from inbox.queue import enqueue_on_commit

from .client import GraphClient, GraphError, subscribed_fields
from .graph_items import from_iso
from .parse import parse

WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
# Looking a send up: Facebook's clock and ours may differ by this much.
CLOCK_SLACK = timedelta(minutes=2)
SENT_REPLY_FIELDS = "comments.limit(100){id,message,from,created_time}"


class FacebookAdapter(ChannelAdapter):
    kind = "facebook"
    label = gettext_lazy("Facebook")
    capabilities = Capabilities(
        public_reply=True,
        private_reply=True,
        hide=True,
        like=True,
        delete=True,
        max_text_length=2000,
        messaging_window=WINDOW,
        extended_window=HUMAN_AGENT_WINDOW,
        extended_window_option="human_agent",
        private_reply_window=timedelta(days=7),
        review_reply=True,
    )
    credential_fields = (
        CredentialField("page_id", gettext_lazy("Page ID")),
        CredentialField("access_token", gettext_lazy("Page access token"), secret=True),
    )
    option_fields = (
        OptionField(
            "human_agent",
            gettext_lazy("Human-agent tag"),
            gettext_lazy(
                "Reply up to 7 days after the customer's last message. Turn on only when "
                "the app has Meta's Human Agent feature approved for this Page."
            ),
            default=False,
        ),
        OptionField(
            "reviews",
            gettext_lazy("Reviews"),
            gettext_lazy(
                "Receive the Page's reviews (recommendations). Meta deprecated reading "
                "them in Graph API v22.0; keep this on only where the Page still gets them."
            ),
            default=True,
        ),
        OptionField(
            "mention_commenter",
            gettext_lazy("Mention the customer in public replies"),
            gettext_lazy("Public comment replies start with an @mention of the commenter."),
            default=False,
        ),
    )
    connect_url_name = "facebook_connect:connect"
    media_hosts = ("fbcdn.net", "fbsbx.com", "facebook.com", "cdninstagram.com")

    # --- inbound ------------------------------------------------------------------------

    def parse(self, payload: Any, *, account_external_id: str = "") -> list[InboundItem]:
        return parse(payload)

    def accepts(self, account: Any, item: InboundItem) -> str | None:
        is_review = isinstance(item, InboundMessage) and item.conversation_kind == "review"
        if is_review and not self.option(account, "reviews"):
            return "reviews are switched off for this Page"
        return None

    def fetch_profile(self, account: Any, external_id: str) -> Person:
        client = _client(account.credentials, account.external_id)
        try:
            data = client.profile(external_id)
        except GraphError as exc:
            raise ProfileUnavailable(exc.reason) from exc
        name = " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
        if not name:
            raise ProfileUnavailable(_("Facebook returned no name for this person."))
        return Person(external_id=external_id, name=name, avatar_url=data.get("profile_pic") or "")

    def fetch_context(self, account: Any, context: Mapping[str, Any]) -> dict:
        post_id = context.get("post_id")
        if not post_id:
            return dict(context)
        try:
            post = _client(account.credentials, account.external_id).get_object(
                post_id, "message,permalink_url,full_picture,created_time"
            )
        except GraphError as exc:
            return {**context, "error": exc.reason}
        return {
            **context,
            "text": post.get("message", ""),
            "permalink": post.get("permalink_url", ""),
            "picture": post.get("full_picture", ""),
        }

    # --- outbound -----------------------------------------------------------------------

    def send(self, outbound: Outbound) -> SendResult:
        client = _client(outbound.credentials, outbound.account_external_id)
        try:
            if outbound.conversation_kind == "direct":
                return self._send_direct(client, outbound)
            if outbound.private_reply:
                return self._send_private_reply(client, outbound)
            return self._send_public(client, outbound)
        except GraphError as exc:
            raise _send_error(exc) from exc

    def _send_direct(self, client: GraphClient, outbound: Outbound) -> SendResult:
        messaging_type, tag = _message_type(outbound)
        answer = client.send_message(
            recipient={"id": outbound.recipient_external_id},
            message={"text": outbound.text},
            messaging_type=messaging_type,
            tag=tag,
            metadata=send_marker(outbound.message_id),
        )
        return SendResult(external_id=answer["message_id"])

    def _send_private_reply(self, client: GraphClient, outbound: Outbound) -> SendResult:
        target = outbound.parent_external_id
        # A visitor post's id starts with the Page's id; a comment's with its post's.
        key = "post_id" if target.startswith(f"{outbound.account_external_id}_") else "comment_id"
        answer = client.send_message(
            recipient={key: target},
            message={"text": outbound.text},
            metadata=send_marker(outbound.message_id),
        )
        return SendResult(
            external_id=answer["message_id"], extra={"recipient_id": answer.get("recipient_id")}
        )

    def _send_public(self, client: GraphClient, outbound: Outbound) -> SendResult:
        if outbound.conversation_kind == "review":
            target = outbound.thread_key.removeprefix("review:")
        else:
            # Facebook nests replies two levels deep: under the thread's top comment.
            target = outbound.thread_key
        return SendResult(external_id=client.comment_reply(target, _public_text(outbound)))

    def find_sent(self, outbound: Outbound) -> SendResult | None:
        """The Page's message or comment reply with this text, made since the attempt
        started. A private reply is not looked up: its recipient is known only from the
        answer that never came; its echo (carrying our marker) confirms it instead."""
        if outbound.private_reply or outbound.conversation_kind == "review":
            return None
        since = (outbound.attempt_started_at or timezone.now()) - CLOCK_SLACK
        client = _client(outbound.credentials, outbound.account_external_id)
        try:
            if outbound.conversation_kind == "direct":
                found = _sent_message(client, outbound, since)
            else:
                found = _sent_comment(client, outbound, since)
        except GraphError:
            return None
        return SendResult(external_id=found) if found else None

    def moderate(self, action: str, target: ModerationTarget) -> None:
        client = _client(target.credentials, target.account_external_id)
        try:
            if action in {"hide", "unhide"}:
                client.set_hidden(target.external_id, action == "hide")
            elif action == "like":
                client.like(target.external_id)
            elif action == "unlike":
                client.unlike(target.external_id)
            elif action == "delete":
                client.delete_object(target.external_id)
            else:
                raise PermanentSendError(_("Unknown action %(action)s.") % {"action": action})
        except GraphError as exc:
            raise _send_error(exc) from exc

    # --- connecting ---------------------------------------------------------------------

    def on_connect(self, account: Any) -> None:
        """Subscribe the app to the Page's webhooks, then catch up on the last days."""
        try:
            self.subscribe(account, _client(account.credentials, account.external_id))
        except GraphError as exc:
            raise RuntimeError(exc.reason) from exc
        from .tasks import poll_facebook_page

        enqueue_on_commit(poll_facebook_page, account.pk, settings.FACEBOOK_BACKFILL_DAYS)

    def subscribe(self, account: Any, client: GraphClient) -> None:
        """Subscribe the Page to the fields its switches ask for. Reviews are deprecated on
        newer Graph versions: when Facebook refuses them, the rest still works and the
        switch turns off, saying why."""
        reviews = self.option(account, "reviews")
        try:
            client.subscribe(subscribed_fields(reviews=reviews))
        except GraphError as exc:
            if not reviews or exc.token_invalid or exc.retryable:
                raise
            client.subscribe(subscribed_fields(reviews=False))
            account.options = {**account.options, "reviews": False}
            account.status_reason = _(
                "Facebook refused the reviews subscription (%(reason)s); reviews are off."
            ) % {"reason": exc.reason}
            account.save(update_fields=["options", "status_reason"])

    def on_disconnect(self, account: Any) -> None:
        _client(account.credentials, account.external_id).unsubscribe()


def _client(credentials: Mapping[str, Any], page_id: str = "") -> GraphClient:
    return GraphClient(
        credentials.get("access_token", ""), page_id=credentials.get("page_id") or page_id
    )


def _public_text(outbound: Outbound) -> str:
    """A public reply's text as posted: with the commenter's @mention when switched on."""
    if outbound.options.get("mention_commenter") and outbound.recipient_external_id:
        return f"@[{outbound.recipient_external_id}] {outbound.text}"
    return outbound.text


def _message_type(outbound: Outbound) -> tuple[str, str]:
    """RESPONSE inside 24 hours; the human-agent tag up to 7 days where the Page has it."""
    last = outbound.last_inbound_at
    age = timezone.now() - last if last else timedelta(0)
    if age <= WINDOW:
        return "RESPONSE", ""
    if outbound.options.get("human_agent") and age <= HUMAN_AGENT_WINDOW:
        return "MESSAGE_TAG", "HUMAN_AGENT"
    raise PermanentSendError(
        _("The 24-hour messaging window has closed, so Messenger will not deliver this reply.")
    )


def _sent_message(client: GraphClient, outbound: Outbound, since: datetime) -> str | None:
    """Through the Conversations API: the customer's thread, its newest messages."""
    for conversation in client.conversations(since=since, max_pages=2):
        people = conversation.get("participants", {}).get("data", [])
        if not any(p.get("id") == outbound.recipient_external_id for p in people):
            continue
        rows = conversation.get("messages", {}).get("data", [])
        return _ours(rows, outbound.account_external_id, outbound.text, since)
    return None


def _sent_comment(client: GraphClient, outbound: Outbound, since: datetime) -> str | None:
    """The replies under the thread's top comment (where `_send_public` posts them)."""
    thread = client.get_object(outbound.thread_key, SENT_REPLY_FIELDS)
    rows = thread.get("comments", {}).get("data", [])
    return _ours(rows, outbound.account_external_id, _public_text(outbound), since)


def _ours(rows: list[dict], page_id: str, text: str, since: datetime) -> str | None:
    """The id of the Page's message with exactly this text, made since `since`."""
    for row in rows:
        if (row.get("from") or {}).get("id") != page_id or row.get("message") != text:
            continue
        try:
            made = from_iso(str(row.get("created_time")))
        except ValueError:
            continue
        if made >= since and row.get("id"):
            return str(row["id"])
    return None


def _send_error(exc: GraphError) -> Exception:
    if exc.maybe_sent:
        return UnknownOutcomeSendError(exc.reason)
    if exc.retryable:
        return RetryableSendError(exc.reason, retry_after=exc.retry_after)
    if exc.token_invalid:
        return PermanentSendError(
            _("The Page's access token no longer works (%(reason)s). Reconnect the Page.")
            % {"reason": exc.reason},
            account_broken=True,
        )
    if exc.outside_window:
        return PermanentSendError(
            _(
                "Outside Messenger's 24-hour window (%(reason)s). An admin can turn on the "
                "human-agent tag for this Page to reply up to 7 days."
            )
            % {"reason": exc.reason}
        )
    return PermanentSendError(exc.reason)
