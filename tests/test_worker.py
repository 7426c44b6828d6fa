"""A real Celery worker, on the broker this run is configured with.

Embedded pass: kombu's filesystem transport (in a private folder). CI's second pass:
Redis. The tasks cross the broker for real; nothing runs eagerly here.
"""

import time
from collections.abc import Callable

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from inbox import services
from inbox.models import Message, WebhookEvent
from socialcare.celery import app as celery_app
from tests.brokers import broker
from tests.factories import ConversationFactory
from tests.helpers import message_event, webhook_body

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def worker(tmp_path):
    celery_app.conf.task_always_eager = False
    if settings.REDIS_URL:
        target = broker(settings.REDIS_URL)
    else:
        folder = str(tmp_path / "broker")
        target = broker(
            "filesystem://",
            {
                "data_folder_in": folder,
                "data_folder_out": folder,
                "control_folder": folder,
                "polling_interval": 0.05,
            },
        )
        (tmp_path / "broker").mkdir()
    with target:
        if settings.REDIS_URL:
            celery_app.control.purge()  # leftovers of an earlier run would race this one
        with start_worker(
            celery_app,
            pool="solo",
            queues=["ingest", "send", "poll"],
            perform_ping_check=False,
            shutdown_timeout=10,
            loglevel="WARNING",
        ):
            yield


def test_a_worker_processes_a_webhook_from_the_queue(world, post_webhook, worker):
    response = post_webhook(webhook_body(message_event("m1", text="שלום, ההזמנה שלי לא הגיעה")))
    assert response.status_code == 200

    wait_for(lambda: Message.objects.filter(external_id="m1").exists(), "the message")
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PROCESSED
    assert Message.objects.get().text == "שלום, ההזמנה שלי לא הגיעה"


def test_a_worker_retries_a_failing_send_until_it_goes_out(world, fake_platform, worker, settings):
    settings.SOCIALCARE_SEND_BACKOFF_BASE = 0.001
    fake_platform.fail_next(429)
    fake_platform.fail_next(429, headers={"Retry-After": "0.1"})
    conversation = ConversationFactory(account=world.acme)

    message = services.reply_create(conversation=conversation, author=world.alice, text="Fixed!")

    wait_for(lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT, "the send")
    message.refresh_from_db()
    assert message.attempts == 3
    assert fake_platform.sent_texts == ["Fixed!"] * 3


def test_a_worker_never_retries_a_send_that_may_have_gone_out(world, fake_platform, worker):
    fake_platform.fail_next(500, sent=True)  # the platform sent it, then had an error
    conversation = ConversationFactory(account=world.acme)

    message = services.reply_create(conversation=conversation, author=world.alice, text="Once")
    # A reply queued after it: once the worker sent this one, the first is settled.
    later = services.reply_create(conversation=conversation, author=world.alice, text="Later")

    wait_for(lambda: Message.objects.get(pk=later.pk).status == Message.Status.SENT, "the sends")
    message.refresh_from_db()
    assert (message.status, message.maybe_sent) == (Message.Status.FAILED, True)
    assert fake_platform.sent_texts == ["Once", "Later"]


def test_a_send_task_delivered_twice_sends_once(world, fake_platform, worker):
    from inbox.tasks import send_message

    conversation = ConversationFactory(account=world.acme)
    message = services.reply_create(conversation=conversation, author=world.alice, text="Once")
    send_message.delay(message.pk)  # the broker redelivers it, as after a crash before the ack
    send_message.delay(message.pk)
    # One worker takes the send queue in order: once this later reply is out, so are the copies.
    later = services.reply_create(conversation=conversation, author=world.alice, text="Later")

    wait_for(lambda: Message.objects.get(pk=later.pk).status == Message.Status.SENT, "the sends")
    assert Message.objects.get(pk=message.pk).status == Message.Status.SENT
    assert fake_platform.sent_texts == ["Once", "Later"]


def test_a_burst_of_webhooks_is_all_ingested(world, post_webhook, worker):
    # With Redis, drain tasks are coalesced: a burst needs few tasks, and loses nothing.
    for n in range(12):
        body = webhook_body(
            message_event(f"b{n}", thread=f"t{n % 4}", sender=f"u{n % 4}", ts=1_700_000_000 + n)
        )
        assert post_webhook(body).status_code == 200

    wait_for(lambda: Message.objects.count() == 12, "all twelve messages")
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()
    assert Message.objects.values("conversation").distinct().count() == 4
