"""The send pipeline: queued -> sent once; retryable errors retried, permanent ones shown."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox import services
from inbox.items import Attachment
from inbox.models import Activity, ChannelAccount, Conversation, Message
from tests.factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(world):
    conversation = ConversationFactory(account=world.acme)
    MessageFactory(conversation=conversation, text="Is my parcel lost?")
    return conversation


@pytest.fixture
def quick_retries(settings):
    settings.SOCIALCARE_SEND_BACKOFF_BASE = 0.001
    settings.SOCIALCARE_SEND_MAX_ATTEMPTS = 3


def reply(conversation, author, text="We are on it.", **kwargs) -> Message:
    message = services.reply_create(conversation=conversation, author=author, text=text, **kwargs)
    message.refresh_from_db()
    return message


def test_it_queues_a_reply_and_sends_it_after_commit(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = reply(conversation, world.alice)
        assert message.status == Message.Status.QUEUED
        assert fake_platform.requests == []

    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.external_id == "out-1"
    assert fake_platform.sent_texts == ["We are on it."]


def test_a_reply_clears_the_wait_and_logs_the_first_response(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    Conversation.objects.filter(pk=conversation.pk).update(
        waiting_since=timezone.now() - timedelta(minutes=5)
    )
    conversation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        reply(conversation, world.alice)

    conversation.refresh_from_db()
    assert conversation.waiting_since is None
    activity = Activity.objects.get(conversation=conversation, verb=Activity.Verb.REPLIED)
    assert activity.actor == world.alice
    assert activity.data["first"] is True
    assert activity.data["waited_seconds"] >= 300


def test_it_sends_a_task_redelivered_after_a_crash_only_once(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = reply(conversation, world.alice)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT

    # The broker hands the same task out again, as after a worker crash before the ack.
    from inbox.tasks import send_message

    send_message.apply(args=[message.pk])
    send_message.apply(args=[message.pk])

    assert len(fake_platform.requests) == 1


def test_a_crash_during_the_platform_call_is_not_resent_but_shown(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = reply(conversation, world.alice)
    # The worker took it (queued -> sending) and died before recording the outcome.
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, sending_since=timezone.now() - timedelta(minutes=11)
    )

    services.message_send(message_id=message.pk)
    assert fake_platform.requests == []

    assert services.messages_fail_stale_sending() == 1
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "interrupted" in message.error


def test_a_rate_limited_send_waits_as_told_and_then_succeeds(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    fake_platform.fail_next(429, "slow down", headers={"Retry-After": "7"})
    with django_capture_on_commit_callbacks(execute=False):
        message = reply(conversation, world.alice)

    outcome = services.message_send(message_id=message.pk)

    assert outcome.retry_in == 7
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert message.error == "rate limited"
    assert services.message_send(message_id=message.pk).sent
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.error == ""
    assert len(fake_platform.requests) == 2


def test_rate_limits_without_a_wait_are_retried_with_growing_backoff_then_fail(
    world, conversation, fake_platform, quick_retries, django_capture_on_commit_callbacks
):
    # A rate limit means the platform did not act on it: safe to try again (server errors
    # on a send may have sent it: tests/inbox/test_send_unknown_outcome.py).
    for _ in range(3):
        fake_platform.fail_next(429)
    with django_capture_on_commit_callbacks(execute=False):
        message = reply(conversation, world.alice)

    delays = [services.message_send(message_id=message.pk).retry_in for _ in range(3)]

    assert delays[0] is not None and delays[1] is not None
    assert delays[2] is None  # the third attempt was the last
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "Gave up after 3 attempts" in message.error
    assert len(fake_platform.requests) == 3


def test_a_permanent_error_fails_at_once_with_its_reason(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    fake_platform.fail_next(400, "The customer has blocked the page")
    with django_capture_on_commit_callbacks(execute=True):
        message = reply(conversation, world.alice)
    message.refresh_from_db()

    assert message.status == Message.Status.FAILED
    assert message.error == "The customer has blocked the page"
    assert len(fake_platform.requests) == 1
    assert Activity.objects.filter(
        verb=Activity.Verb.SEND_FAILED, conversation=conversation
    ).exists()


def test_a_revoked_token_asks_admins_to_reconnect_the_account(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    fake_platform.fail_next(401, "token expired")
    with django_capture_on_commit_callbacks(execute=True):
        reply(conversation, world.alice)

    world.acme.refresh_from_db()
    assert world.acme.status == ChannelAccount.Status.NEEDS_RECONNECT
    assert "revoked" in world.acme.status_reason
    with pytest.raises(services.ReplyRefused, match="reconnected"):
        reply(conversation, world.alice, text="Hello again")


def test_an_agent_can_retry_a_failed_message(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    fake_platform.fail_next(400, "temporarily refused")
    with django_capture_on_commit_callbacks(execute=True):
        message = reply(conversation, world.alice)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        services.message_retry(message=message, by=world.alice)

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(fake_platform.requests) == 2


def test_only_a_failed_message_can_be_retried(world, conversation, fake_platform):
    message = MessageFactory(
        conversation=conversation, direction=Message.Direction.OUT, status=Message.Status.SENT
    )
    with pytest.raises(services.ReplyRefused):
        services.message_retry(message=message, by=world.alice)


def test_stuck_queued_replies_are_enqueued_again_by_the_sweep(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = reply(conversation, world.alice)  # its task was never published
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=2))

    assert services.messages_requeue_stuck() == 1

    message.refresh_from_db()
    assert message.status == Message.Status.SENT


@pytest.mark.parametrize(
    ("text", "private", "kind", "reason"),
    [
        ("", False, "direct", "Write a reply"),
        ("x" * 501, False, "direct", "allows 500"),
    ],
)
def test_it_refuses_replies_the_channel_cannot_take(world, text, private, kind, reason):
    conversation = ConversationFactory(account=world.acme, kind=kind)
    with pytest.raises(services.ReplyRefused, match=reason):
        services.reply_create(
            conversation=conversation, author=world.alice, text=text, private=private
        )
    assert not Message.objects.exists()


def test_it_refuses_a_private_reply_where_the_channel_has_none(world, test_channel, settings):
    from dataclasses import replace

    test_channel.capabilities = replace(test_channel.capabilities, private_reply=False)
    conversation = ConversationFactory(account=world.acme, kind=Conversation.Kind.COMMENT)

    with pytest.raises(services.ReplyRefused, match="cannot reply privately"):
        services.reply_create(
            conversation=conversation, author=world.alice, text="DM me", private=True
        )


def test_it_refuses_a_reply_after_the_messaging_window_closed(world, test_channel):
    from dataclasses import replace

    test_channel.capabilities = replace(
        test_channel.capabilities, messaging_window=timedelta(hours=24)
    )
    conversation = ConversationFactory(
        account=world.acme, last_inbound_at=timezone.now() - timedelta(hours=25)
    )

    with pytest.raises(services.ReplyRefused, match="24 hours"):
        services.reply_create(conversation=conversation, author=world.alice, text="Sorry!")


def test_a_public_reply_threads_under_the_newest_customer_comment(
    world, fake_platform, django_capture_on_commit_callbacks
):
    conversation = ConversationFactory(account=world.acme, kind=Conversation.Kind.COMMENT)
    MessageFactory(conversation=conversation, external_id="c-1", kind="comment")
    MessageFactory(conversation=conversation, external_id="c-2", kind="comment")

    with django_capture_on_commit_callbacks(execute=True):
        message = reply(conversation, world.alice, text="Thanks for asking!")
    message.refresh_from_db()

    assert message.public
    assert fake_platform.requests[0]["parent"] == "c-2"
    assert fake_platform.requests[0]["public"] is True


def test_channels_without_media_replies_refuse_them(world):
    conversation = ConversationFactory(account=world.acme, team=world.support)
    with pytest.raises(services.ReplyRefused, match="media"):
        services.reply_create(
            conversation=conversation,
            author=None,
            text="see",
            attachments=[Attachment("image", "https://files.example.com/a.png")],
        )
