"""Ingest throughput: what one worker process does with stored webhook events.

Realistic test-channel deliveries (half open new threads, half answer existing ones,
1-3 messages each) are stored one INSERT each, as the webhook stores them: that is
the baseline. Then the same events go through `inbox.services.webhook_events_drain`,
what the Celery task runs: batches of pending events claimed and ingested set-wise,
in this process, for at most a minute. Then the same again with
`synchronous_commit = off` on this connection, and
a count of queries and transactions per event: where the time goes. Afterwards the data
set is put back as it was generated (new rows deleted, touched conversations restored),
so that every run measures the same data.
"""

import json
import random
import time
from dataclasses import dataclass

from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from bench import Figure
from bench.generate import FIRST_NAMES, INBOUND_TEXTS, LAST_NAMES, TEST_ACCOUNT_ID
from inbox import services
from inbox.models import (
    Activity,
    ChannelAccount,
    Contact,
    Conversation,
    Identity,
    Message,
    WebhookEvent,
)
from tests.testchannel.adapter import KIND

TARGET_EVENTS_PER_SECOND = 1000
# Events processed again under a query counter, to say where the time goes.
PROFILED_EVENTS = 200


def measure(*, events: int, max_seconds: float = 60.0) -> list[Figure]:
    account = ChannelAccount.objects.get(kind=KIND, external_id=TEST_ACCOUNT_ID)
    replied = _candidates(account)
    snapshot = list(Conversation.objects.filter(pk__in=[c[0] for c in replied]))
    last = {model: _last_pk(model) for model in CREATED}
    try:
        return _measure(account, replied, events, max_seconds)
    finally:
        _restore(snapshot, last)


# What ingest creates, in the order it can be deleted; see _restore.
CREATED = (WebhookEvent, Activity, Message, Conversation, Identity, Contact)
# What ingest changes on a conversation it adds a message to.
TOUCHED_FIELDS = [
    "status", "unread", "waiting_since", "sla_due_at", "last_activity_at",
    "last_message_at", "last_inbound_at", "snippet", "context",
]  # fmt: skip


def _last_pk(model: type[models.Model]) -> int:
    return model.objects.aggregate(m=models.Max("pk"))["m"] or 0


def _restore(snapshot: list[Conversation], last: dict[type[models.Model], int]) -> None:
    """Put the data set back as generated, so that every run measures the same data."""
    deleted = {
        model._meta.verbose_name_plural: model.objects.filter(pk__gt=last[model]).delete()[0]
        for model in CREATED
    }
    Conversation.objects.bulk_update(snapshot, TOUCHED_FIELDS, batch_size=1000)
    print(
        f"ingest: data set restored: {deleted['messages']:,} messages and "
        f"{deleted['conversations']:,} conversations deleted, {len(snapshot):,} "
        "conversations put back",
        flush=True,
    )


