"""The thread as Alice reads it: replies nested under their comment, delivery states,
notes that are never sent, activity lines, moderation that leaves focus in place."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from inbox import services
from inbox.models import Conversation, Message
from inbox.selectors.thread import reply_position_for, thread_entries_for
from tests.factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def comment(convo, external_id: str, text: str, minutes: int, parent: str = "") -> Message:
    return MessageFactory(
        conversation=convo,
        external_id=external_id,
        parent_external_id=parent,
        kind=Message.Kind.COMMENT,
        public=True,
        text=text,
        platform_timestamp=at(minutes),
    )


@pytest.fixture
def under_a_post(world) -> Conversation:
    """A comment thread: Maria's comment, replies to it and to a reply, one of ours."""
    convo = ConversationFactory(
        account=world.acme,
        kind=Conversation.Kind.COMMENT,
        thread_key="c0",
        context={"text": "Our summer sale starts today", "permalink": "https://example.com/p/1"},
    )
    comment(convo, "c0", "Is the blue one in stock?", 0)
    comment(convo, "r1", "I want to know too", 10, parent="c0")
    comment(convo, "r2", "Same here, size M", 30, parent="r1")
    comment(convo, "r3", "Any news?", 40, parent="c0")
    ours = Message.objects.create(
        conversation=convo,
        account=world.acme,
        direction=Message.Direction.OUT,
        kind=Message.Kind.COMMENT,
        public=True,
        text="Back in stock on Friday",
        author=world.alice,
        status=Message.Status.SENT,
    )
    Message.objects.filter(pk=ours.pk).update(created_at=at(20))
    services.note_create(conversation=convo, author=world.bob, text="Ask the warehouse")
    return convo


def positions(text: str, *needles: str) -> list[int]:
    thread = text.split('id="thread"')[1]
    return [thread.index(n) for n in needles]


def item_of(text: str, needle: str) -> str:
    """The opening tag of the thread item holding `needle`."""
    before = text.split(needle)[0]
    return before[before.rindex("<li ") :].split(">")[0]


def test_the_post_comes_first_then_the_comments_nested_under_what_they_answer(world, under_a_post):
    text = world.client_for(world.alice).get(f"/c/{under_a_post.pk}/").text

    assert text.index("Our summer sale starts today") < text.index('id="thread"')
    order = positions(
        text,
        "Is the blue one in stock?",
        "I want to know too",
        "Same here, size M",
        "Back in stock on Friday",
        "Any news?",
        "Ask the warehouse",
    )
    assert order == sorted(order)
    assert "aria-level" not in item_of(text, "Is the blue one in stock?")
    assert 'aria-level="2"' in item_of(text, "I want to know too")
    assert 'aria-level="3"' in item_of(text, "Same here, size M")
    assert 'aria-level="2"' in item_of(text, "Back in stock on Friday")
    assert 'aria-level="2"' in item_of(text, "Any news?")


def test_nesting_is_computed_once_per_thread(world, under_a_post):
    entries = thread_entries_for(conversation=under_a_post)

    shape = [(e.item.text, e.depth) for e in entries if e.kind == "message"]
    assert shape == [
        ("Is the blue one in stock?", 0),
        ("I want to know too", 1),
        ("Same here, size M", 2),
        ("Back in stock on Friday", 1),
        ("Any news?", 1),
    ]
    reply = next(e for e in entries if e.kind == "message" and e.item.text == "Same here, size M")
    assert reply.parent.external_id == "r1"


def test_a_reply_rendered_alone_keeps_its_place(world, under_a_post):
    r2 = under_a_post.messages.get(external_id="r2")

    depth, parent = reply_position_for(conversation=under_a_post, message=r2)

    assert (depth, parent.external_id) == (2, "r1")


def test_a_loop_in_the_parents_leaves_the_comments_at_the_top(world):
    convo = ConversationFactory(account=world.acme, kind=Conversation.Kind.COMMENT)
    comment(convo, "a", "first", 0, parent="b")
    comment(convo, "b", "second", 1, parent="a")

    entries = thread_entries_for(conversation=convo)

    assert [(e.item.text, e.depth) for e in entries] == [("first", 0), ("second", 1)]


def test_direct_messages_never_nest(world):
    convo = ConversationFactory(account=world.acme)
    MessageFactory(conversation=convo, external_id="m1", text="hello", platform_timestamp=at(0))
    MessageFactory(
        conversation=convo,
        external_id="m2",
        parent_external_id="m1",
        text="again",
        platform_timestamp=at(1),
    )

    assert [e.depth for e in thread_entries_for(conversation=convo)] == [0, 0]


def test_a_reply_to_a_comment_outside_the_thread_stays_at_the_top(world):
    convo = ConversationFactory(account=world.acme, kind=Conversation.Kind.COMMENT)
    comment(convo, "x1", "answering something we never saw", 0, parent="elsewhere")

    [entry] = thread_entries_for(conversation=convo)

    assert entry.depth == 0


