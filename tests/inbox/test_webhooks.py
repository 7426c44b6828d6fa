"""The shared webhook path: verify on the raw bytes, store, answer, process."""

import pytest

from inbox.models import Conversation, Message, WebhookEvent
from tests.helpers import message_event, webhook_body

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_stores_processes_and_answers_200(world, post_webhook):
    response = post_webhook(webhook_body(message_event("m1", text="Where is my order?")))

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.PROCESSED
    message = Message.objects.get()
    assert message.text == "Where is my order?"
    assert message.conversation.account == world.acme
    assert message.conversation.contact.name == "Maria"


def test_it_refuses_a_forged_webhook_and_stores_nothing(world, post_webhook):
    response = post_webhook(webhook_body(message_event("m1")), signature="0" * 64)

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()
    assert not Message.objects.exists()


def test_it_refuses_an_unsigned_webhook(world, post_webhook):
    response = post_webhook(webhook_body(message_event("m1")), signature="")

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_it_checks_the_signature_on_the_exact_bytes(world, post_webhook):
    body = webhook_body(message_event("m1"))
    from tests.helpers import sign

    signature = sign(body)
    response = post_webhook(body.replace(b"hello", b"hellO"), signature=signature)

    assert response.status_code == 403


def test_it_answers_400_to_malformed_json_and_records_it(world, post_webhook):
    response = post_webhook(b'{"account": "acme-page", "events": [')

    assert response.status_code == 400
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.FAILED
    assert "malformed" in event.last_error
    assert not Message.objects.exists()


def test_it_answers_400_to_json_nested_deeper_than_any_decoder_goes(world, post_webhook):
    response = post_webhook(b"[" * 100_000)

    assert response.status_code == 400
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.FAILED


def test_it_stores_skips_and_counts_unknown_event_types(world, post_webhook):
    response = post_webhook(webhook_body({"type": "typing_on"}, {"type": "poke"}))

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.SKIPPED
    assert event.skipped_items == 2


def test_it_skips_events_for_an_account_that_is_not_connected(world, post_webhook):
    post_webhook(webhook_body(message_event("m1"), account="nobody"))

    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.SKIPPED
    assert "nobody" in event.last_error
    assert not Conversation.objects.exists()


def test_a_duplicate_delivery_gives_one_message(world, post_webhook):
    body = webhook_body(message_event("m1"))
    post_webhook(body)
    post_webhook(body)

    assert WebhookEvent.objects.count() == 2
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1
