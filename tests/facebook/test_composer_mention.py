"""The composer on a Facebook Page, against the fake Graph over real HTTP: the agent's
choice to @mention the commenter, and a private reply that moves into Messenger."""

import pytest

from inbox import services
from inbox.models import Conversation, Message
from tests.facebook.pages import (
    PAGE_ID,
    comment_payload,
    connect_page,
    graph_calls,
    ingest,
    thread,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
COMMENT = "998877665544332_300"
DANA = "7712003344556677"


@pytest.mark.parametrize(
    ("account_option", "choice", "sent"),
    [
        (False, True, f"@[{DANA}] Thank you!\n— Alice"),
        (True, False, "Thank you!\n— Alice"),
        (True, None, f"@[{DANA}] Thank you!\n— Alice"),
        (False, None, "Thank you!\n— Alice"),
    ],
)
def test_the_agents_mention_choice_reaches_the_comment(
    world, fake_graph, account_option, choice, sent
):
    connect_page(world, mention_commenter=account_option)
    ingest(comment_payload(COMMENT, "Love it"))

    message = services.reply_create(
        conversation=thread(COMMENT),
        author=world.alice,
        text="Thank you!",
        mention_customer=choice,
    )
    services.message_send(message_id=message.pk)

    [call] = graph_calls(fake_graph, "POST", f"{COMMENT}/comments")
    assert call["message"] == sent
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_the_composer_offers_the_mention_checked_as_the_page_is_set(world, fake_graph):
    page = connect_page(world, mention_commenter=True)
    ingest(comment_payload(COMMENT, "Love it"))
    alice = world.client_for(world.alice)

    html = alice.get(f"/c/{thread(COMMENT).pk}/").text
    assert "Mention <bdi>Dana Kowalski</bdi>" in html
    assert 'name="mention_customer" id="reply-mention_customer" checked' in html

    page.options = {"mention_commenter": False}
    page.save()
    html = alice.get(f"/c/{thread(COMMENT).pk}/").text
    assert 'name="mention_customer" id="reply-mention_customer" checked' not in html


def test_unticking_the_mention_in_the_composer_sends_without_it(
    world, fake_graph, django_capture_on_commit_callbacks
):
    connect_page(world, mention_commenter=True)
    ingest(comment_payload(COMMENT, "Love it"))
    alice = world.client_for(world.alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(f"/c/{thread(COMMENT).pk}/reply/", {"text": "Thanks!"}, **HTMX)

    assert response.status_code == 200
    [call] = graph_calls(fake_graph, "POST", f"{COMMENT}/comments")
    assert call["message"] == "Thanks!\n— Alice"


def test_the_api_takes_the_mention_choice(world, fake_graph, django_capture_on_commit_callbacks):
    connect_page(world)
    ingest(comment_payload(COMMENT, "Love it"))

    with django_capture_on_commit_callbacks(execute=True):
        response = world.api_for(world.bob).post(
            f"/api/v1/conversations/{thread(COMMENT).pk}/replies/",
            {"text": "Thanks!", "mention_customer": True},
            content_type="application/json",
        )

    assert response.status_code == 201
    [call] = graph_calls(fake_graph, "POST", f"{COMMENT}/comments")
    assert call["message"] == f"@[{DANA}] Thanks!\n— Bob"


# Committed for real: the send runs once the reply's transaction commits, inside the request.
@pytest.mark.django_db(transaction=True)
def test_a_private_reply_from_the_composer_opens_the_direct_conversation(world, fake_graph):
    connect_page(world)
    ingest(comment_payload(COMMENT, "Still waiting for my refund"))
    comment = thread(COMMENT)
    alice = world.client_for(world.alice)

    response = alice.post(
        f"/c/{comment.pk}/reply/", {"text": "Sorry! DM me the order", "private": "on"}, **HTMX
    )

    assert response.status_code == 200
    [call] = graph_calls(fake_graph, "POST", f"{PAGE_ID}/messages")
    assert call["message"] == {"text": "Sorry! DM me the order"}  # private: not signed
    direct = Conversation.objects.get(account__kind="facebook", kind=Conversation.Kind.DIRECT)
    assert "Sent privately: the conversation continues in direct messages." in response.text
    assert f'href="/c/{direct.pk}/?folder=open"' in response.text
    assert "Open the direct conversation" in response.text


# Committed for real: the send runs once the reply's transaction commits, inside the request.
@pytest.mark.django_db(transaction=True)
def test_without_javascript_a_private_reply_lands_on_the_direct_conversation(world, fake_graph):
    connect_page(world)
    ingest(comment_payload(COMMENT, "Still waiting for my refund"))
    comment = thread(COMMENT)

    response = world.client_for(world.alice).post(
        f"/c/{comment.pk}/reply/?folder=mine", {"text": "DM me", "private": "on"}
    )

    direct = Conversation.objects.get(account__kind="facebook", kind=Conversation.Kind.DIRECT)
    assert response.status_code == 302
    assert response["Location"] == f"/c/{direct.pk}/?folder=mine"