# --- delivery states, notes, activity ----------------------------------------------------


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (Message.Status.QUEUED, "Queued"),
        (Message.Status.SENT, "Sent"),
        (Message.Status.DELIVERED, "Delivered"),
        (Message.Status.READ, "Read"),
    ],
)
def test_our_replies_show_their_delivery_state(world, status, shown):
    convo = ConversationFactory(account=world.acme)
    Message.objects.create(
        conversation=convo,
        account=world.acme,
        direction=Message.Direction.OUT,
        text="We are on it",
        author=world.alice,
        status=status,
    )

    text = world.client_for(world.alice).get(f"/c/{convo.pk}/").text

    assert f'<p class="delivery status-{status}">{shown}</p>' in text


def test_a_note_is_marked_internal_and_never_sent(world, under_a_post):
    text = world.client_for(world.alice).get(f"/c/{under_a_post.pk}/").text

    note = text.split('class="note"')[1].split("</li>")[0]
    assert "Internal note" in note
    assert "never sent" in note
    assert "Ask the warehouse" in note


def test_activity_lines_say_who_changed_what(world):
    convo = ConversationFactory(account=world.acme)
    services.conversation_update(conversation=convo, by=world.lena, assignee=world.bob)
    services.conversation_update(conversation=convo, by=world.lena, team=world.support)
    services.conversation_update(conversation=convo, by=world.alice, priority=3)
    services.conversation_update(conversation=convo, by=world.alice, status="done")
    services.conversation_update(conversation=convo, by=world.alice, labels=[])

    text = world.client_for(world.alice).get(f"/c/{convo.pk}/").text

    for line in (
        "Lena assigned it to Bob",
        "Lena moved it to the team Support",
        "Alice set the priority to High",
        "Alice moved it from Open to Done",
    ):
        assert line in text


# --- moderation ---------------------------------------------------------------------------


@pytest.fixture
def moderating(test_channel, monkeypatch):
    """The test channel, able to hide, like and delete comments (it accepts every request)."""
    caps = replace(test_channel.capabilities, hide=True, like=True, delete=True)
    monkeypatch.setattr(test_channel, "capabilities", caps)
    monkeypatch.setattr(test_channel, "moderate", lambda action, target: None)
    return test_channel


def moderate(world, convo, message, action, user=None):
    return world.client_for(user or world.alice).post(
        f"/c/{convo.pk}/messages/{message.pk}/moderate/?folder=open", {"action": action}, **HTMX
    )


def test_hiding_a_reply_keeps_it_in_place_and_focus_on_the_switch(world, under_a_post, moderating):
    r2 = under_a_post.messages.get(external_id="r2")

    response = moderate(world, under_a_post, r2, "hide")

    assert response.status_code == 200
    assert 'aria-level="3"' in response.text.split(">")[0]
    unhide = response.text.split('value="unhide"')[1].split(">")[0]
    assert "data-autofocus" in unhide
    r2.refresh_from_db()
    assert r2.hidden


def test_deleting_asks_first_and_then_focuses_the_comment(world, under_a_post, moderating):
    """Lena leads Support: deleting (it cannot be undone) is hers, not her agents'."""
    r3 = under_a_post.messages.get(external_id="r3")
    page = world.client_for(world.lena).get(f"/c/{under_a_post.pk}/").text
    confirm = page.split(f'id="moderation-{r3.pk}"')[1].split("</details>")[0]
    assert "<summary>Delete…</summary>" in confirm
    assert "Delete this comment on the platform? This cannot be undone." in confirm
    assert "data-confirm-cancel" in confirm

    response = moderate(world, under_a_post, r3, "delete", world.lena)

    assert response.status_code == 200
    assert "Deleted on the platform" in response.text
    assert "data-autofocus" in response.text.split(">")[0]


def test_a_refused_moderation_says_why_and_focuses_the_reason(world, under_a_post, moderating):
    r1 = under_a_post.messages.get(external_id="r1")
    Message.objects.filter(pk=r1.pk).update(removed_at=at(50))

    response = moderate(world, under_a_post, r1, "hide")

    assert response.status_code == 422
    alert = response.text.split('role="alert"')[1].split(">")[0]
    assert "data-autofocus" in alert
    assert "This comment has been deleted." in response.text


@pytest.mark.parametrize(
    ("extra", "attachments", "reactions", "shown"),
    [
        ({"quick_reply": "ORDER_STATUS"}, [], [], "ORDER_STATUS"),
        ({"postback": "TALK_TO_AGENT"}, [], [], "TALK_TO_AGENT"),
        ({}, [{"type": "fallback", "url": "https://example.com/a"}], [], "fallback"),
        ({}, [], [{"reaction": "love"}], "love"),
    ],
)
def test_platform_data_missing_optional_keys_still_renders(
    world, extra, attachments, reactions, shown
):
    """What a platform leaves out of a message (a postback without a quick reply, a link
    without a title, a reaction without an emoji) shows what is there, never an error."""
    convo = ConversationFactory(account=world.acme)
    MessageFactory(conversation=convo, extra=extra, attachments=attachments, reactions=reactions)
    response = world.client_for(world.alice).get(f"/c/{convo.pk}/")
    assert response.status_code == 200
    assert shown in response.text
