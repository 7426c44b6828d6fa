"""Set-based ingest: many pending webhook events in a dozen statements.

A worker claims up to BATCH_SIZE pending events (FOR UPDATE SKIP LOCKED, so workers
never share one) and ingests all their items with one query per table: the accounts,
the messages already stored, the identities, the threads (locked), then bulk inserts
and one bulk update of the threads. The rules are the single-item path's own
(`message_for`, `conversation_apply`, `identity_apply`), so both paths agree.

Races between workers are rare (two batches with the same new thread or the same
platform id) and are not handled here: the database's unique constraints refuse the
second insert, the whole batch rolls back, and its events are re-run one by one on the
single-item path, which resolves every race. Nothing is lost or stored twice.
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from inbox import realtime
from inbox.bulk import bulk_update_rows
from inbox.items import InboundItem, InboundMessage, Person, Skipped
from inbox.models import (
    Activity,
    ChannelAccount,
    Contact,
    Conversation,
    Identity,
    Message,
    WebhookEvent,
)
from inbox.parsing import MalformedPayload

from .enrichment import enrichment_enqueue
from .events import (
    MAX_AUTOMATIC_ATTEMPTS,
    webhook_event_failure,
    webhook_event_items,
    webhook_event_process,
)
from .ingest import (
    IngestResult,
    conversation_apply,
    conversation_new,
    identity_apply,
    item_refusal,
    message_for,
    read_marks_rewind,
    update_apply,
)
from .ingest_bounds import item_bounded
from .ingest_updates import unrouted_record
from .sending import message_echo_confirm

log = logging.getLogger(__name__)
BATCH_SIZE = 200
Key = tuple[int, str]  # (account id, platform id or thread key)


@dataclass
class _Parsed:
    event: WebhookEvent | None
    items: list[InboundItem] = field(default_factory=list)
    error: str = ""
    # A failure that is final: the event is done with (malformed, or out of tries).
    final: bool = True
    result: IngestResult = field(default_factory=IngestResult)


def webhook_events_drain(*, limit: int = BATCH_SIZE) -> list[int]:
    """Claim and ingest up to `limit` pending events. Returns the ids it finished.

    An event whose parser fails is failed alone (for good if it is malformed or out of
    tries; else the sweep retries it). On any other failure the batch is rolled back and
    its events are processed one by one, so one bad event or a race with another worker
    never holds the others back. Events that used up their tries are never claimed.
    """
    ids: list[int] = []
    try:
        with transaction.atomic():
            events = list(
                WebhookEvent.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("account")
                .filter(
                    status=WebhookEvent.Status.PENDING,
                    processed_at__isnull=True,
                    attempts__lt=MAX_AUTOMATIC_ATTEMPTS,
                )
                .order_by("pk")[:limit]
            )
            ids = [event.pk for event in events]
            if events:
                _ingest_events(events)
    except Exception:
        log.warning(
            "batch of %d events failed; processing them one by one", len(ids), exc_info=True
        )
        for event_id in ids:
            try:
                webhook_event_process(event_id=event_id)
            except Exception:  # noqa: BLE001 - only its bookkeeping can raise (database down)
                log.exception("webhook event %s failed", event_id)
    return ids


def items_ingest_many(*, kind: str, items: list[InboundItem]) -> IngestResult:
    """The set-based path for items already parsed, with one result for all of them."""
    holder = _Parsed(event=None)
    _ingest_kind(kind, [(holder, item) for item in items])
    return holder.result


def _ingest_events(events: list[WebhookEvent]) -> None:
    parsed = [_parse(event) for event in events]
    ok = [p for p in parsed if not p.error]
    by_kind: dict[str, list[tuple[_Parsed, InboundItem]]] = defaultdict(list)
    for p in ok:
        for item in p.items:
            by_kind[p.event.kind].append((p, item))
    for kind, pairs in by_kind.items():
        _ingest_kind(kind, pairs)
    # Most events end the same way: one UPDATE per distinct outcome.
    outcomes: dict[tuple[str, int, str, bool], list[int]] = defaultdict(list)
    for p in parsed:
        outcomes[_outcome(p)].append(p.event.pk)
    now = timezone.now()
    for (status, skipped, error, final), ids in outcomes.items():
        WebhookEvent.objects.filter(pk__in=ids).update(
            status=status,
            skipped_items=skipped,
            last_error=error,
            # A try that failed and may be retried leaves the event to the sweep, which
            # waits a full interval from now before it tries again.
            processed_at=now if final else None,
            **({} if final else {"queued_at": now}),
            attempts=F("attempts") + 1,
        )


def _outcome(p: _Parsed) -> tuple[str, int, str, bool]:
    if p.error:
        return WebhookEvent.Status.FAILED, 0, p.error, p.final
    r = p.result
    handled = r.created + r.duplicates + r.updated
    status = (
        WebhookEvent.Status.SKIPPED if r.skipped and not handled else WebhookEvent.Status.PROCESSED
    )
    return status, r.skipped, "; ".join(r.skip_reasons[:5])[:2000], True


def _parse(event: WebhookEvent) -> _Parsed:
    # Parsing is pure (no database), so a parser's failure costs this event alone.
    try:
        items = webhook_event_items(event)
    except MalformedPayload as exc:
        return _Parsed(event, error=f"malformed: {exc}"[:2000])
    except Exception as exc:  # noqa: BLE001 - a parser's bug: retried, then failed
        log.exception("webhook event %s: its parser failed", event.pk)
        error, final = webhook_event_failure(attempts=event.attempts + 1, exc=exc)
        return _Parsed(event, error=error, final=final)
    return _Parsed(event, items=items)


def _ingest_kind(kind: str, pairs: list[tuple[_Parsed, InboundItem]]) -> None:
    pairs = [(p, item_bounded(item)) for p, item in pairs]
    wanted = {item.account_external_id for _, item in pairs if not isinstance(item, Skipped)}
    accounts = {
        a.external_id: a
        for a in ChannelAccount.objects.filter(kind=kind, external_id__in=wanted)
        .exclude(status=ChannelAccount.Status.DISABLED)
        .prefetch_related("teams")
    }
    messages: list[tuple[_Parsed, ChannelAccount, InboundMessage]] = []
    updates: list[tuple[_Parsed, ChannelAccount, InboundItem]] = []
    unrouted: Counter = Counter()
    for p, item in pairs:
        account = accounts.get(getattr(item, "account_external_id", ""))
        if isinstance(item, Skipped):
            p.result.skip(item.reason)
        elif account is None:
            unrouted[item.account_external_id] += 1
            p.result.skip(f"no connected {kind} account {item.account_external_id}")
        elif refusal := item_refusal(account, item):
            p.result.skip(refusal)
        elif isinstance(item, InboundMessage) and _own_echo(account, item):
            p.result.duplicates += 1
        elif isinstance(item, InboundMessage):
            messages.append((p, account, item))
        else:
            updates.append((p, account, item))
    if messages:
        _ingest_messages(messages)
    # After the messages: a receipt or an edit may be for one stored by this very batch.
    for p, account, item in updates:
        p.result.updated += update_apply(account=account, item=item)
    if unrouted:
        unrouted_record(kind=kind, counts=unrouted)


def _own_echo(account: ChannelAccount, item: InboundMessage) -> bool:
    """The echo of our own send marks that message sent instead of storing a copy."""
    return item.own_message_id is not None and message_echo_confirm(account=account, item=item)


def _ingest_messages(rows: list[tuple[_Parsed, ChannelAccount, InboundMessage]]) -> None:
    stored = _stored_ids(rows)
    fresh: list[tuple[_Parsed, ChannelAccount, InboundMessage]] = []
    for p, account, item in rows:
        key = (account.pk, item.external_id)
        if key in stored:
            p.result.duplicates += 1
        else:
            stored.add(key)  # a repeat later in this batch is a duplicate too
            fresh.append((p, account, item))
    if not fresh:
        return
    threads = _threads_locked({(a.pk, i.thread_key) for _, a, i in fresh})
    people = {
        (a.pk, i.sender.external_id): (a, i.sender)
        for _, a, i in fresh
        if not i.outbound or (a.pk, i.thread_key) not in threads
    }
    identities = _identities(people)
    created = _create_threads(fresh, threads, identities)
    messages = [
        message_for(
            account=account,
            conversation=threads[(account.pk, item.thread_key)],
            item=item,
            identity=None if item.outbound else identities[(account.pk, item.sender.external_id)],
        )
        for _, account, item in fresh
    ]
    Message.objects.bulk_create(messages)
    _touch_threads(fresh, threads, created)
    enrichment_enqueue(
        conversations=[threads[key] for key in created],
        message_ids=[m.pk for m in messages if m.attachments],
    )
    for p, _, _ in fresh:
        p.result.created += 1
    realtime.publish_many(
        (
            realtime.account_streams(m.account_id, m.conversation_id),
            {
                "type": "message.created",
                "conversation": m.conversation_id,
                "message": m.pk,
                "direction": m.direction,
                "actor": m.author_id,
            },
        )
        for m in messages
    )


def _keyed(keys: Iterable[Key], field: str) -> Q:
    """Rows matching any of these (account id, value) pairs: one IN list per account."""
    by_account: dict[int, set[str]] = defaultdict(set)
    for account_id, value in keys:
        by_account[account_id].add(value)
    query = Q()
    for account_id, values in by_account.items():
        query |= Q(account_id=account_id, **{f"{field}__in": values})
    return query


def _stored_ids(rows: list[tuple[_Parsed, ChannelAccount, InboundMessage]]) -> set[Key]:
    query = _keyed(((account.pk, item.external_id) for _, account, item in rows), "external_id")
    return set(Message.objects.filter(query).values_list("account_id", "external_id"))


def _threads_locked(keys: set[Key]) -> dict[Key, Conversation]:
    query = _keyed(keys, "thread_key")
    # Locked in id order, so two workers can never wait on each other in a cycle.
    locked = Conversation.objects.select_for_update(of=("self",)).filter(query).order_by("pk")
    return {(c.account_id, c.thread_key): c for c in locked}


def _identities(people: dict[Key, tuple[ChannelAccount, Person]]) -> dict[Key, Identity]:
    if not people:
        return {}
    query = _keyed(people, "external_id")
    found = {
        (i.account_id, i.external_id): i
        for i in Identity.objects.select_related("contact").filter(query)
    }
    changed = [i for key, i in found.items() if identity_apply(i, people[key][1])]
    if changed:
        Identity.objects.bulk_update(changed, ["name", "handle", "avatar_url", "profile"])
    unnamed = []
    for key, identity in found.items():
        name = people[key][1].name
        if name and not identity.contact.name:
            identity.contact.name = name
            unnamed.append(identity.contact)
    if unnamed:
        Contact.objects.bulk_update(unnamed, ["name"])
    missing = [key for key in people if key not in found]
    contacts = Contact.objects.bulk_create(
        Contact(name=people[key][1].name, avatar_url=people[key][1].avatar_url) for key in missing
    )
    new = [
        Identity(
            contact=contact,
            account=people[key][0],
            external_id=key[1],
            handle=people[key][1].handle,
            name=people[key][1].name,
            avatar_url=people[key][1].avatar_url,
            profile=people[key][1].profile,
        )
        for key, contact in zip(missing, contacts, strict=True)
    ]
    Identity.objects.bulk_create(new)
    found.update({(i.account_id, i.external_id): i for i in new})
    return found


def _create_threads(
    fresh: list[tuple[_Parsed, ChannelAccount, InboundMessage]],
    threads: dict[Key, Conversation],
    identities: dict[Key, Identity],
) -> set[Key]:
    firsts: dict[Key, tuple[ChannelAccount, InboundMessage]] = {}
    for _, account, item in sorted(fresh, key=lambda row: row[2].timestamp):
        firsts.setdefault((account.pk, item.thread_key), (account, item))
    new = []
    for key, (account, item) in firsts.items():
        if key in threads:
            continue
        identity = identities[(account.pk, item.sender.external_id)]
        teams = sorted(account.teams.all(), key=lambda t: t.pk)
        new.append(conversation_new(account, identity, item, teams[0] if teams else None))
    Conversation.objects.bulk_create(new)
    Activity.objects.bulk_create(Activity(conversation=c, verb=Activity.Verb.CREATED) for c in new)
    threads.update({(c.account_id, c.thread_key): c for c in new})
    return {(c.account_id, c.thread_key) for c in new}


def _touch_threads(
    fresh: list[tuple[_Parsed, ChannelAccount, InboundMessage]],
    threads: dict[Key, Conversation],
    created: set[Key],
) -> None:
    fields: set[str] = set()
    reopened: list[Conversation] = []
    # The oldest new customer message of each thread that existed: read marks past it go back.
    earliest: dict[int, datetime] = {}
    # In platform time order, as if they had arrived in the order they were written.
    for _, account, item in sorted(fresh, key=lambda row: row[2].timestamp):
        key = (account.pk, item.thread_key)
        changed, was_reopened = conversation_apply(threads[key], item=item, created=key in created)
        fields |= changed
        if was_reopened:
            reopened.append(threads[key])
        if not item.outbound and key not in created:
            earliest.setdefault(threads[key].pk, item.timestamp)
    touched = list({c.pk: c for c in threads.values()}.values())
    bulk_update_rows(touched, sorted(fields))
    read_marks_rewind(earliest=earliest)
    Activity.objects.bulk_create(
        Activity(conversation=c, verb=Activity.Verb.REOPENED) for c in reopened
    )
