"""Raw webhook events: store at once, process in a task, sweep what was missed, replay."""

import json
import logging
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from inbox import outage
from inbox.adapters import get_adapter
from inbox.items import InboundItem
from inbox.models import ChannelAccount, WebhookEvent
from inbox.parsing import MalformedPayload
from inbox.queue import enqueue_on_commit

from .ingest import IngestResult, items_ingest

log = logging.getLogger(__name__)
# Automatic re-runs of an event whose processing crashed; after that only replay_events.
MAX_AUTOMATIC_ATTEMPTS = 5


def webhook_event_store(
    *, kind: str, body: bytes, account: ChannelAccount | None = None
) -> WebhookEvent:
    """One INSERT; processing is enqueued once it is committed.

    No explicit transaction: in autocommit the INSERT commits by itself, one round trip
    instead of three on the hot path, and on_commit then runs at once.
    """
    event = WebhookEvent.objects.create(kind=kind, body=body, account=account)
    _enqueue(event.pk)
    return event


def webhook_event_store_malformed(
    *, kind: str, body: bytes, error: str, account: ChannelAccount | None = None
) -> WebhookEvent:
    """Kept for audit, never processed: there is nothing to parse."""
    return WebhookEvent.objects.create(
        kind=kind,
        body=body,
        account=account,
        status=WebhookEvent.Status.FAILED,
        last_error=error,
        processed_at=timezone.now(),
    )


# While a drain task is queued and not yet started, new events need no task of their own:
# that drain will take them. The flag lives in Redis (an atomic SET NX) and expires, so
# a lost task delays events by seconds at most, and the sweep still covers them.
DRAIN_FLAG = "socialcare:ingest-drain-queued"
DRAIN_FLAG_SECONDS = 10


def _enqueue(event_id: int) -> None:
    from inbox.tasks import process_webhook_event

    def schedule() -> None:
        # Without an answer from the cache, enqueue: a spare drain task costs nothing.
        if settings.REDIS_URL and not outage.cache_add(
            DRAIN_FLAG, event_id, DRAIN_FLAG_SECONDS, when_down=True
        ):
            return
        enqueue_on_commit(process_webhook_event, event_id)

    transaction.on_commit(schedule)


def webhook_event_process(*, event_id: int, force: bool = False) -> IngestResult | None:
    """Parse and ingest one stored event. Idempotent: ingest dedupes on platform ids.

    Every try is counted, committed before the work starts, so a worker killed half-way
    counts too. A body its parser refuses (MalformedPayload) fails at once: re-running it
    cannot help. Any other exception fails this try only: the sweep retries the event on
    its own until MAX_AUTOMATIC_ATTEMPTS tries, and then it is failed for good, with the
    error, for `replay_events --failed` once a fix is deployed. Nothing is raised: the
    outcome is on the event, and one poison event never stops the caller's others.
    """
    event = WebhookEvent.objects.select_related("account").filter(pk=event_id).first()
    if event is None or (event.processed_at is not None and not force):
        return None
    WebhookEvent.objects.filter(pk=event.pk).update(attempts=F("attempts") + 1)
    try:
        # Inside a caller's transaction, a savepoint keeps a failed ingest from breaking it.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            result = items_ingest(
                kind=event.kind, items=webhook_event_items(event), account=event.account
            )
    except MalformedPayload as exc:
        log.warning("webhook event %s is malformed: %s", event.pk, exc)
        _finish(event, WebhookEvent.Status.FAILED, error=f"malformed: {exc}")
        return None
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the event
        log.exception("webhook event %s failed", event.pk)
        webhook_event_try_failed(event_id=event.pk, attempts=event.attempts + 1, exc=exc)
        return None
    handled = result.created + result.duplicates + result.updated
    status = (
        WebhookEvent.Status.SKIPPED
        if result.skipped and not handled
        else WebhookEvent.Status.PROCESSED
    )
    _finish(event, status, skipped=result.skipped, error="; ".join(result.skip_reasons[:5]))
    return result


def webhook_event_items(event: WebhookEvent) -> list[InboundItem]:
    """The stored body through its channel's parser. Raises MalformedPayload for a body
    that is not the platform's JSON (the view checked it, but a replayed or hand-made row
    may not be)."""
    adapter = get_adapter(event.kind)
    try:
        payload = json.loads(bytes(event.body))
    except (ValueError, RecursionError) as exc:
        raise MalformedPayload(f"the body is not JSON: {exc}") from exc
    account_id = event.account.external_id if event.account else ""
    return adapter.parse(payload, account_external_id=account_id)


