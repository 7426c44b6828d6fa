"""Outbound: replies are queued, sent once by a task, retried or failed visibly.

A message moves queued -> sending -> sent, or to failed with a reason. The send task
flips queued -> sending under a row lock and commits before calling the platform, so a
redelivered task (worker crash, late ack) finds it no longer queued and sends nothing.

Only errors that say the platform did not act (a refused connect, a rate limit) put a
message back to queued for another try. When the outcome is unknown (no answer after the
request went out, a server error on a send, a success without an id, a send interrupted
mid-call and found "sending" by the sweep) the platform may have sent it, so it is never
resent by itself: the channel is asked whether it shows the message sent (`find_sent`),
and otherwise it fails visibly, flagged `maybe_sent`, for the agent to check and decide.
An echo that carries our send's marker (`own_message_id`) later marks it sent, whatever
state it is in, and dedupes with the "sent elsewhere" copy the echo would have made.
At most once, and never silently.
"""

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import realtime
from inbox.adapters import (
    Capabilities,
    ChannelAdapter,
    Outbound,
    PermanentSendError,
    RetryableSendError,
    SendResult,
    UnknownOutcomeSendError,
    get_adapter,
)
from inbox.items import Attachment, InboundMessage
from inbox.models import Activity, ChannelAccount, Conversation, Message
from inbox.queue import enqueue_on_commit

from .accounts import account_needs_reconnect
from .composer import sign_off_for, text_signed
from .private_replies import private_reply_continue

log = logging.getLogger(__name__)
STALE_SENDING_AFTER = timedelta(minutes=10)
# The states a send is in before the platform has confirmed it: an echo or a found
# message moves them to sent. Delivered and read are never moved back.
UNCONFIRMED = (
    Message.Status.QUEUED,
    Message.Status.SENDING,
    Message.Status.SENT,
    Message.Status.FAILED,
)
# A concurrent ingest of the same platform id can win the unique constraint this often.
MARK_SENT_TRIES = 3


class ReplyRefused(Exception):
    """The reply cannot be sent on this channel or now; the message says why."""


def reply_refusal(*, conversation: Conversation, private: bool) -> str | None:
    """Why a reply of this kind cannot be sent, or None when it can."""
    account = conversation.account
    if account.status != ChannelAccount.Status.ACTIVE:
        return _("The account %(name)s needs to be reconnected before replies can be sent.") % {
            "name": account.name
        }
    try:
        adapter = get_adapter(account.kind)
    except LookupError:
        return _("The %(kind)s channel is not installed.") % {"kind": account.kind}
    caps = adapter.capabilities
    is_direct = conversation.kind == Conversation.Kind.DIRECT
    if not is_direct and private:
        return _private_reply_refusal(conversation, caps)
    if not is_direct and not caps.public_reply:
        return _("This channel cannot reply publicly here; reply privately instead.")
    if conversation.kind == Conversation.Kind.REVIEW and not caps.review_reply:
        return _("This channel does not allow replies to reviews.")
    own = adapter.reply_refusal(conversation)
    if own:
        return own
    if is_direct:
        return _window_refusal(conversation, adapter)
    return None


