"""Answering on Facebook through the real client and the fake Graph over real HTTP."""

import pytest
from django.utils import timezone

from inbox import services
from inbox.models import Activity, ChannelAccount, Conversation, Message
from tests.facebook.pages import (
    PAGE_ID,
    PSID,
    comment_payload,
    connect_page,
    graph_calls,
    ingest,
    inject,
    messenger_payload,
    ms_ago,
    review_payload,
    thread,
)


@pytest.fixture
def page(world, fake_graph):
    return connect_page(world)


def send(conversation: Conversation, text: str, *, private: bool = False, by=None) -> Message:
    message = services.reply_create(
        conversation=conversation, author=by, text=text, private=private
    )
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    return message


def test_a_reply_inside_24_hours_is_a_response_and_its_echo_is_not_shown_twice(
    world, page, fake_graph
) -> None:
    ingest(messenger_payload("m_in_1", "Is the blue one back in stock?", at_ms=ms_ago(hours=2)))

    reply = send(thread(PSID), "Yes, size M arrives Friday.", by=world.alice)

    assert reply.status == Message.Status.SENT
    [call] = graph_calls(fake_graph, "POST", f"{PAGE_ID}/messages")
    assert call["messaging_type"] == "RESPONSE"
    assert "tag" not in call
    assert call["recipient"] == {"id": PSID}
    echo = messenger_payload(reply.external_id, reply.text)
    echo["entry"][0]["messaging"][0].update(sender={"id": PAGE_ID}, recipient={"id": PSID})
    echo["entry"][0]["messaging"][0]["message"]["is_echo"] = True
    ingest(echo)
    assert thread(PSID).messages.filter(direction="out").count() == 1


def test_past_24_hours_the_reply_is_refused_unless_the_human_agent_tag_is_on(
    world, page, fake_graph
) -> None:
    ingest(messenger_payload("m_old", "Any news?", at_ms=ms_ago(days=3)))

    with pytest.raises(services.ReplyRefused, match="human-agent"):
        services.reply_create(conversation=thread(PSID), author=world.alice, text="Sorry!")
    assert graph_calls(fake_graph, "POST", f"{PAGE_ID}/messages") == []

    page.options = {"human_agent": True}
    page.save()
    reply = send(thread(PSID), "Sorry for the wait, it shipped today.", by=world.alice)

    assert reply.status == Message.Status.SENT
    [call] = graph_calls(fake_graph, "POST", f"{PAGE_ID}/messages")
    assert call["messaging_type"] == "MESSAGE_TAG"
    assert call["tag"] == "HUMAN_AGENT"


def test_the_conversation_shows_how_long_its_window_has_left(world, page, fake_graph) -> None:
    ingest(messenger_payload("m_recent", "Hi", at_ms=ms_ago(hours=3)))
    conversation = thread(PSID)

    page_html = world.client_for(world.alice).get(f"/c/{conversation.pk}/").content.decode()
    assert "Reply window: 20\xa0hours" in page_html

    conversation.last_inbound_at = timezone.now() - timezone.timedelta(days=2)
    conversation.save()
    page_html = world.client_for(world.alice).get(f"/c/{conversation.pk}/").content.decode()
    assert "The messaging window has closed" in page_html


def test_past_7_days_even_the_human_agent_tag_cannot_reply(world, page, fake_graph) -> None:
    page.options = {"human_agent": True}
    page.save()
    ingest(messenger_payload("m_older", "Hello?", at_ms=ms_ago(days=8)))

    with pytest.raises(services.ReplyRefused, match="window"):
        services.reply_create(conversation=thread(PSID), author=world.alice, text="Hi")
    window = services.reply_window(thread(PSID))
    assert window.extended and window.closes_at < timezone.now()


def test_a_private_reply_continues_in_messenger_linked_both_ways(world, page, fake_graph) -> None:
    comment_id = "998877665544332_1122334455667788"
    ingest(comment_payload(comment_id, "Still waiting for my refund, order #5531"))
    comment_thread = thread(comment_id)

    reply = send(comment_thread, "Sorry Dana, can you DM me the order?", private=True)

    [call] = graph_calls(fake_graph, "POST", f"{PAGE_ID}/messages")
    assert call["recipient"] == {"comment_id": comment_id}
    assert reply.status == Message.Status.SENT
    direct = reply.conversation
    comment_thread.refresh_from_db()
    assert direct.kind == Conversation.Kind.DIRECT
    assert direct.linked_id == comment_thread.pk
    assert comment_thread.linked_id == direct.pk
    assert direct.contact_id == comment_thread.contact_id
    assert comment_thread.activities.filter(verb=Activity.Verb.TAKEN_PRIVATE).exists()
    # Once per comment.
    with pytest.raises(services.ReplyRefused, match="only one"):
        services.reply_create(conversation=comment_thread, author=None, text="again", private=True)
    # Messenger allows the next message only after the customer answers...
    with pytest.raises(services.ReplyRefused, match="not answered"):
        services.reply_create(conversation=direct, author=None, text="Hello?")
    # ...and their answer lands in the same direct conversation.
    ingest(messenger_payload("m_answer", "Order 5531, thanks", psid=direct.thread_key))
    assert Message.objects.get(external_id="m_answer").conversation_id == direct.pk
    direct.refresh_from_db()
    assert send(direct, "Refund issued.").status == Message.Status.SENT