def _measure(
    account: ChannelAccount, replied: list[tuple], events: int, max_seconds: float
) -> list[Figure]:
    bodies = _bodies(replied, 2 * events + PROFILED_EVENTS)
    timed, unsynced, profiled = (
        bodies[:events],
        bodies[events:-PROFILED_EVENTS],
        bodies[-PROFILED_EVENTS:],
    )

    # The baseline: the same events stored one INSERT (and one commit) each, as webhooks are.
    started = time.perf_counter()
    ids = [WebhookEvent.objects.create(kind=KIND, body=body).pk for body in timed]
    baseline = events / (time.perf_counter() - started)

    run = _process(ids, max_seconds)
    rate = run.events / run.seconds
    print(
        f"ingest: stored {events:,} events one INSERT each at {baseline:,.0f}/s; processed "
        f"{run.events:,} at {rate:,.0f} events/s, {run.messages / run.seconds:,.0f} "
        f"messages/s ({run.processed:,} processed, {run.messages:,} messages created of "
        f"{run.expected:,})",
        flush=True,
    )

    # Where the time goes, 1: the commits. The same work without waiting for each
    # commit's WAL flush (see bench/README.md on why a worker may do so).
    ids = [WebhookEvent.objects.create(kind=KIND, body=body).pk for body in unsynced]
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        try:
            unsynced_run = _process(ids, max_seconds)
        finally:
            cursor.execute("RESET synchronous_commit")
    unsynced_rate = unsynced_run.events / unsynced_run.seconds
    print(f"ingest: with synchronous_commit off: {unsynced_rate:,.0f} events/s", flush=True)

    # Where the time goes, 2: the queries.
    ids = [WebhookEvent.objects.create(kind=KIND, body=body).pk for body in profiled]
    profiled_messages = sum(len(json.loads(body)["events"]) for body in profiled)
    commits_before = _commits()
    with CaptureQueriesContext(connection) as queries:
        while services.webhook_events_drain():
            pass
    commits = _commits() - commits_before - 1
    per_event = len(queries) / len(ids)
    print(
        f"ingest: {per_event:.1f} queries per event, {len(queries) / profiled_messages:.1f} per "
        f"message, {commits / len(ids):.1f} transactions per event "
        f"(counted over {len(ids)} more events)",
        flush=True,
    )
    return [
        Figure(
            "ingest events/s, one worker process",
            f"{rate:,.0f}/s ({run.messages / run.seconds:,.0f} messages/s)",
            baseline=f"bare INSERT {baseline:,.0f} events/s",
            ratio=f"{rate / baseline:.2f}x",
            target=f">= {TARGET_EVENTS_PER_SECOND:,}/s",
            passed=rate >= TARGET_EVENTS_PER_SECOND,
        ),
        Figure(
            "ingest, worker with synchronous_commit off",
            f"{unsynced_rate:,.0f}/s",
            baseline=f"as configured {rate:,.0f}/s",
            ratio=f"{unsynced_rate / rate:.2f}x",
            target="(diagnostic)",
        ),
        Figure(
            "ingest queries per event",
            f"{per_event:.1f} ({len(queries) / profiled_messages:.1f} per message)",
            target="every event processed, every message stored",
            passed=run.processed == run.events and run.messages == run.expected,
        ),
    ]


def _commits() -> int:
    """Transactions committed in this database so far (Django does not log COMMITs)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


@dataclass
class Run:
    events: int
    seconds: float
    processed: int
    messages: int
    expected: int


def _process(ids: list[int], max_seconds: float) -> Run:
    """Process stored events in order, as one worker does, for at most `max_seconds`."""
    messages_before = Message.objects.count()
    done: list[int] = []
    started = time.perf_counter()
    deadline = started + max_seconds
    while time.perf_counter() < deadline:
        drained = services.webhook_events_drain()
        if not drained:
            break
        done.extend(drained)
    seconds = time.perf_counter() - started
    # What the time cap left over is only load: drop it so no later sweep picks it up.
    WebhookEvent.objects.filter(pk__in=set(ids) - set(done)).delete()
    events = WebhookEvent.objects.filter(pk__in=done)
    expected = sum(
        len(json.loads(bytes(body))["events"]) for body in events.values_list("body", flat=True)
    )
    return Run(
        events=len(done),
        seconds=seconds,
        processed=events.filter(status=WebhookEvent.Status.PROCESSED).count(),
        messages=Message.objects.count() - messages_before,
        expected=expected,
    )


def _candidates(account: ChannelAccount) -> list[tuple]:
    """The threads that replies go to: the account's 5,000 most recently active."""
    return list(
        Conversation.objects.filter(account=account)
        .order_by("-last_activity_at")
        .values_list("pk", "thread_key", "identity__external_id", "contact__name")[:5000]
    )


def _bodies(existing: list[tuple], count: int) -> list[bytes]:
    """Half new threads from new customers, half replies in existing threads."""
    rng = random.Random(11)
    run = f"{time.time_ns():x}"
    now = int(time.time())
    bodies = []
    for n in range(count):
        if existing and n % 2:
            _, thread, sender, name = rng.choice(existing)
        else:
            thread = f"in-{run}-{n}"
            sender = f"in-user-{run}-{n}"
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        events = [
            {
                "type": "message",
                "id": f"in-{run}-{n}-{k}",
                "thread": thread,
                "kind": "direct",
                "from": {"id": sender, "name": name},
                "text": rng.choice(INBOUND_TEXTS),
                "ts": now - 30 + k,
            }
            for k in range(rng.choice([1, 1, 2, 3]))
        ]
        bodies.append(json.dumps({"account": TEST_ACCOUNT_ID, "events": events}).encode())
    return bodies
