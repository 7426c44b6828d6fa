"""Inbound items -> contacts, identities, conversations and messages.

Safe under concurrency: every "create if missing" leans on a database unique constraint
(identity per account, thread per account, platform message id per account) inside a
savepoint, so two workers racing on the same new thread end with one row each and the
loser reads the winner's row.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, DateTimeField, Min, Q, Value, When

from inbox import realtime
from inbox.adapters import get_adapter
from inbox.items import (
    DeliveryUpdate,
    InboundItem,
    InboundMessage,
    MessageUpdate,
    Person,
    Reaction,
    Skipped,
    SubscriptionChange,
)
from inbox.models import (
    Activity,
    ChannelAccount,
    Contact,
    Conversation,
    ConversationRead,
    Identity,
    Message,
    Team,
)

from .enrichment import enrichment_enqueue
from .ingest_bounds import item_bounded
from .ingest_updates import message_update_apply, reaction_apply, unrouted_record
from .sending import message_echo_confirm

# Where a read mark goes back to when a message written before it arrives late.
JUST_BEFORE = timedelta(microseconds=1)

STATUS_RANK = {
    Message.Status.SENT: 2,
    Message.Status.DELIVERED: 3,
    Message.Status.READ: 4,
}


@dataclass
class IngestResult:
    created: int = 0
    duplicates: int = 0
    updated: int = 0
    skipped: int = 0
    skip_reasons: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.skip_reasons.append(reason)


def items_ingest(
    *, kind: str, items: list[InboundItem], account: ChannelAccount | None = None
) -> IngestResult:
    """Ingest parsed items of one channel. Idempotent: re-running changes nothing."""
    result = IngestResult()
    accounts: dict[str, ChannelAccount | None] = {}
    if account is not None:
        accounts[account.external_id] = account
    unrouted: Counter = Counter()
    later: list[tuple[ChannelAccount, InboundItem]] = []
    for item in map(item_bounded, items):
        if isinstance(item, Skipped):
            result.skip(item.reason)
            continue
        target = _account(kind, item.account_external_id, accounts)
        if target is None:
            unrouted[item.account_external_id] += 1
            result.skip(f"no connected {kind} account {item.account_external_id}")
            continue
        refusal = item_refusal(target, item)
        if refusal:
            result.skip(refusal)
        elif isinstance(item, InboundMessage):
            if message_ingest(account=target, item=item):
                result.created += 1
            else:
                result.duplicates += 1
        else:
            later.append((target, item))
    # After the messages: a receipt, edit or reaction may be for one stored just now.
    for target, item in later:
        result.updated += update_apply(account=target, item=item)
    if unrouted:
        unrouted_record(kind=kind, counts=unrouted)
    return result


def item_refusal(account: ChannelAccount, item: InboundItem) -> str | None:
    """Why this account does not take this item (the adapter's per-account switches)."""
    try:
        return get_adapter(account.kind).accepts(account, item)
    except LookupError:
        return None


def update_apply(*, account: ChannelAccount, item: InboundItem) -> int:
    """A delivery receipt, an edit / removal / hide, or a reaction."""
    if isinstance(item, DeliveryUpdate):
        return delivery_update_apply(account=account, item=item)
    if isinstance(item, MessageUpdate):
        return message_update_apply(account=account, item=item)
    if isinstance(item, Reaction):
        return reaction_apply(account=account, item=item)
    if isinstance(item, SubscriptionChange):
        return subscription_apply(account=account, item=item)
    return 0


def subscription_apply(*, account: ChannelAccount, item: SubscriptionChange) -> int:
    """Remember whether the customer takes messages; their conversation shows it.

    In platform time order (`subscription_at` is when it last changed): a replayed or late
    "subscribed" older than the "unsubscribed" that followed it changes nothing.
    """
    identity = identity_upsert(account=account, person=item.person)
    last = identity.profile.get("subscription_at")
    at = item.timestamp
    if at is not None and last and at < datetime.fromisoformat(last):
        return 0
    profile = {**identity.profile, "subscribed": item.subscribed}
    if at is not None:
        profile["subscription_at"] = at.isoformat()
    if profile == identity.profile:
        return 0
    changed = identity.profile.get("subscribed") != item.subscribed
    identity.profile = profile
    identity.save(update_fields=["profile"])
    return int(changed)


def _account(
    kind: str, external_id: str, cache: dict[str, ChannelAccount | None]
) -> ChannelAccount | None:
    if external_id not in cache:
        cache[external_id] = (
            ChannelAccount.objects.filter(kind=kind, external_id=external_id)
            .exclude(status=ChannelAccount.Status.DISABLED)
            .first()
        )
    return cache[external_id]


def message_ingest(*, account: ChannelAccount, item: InboundMessage) -> Message | None:
    """Store one inbound item. Returns the new message, or None for a duplicate."""
    if item.own_message_id is not None and message_echo_confirm(account=account, item=item):
        # The echo of our own send: it marked that message sent; no copy is stored.
        return None
    try:
        with transaction.atomic():
            if Message.objects.filter(account=account, external_id=item.external_id).exists():
                return None
            identity = (
                None if item.outbound else identity_upsert(account=account, person=item.sender)
            )
            conversation, created = _conversation_for(account=account, item=item, identity=identity)
            message = message_for(
                account=account, conversation=conversation, identity=identity, item=item
            )
            message.save(force_insert=True)
            fields, reopened = conversation_apply(conversation, item=item, created=created)
            conversation.save(update_fields=sorted(fields))
            if not item.outbound and not created:
                read_marks_rewind(earliest={conversation.pk: item.timestamp})
            if reopened:
                Activity.objects.create(conversation=conversation, verb=Activity.Verb.REOPENED)
            enrichment_enqueue(
                conversations=[conversation] if created else [],
                message_ids=[message.pk] if message.attachments else [],
            )
    except IntegrityError:
        # Another worker stored the same platform id between our check and our insert; its
        # transaction made the same contact/thread changes, so rolling ours back loses nothing.
        if Message.objects.filter(account=account, external_id=item.external_id).exists():
            return None
        raise
    realtime.publish(
        realtime.account_streams(account.pk, conversation.pk),
        {
            "type": "message.created",
            "conversation": conversation.pk,
            "message": message.pk,
            "direction": message.direction,
            "actor": message.author_id,
        },
    )
    return message


def identity_upsert(*, account: ChannelAccount, person: Person) -> Identity:
    identity = (
        Identity.objects.select_related("contact")
        .filter(account=account, external_id=person.external_id)
        .first()
    )
    if identity is None:
        try:
            with transaction.atomic():
                contact = Contact.objects.create(name=person.name, avatar_url=person.avatar_url)
                return Identity.objects.create(
                    contact=contact,
                    account=account,
                    external_id=person.external_id,
                    handle=person.handle,
                    name=person.name,
                    avatar_url=person.avatar_url,
                    profile=person.profile,
                )
        except IntegrityError:
            identity = Identity.objects.select_related("contact").get(
                account=account, external_id=person.external_id
            )
    _identity_refresh(identity, person)
    return identity


def conversation_new(
    account: ChannelAccount, identity: Identity, item: InboundMessage, team: Team | None
) -> Conversation:
    """The unsaved conversation a thread's first item opens, worked by the account's team."""
    return Conversation(
        account=account,
        contact_id=identity.contact_id,
        identity=identity,
        kind=item.conversation_kind,
        thread_key=item.thread_key,
        last_activity_at=item.timestamp,
        context=item.context,
        team=team,
    )


def message_for(
    *,
    account: ChannelAccount,
    conversation: Conversation,
    identity: Identity | None,
    item: InboundMessage,
) -> Message:
    """The unsaved message row for an inbound item (shared by the single and batch paths)."""
    return Message(
        conversation=conversation,
        account=account,
        direction=Message.Direction.OUT if item.outbound else Message.Direction.IN,
        kind=item.kind,
        public=item.public,
        text=item.text,
        attachments=[a.__dict__ for a in item.attachments],
        identity=identity,
        external_id=item.external_id,
        parent_external_id=item.parent_external_id,
        sent_elsewhere=item.outbound,
        status=Message.Status.SENT if item.outbound else Message.Status.RECEIVED,
        platform_timestamp=item.timestamp,
        sent_at=item.timestamp if item.outbound else None,
        extra=item.extra,
    )


def _identity_refresh(identity: Identity, person: Person) -> None:
    changed = identity_apply(identity, person)
    if changed:
        identity.save(update_fields=changed)
    if person.name and not identity.contact.name:
        identity.contact.name = person.name
        identity.contact.save(update_fields=["name"])


def identity_profile_apply(
    identity: Identity, person: Person | None, *, unavailable: str = ""
) -> None:
    """Store a profile the platform's look-up returned, or why it could not; either way
    the look-up is not repeated."""
    with transaction.atomic():
        identity = (
            Identity.objects.select_for_update().select_related("contact").get(pk=identity.pk)
        )
        if person is not None:
            _identity_refresh(identity, person)
            if person.avatar_url and not identity.contact.avatar_url:
                identity.contact.avatar_url = person.avatar_url
                identity.contact.save(update_fields=["avatar_url"])
        identity.profile = {
            **identity.profile,
            "fetched": True,
            **({"unavailable": unavailable} if unavailable else {}),
        }
        identity.save(update_fields=["profile"])


def identity_apply(identity: Identity, person: Person) -> list[str]:
    """Take newer profile fields from the platform; returns the fields that changed."""
    changed = [
        name
        for name in ("name", "handle", "avatar_url")
        if getattr(person, name) and getattr(person, name) != getattr(identity, name)
    ]
    for name in changed:
        setattr(identity, name, getattr(person, name))
    if person.profile and person.profile != identity.profile:
        identity.profile = {**identity.profile, **person.profile}
        changed.append("profile")
    return changed


def _conversation_for(
    *, account: ChannelAccount, item: InboundMessage, identity: Identity | None
) -> tuple[Conversation, bool]:
    # Locked: concurrent messages of one thread update its counters one after the other.
    threads = Conversation.objects.select_for_update().filter(
        account=account, thread_key=item.thread_key
    )
    existing = threads.first()
    if existing is not None:
        return existing, False
    if identity is None:
        # Our own post or echo opened the thread: the customer is the recipient.
        identity = identity_upsert(account=account, person=item.sender)
    try:
        with transaction.atomic():
            team = account.teams.order_by("pk").first()
            conversation = conversation_new(account, identity, item, team)
            conversation.save(force_insert=True)
            Activity.objects.create(conversation=conversation, verb=Activity.Verb.CREATED)
            return conversation, True
    except IntegrityError:
        # Another worker created the thread first: wait for its lock and use its row.
        return threads.get(), False


def conversation_apply(
    conversation: Conversation, *, item: InboundMessage, created: bool
) -> tuple[set[str], bool]:
    """Apply one new message to its thread's state, unsaved: (changed fields, reopened).

    Every time here is the platform's (when it was written), and messages come in any
    order: the newest one gives the snippet, the last message and the messaging window
    (late older ones never move them back), the oldest unanswered one the waiting time. An
    answer from another app answers what was written before it, wherever it lands among
    the customer's messages. A customer message new to us reopens a done thread whenever
    it was written: nobody here has read it. (A redelivery never gets here: it is a
    duplicate of its platform id.)
    """
    ts = item.timestamp
    reopened = False
    fields = {"last_activity_at", "last_message_at", "snippet"}
    late = conversation.last_message_at is not None and ts < conversation.last_message_at
    if not late:
        conversation.last_message_at = ts
        conversation.snippet = (item.text or _attachment_snippet(item))[:200]
    conversation.last_activity_at = max(conversation.last_activity_at, ts)
    if item.context and not conversation.context:
        conversation.context = item.context
        fields.add("context")
    if item.outbound:
        # Answered from another tool: the customer's messages before it are answered.
        _answered_at(conversation, ts)
        fields |= {"waiting_since", "sla_due_at"}
    else:
        if conversation.last_inbound_at is None or ts > conversation.last_inbound_at:
            conversation.last_inbound_at = ts
        earlier = conversation.waiting_since is None or ts < conversation.waiting_since
        if earlier and not (late and _answered_elsewhere_after(conversation, ts)):
            _waiting_from(conversation, ts)
        conversation.unread = True
        fields |= {"last_inbound_at", "waiting_since", "sla_due_at", "unread"}
        if conversation.status == Conversation.Status.DONE and not created:
            conversation.status = Conversation.Status.OPEN
            fields.add("status")
            reopened = True
    return fields, reopened


def _waiting_from(conversation: Conversation, ts: datetime | None) -> None:
    conversation.waiting_since = ts
    conversation.sla_due_at = (
        ts + timedelta(minutes=settings.SOCIALCARE_SLA_MINUTES) if ts is not None else None
    )


def _answered_at(conversation: Conversation, ts: datetime) -> None:
    """A reply written at `ts` answers the customer's messages before it. Delivered late,
    after newer customer messages, it leaves those waiting: from the first one after it."""
    waiting = conversation.waiting_since
    if waiting is None or ts < waiting:
        return
    last_inbound = conversation.last_inbound_at
    if last_inbound is None or ts >= last_inbound:
        _waiting_from(conversation, None)
        return
    later = conversation.messages.filter(
        direction=Message.Direction.IN, platform_timestamp__gt=ts
    ).aggregate(first=Min("platform_timestamp"))["first"]
    _waiting_from(conversation, later)


def _answered_elsewhere_after(conversation: Conversation, ts: datetime) -> bool:
    """Whether the account answered from another app after `ts` (an echo written later).

    That answer came from someone who saw the message on the platform, so a customer
    message delivered to us after it is not waiting. Our own replies do not count: their
    author could not have seen a message that had not reached us yet. Asked for late
    messages only (the newest message of a thread has nothing after it).
    """
    return conversation.messages.filter(
        direction=Message.Direction.OUT, sent_elsewhere=True, platform_timestamp__gte=ts
    ).exists()


def read_marks_rewind(*, earliest: dict[int, datetime]) -> None:
    """Customer messages new to us, by conversation id and the oldest one's platform time.

    A read mark says "read everything the customer wrote up to then". A message that
    arrives after the mark but was written before it (delayed or reordered on the way) was
    never shown, so marks past it move back to just before it: the conversation is unread
    again for those agents. One statement for all the conversations.
    """
    if not earliest:
        return
    covering = Q()
    for pk, ts in earliest.items():
        covering |= Q(conversation_id=pk, read_at__gte=ts)
    before = Case(
        *(When(conversation_id=pk, then=Value(ts - JUST_BEFORE)) for pk, ts in earliest.items()),
        output_field=DateTimeField(),
    )
    ConversationRead.objects.filter(covering).update(read_at=before)


def _attachment_snippet(item: InboundMessage) -> str:
    return ", ".join(f"[{a.type}]" for a in item.attachments)


def delivery_update_apply(*, account: ChannelAccount, item: DeliveryUpdate) -> int:
    """Move our outbound messages forward (never backwards) to delivered, read or failed."""
    outbound = Message.objects.filter(account=account, direction=Message.Direction.OUT)
    if item.external_ids:
        targets = outbound.filter(external_id__in=item.external_ids)
    elif item.watermark is not None and item.thread_key:
        targets = outbound.filter(
            conversation__thread_key=item.thread_key, sent_at__lte=item.watermark
        )
    else:
        return 0
    if item.status == "failed":
        return targets.exclude(status=Message.Status.FAILED).update(
            status=Message.Status.FAILED, error=item.reason or "the platform reported a failure"
        )
    # Only messages the platform already has can move; queued or failed ones stay put.
    behind = [
        s
        for s in (Message.Status.SENT, Message.Status.DELIVERED)
        if STATUS_RANK[s] < STATUS_RANK[item.status]
    ]
    return targets.filter(status__in=behind).update(status=item.status)
