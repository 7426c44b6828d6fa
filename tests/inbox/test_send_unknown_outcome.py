"""A send whose outcome is unknown is never sent twice: reconciled, or shown as maybe sent.

Over real HTTP to the test channel's fake platform, which acts on the send and then
answers badly (no answer in time, a dropped connection, a 500, a 200 without an id).
"""

import json

import pytest

from inbox import services
from inbox.models import Conversation, Message
from inbox.tasks import send_message
from tests.factories import ConversationFactory, MessageFactory
from tests.fakeplatform import unanswered_connect
from tests.helpers import message_event, webhook_body

pytestmark = pytest.mark.django_db
MAYBE_SENT = "May have been sent: check on the platform before retrying."


@pytest.fixture
def conversation(world):
    conversation = ConversationFactory(account=world.acme, team=world.support)
    MessageFactory(conversation=conversation, text="Where is my parcel?")
    return conversation


@pytest.fixture
def short_timeouts(test_channel):
    """The client gives up reading after a fraction of a second (a hung answer's case)."""
    test_channel.timeout = (2, 0.3)
    yield
    test_channel.timeout = (5, 5)


def queued(conversation, author, text="It ships today.") -> Message:
    """A reply whose send task has not run yet (the test runs it)."""
    return services.reply_create(conversation=conversation, author=author, text=text)


def send_and_redeliver(message: Message) -> None:
    """The task, then everything that could send it again: the broker redelivering the
    task, and the beat's sweeps of stuck and stale messages."""
    send_message.apply(args=[message.pk])
    send_message.apply(args=[message.pk])
    services.messages_requeue_stuck()
    services.messages_fail_stale_sending()


def echo(message: Message, external_id: str, *, marker: str | None = None) -> bytes:
    """The platform's echo of our send, with the marker the send carried."""
    identity = message.conversation.identity
    return webhook_body(
        message_event(
            external_id,
            thread=message.conversation.thread_key,
            sender=identity.external_id,
            text=message.text,
            echo=True,
            metadata=f"socialcare:{message.pk}" if marker is None else marker,
        )
    )


BAD_ANSWERS = {
    "no answer in time": lambda fake: fake.hang_next(),
    "connection dropped": lambda fake: fake.drop_next(),
    "server error after sending": lambda fake: fake.fail_next(500, sent=True),
    "success without an id": lambda fake: fake.no_id_next(),
}


