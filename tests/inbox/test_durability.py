"""A broker outage delays, never drops: the stored rows are swept back into the queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox import services
from inbox.models import Message, WebhookEvent
from socialcare.celery import app as celery_app
from tests.brokers import UNREACHABLE, broker
from tests.factories import ConversationFactory
from tests.helpers import message_event, webhook_body

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down():
    celery_app.conf.task_always_eager = False
    with broker(UNREACHABLE):
        yield
    celery_app.conf.task_always_eager = True


def age(model, seconds: int = 120, **fields) -> None:
    past = timezone.now() - timedelta(seconds=seconds)
    model.objects.update(**{name: past for name in fields})


def test_a_webhook_still_gets_200_while_the_broker_is_down(world, post_webhook, broker_down):
    response = post_webhook(webhook_body(message_event("m1", text="Hello?")))

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.processed_at is None
    assert not Message.objects.exists()


def test_the_sweep_processes_events_stored_during_an_outage(world, post_webhook, broker_down):
    post_webhook(webhook_body(message_event("m1", text="Hello?")))
    post_webhook(webhook_body(message_event("m2", text="Anyone?")))

    celery_app.conf.task_always_eager = True  # the broker is back; a worker runs the tasks
    assert services.events_sweep() == 0, "events younger than a minute may still be in flight"
    age(WebhookEvent, queued_at=True)
    assert services.events_sweep() == 2

    assert sorted(Message.objects.values_list("text", flat=True)) == ["Anyone?", "Hello?"]
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()


def test_a_reply_queued_during_an_outage_is_sent_after_it(world, fake_platform, broker_down):
    conversation = ConversationFactory(account=world.acme)
    message = services.reply_create(conversation=conversation, author=world.alice, text="On it")
    assert fake_platform.requests == []

    celery_app.conf.task_always_eager = True
    age(Message, created_at=True)
    services.messages_requeue_stuck()

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert fake_platform.sent_texts == ["On it"]


def test_the_sweep_leaves_processed_events_alone(world, post_webhook):
    post_webhook(webhook_body(message_event("m1")))
    age(WebhookEvent, queued_at=True)

    assert services.events_sweep() == 0


def test_an_event_whose_processing_keeps_crashing_stops_being_swept(world):
    # Its worker died during each of its tries: it is failed for good, not pending forever.
    event = WebhookEvent.objects.create(kind="testchannel", body=b"{}", attempts=5)
    age(WebhookEvent, queued_at=True)

    assert services.events_sweep() == 0
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.FAILED
    assert event.processed_at is not None
    assert event.last_error == "gave up after 5 attempts: the worker stopped each time"
    assert services.events_sweep() == 0