def _window_refusal(conversation: Conversation, adapter: ChannelAdapter) -> str | None:
    window = reply_window(conversation, adapter)
    if window is None:
        return None
    if window.awaiting_customer:
        return _(
            "The customer has not answered the private reply yet: the platform allows "
            "another message only once they do."
        )
    if not window.closed:
        return None
    caps = adapter.capabilities
    if caps.extended_window and not window.extended:
        return _(
            "The messaging window has closed: replies are allowed within %(hours)d hours of "
            "the customer's last message. An admin can turn on the human-agent tag for this "
            "account (up to %(days)d days)."
        ) % {
            "hours": caps.messaging_window.total_seconds() // 3600,
            "days": caps.extended_window.days,
        }
    hours = (window.length.total_seconds() // 3600) if window.length else 0
    return _(
        "The messaging window has closed: the platform only allows replies within "
        "%(hours)d hours of the customer's last message."
    ) % {"hours": hours}


def _private_reply_refusal(conversation: Conversation, caps: Capabilities) -> str | None:
    if not caps.private_reply:
        return _("This channel cannot reply privately to a %(kind)s.") % {
            "kind": conversation.get_kind_display().lower()
        }
    if conversation.kind == Conversation.Kind.REVIEW:
        return _("Reviews can only be answered publicly.")
    target = private_reply_target(conversation)
    if target is None:
        return _("There is no customer comment here to answer privately.")
    taken = Message.objects.filter(
        account_id=conversation.account_id,
        direction=Message.Direction.OUT,
        public=False,
        parent_external_id=target.external_id,
    ).exclude(status=Message.Status.FAILED)
    if taken.exists():
        return _("This comment already has its private reply: the platform allows only one.")
    window = caps.private_reply_window
    when = target.platform_timestamp or target.created_at
    if window and timezone.now() - when > window:
        return _("Private replies are only allowed within %(days)d days of the comment.") % {
            "days": window.days
        }
    return None


def private_reply_target(conversation: Conversation) -> Message | None:
    """The customer comment a private reply answers: the newest one in the thread."""
    return (
        conversation.messages.filter(direction=Message.Direction.IN)
        .exclude(external_id=None)
        .order_by("-platform_timestamp", "-pk")
        .first()
    )


@dataclass(frozen=True)
class ReplyWindow:
    """How long a direct conversation can still be answered."""

    closes_at: datetime | None
    length: timedelta | None
    extended: bool = False  # counting with the longer window (human-agent tag)
    awaiting_customer: bool = False  # a private reply was sent; the customer must answer

    @property
    def closed(self) -> bool:
        return self.closes_at is not None and self.closes_at <= timezone.now()


def reply_window(
    conversation: Conversation, adapter: ChannelAdapter | None = None
) -> ReplyWindow | None:
    """The messaging window of a direct conversation, or None when its channel has none."""
    if conversation.kind != Conversation.Kind.DIRECT:
        return None
    adapter = adapter or get_adapter(conversation.account.kind)
    caps = adapter.capabilities
    if not caps.messaging_window:
        return None
    last_inbound = conversation.last_inbound_at
    if last_inbound is None:
        # Opened by our private reply to a comment: the platform waits for the customer.
        return ReplyWindow(None, None, awaiting_customer=conversation.linked_id is not None)
    extended = bool(
        caps.extended_window
        and caps.extended_window_option
        and adapter.option(conversation.account, caps.extended_window_option)
    )
    length = caps.extended_window if extended else caps.messaging_window
    return ReplyWindow(last_inbound + length, length, extended=extended)


def reply_create(
    *,
    conversation: Conversation,
    author: AbstractBaseUser | None,
    text: str,
    private: bool = False,
    attachments: Sequence[Attachment] = (),
    mention_customer: bool | None = None,
) -> Message:
    """Queue a reply to the customer; it is sent by a task once this transaction commits.

    A public reply carries the author's sign-off unless they turned it off. On a public
    comment reply, `mention_customer` overrides the account's "mention the commenter".
    """
    text = text.strip()
    if not text and not attachments:
        raise ReplyRefused(_("Write a reply before sending."))
    adapter = get_adapter(conversation.account.kind)
    if attachments and not adapter.capabilities.media_replies:
        raise ReplyRefused(_("This channel cannot send media in replies; send a link instead."))
    is_public = conversation.kind != Conversation.Kind.DIRECT and not private
    sign_off = sign_off_for(author) if is_public and text else ""
    text = text_signed(text, sign_off)
    limit = adapter.capabilities.max_text_length
    if len(text) > limit:
        message = (
            _(
                "The reply with your sign-off is %(length)d characters long; this channel "
                "allows %(limit)d."
            )
            if sign_off
            else _("The reply is %(length)d characters long; this channel allows %(limit)d.")
        )
        raise ReplyRefused(message % {"length": len(text), "limit": limit})
    refusal = reply_refusal(conversation=conversation, private=private)
    if refusal:
        raise ReplyRefused(refusal)
    extra = {}
    if is_public and mention_customer is not None:
        extra["mention_customer"] = bool(mention_customer)
    parent = ""
    if private and conversation.kind != Conversation.Kind.DIRECT:
        parent = private_reply_target(conversation).external_id
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            account=conversation.account,
            direction=Message.Direction.OUT,
            kind=Message.Kind.COMMENT if is_public else Message.Kind.MESSAGE,
            public=is_public,
            text=text,
            author=author,
            status=Message.Status.QUEUED,
            parent_external_id=parent,
            extra=extra,
            attachments=[
                {"type": a.type, "url": a.url, "name": a.name, "extra": a.extra}
                for a in attachments
            ],
        )
        first_reply = not conversation.activities.filter(verb=Activity.Verb.REPLIED).exists()
        Activity.objects.create(
            conversation=conversation,
            actor=author,
            verb=Activity.Verb.REPLIED,
            data={
                "message": message.pk,
                "first": first_reply,
                "waited_seconds": _waited(conversation, now),
            },
        )
        Conversation.objects.filter(pk=conversation.pk).update(
            waiting_since=None,
            sla_due_at=None,
            last_activity_at=now,
            last_message_at=now,
            snippet=(text or ", ".join(f"[{a.type}]" for a in attachments))[:200],
        )
        _enqueue_send(message)
        realtime.publish(
            realtime.account_streams(conversation.account_id, conversation.pk),
            {
                "type": "message.created",
                "conversation": conversation.pk,
                "message": message.pk,
                "direction": message.direction,
                "actor": message.author_id,
            },
        )
    return message