@pytest.mark.parametrize("bad_answer", BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_it_never_resends_a_reply_that_may_have_gone_out_and_says_so(
    world,
    conversation,
    fake_platform,
    short_timeouts,
    bad_answer,
    django_capture_on_commit_callbacks,
):
    bad_answer(fake_platform)
    with django_capture_on_commit_callbacks(execute=False):
        message = queued(conversation, world.alice)

    send_and_redeliver(message)

    assert fake_platform.sent_texts == ["It ships today."]
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.maybe_sent
    assert message.error.startswith(MAYBE_SENT)
    assert message.next_attempt_at is None
    # The platform offers no look-up here: it was asked, and could not tell.
    assert fake_platform.lookups_made == [f"socialcare:{message.pk}"]


def test_it_marks_a_reply_sent_when_the_platform_shows_it_went_out(
    world, conversation, fake_platform, short_timeouts, django_capture_on_commit_callbacks
):
    fake_platform.lookups = True
    fake_platform.hang_next()
    with django_capture_on_commit_callbacks(execute=False):
        message = queued(conversation, world.alice)

    send_and_redeliver(message)

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert (message.external_id, message.error, message.maybe_sent) == ("out-1", "", False)
    assert len(fake_platform.requests) == 1


def test_a_look_up_that_finds_nothing_leaves_it_maybe_sent(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    # A 500 before the platform acted: the look-up finds no such message. That does not
    # prove it was not sent (the platform may not show it yet), so the agent decides.
    fake_platform.lookups = True
    fake_platform.fail_next(503, "busy", sent=False)
    with django_capture_on_commit_callbacks(execute=False):
        message = queued(conversation, world.alice)

    send_and_redeliver(message)

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and message.maybe_sent
    assert "server error 503" in message.error
    assert len(fake_platform.requests) == 1


def test_a_found_message_that_is_another_of_ours_does_not_count(
    world, conversation, fake_platform, short_timeouts, django_capture_on_commit_callbacks
):
    earlier = MessageFactory(
        conversation=conversation,
        direction=Message.Direction.OUT,
        status=Message.Status.SENT,
        external_id="out-1",
    )
    fake_platform.lookups = True
    fake_platform.hang_next()
    with django_capture_on_commit_callbacks(execute=False):
        message = queued(conversation, world.alice)
    # The platform's look-up answers with the id of the earlier message.
    fake_platform.sent[f"socialcare:{message.pk}"] = earlier.external_id

    send_and_redeliver(message)

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and message.maybe_sent


def test_a_rate_limit_was_not_processed_so_it_is_retried(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    fake_platform.fail_next(429, "slow down", headers={"Retry-After": "0"})
    with django_capture_on_commit_callbacks(execute=False):
        message = queued(conversation, world.alice)

    assert services.message_send(message_id=message.pk).retry_in == 0
    message.refresh_from_db()
    assert (message.status, message.maybe_sent) == (Message.Status.QUEUED, False)
    assert services.message_send(message_id=message.pk).sent
    assert fake_platform.sent_texts == ["It ships today."] * 2


def test_a_connect_that_times_out_sent_nothing_so_it_is_retried(
    world, conversation, fake_platform, test_channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = queued(conversation, world.alice)
    with unanswered_connect() as url:
        test_channel.base_url, test_channel.timeout = url, (0.3, 0.3)
        outcome = services.message_send(message_id=message.pk)

    message.refresh_from_db()
    assert outcome.retry_in is not None
    assert (message.status, message.error) == (Message.Status.QUEUED, "unreachable: ConnectTimeout")
    test_channel.base_url, test_channel.timeout = fake_platform.url, (5, 5)
    assert services.message_send(message_id=message.pk).sent
    assert fake_platform.sent_texts == ["It ships today."]


def test_a_refused_connection_sent_nothing_so_it_is_retried(
    world, conversation, fake_platform, test_channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = queued(conversation, world.alice)
    test_channel.base_url = "http://127.0.0.1:9"  # nothing listens there

    assert services.message_send(message_id=message.pk).retry_in is not None

    message.refresh_from_db()
    assert (message.status, message.maybe_sent) == (Message.Status.QUEUED, False)
    assert message.error == "unreachable: ConnectionError"


def test_the_echo_of_a_maybe_sent_reply_marks_it_sent_and_is_not_shown_twice(
    world, conversation, fake_platform, post_webhook, django_capture_on_commit_callbacks
):
    fake_platform.fail_next(500, sent=True)
    with django_capture_on_commit_callbacks(execute=False):
        message = queued(conversation, world.alice)
    send_and_redeliver(message)
    message.refresh_from_db()
    assert message.maybe_sent

    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(echo(message, "out-1")).status_code == 200
        receipt = {"type": "delivery", "ids": ["out-1"], "status": "delivered"}
        assert post_webhook(webhook_body(receipt)).status_code == 200

    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED
    assert (message.external_id, message.error, message.maybe_sent) == ("out-1", "", False)
    outbound = conversation.messages.filter(direction=Message.Direction.OUT)
    assert list(outbound.values_list("pk", "sent_elsewhere")) == [(message.pk, False)]


def test_an_echo_of_the_first_try_stops_the_agents_second_one(
    world, conversation, fake_platform, post_webhook, django_capture_on_commit_callbacks
):
    fake_platform.drop_next()
    with django_capture_on_commit_callbacks(execute=False):
        message = queued(conversation, world.alice)
    send_and_redeliver(message)
    message.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as retry_task:
        services.message_retry(message=message, by=world.alice)
    assert Message.objects.get(pk=message.pk).status == Message.Status.QUEUED

    # The first try's echo arrives before the retry's task runs.
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(echo(message, "out-1"))
    for task in retry_task:
        task()

    message.refresh_from_db()
    assert (message.status, message.external_id) == (Message.Status.SENT, "out-1")
    assert fake_platform.sent_texts == ["It ships today."]


def test_an_echo_whose_marker_is_not_ours_is_stored_as_sent_elsewhere(
    world, conversation, fake_platform, post_webhook, django_capture_on_commit_callbacks
):
    theirs = ConversationFactory(account=world.other)
    stranger = MessageFactory(
        conversation=theirs,
        direction=Message.Direction.OUT,
        status=Message.Status.FAILED,
        external_id=None,
    )
    with django_capture_on_commit_callbacks(execute=False):
        message = queued(conversation, world.alice)

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(echo(message, "elsewhere-1", marker=f"socialcare:{stranger.pk}"))
        post_webhook(echo(message, "elsewhere-2", marker="socialcare:not-a-number"))

    stranger.refresh_from_db()
    assert stranger.status == Message.Status.FAILED and not stranger.external_id
    copies = conversation.messages.filter(sent_elsewhere=True)
    assert sorted(copies.values_list("external_id", flat=True)) == ["elsewhere-1", "elsewhere-2"]
    assert Message.objects.get(pk=message.pk).status == Message.Status.QUEUED


def test_an_interrupted_send_found_by_the_sweep_is_looked_up_first(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        found, lost = queued(conversation, world.alice), queued(conversation, world.bob, "Hi")
    # Both went out; the worker died before it recorded either. Only one is on the platform.
    fake_platform.lookups = True
    fake_platform.sent[f"socialcare:{found.pk}"] = "out-7"
    Message.objects.filter(pk__in=[found.pk, lost.pk]).update(
        status=Message.Status.SENDING, sending_since=timezone.now() - timedelta(minutes=11)
    )

    assert services.messages_fail_stale_sending() == 2

    found.refresh_from_db()
    lost.refresh_from_db()
    assert (found.status, found.external_id) == (Message.Status.SENT, "out-7")
    assert (lost.status, lost.maybe_sent) == (Message.Status.FAILED, True)
    assert lost.error.startswith(MAYBE_SENT) and "interrupted" in lost.error
    assert fake_platform.requests == []


def test_agents_see_a_maybe_sent_reply_and_confirm_before_sending_it_again(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    fake_platform.fail_next(502, sent=True)
    with django_capture_on_commit_callbacks(execute=False):
        message = queued(conversation, world.alice, text="<b>Refund</b> issued")
    send_and_redeliver(message)
    alice = world.client_for(world.alice)

    page = alice.get(f"/c/{conversation.pk}/").content.decode()
    assert "May have been sent" in page
    assert MAYBE_SENT in page
    assert "The customer may already have this reply. Send it again anyway?" in page
    assert "&lt;b&gt;Refund&lt;/b&gt; issued" in page
    assert f'id="row-{conversation.pk}"' in alice.get("/?folder=failed").content.decode()
    [api_message] = [
        m
        for m in world.api_for(world.alice)
        .get(f"/api/v1/conversations/{conversation.pk}/messages/")
        .json()["results"]
        if m["id"] == message.pk
    ]
    assert (api_message["status"], api_message["maybe_sent"]) == ("failed", True)
    assert api_message["error"].startswith(MAYBE_SENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(f"/c/{conversation.pk}/messages/{message.pk}/retry/")
    assert response.status_code in {200, 302}

    message.refresh_from_db()
    assert (message.status, message.maybe_sent) == (Message.Status.SENT, False)
    assert fake_platform.sent_texts == ["<b>Refund</b> issued"] * 2


def test_a_plain_failure_keeps_the_one_click_retry(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    fake_platform.fail_next(400, "The customer has blocked the page")
    with django_capture_on_commit_callbacks(execute=True):
        message = queued(conversation, world.alice)
    message.refresh_from_db()

    page = world.client_for(world.alice).get(f"/c/{conversation.pk}/").content.decode()
    assert (message.status, message.maybe_sent) == (Message.Status.FAILED, False)
    assert "May have been sent" not in page
    assert "Send it again anyway?" not in page
    assert ">Retry</button>" in page


def test_the_send_carries_the_marker_its_echo_is_recognised_by(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queued(conversation, world.alice)

    [sent] = fake_platform.requests
    assert sent["metadata"] == f"socialcare:{message.pk}"
    assert json.loads(echo(message, "x"))["events"][0]["metadata"] == sent["metadata"]
    assert Conversation.objects.get(pk=conversation.pk).messages.count() == 2