def test_a_private_reply_is_refused_after_seven_days(world, page, fake_graph) -> None:
    old = int((timezone.now() - timezone.timedelta(days=8)).timestamp())
    ingest(comment_payload("998877665544332_1", "Hello?", created=old))

    with pytest.raises(services.ReplyRefused, match="7 days"):
        services.reply_create(
            conversation=thread("998877665544332_1"), author=None, text="Hi", private=True
        )


def test_a_public_reply_threads_under_the_top_comment_and_dedupes_its_webhook(
    world, page, fake_graph
) -> None:
    top = "998877665544332_100"
    ingest(comment_payload(top, "Do you ship to Minsk?"))
    ingest(comment_payload("998877665544332_101", "Also Brest?", parent_id=top))

    reply = send(thread(top), "Yes, both!", by=world.bob)

    [call] = graph_calls(fake_graph, "POST", f"{top}/comments")
    assert call["message"] == "Yes, both!\n— Bob"  # signed: a public reply by an agent
    assert reply.status == Message.Status.SENT and reply.public
    # The Page's own comment comes back as a feed webhook: still one message.
    ingest(
        comment_payload(
            reply.external_id, "Yes, both!", parent_id=top, sender=(PAGE_ID, "Northwind")
        )
    )
    assert thread(top).messages.filter(direction="out").count() == 1


def test_the_customer_can_be_mentioned_in_public_replies(world, fake_graph) -> None:
    connect_page(world, mention_commenter=True)
    ingest(comment_payload("998877665544332_200", "Love it"))

    send(thread("998877665544332_200"), "Thank you!")

    [call] = graph_calls(fake_graph, "POST", "998877665544332_200/comments")
    assert call["message"] == "@[7712003344556677] Thank you!"


def test_a_review_is_answered_under_the_review(world, page, fake_graph) -> None:
    ingest(review_payload("3344556677889900", "Η παράδοση άργησε τρεις εβδομάδες."))

    reply = send(thread("review:3344556677889900"), "Λυπούμαστε πολύ!")

    assert reply.status == Message.Status.SENT
    assert graph_calls(fake_graph, "POST", "3344556677889900/comments")
    with pytest.raises(services.ReplyRefused, match="publicly"):
        services.reply_create(
            conversation=thread("review:3344556677889900"), author=None, text="DM", private=True
        )


def test_reviews_switched_off_are_skipped_not_lost(world, fake_graph) -> None:
    connect_page(world, reviews=False)

    result = ingest(review_payload("3344556677889901", "Great coffee"))

    assert result.skipped == 1 and "reviews are switched off" in result.skip_reasons[0]
    assert not Conversation.objects.filter(kind="review").exists()


# --- Graph errors, each class against the fake ------------------------------------------


@pytest.fixture
def direct(page, fake_graph):
    ingest(messenger_payload("m_err", "Help", at_ms=ms_ago(minutes=5)))
    return thread(PSID)


def queued(conversation: Conversation, text: str = "On it") -> Message:
    return services.reply_create(conversation=conversation, author=None, text=text)


def test_a_rate_limit_pauses_the_page_and_retries_later(world, direct, fake_graph) -> None:
    inject(fake_graph, "rate_limit")
    message = queued(direct)

    outcome = services.message_send(message_id=message.pk)

    message.refresh_from_db()
    assert outcome.retry_in and outcome.retry_in > 0
    assert message.status == Message.Status.QUEUED and message.error
    calls_so_far = len(fake_graph.calls())
    # While Facebook says the Page must wait, nothing is sent to it at all.
    second = services.message_send(message_id=message.pk)
    assert second.retry_in and len(fake_graph.calls()) == calls_so_far


def test_a_server_error_on_a_send_is_not_resent_but_shown_as_maybe_sent(
    world, direct, fake_graph
) -> None:
    inject(fake_graph, "server_error")
    message = queued(direct)

    outcome = services.message_send(message_id=message.pk)
    assert not outcome.sent and outcome.retry_in is None
    # The task delivered again finds nothing to send.
    assert not services.message_send(message_id=message.pk).sent
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and message.maybe_sent
    assert message.error.startswith("May have been sent: check on the platform before retrying.")
    assert len(graph_calls(fake_graph, "POST", f"{PAGE_ID}/messages")) == 1


def test_an_invalid_token_fails_the_reply_and_asks_for_a_reconnect(
    world, direct, fake_graph
) -> None:
    inject(fake_graph, "invalid_token")
    message = queued(direct)

    services.message_send(message_id=message.pk)

    message.refresh_from_db()
    direct.account.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "Reconnect" in message.error
    assert direct.account.status == ChannelAccount.Status.NEEDS_RECONNECT
    assert "190" in direct.account.status_reason
    # Admins are told on every page until someone reconnects; agents see the reason only.
    alert = "Northwind Outdoor</bdi> needs to be reconnected"
    assert alert in world.client_for(world.adam).get("/").content.decode()
    assert alert not in world.client_for(world.alice).get("/").content.decode()


@pytest.mark.parametrize(
    ("fault", "words"), [("outside_window", "human-agent"), ("blocked", "551")]
)
def test_permanent_errors_fail_at_once_with_the_reason(
    world, direct, fake_graph, fault, words
) -> None:
    inject(fake_graph, fault)
    message = queued(direct)

    assert services.message_send(message_id=message.pk).retry_in is None

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert words in message.error
    assert message.attempts == 1