def _waited(conversation: Conversation, now: timezone.datetime) -> int | None:
    if conversation.waiting_since is None:
        return None
    return int((now - conversation.waiting_since).total_seconds())


def _enqueue_send(message: Message) -> None:
    from inbox.tasks import send_message

    enqueue_on_commit(send_message, message.pk)


@dataclass(frozen=True)
class SendOutcome:
    sent: bool = False
    # Seconds until the next attempt, when a retryable error leaves the message queued.
    retry_in: float | None = None


def message_send(*, message_id: int) -> SendOutcome:
    """Send one queued message. Safe to call any number of times for the same message."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("conversation__identity", "account", "author")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status != Message.Status.QUEUED:
            return SendOutcome()
        message.status = Message.Status.SENDING
        message.attempts += 1
        message.sending_since = timezone.now()
        message.save(update_fields=["status", "attempts", "sending_since"])
    outbound = _outbound(message)
    adapter = get_adapter(message.account.kind)
    try:
        result = adapter.send(outbound)
    except RetryableSendError as exc:
        return _after_retryable(message, exc)
    except UnknownOutcomeSendError as exc:
        return _after_unknown(message, adapter, outbound, exc.reason)
    except PermanentSendError as exc:
        _fail(message, exc.reason, account_broken=exc.account_broken)
        if exc.recipient_unsubscribed:
            _unsubscribed(message)
        return SendOutcome()
    except Exception as exc:  # noqa: BLE001 - an adapter bug must not leave it "sending"
        log.exception("adapter %s crashed sending message %s", message.account.kind, message.pk)
        # It may have crashed reading the platform's answer: the message may be out.
        _fail(
            message,
            maybe_sent_reason(_("Sending failed unexpectedly: %(error)s") % {"error": exc}),
            maybe_sent=True,
        )
        return SendOutcome()
    _sent(message, result)
    return SendOutcome(sent=True)


def _sent(message: Message, result: SendResult) -> None:
    message_mark_sent(message=message, external_id=result.external_id)
    recipient = result.extra.get("recipient_id")
    if recipient and message.conversation.kind != Conversation.Kind.DIRECT and not message.public:
        # The echo may have come first and moved it to the direct conversation already.
        moved = not Message.objects.filter(
            pk=message.pk, conversation_id=message.conversation_id
        ).exists()
        if not moved:
            private_reply_continue(message=message, recipient_external_id=str(recipient))


def maybe_sent_reason(detail: str) -> str:
    """What an agent reads on a send whose outcome is unknown."""
    return _("May have been sent: check on the platform before retrying. %(detail)s") % {
        "detail": detail
    }


def _after_unknown(
    message: Message, adapter: ChannelAdapter, outbound: Outbound, detail: str
) -> SendOutcome:
    """Ask the platform whether it sent the message; if it cannot tell, fail it visibly."""
    found = _find_sent(message, adapter, outbound)
    if found is not None:
        _sent(message, found)
        return SendOutcome(sent=True)
    _fail(message, maybe_sent_reason(detail), maybe_sent=True)
    return SendOutcome()


def _find_sent(message: Message, adapter: ChannelAdapter, outbound: Outbound) -> SendResult | None:
    try:
        found = adapter.find_sent(outbound)
    except Exception:  # noqa: BLE001 - a failed look-up leaves the outcome unknown, no worse
        log.warning("looking up message %s on %s failed", message.pk, adapter.kind, exc_info=True)
        return None
    if found is None or not found.external_id:
        return None
    # The same text sent twice: a message the platform shows may be another one of ours.
    theirs = Message.objects.filter(
        account_id=message.account_id, external_id=found.external_id, sent_elsewhere=False
    ).exclude(pk=message.pk)
    return None if theirs.exists() else found


def _outbound(message: Message) -> Outbound:
    conversation = message.conversation
    identity = conversation.identity
    parent = message.parent_external_id
    if not parent and message.public:
        # A public reply threads under the newest customer comment in this thread.
        parent = (
            conversation.messages.filter(direction=Message.Direction.IN)
            .exclude(external_id=None)
            .order_by("-platform_timestamp", "-pk")
            .values_list("external_id", flat=True)
            .first()
        ) or ""
    return Outbound(
        message_id=message.pk,
        account_external_id=message.account.external_id,
        credentials=message.account.credentials,
        options=_send_options(message),
        conversation_kind=conversation.kind,
        thread_key=conversation.thread_key,
        recipient_external_id=identity.external_id if identity else "",
        text=message.text,
        public=message.public,
        parent_external_id=parent,
        attachments=tuple(
            Attachment(a["type"], a.get("url", ""), a.get("name", ""), a.get("extra", {}))
            for a in message.attachments
        ),
        last_inbound_at=conversation.last_inbound_at,
        author_name=(message.author.get_full_name() or message.author.get_username())
        if message.author
        else "",
        account_name=message.account.name,
        private_reply=conversation.kind != Conversation.Kind.DIRECT and not message.public,
        attempt_started_at=message.sending_since,
    )


def _send_options(message: Message) -> dict:
    """The account's options, with this reply's own choice of mentioning the commenter."""
    options = dict(message.account.options)
    if "mention_customer" in message.extra:
        options["mention_commenter"] = message.extra["mention_customer"]
    return options


def _backoff(attempt: int) -> float:
    base = settings.SOCIALCARE_SEND_BACKOFF_BASE**attempt
    capped = min(settings.SOCIALCARE_SEND_BACKOFF_MAX, base)
    # Full jitter: spread retries of many messages after one outage.
    return capped / 2 + random.uniform(0, capped / 2)


def _after_retryable(message: Message, exc: RetryableSendError) -> SendOutcome:
    if message.attempts >= settings.SOCIALCARE_SEND_MAX_ATTEMPTS:
        _fail(
            message,
            _("Gave up after %(n)d attempts: %(reason)s")
            % {"n": message.attempts, "reason": exc.reason},
        )
        return SendOutcome()
    delay = exc.retry_after if exc.retry_after is not None else _backoff(message.attempts)
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
        status=Message.Status.QUEUED,
        error=exc.reason,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    return SendOutcome(retry_in=delay)


def _fail(
    message: Message, reason: str, *, account_broken: bool = False, maybe_sent: bool = False
) -> None:
    with transaction.atomic():
        # Only the attempt in flight fails: an echo may have marked it sent meanwhile.
        failed = Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
            status=Message.Status.FAILED, error=reason, next_attempt_at=None, maybe_sent=maybe_sent
        )
        if not failed:
            return
        Activity.objects.create(
            conversation_id=message.conversation_id,
            verb=Activity.Verb.SEND_FAILED,
            data={"message": message.pk, "reason": reason},
        )
        if account_broken:
            account_needs_reconnect(account=message.account, reason=reason)
        _publish_status(message)


def _unsubscribed(message: Message) -> None:
    """The platform says the customer takes no messages: the next reply is refused early."""
    identity = message.conversation.identity
    if identity is not None:
        identity.profile = {**identity.profile, "subscribed": False}
        identity.save(update_fields=["profile"])


def message_mark_sent(
    *, message: Message, external_id: str, sent_at: timezone.datetime | None = None
) -> None:
    """The platform has the message under `external_id`: it is sent, whatever we thought.

    The platform's echo of this very send may be ingested as "sent elsewhere" (a channel
    whose echo carries no marker) before this runs or while it runs, with the same id:
    that copy is removed and its receipt kept. When the echo commits between our delete
    and our update, the update hits the unique (account, external id) constraint; the
    savepoint rolls back and the next try deletes the now-visible copy.
    """
    for attempt in range(1, MARK_SENT_TRIES + 1):
        try:
            with transaction.atomic():
                _mark_sent(message, external_id, sent_at or timezone.now())
            return
        except IntegrityError:
            if attempt == MARK_SENT_TRIES:
                raise
            log.info("echo of message %s stored meanwhile; marking it sent again", message.pk)


def _mark_sent(message: Message, external_id: str, sent_at: timezone.datetime) -> None:
    current = (
        Message.objects.select_for_update(of=("self",))
        .filter(pk=message.pk)
        .values_list("status", flat=True)
        .first()
    )
    if current is None:
        return
    copies = Message.objects.filter(
        account_id=message.account_id, external_id=external_id, sent_elsewhere=True
    ).exclude(pk=message.pk)
    statuses = [current, *copies.values_list("status", flat=True)]
    copies.delete()
    Message.objects.filter(pk=message.pk).update(
        status=_furthest(statuses),
        external_id=external_id,
        error="",
        maybe_sent=False,
        sent_at=sent_at,
        next_attempt_at=None,
    )
    _publish_status(message)


def _furthest(statuses: list[str]) -> str:
    """Sent, or further when a receipt already reached the echo's copy or the message."""
    rank = {Message.Status.DELIVERED: 1, Message.Status.READ: 2}
    return max([Message.Status.SENT, *statuses], key=lambda s: rank.get(s, 0))


