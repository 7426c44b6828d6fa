"""A poison event (one whose processing always raises) ends failed, never pending forever.

The poison here is real, no mock: the test channel passes a receipt's state on unchecked,
and ingest raises on a state it does not know. The events go the way production's do:
the task drains a batch, the sweep re-queues what failed, `replay_events` re-runs it.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from inbox import services
from inbox.adapters import register, unregister
from inbox.models import Message, WebhookEvent
from inbox.services.events import MAX_AUTOMATIC_ATTEMPTS
from inbox.tasks import process_webhook_event
from tests.helpers import message_event, webhook_body
from tests.testchannel.adapter import KIND, TestChannelAdapter

pytestmark = pytest.mark.django_db

POISON = webhook_body({"type": "delivery", "ids": ["m1"], "status": "teleported"})


def store(*bodies: bytes, kind: str = KIND) -> list[WebhookEvent]:
    """Stored as the view stores them, while no task ran yet (a backlog, one batch)."""
    return [WebhookEvent.objects.create(kind=kind, body=body) for body in bodies]


def later() -> None:
    """A sweep interval passes."""
    past = timezone.now() - timedelta(minutes=5)
    WebhookEvent.objects.filter(processed_at__isnull=True).update(queued_at=past)


def fresh(event: WebhookEvent) -> WebhookEvent:
    return WebhookEvent.objects.get(pk=event.pk)


def texts() -> list[str]:
    return sorted(Message.objects.values_list("text", flat=True))


def test_a_poison_event_costs_the_rest_of_its_batch_nothing(world):
    first, poison, last = store(
        webhook_body(message_event("m1", text="Hello?")),
        POISON,
        webhook_body(message_event("m2", text="Anyone there?")),
    )

    process_webhook_event(first.pk)

    assert texts() == ["Anyone there?", "Hello?"]
    assert fresh(first).status == fresh(last).status == WebhookEvent.Status.PROCESSED
    poison = fresh(poison)
    assert poison.status == WebhookEvent.Status.FAILED
    assert poison.attempts == 1
    assert poison.last_error == "KeyError: 'teleported'"
    assert poison.processed_at is None, "it still has automatic tries left"


def test_the_sweep_retries_it_until_the_limit_then_it_is_failed_for_good(world):
    (poison,) = store(POISON)
    process_webhook_event(poison.pk)

    swept = []
    for _ in range(MAX_AUTOMATIC_ATTEMPTS + 2):
        later()
        swept.append(services.events_sweep())

    assert swept == [1] * (MAX_AUTOMATIC_ATTEMPTS - 1) + [0, 0, 0]
    poison = fresh(poison)
    assert poison.status == WebhookEvent.Status.FAILED
    assert poison.attempts == MAX_AUTOMATIC_ATTEMPTS
    assert poison.processed_at is not None
    assert poison.last_error == (
        f"gave up after {MAX_AUTOMATIC_ATTEMPTS} attempts: KeyError: 'teleported'"
    )


def test_the_drain_never_claims_an_event_out_of_tries(world):
    (stuck,) = store(webhook_body(message_event("m1", text="Hello?")))
    WebhookEvent.objects.filter(pk=stuck.pk).update(attempts=MAX_AUTOMATIC_ATTEMPTS)

    assert services.webhook_events_drain() == []
    assert texts() == []


def test_a_malformed_body_fails_at_once_and_is_not_retried(world):
    (broken,) = store(b'{"account": "acme-page", "events": "not a list"}')

    process_webhook_event(broken.pk)
    later()

    assert services.events_sweep() == 0
    broken = fresh(broken)
    assert broken.status == WebhookEvent.Status.FAILED
    assert broken.attempts == 1
    assert broken.processed_at is not None
    assert broken.last_error == "malformed: payload has no 'events' list"


def test_an_event_its_parser_cannot_take_fails_alone_in_its_batch(world):
    # Stored for a channel whose app is not installed on this worker (a bad deploy).
    good = store(webhook_body(message_event("m1", text="Hello?")))[0]
    orphan = store(webhook_body(message_event("m2", text="Lost?")), kind="nochannel")[0]

    assert sorted(services.webhook_events_drain()) == [good.pk, orphan.pk]

    assert texts() == ["Hello?"]
    orphan = fresh(orphan)
    assert orphan.status == WebhookEvent.Status.FAILED
    assert orphan.processed_at is None
    assert orphan.last_error == "LookupError: no channel adapter registered for 'nochannel'"


def test_replay_events_finds_it_and_runs_it_again_after_the_fix(world):
    unregister(KIND)  # deployed without the channel's app: every try fails
    (event,) = store(webhook_body(message_event("m1", text="Where is my order?")))
    process_webhook_event(event.pk)
    for _ in range(MAX_AUTOMATIC_ATTEMPTS):
        later()
        services.events_sweep()
    assert fresh(event).processed_at is not None

    out, err = StringIO(), StringIO()
    call_command("replay_events", "--failed", "--dry-run", stdout=out, stderr=err)
    assert f"event {event.pk} testchannel: failed" in out.getvalue()
    assert "gave up after 5 attempts: LookupError" in out.getvalue()
    with pytest.raises(CommandError, match="1 events: 0 processed, 1 failed"):
        call_command("replay_events", "--failed", stdout=StringIO(), stderr=StringIO())

    register(TestChannelAdapter())  # the fix is deployed
    out = StringIO()
    call_command("replay_events", "--failed", stdout=out, stderr=StringIO())

    assert f"event {event.pk} testchannel: created 1" in out.getvalue()
    assert texts() == ["Where is my order?"]
    assert fresh(event).status == WebhookEvent.Status.PROCESSED
