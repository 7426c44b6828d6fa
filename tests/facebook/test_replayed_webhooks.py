"""A webhook body captured and replayed later changes nothing anyone can see.

Replays come through the real view, signed as Meta signs them (a captured body keeps a
valid signature), and what agents see is read through the REST API before and after.
"""

import copy
import json

import pytest

from inbox.models import Conversation, Message
from tests.facebook.helpers import fixture, meta_bytes, post_webhook
from tests.facebook.pages import connect_page, graph_calls

pytestmark = pytest.mark.django_db(transaction=True)

PSID = "6290011122233344"
OUR_MID = "m_Zy9xW8vU7tS6rQ5pO4nM3lK2"
CUSTOMER_MID = "m_Xy7dQk2LpN0aBcDeFgHiJk-3mZ9"
REPLY = "998877665544332_1122334455667788"


@pytest.fixture(autouse=True)
def facebook_app(settings):
    settings.FACEBOOK_APP_SECRET = "fb-app-secret-for-tests"
    settings.FACEBOOK_ENABLED = True


@pytest.fixture(autouse=True)
def no_graph(settings):
    # Nothing listens here: the look-ups after ingest fail at once and fall back.
    settings.FACEBOOK_GRAPH_URL = "http://127.0.0.1:9"


def body(name: str, **value_changes) -> bytes:
    """A fixture as Meta would send it; changes go into its one messaging event or change."""
    payload = copy.deepcopy(fixture(name))
    entry = payload["entry"][0]
    if "changes" in entry:
        entry["changes"][0]["value"].update(value_changes)
    else:
        event = entry["messaging"][0]
        event.update({k: v for k, v in value_changes.items() if k == "timestamp"})
        inner = next(key for key in ("message_edit", "reaction") if key in event)
        event[inner].update({k: v for k, v in value_changes.items() if k != "timestamp"})
    return meta_bytes(payload)


def deliver(client, *bodies: bytes) -> None:
    for raw in bodies:
        assert post_webhook(client, raw).status_code == 200


def our_reply() -> Message:
    """A reply an agent sent through the inbox, as sending leaves it."""
    conversation = Conversation.objects.get(thread_key=PSID)
    return Message.objects.create(
        conversation=conversation,
        account=conversation.account,
        direction=Message.Direction.OUT,
        text="Yes, size M arrives Friday.",
        external_id=OUR_MID,
        status=Message.Status.SENT,
        sent_at=conversation.last_message_at,
        platform_timestamp=conversation.last_message_at,
    )


def seen_by_agents(world) -> str:
    """Every conversation and message as the API shows them to an admin."""
    api = world.api_for(world.adam)
    conversations = api.get("/api/v1/conversations/").json()
    shown = [conversations]
    for conversation in Conversation.objects.order_by("pk"):
        shown.append(api.get(f"/api/v1/conversations/{conversation.pk}/").json())
        shown.append(api.get(f"/api/v1/conversations/{conversation.pk}/messages/").json())
    return json.dumps(shown, sort_keys=True)


def test_a_captured_body_replayed_later_changes_nothing_visible(world, client):
    connect_page(world)
    deliver(client, *(meta_bytes(fixture(n)) for n in ("message_text", "feed_comment_reply")))
    reply = our_reply()
    captured = [
        body("message_edit"),
        body("feed_comment_edited"),
        body("feed_comment_hide"),
        body("reaction"),
        meta_bytes(fixture("delivery")),
    ]
    deliver(client, *captured)
    # What happened after: each part of that state changed again.
    deliver(
        client,
        body("message_edit", timestamp=1785313500000, text="Is the black one back?"),
        body("feed_comment_edited", created_time=1785320450, message="Any news at all?"),
        body("feed_comment_unhide"),
        body("unreact"),
        meta_bytes(fixture("read")),
    )
    before = seen_by_agents(world)

    deliver(client, *captured)  # an attacker, or a confused proxy, sends them again

    assert seen_by_agents(world) == before
    customer, comment = (Message.objects.get(external_id=i) for i in (CUSTOMER_MID, REPLY))
    assert customer.text == "Is the black one back?"
    assert (comment.text, comment.hidden) == ("Any news at all?", False)
    reply.refresh_from_db()
    assert (reply.reactions, reply.status) == ([], Message.Status.READ)


def test_a_replayed_unhide_does_not_undo_an_agents_hide(world, client, fake_graph):
    connect_page(world)
    deliver(client, meta_bytes(fixture("feed_comment_reply")))
    comment = Message.objects.get(external_id=REPLY)
    # Hidden on the platform and unhidden again before the agent looked: captured bodies.
    captured = [body("feed_comment_hide"), body("feed_comment_unhide")]
    deliver(client, *captured)

    world.client_for(world.alice).post(
        f"/c/{comment.conversation_id}/messages/{comment.pk}/moderate/", {"action": "hide"}
    )
    assert graph_calls(fake_graph, "POST", REPLY)
    deliver(client, *captured)

    comment.refresh_from_db()
    assert comment.hidden is True