def message_echo_confirm(*, account: ChannelAccount, item: InboundMessage) -> bool:
    """An echo carrying our own send's marker: that message went out. Returns whether the
    echo is ours (then nothing new is stored; otherwise it is ingested as usual)."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("conversation")
            .filter(
                pk=item.own_message_id,
                account=account,
                direction=Message.Direction.OUT,
                sent_elsewhere=False,
            )
            .first()
        )
        if message is None:
            return False
        if message.external_id:
            # Known already (the send's answer came first), or one more part of the send.
            return True
        unconfirmed = message.status in UNCONFIRMED
        if unconfirmed:
            message_mark_sent(message=message, external_id=item.external_id, sent_at=item.timestamp)
    private = message.conversation.kind != Conversation.Kind.DIRECT and not message.public
    if unconfirmed and private and item.conversation_kind == Conversation.Kind.DIRECT:
        # A private reply's echo names the person's messaging id, as the send's answer would.
        private_reply_continue(message=message, recipient_external_id=item.thread_key)
    return True


def _publish_status(message: Message) -> None:
    realtime.publish(
        realtime.account_streams(message.account_id, message.conversation_id),
        {"type": "message.status", "conversation": message.conversation_id, "message": message.pk},
    )


def message_retry(*, message: Message, by: AbstractBaseUser | None) -> Message:
    """Queue a failed outbound message again (the agent's Retry button)."""
    if message.direction != Message.Direction.OUT or message.status != Message.Status.FAILED:
        raise ReplyRefused(_("Only a failed reply can be retried."))
    refusal = reply_refusal(conversation=message.conversation, private=not message.public)
    if refusal:
        raise ReplyRefused(refusal)
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.QUEUED,
            error="",
            attempts=0,
            next_attempt_at=None,
            maybe_sent=False,
        )
        _enqueue_send(message)
        _publish_status(message)
    message.refresh_from_db()
    return message