def webhook_event_failure(*, attempts: int, exc: Exception) -> tuple[str, bool]:
    """(last_error, final) for a try that raised: final once the automatic tries are used."""
    error = f"{type(exc).__name__}: {exc}"
    final = attempts >= MAX_AUTOMATIC_ATTEMPTS
    if final:
        error = f"gave up after {attempts} attempts: {error}"
    return error[:2000], final


def webhook_event_try_failed(*, event_id: int, attempts: int, exc: Exception) -> None:
    error, final = webhook_event_failure(attempts=attempts, exc=exc)
    now = timezone.now()
    WebhookEvent.objects.filter(pk=event_id).update(
        status=WebhookEvent.Status.FAILED,
        last_error=error,
        # Failed for good: neither the drain nor the sweep picks it up again.
        processed_at=now if final else None,
        # The next automatic try waits a full sweep interval, not the next sweep's tick.
        queued_at=now,
    )


def _finish(event: WebhookEvent, status: str, *, skipped: int = 0, error: str = "") -> None:
    WebhookEvent.objects.filter(pk=event.pk).update(
        status=status, processed_at=timezone.now(), skipped_items=skipped, last_error=error[:2000]
    )


def webhook_event_handle(*, event_id: int) -> None:
    """What the task does for a stored event: drain pending events in a batch.

    A pending event another worker has claimed is left to it; an event whose earlier
    processing failed (re-enqueued by the sweep) is retried on its own.
    """
    from .ingest_batch import BATCH_SIZE, webhook_events_drain

    # Events stored from now on need a new task; this one may still take them.
    outage.cache_delete(DRAIN_FLAG)
    event = WebhookEvent.objects.filter(pk=event_id, processed_at__isnull=True).first()
    if event is not None and event.status == WebhookEvent.Status.FAILED:
        webhook_event_process(event_id=event_id)
        return
    while len(webhook_events_drain()) == BATCH_SIZE:
        pass  # a backlog: keep draining while whole batches come back


def events_sweep() -> int:
    """Re-enqueue events nobody processed within a minute (broker or worker outage).

    An event whose earlier tries failed is retried, on its own, until it has had
    MAX_AUTOMATIC_ATTEMPTS; one still unfinished after that (its worker died each time)
    is failed for good here, so nothing stays pending forever.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.SOCIALCARE_SWEEP_AFTER_SECONDS)
    events_give_up(cutoff=cutoff)
    # queued_at moves on each re-enqueue, so a slow backlog is not flooded with copies.
    ids = list(
        WebhookEvent.objects.filter(
            processed_at__isnull=True,
            queued_at__lt=cutoff,
            attempts__lt=MAX_AUTOMATIC_ATTEMPTS,
        )
        .order_by("queued_at")
        .values_list("pk", flat=True)[:1000]
    )
    WebhookEvent.objects.filter(pk__in=ids).update(queued_at=timezone.now())
    from inbox.tasks import process_webhook_event

    for event_id in ids:
        process_webhook_event.delay(event_id)
    return len(ids)


def events_give_up(*, cutoff: datetime) -> int:
    """Fail, with what is known, the unfinished events that used up their automatic tries
    and were last queued before `cutoff` (so one being processed right now is left be)."""
    stuck = WebhookEvent.objects.filter(
        processed_at__isnull=True,
        queued_at__lt=cutoff,
        attempts__gte=MAX_AUTOMATIC_ATTEMPTS,
    )
    # An earlier try's error, if one was recorded, says more than this.
    stuck.filter(last_error="").update(
        last_error=f"gave up after {MAX_AUTOMATIC_ATTEMPTS} attempts: the worker stopped each time"
    )
    return stuck.update(status=WebhookEvent.Status.FAILED, processed_at=timezone.now())


def events_replay(*, event_ids: Iterable[int]) -> list[tuple[int, IngestResult | None, str]]:
    """Re-run chosen events now, in this process; returns (id, result, error) for each."""
    outcomes = []
    for event_id in event_ids:
        try:
            result = webhook_event_process(event_id=event_id, force=True)
            error = ""
            if result is None:
                event = WebhookEvent.objects.filter(pk=event_id).first()
                error = event.last_error if event else "no such event"
        except Exception as exc:  # noqa: BLE001 - report and go on with the next one
            result, error = None, f"{type(exc).__name__}: {exc}"
        outcomes.append((event_id, result, error))
    return outcomes
