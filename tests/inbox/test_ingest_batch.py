"""Workers drain pending webhook events in batches: same outcome, a fixed number of queries."""

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from inbox.models import Conversation, Message, WebhookEvent
from inbox.services import webhook_events_drain
from tests.helpers import message_event, webhook_body


def store(*bodies: bytes) -> list[WebhookEvent]:
    return [WebhookEvent.objects.create(kind="testchannel", body=body) for body in bodies]


def statuses() -> dict[int, str]:
    return dict(WebhookEvent.objects.values_list("pk", "status"))


@pytest.mark.django_db
def test_it_ingests_a_batch_of_events_and_marks_each(world):
    events = store(
        webhook_body(message_event("m1", thread="t1", text="Τι ώρα ανοίγετε;")),
        webhook_body(
            message_event("m2", thread="t1", ts=1_700_000_060),
            message_event("m3", thread="t2", sender="u2"),
        ),
        webhook_body(message_event("m1", thread="t1")),  # a platform retry
        webhook_body({"type": "typing_on"}),
        b'{"account": "acme-page"}',  # parses as JSON, but has no events
    )

    assert sorted(webhook_events_drain()) == [e.pk for e in events]

    assert Conversation.objects.count() == 2
    assert Message.objects.count() == 3
    assert Conversation.objects.get(thread_key="t1").messages.count() == 2
    ok, retry, dup, typing, broken = events
    assert statuses() == {
        ok.pk: "processed",
        retry.pk: "processed",
        dup.pk: "processed",
        typing.pk: "skipped",
        broken.pk: "failed",
    }
    assert "malformed" in WebhookEvent.objects.get(pk=broken.pk).last_error
    assert WebhookEvent.objects.filter(processed_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_its_query_count_does_not_grow_with_the_batch(world):
    def drain_queries(n: int, offset: int) -> int:
        store(
            *(
                webhook_body(
                    message_event(
                        f"m{offset + i}",
                        thread=f"t{offset + i % 3}",
                        sender=f"u{offset + i % 5}",
                        ts=1_700_000_000 + i,
                    )
                )
                for i in range(n)
            )
        )
        with CaptureQueriesContext(connection) as queries:
            assert len(webhook_events_drain()) == n
        return len(queries)

    assert drain_queries(5, offset=0) == drain_queries(40, offset=1000)


@pytest.mark.django_db
def test_a_batch_that_fails_is_processed_event_by_event(world):
    good, bad = store(
        webhook_body(message_event("m1")),
        # A delivery state nothing knows: the batch fails, then this event fails alone.
        webhook_body({"type": "delivery", "ids": ["x"], "status": "teleported"}),
    )

    webhook_events_drain()

    assert Message.objects.filter(external_id="m1").exists()
    assert statuses() == {good.pk: "processed", bad.pk: "failed"}
    assert WebhookEvent.objects.get(pk=bad.pk).attempts == 1


@pytest.mark.django_db
def test_it_leaves_failed_events_to_the_sweep(world):
    (event,) = store(webhook_body(message_event("m1")))
    WebhookEvent.objects.filter(pk=event.pk).update(status=WebhookEvent.Status.FAILED)

    assert webhook_events_drain() == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_draining_the_same_new_thread_store_it_once(world):
    # Two deliveries of one message, for a thread nobody has seen yet, claimed by two
    # workers at once; on PostgreSQL the loser's insert is refused and it falls back.
    body = webhook_body(
        message_event("same", thread="fresh"),
        message_event("other", thread="fresh", ts=1_700_000_001),
    )
    store(body, body)
    barrier = threading.Barrier(2)

    def work() -> None:
        try:
            barrier.wait(timeout=30)
            webhook_events_drain(limit=1)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Conversation.objects.filter(thread_key="fresh").count() == 1
    assert sorted(Message.objects.values_list("external_id", flat=True)) == ["other", "same"]
    assert set(statuses().values()) == {"processed"}


@pytest.mark.django_db
def test_a_receipt_for_an_echo_in_the_same_batch_applies(world):
    store(
        webhook_body(message_event("m1")),
        webhook_body(message_event("echo-1", echo=True, text="Sent from the phone")),
        webhook_body({"type": "delivery", "ids": ["echo-1"], "status": "read"}),
    )

    webhook_events_drain()

    assert Message.objects.get(external_id="echo-1").status == Message.Status.READ