def messages_fail_stale_sending() -> int:
    """Sends interrupted mid-call (a worker died): an unknown outcome like any other, so
    the platform is asked first and the rest fail visibly; never resent blindly."""
    stale = Message.objects.filter(
        status=Message.Status.SENDING,
        sending_since__lt=timezone.now() - STALE_SENDING_AFTER,
    ).select_related("conversation__identity", "account", "author")
    count = 0
    interrupted = _("The send was interrupted.")
    for message in stale:
        try:
            adapter = get_adapter(message.account.kind)
            _after_unknown(message, adapter, _outbound(message), interrupted)
        except Exception:  # noqa: BLE001 - one message's look-up must not stop the sweep
            log.exception("could not reconcile the interrupted send of message %s", message.pk)
            _fail(message, maybe_sent_reason(interrupted), maybe_sent=True)
        count += 1
    return count


def messages_requeue_stuck() -> int:
    """Queued replies whose task was lost (broker down at enqueue time): enqueue again.

    A duplicate task is harmless: only one of them finds the message still queued.
    """
    from inbox.tasks import send_message

    cutoff = timezone.now() - timedelta(seconds=settings.SOCIALCARE_SWEEP_AFTER_SECONDS)
    stuck = Message.objects.filter(status=Message.Status.QUEUED).filter(
        Q(next_attempt_at__lt=cutoff) | Q(next_attempt_at__isnull=True, created_at__lt=cutoff)
    )
    ids = list(stuck.values_list("pk", flat=True)[:1000])
    for message_id in ids:
        send_message.delay(message_id)
    return len(ids)
