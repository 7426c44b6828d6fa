"""A conversation's messages, replies through the channel, and retrying a failed reply."""

import pytest
from django.test import Client

from inbox.models import ChannelAccount, Message
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db


def messages_url(conversation) -> str:
    return f"/api/v1/conversations/{conversation.pk}/messages/"


def replies_url(conversation) -> str:
    return f"/api/v1/conversations/{conversation.pk}/replies/"


def retry_url(message) -> str:
    return f"/api/v1/messages/{message.pk}/retry/"


def failed_reply(conversation, author) -> Message:
    return MessageFactory(
        conversation=conversation,
        direction=Message.Direction.OUT,
        external_id=None,
        identity=None,
        author=author,
        text="We are on it.",
        status=Message.Status.FAILED,
        error="the platform was down",
    )


def test_it_lists_the_thread_oldest_first_with_authors(world, conversation):
    failed_reply(conversation, world.alice)

    response = world.api_for(world.alice).get(messages_url(conversation))

    assert response.status_code == 200
    inbound, outbound = response.json()["results"]
    assert inbound["direction"] == "in"
    assert inbound["text"] == "Is my parcel lost?"
    assert inbound["status"] == "received"
    assert inbound["author"] == {"type": "customer", "name": "Maria", "handle": ""}
    assert outbound["direction"] == "out"
    assert outbound["status"] == "failed"
    assert outbound["error"] == "the platform was down"
    assert outbound["author"] == {
        "type": "agent",
        "id": world.alice.pk,
        "username": "alice",
        "name": "Alice",
    }
    expected = {"id", "kind", "public", "external_id", "attachments", "created_at"}
    assert expected | {"platform_timestamp", "sent_elsewhere"} <= set(outbound)


def test_a_reply_sent_from_another_tool_has_no_agent(world, conversation):
    MessageFactory(
        conversation=conversation,
        direction=Message.Direction.OUT,
        identity=None,
        sent_elsewhere=True,
        status=Message.Status.SENT,
    )

    results = world.api_for(world.alice).get(messages_url(conversation)).json()["results"]

    assert results[-1]["author"] is None
    assert results[-1]["sent_elsewhere"] is True


def test_the_thread_of_another_teams_conversation_is_missing(world, conversation):
    assert world.api_for(world.charlie).get(messages_url(conversation)).status_code == 404
    assert world.api_for(world.adam).get(messages_url(conversation)).status_code == 200
    assert Client().get(messages_url(conversation)).status_code == 401


def test_a_reply_is_queued_and_then_sent_through_the_channel(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.api_for(world.alice).post(
            replies_url(conversation), {"text": "We found it!"}, content_type="application/json"
        )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "queued"
    assert body["direction"] == "out"
    assert body["text"] == "We found it!"
    assert body["author"]["username"] == "alice"
    assert fake_platform.sent_texts == ["We found it!"]
    sent = world.api_for(world.alice).get(messages_url(conversation)).json()["results"][-1]
    assert sent["id"] == body["id"]
    assert sent["status"] == "sent"
    assert sent["external_id"] == "out-1"


def test_a_private_reply_to_a_comment_goes_privately(
    world, fake_platform, django_capture_on_commit_callbacks
):
    from tests.factories import ConversationFactory

    thread = ConversationFactory(account=world.acme, kind="comment")
    MessageFactory(conversation=thread, kind="comment", public=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = world.api_for(world.alice).post(
            replies_url(thread), {"text": "Sent you a DM", "private": True}, "application/json"
        )

    assert response.status_code == 201
    assert response.json()["public"] is False
    assert fake_platform.requests[0]["public"] is False


def test_a_reply_is_refused_when_the_account_needs_reconnecting(world, conversation, fake_platform):
    ChannelAccount.objects.filter(pk=world.acme.pk).update(status="needs_reconnect")

    response = world.api_for(world.alice).post(
        replies_url(conversation), {"text": "Hello?"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "reconnected" in response.json()["detail"]
    assert not conversation.messages.filter(direction="out").exists()
    assert fake_platform.requests == []


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"text": "x" * 501}, "allows 500"),
        ({"text": "   "}, "Write a reply"),
    ],
)
def test_a_reply_the_channel_cannot_take_is_refused_with_the_reason(
    world, conversation, data, says
):
    response = world.api_for(world.alice).post(
        replies_url(conversation), data, content_type="application/json"
    )

    assert response.status_code == 400
    assert says in response.json()["detail"]


def test_a_reply_without_text_names_the_field(world, conversation):
    response = world.api_for(world.alice).post(
        replies_url(conversation), {"private": "perhaps"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"text", "private"}


def test_nobody_replies_in_a_conversation_they_cannot_see(world, conversation, fake_platform):
    response = world.api_for(world.charlie).post(
        replies_url(conversation), {"text": "Hi"}, content_type="application/json"
    )

    assert response.status_code == 404
    assert not conversation.messages.filter(direction="out").exists()


def test_a_failed_reply_is_retried_and_sent(
    world, conversation, fake_platform, django_capture_on_commit_callbacks
):
    message = failed_reply(conversation, world.alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = world.api_for(world.bob).post(retry_url(message))

    assert response.status_code == 200
    assert response.json()["status"] == "queued"
    assert response.json()["error"] == ""
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert fake_platform.sent_texts == ["We are on it."]


def test_only_a_failed_reply_can_be_retried(world, conversation):
    inbound = conversation.messages.get()

    response = world.api_for(world.alice).post(retry_url(inbound))

    assert response.status_code == 400
    assert "Only a failed reply" in response.json()["detail"]


def test_a_message_of_another_teams_conversation_cannot_be_retried(
    world, conversation, fake_platform
):
    message = failed_reply(conversation, world.alice)

    assert world.api_for(world.charlie).post(retry_url(message)).status_code == 404
    assert Client().post(retry_url(message)).status_code == 401
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert fake_platform.requests == []
