"""Facebook: a reply whose outcome is unknown is looked up, or shown as maybe sent.

Through the real Graph client and the fake Graph over real HTTP. The fake sends first and
then answers badly (#timeout, #lostanswer, #noid); the adapter then looks the reply up
(Messenger: the Conversations API; comments: the thread's replies), and the echo that
carries our `metadata` marks it sent whenever it comes.
"""

import time

import pytest

import channels_fb.client
from inbox import services
from inbox.models import Conversation, Message
from tests.facebook.pages import (
    PAGE_ID,
    PSID,
    comment_payload,
    connect_page,
    graph_calls,
    ingest,
    messenger_payload,
    ms_ago,
    record,
    thread,
)

pytestmark = pytest.mark.django_db
MAYBE_SENT = "May have been sent: check on the platform before retrying."


@pytest.fixture
def direct(world, fake_graph) -> Conversation:
    connect_page(world)
    ingest(messenger_payload("m_in", "Is my order on its way?", at_ms=ms_ago(minutes=5)))
    return thread(PSID)


@pytest.fixture
def quick_client(monkeypatch, fake_graph):
    """The client waits a fraction of a second for an answer; the fake answers later."""
    monkeypatch.setattr(channels_fb.client, "TIMEOUT", (2, 0.3))
    fake_graph.graph.slow_answer_seconds = 1.5


def send_twice(conversation: Conversation, text: str, *, private: bool = False) -> Message:
    """The send task, and the broker delivering it again."""
    message = services.reply_create(
        conversation=conversation, author=None, text=text, private=private
    )
    services.message_send(message_id=message.pk)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    return message


def page_messages(fake_graph) -> dict[str, str]:
    """What Facebook has in the customer's thread from the Page: mid -> text."""
    found = fake_graph.graph.threads.get((PAGE_ID, PSID), {})
    return {mid: m["text"] for mid, m in found.items() if m["from_page"]}


def our_echo(message: Message, mid: str, *, psid: str = PSID) -> dict:
    payload = messenger_payload(mid, message.text, psid=psid)
    event = payload["entry"][0]["messaging"][0]
    event.update(sender={"id": PAGE_ID}, recipient={"id": psid})
    event["message"].update(is_echo=True, app_id=1234, metadata=f"socialcare:{message.pk}")
    return payload


@pytest.mark.parametrize("marker", ["#timeout", "#lostanswer", "#noid"])
def test_a_messenger_reply_facebook_sent_without_saying_so_is_found_and_marked_sent(
    world, direct, fake_graph, quick_client, marker
):
    message = send_twice(direct, f"It left the warehouse {marker}")

    [(mid, text)] = page_messages(fake_graph).items()
    assert text == f"It left the warehouse {marker}"
    assert len(graph_calls(fake_graph, "POST", f"{PAGE_ID}/messages")) == 1
    assert graph_calls(fake_graph, "GET", f"{PAGE_ID}/conversations")
    assert (message.status, message.external_id, message.maybe_sent) == (
        Message.Status.SENT,
        mid,
        False,
    )


def test_a_server_error_before_facebook_sent_it_leaves_it_maybe_sent(world, direct, fake_graph):
    message = send_twice(direct, "It left the warehouse #servererror")

    assert page_messages(fake_graph) == {}
    assert len(graph_calls(fake_graph, "POST", f"{PAGE_ID}/messages")) == 1
    assert (message.status, message.maybe_sent) == (Message.Status.FAILED, True)
    assert message.error.startswith(MAYBE_SENT)
    assert "Facebook had a server error (#2)" in message.error


def test_the_look_up_does_not_take_the_same_text_sent_before_this_attempt(
    world, direct, fake_graph
):
    text = "Thanks! #servererror"
    earlier = our_echo(Message(pk=1, text=text), "m_earlier")
    earlier["entry"][0]["messaging"][0]["timestamp"] = ms_ago(hours=1)
    record(fake_graph, earlier)

    message = send_twice(direct, text)

    assert (message.status, message.maybe_sent) == (Message.Status.FAILED, True)


def test_a_public_reply_facebook_made_without_answering_is_found_under_the_thread(
    world, fake_graph
):
    connect_page(world)
    top = "998877665544332_100"
    payload = comment_payload(top, "Do you ship to Minsk?")
    record(fake_graph, payload)  # Facebook knows the comment the reply goes under
    ingest(payload)
    fake_graph.graph.fail("error_after_send")

    message = send_twice(thread(top), "Yes, we do.")

    [call] = graph_calls(fake_graph, "POST", f"{top}/comments")
    [made] = [c for c in fake_graph.graph.comments.values() if c["from"]["id"] == PAGE_ID]
    assert (message.status, message.external_id) == (Message.Status.SENT, made["id"])
    assert message.public and call["message"] == "Yes, we do."


def test_a_private_reply_is_shown_maybe_sent_until_its_echo_continues_it_in_messenger(
    world, fake_graph
):
    connect_page(world)
    comment_id = "998877665544332_1122334455667788"
    ingest(comment_payload(comment_id, "Still waiting for my refund"))
    comment_thread = thread(comment_id)

    message = send_twice(
        comment_thread, "Sorry! Can you DM me the order? #lostanswer", private=True
    )

    assert len(graph_calls(fake_graph, "POST", f"{PAGE_ID}/messages")) == 1
    assert (message.status, message.maybe_sent) == (Message.Status.FAILED, True)
    [(psid, mid)] = [(key[1], next(iter(m))) for key, m in fake_graph.graph.threads.items() if m]

    ingest(our_echo(message, mid, psid=psid))

    message.refresh_from_db()
    assert (message.status, message.external_id, message.maybe_sent) == (
        Message.Status.SENT,
        mid,
        False,
    )
    messenger = message.conversation
    comment_thread.refresh_from_db()
    assert (messenger.kind, messenger.thread_key) == (Conversation.Kind.DIRECT, psid)
    assert (messenger.linked_id, comment_thread.linked_id) == (comment_thread.pk, messenger.pk)
    assert list(Message.objects.filter(direction="out").values_list("pk", flat=True)) == [
        message.pk
    ]


def test_an_echo_with_our_marker_resolves_a_maybe_sent_reply_and_receipts_follow(
    world, direct, fake_graph
):
    message = send_twice(direct, "On its way #servererror")
    assert message.maybe_sent

    ingest(our_echo(message, "m_echoed"))
    receipt = messenger_payload("ignored", "")
    event = receipt["entry"][0]["messaging"][0]
    del event["message"]
    event["delivery"] = {"mids": ["m_echoed"], "watermark": int(time.time() * 1000)}
    ingest(receipt)

    message.refresh_from_db()
    assert (message.status, message.external_id) == (Message.Status.DELIVERED, "m_echoed")
    assert direct.messages.filter(direction="out").count() == 1
    assert not direct.messages.filter(sent_elsewhere=True).exists()


def test_every_send_carries_the_marker_its_echo_is_recognised_by(world, direct, fake_graph):
    message = send_twice(direct, "Hello")

    [call] = graph_calls(fake_graph, "POST", f"{PAGE_ID}/messages")
    assert call["metadata"] == f"socialcare:{message.pk}"
