"""Viber: a reply whose outcome is unknown is shown as "may have been sent", never resent.

Viber's send_message has no idempotency key and nothing to look a message up by, so the
agent decides. Through the real client and the fake Viber over real HTTP; the fake sends
first and then answers badly (#timeout, #lostanswer, #noid).
"""

import pytest

import channels_viber.client
from channels_viber.parse import parse
from inbox import services
from inbox.models import ChannelAccount, Conversation, Message
from tests.viber.helpers import connect_bot

pytestmark = pytest.mark.django_db
USER = "01234567890A="
MAYBE_SENT = "May have been sent: check on the platform before retrying."


@pytest.fixture
def bot(world, fake_viber) -> ChannelAccount:
    account = connect_bot(world)
    services.items_ingest(
        kind="viber",
        items=parse(
            {
                "event": "message",
                "timestamp": 1772533200456,
                "chat_hostname": "SN-CHAT-03_",
                "message_token": 5741311803571721088,
                "sender": {"id": USER, "name": "Eleni"},
                "message": {"type": "text", "text": "Where is my order?"},
            },
            account_external_id=account.external_id,
        ),
        account=account,
    )
    return account


@pytest.fixture
def quick_client(monkeypatch, fake_viber):
    """The client waits a fraction of a second for an answer; the fake answers later."""
    monkeypatch.setattr(channels_viber.client, "TIMEOUT", (2, 0.3))
    fake_viber.app.slow_answer_seconds = 1.5


def sent(fake_viber) -> list[str]:
    return [c["body"].get("text") for c in fake_viber.calls() if c["method"] == "send_message"]


def send_twice(text: str) -> Message:
    """The send task, and the broker delivering it again."""
    conversation = Conversation.objects.get(account__kind="viber", thread_key=USER)
    message = services.reply_create(conversation=conversation, author=None, text=text)
    services.message_send(message_id=message.pk)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    return message


@pytest.mark.parametrize("marker", ["#timeout", "#lostanswer", "#noid"])
def test_a_reply_viber_may_have_sent_is_sent_once_and_shown_as_maybe_sent(
    world, bot, fake_viber, quick_client, marker
):
    message = send_twice(f"Your order ships today {marker}")

    assert sent(fake_viber) == [f"Your order ships today {marker}"]
    assert len(fake_viber.app.sent) == 1  # Viber delivered it
    assert (message.status, message.maybe_sent) == (Message.Status.FAILED, True)
    assert message.error.startswith(MAYBE_SENT)


def test_a_server_error_before_viber_took_it_is_shown_as_maybe_sent_too(world, bot, fake_viber):
    # From the client's side a 500 looks the same whether Viber sent it or not.
    message = send_twice("Your order ships today #servererror")

    assert sent(fake_viber) == ["Your order ships today #servererror"]
    assert (message.status, message.maybe_sent) == (Message.Status.FAILED, True)
    assert "Viber had a server error (HTTP 500)." in message.error


def test_too_many_requests_was_not_processed_so_it_is_retried(world, bot, fake_viber):
    conversation = Conversation.objects.get(account__kind="viber", thread_key=USER)
    message = services.reply_create(conversation=conversation, author=None, text="Soon #ratelimit")

    outcome = services.message_send(message_id=message.pk)

    message.refresh_from_db()
    assert outcome.retry_in and outcome.retry_in >= 60
    assert (message.status, message.maybe_sent) == (Message.Status.QUEUED, False)
