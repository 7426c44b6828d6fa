"""Threads read in the order the customer wrote them, whatever order the deliveries came in.

Maria's messages go in through the real webhook (the test channel: signed, stored, drained
by the eager worker) shuffled the way platform retries and redeliveries shuffle them. The
page, the API and a message fetched for a live insert must all show them in the order she
wrote them; the conversation's waiting time, SLA, snippet and messaging window must follow
what was written, not what arrived last. The ingest rules are checked on both paths (one
item at a time, and the batch path workers use), which must agree.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox import services
from inbox.items import InboundMessage, Person
from inbox.models import Activity, Conversation, Message
from inbox.selectors import conversation_list_for
from inbox.selectors.thread_order import in_thread_order, thread_time
from inbox.services.ingest_batch import items_ingest_many
from tests.helpers import message_event, webhook_body

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Whole seconds: the test channel's timestamps are in seconds. An hour ago, so that our
# own clock (read marks, replies, notes) is after everything Maria wrote.
T0 = datetime.fromtimestamp(int(timezone.now().timestamp()) - 3600, tz=UTC)

# What Maria wrote, in the order she wrote it: a minute apart.
WRITTEN = [
    ("w1", "Hello"),
    ("w2", "I ordered a blue jacket"),
    ("w3", "Order number 1234"),
    ("w4", "It has not arrived"),
    ("w5", "Anyone there?"),
]
TEXTS = [text for _, text in WRITTEN]
# The order the platform delivered it in, with one redelivery.
DELIVERED = ["w4", "w2", "w5", "w2", "w1", "w3"]


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def written(external_id: str, **extra) -> dict:
    index = [i for i, _ in WRITTEN].index(external_id)
    return message_event(
        external_id,
        thread="maria",
        sender="maria",
        text=WRITTEN[index][1],
        ts=int(at(index).timestamp()),
        **extra,
    )


@pytest.fixture(params=["one webhook each", "all in one webhook"])
def deliver(request, post_webhook, django_capture_on_commit_callbacks):
    """Post events through the signed webhook: each in a webhook of its own (one drain per
    delivery) or all in one (one batch, shuffled inside). The drain the view enqueues after
    its commit runs before the next delivery, as a worker keeping up would."""

    def run(*events: dict) -> None:
        bodies = (
            [webhook_body(e) for e in events]
            if request.param == "one webhook each"
            else [webhook_body(*events)]
        )
        for body in bodies:
            with django_capture_on_commit_callbacks(execute=True):
                assert post_webhook(body).status_code == 200

    return run


@pytest.fixture
def maria(world, deliver) -> Conversation:
    deliver(*(written(i) for i in DELIVERED))
    return Conversation.objects.get(thread_key="maria")


def thread_of(html: str) -> str:
    return html.split('id="thread"')[1].split("</ol>")[0]


def in_page_order(html: str, texts: list[str]) -> list[str]:
    thread = thread_of(html)
    return sorted(texts, key=thread.index)


def test_it_shows_the_thread_in_the_order_the_customer_wrote_it(world, maria):
    page = world.client_for(world.alice).get(f"/c/{maria.pk}/").text

    assert in_page_order(page, TEXTS) == TEXTS
    assert maria.messages.count() == 5, "the redelivery is not shown twice"


def test_each_message_shows_when_it_was_written(world, maria):
    page = world.client_for(world.alice).get(f"/c/{maria.pk}/").text

    messages = [li for li in thread_of(page).split("<li ") if li.startswith('id="message-')]
    times = [re.search(r'<time datetime="([^"]+)"', li)[1] for li in messages]
    assert times == [at(minute).isoformat() for minute in range(5)]


def test_the_api_lists_the_messages_in_written_order_on_every_page(world, maria):
    api = world.api_for(world.alice)
    texts, url = [], f"/api/v1/conversations/{maria.pk}/messages/?page_size=2"
    while url:
        page = api.get(url).json()
        texts += [m["text"] for m in page["results"]]
        url = page["next"]

    assert texts == TEXTS


def test_waiting_and_the_sla_start_from_the_first_message_written(world, maria):
    assert maria.waiting_since == at(0)
    assert maria.sla_due_at == at(settings.SOCIALCARE_SLA_MINUTES)


def test_the_snippet_and_the_window_come_from_the_newest_message_written(world, maria):
    assert maria.snippet == "Anyone there?"
    assert maria.last_message_at == at(4)
    assert maria.last_inbound_at == at(4), "the messaging window counts from the newest"


def test_a_message_delivered_late_is_placed_where_it_was_written(world, deliver):
    deliver(written("w1"), written("w2"), written("w4"))
    convo = Conversation.objects.get(thread_key="maria")
    alice = world.client_for(world.alice)
    page = alice.get(f"/c/{convo.pk}/").text

    deliver(written("w3"))
    late = convo.messages.get(external_id="w3")
    fragment = alice.get(f"/c/{convo.pk}/m/{late.pk}/?folder=open", **HTMX).text

    # The live script inserts it before the first entry on screen with a later data-at.
    places = {
        int(pk): int(place)
        for pk, place in re.findall(r'<li id="message-(\d+)"[^>]*data-at="(\d+)"', page)
    }
    [place] = re.findall(r'data-at="(\d+)"', fragment.split(">")[0])
    before, after = (convo.messages.get(external_id=i).pk for i in ("w2", "w4"))
    assert places[before] < int(place) < places[after]


def test_notes_and_activity_lines_keep_their_own_time(world, deliver):
    deliver(written("w1"))
    convo = Conversation.objects.get(thread_key="maria")
    services.note_create(conversation=convo, author=world.bob, text="Ask the warehouse")

    # Written before Bob's note, delivered after it.
    deliver(written("w2"))

    page = world.client_for(world.alice).get(f"/c/{convo.pk}/").text
    order = ["Hello", "I ordered a blue jacket", "Ask the warehouse"]
    assert in_page_order(page, order) == order


def test_comments_delivered_out_of_order_nest_in_the_order_they_were_written(world, deliver):
    comment = {"kind": "comment", "thread": "c0"}
    deliver(
        message_event("r1", text="Me too", ts=int(at(10).timestamp()), parent="c0", **comment),
        message_event("r2", text="Size M?", ts=int(at(5).timestamp()), parent="c0", **comment),
        message_event("c0", text="Is it in stock?", ts=int(at(0).timestamp()), **comment),
    )
    convo = Conversation.objects.get(thread_key="c0")

    page = world.client_for(world.alice).get(f"/c/{convo.pk}/").text

    order = ["Is it in stock?", "Size M?", "Me too"]
    assert in_page_order(page, order) == order
    assert thread_of(page).count('aria-level="2"') == 2


# --- the conversation's state, on both ingest paths ---------------------------------------


def item(
    external_id: str, minutes: float, *, outbound: bool = False, text: str = ""
) -> InboundMessage:
    return InboundMessage(
        account_external_id="acme-page",
        thread_key="maria",
        conversation_kind="direct",
        external_id=external_id,
        sender=Person(external_id="maria", name="Maria"),
        timestamp=at(minutes),
        text=text or external_id,
        outbound=outbound,
    )


@pytest.fixture(params=["single", "batch"])
def ingest(request):
    path = services.items_ingest if request.param == "single" else items_ingest_many

    def run(*items: InboundMessage) -> Conversation:
        path(kind="testchannel", items=list(items))
        return Conversation.objects.get(thread_key="maria")

    return run


def test_a_late_older_message_moves_nothing_back_and_waiting_earlier(world, ingest):
    ingest(item("newer", 10))

    convo = ingest(item("older", 2))

    assert (convo.snippet, convo.last_message_at, convo.last_inbound_at) == (
        "newer",
        at(10),
        at(10),
    )
    assert convo.last_activity_at == at(10)
    assert convo.waiting_since == at(2)
    assert convo.sla_due_at == at(2 + settings.SOCIALCARE_SLA_MINUTES)


def test_an_answer_from_another_app_delivered_late_leaves_newer_messages_waiting(world, ingest):
    ingest(item("question", 0), item("follow-up", 6))

    convo = ingest(item("phone-answer", 3, outbound=True))

    assert convo.waiting_since == at(6), "the follow-up came after the answer"
    assert convo.sla_due_at == at(6 + settings.SOCIALCARE_SLA_MINUTES)


def test_an_answer_older_than_every_waiting_message_answers_none_of_them(world, ingest):
    ingest(item("question", 5))

    convo = ingest(item("old-answer", 1, outbound=True))

    assert convo.waiting_since == at(5)


def test_an_answer_after_every_message_ends_the_wait_whenever_it_arrives(world, ingest):
    convo = ingest(item("answer", 9, outbound=True), item("question", 0), item("again", 4))

    assert convo.waiting_since is None
    assert convo.sla_due_at is None


def test_a_message_written_before_done_but_new_to_us_reopens_it(world, ingest):
    ingest(item("w2", 2))
    convo = Conversation.objects.get()
    services.conversation_update(conversation=convo, by=world.alice, status="done")

    convo = ingest(item("w1", 1))

    assert convo.status == Conversation.Status.OPEN
    assert convo.waiting_since == at(1)
    assert convo.activities.filter(verb=Activity.Verb.REOPENED).count() == 1


def test_a_redelivery_after_done_changes_nothing(world, ingest):
    ingest(item("w1", 1), item("w2", 2))
    convo = Conversation.objects.get()
    services.conversation_update(conversation=convo, by=world.alice, status="done")

    convo = ingest(item("w1", 1))

    assert convo.status == Conversation.Status.DONE
    assert convo.waiting_since is None
    assert convo.messages.count() == 2
    assert not convo.activities.filter(verb=Activity.Verb.REOPENED).exists()


def test_a_message_written_before_alice_read_but_delivered_after_is_unread(world, ingest):
    convo = ingest(item("w2", 2))
    services.conversation_mark_read(conversation=convo, user=world.alice)
    services.conversation_mark_read(conversation=convo, user=world.bob)
    assert not conversation_list_for(user=world.alice).get(pk=convo.pk).is_unread

    ingest(item("w1", 1))

    assert conversation_list_for(user=world.alice).get(pk=convo.pk).is_unread
    assert conversation_list_for(user=world.bob).get(pk=convo.pk).is_unread


def test_a_redelivery_leaves_read_marks_alone(world, ingest):
    convo = ingest(item("w1", 1))
    services.conversation_mark_read(conversation=convo, user=world.alice)

    ingest(item("w1", 1))

    assert not conversation_list_for(user=world.alice).get(pk=convo.pk).is_unread


# --- our own replies and echoes -------------------------------------------------------------


def reply(convo: Conversation, author, text: str) -> Message:
    return Message.objects.create(
        conversation=convo,
        account=convo.account,
        direction=Message.Direction.OUT,
        text=text,
        author=author,
        status=Message.Status.SENT,
    )


def api_texts(world, convo: Conversation) -> list[str]:
    response = world.api_for(world.alice).get(f"/api/v1/conversations/{convo.pk}/messages/")
    return [m["text"] for m in response.json()["results"]]


def test_our_reply_stays_after_what_it_answered_when_the_platform_times_it_earlier(world, ingest):
    convo = ingest(item("question", 30))
    ours = reply(convo, world.alice, "On its way")
    # The platform's clock put its copy before the question (a confirmation giving its time).
    Message.objects.filter(pk=ours.pk).update(platform_timestamp=at(29))

    assert api_texts(world, convo) == ["question", "On its way"]


def test_an_answer_from_another_app_takes_its_place_by_the_platforms_time(world, ingest):
    convo = ingest(item("first", 0), item("third", 20))
    ingest(item("phone", 10, outbound=True, text="second, from the phone"))

    assert api_texts(world, convo) == ["first", "second, from the phone", "third"]


def test_customer_messages_written_before_our_reply_sit_above_it(world, ingest):
    convo = ingest(item("second", 2))
    reply(convo, world.alice, "Hi Maria")

    ingest(item("first", 1))

    assert api_texts(world, convo) == ["first", "second", "Hi Maria"]


def test_the_database_and_python_agree_on_the_order(world, ingest):
    convo = ingest(item("b", 5), item("a", 5), item("phone", 5, outbound=True), item("c", 1))
    reply(convo, world.alice, "ours")
    reply(convo, world.bob, "ours too")
    Message.objects.filter(text="ours").update(platform_timestamp=at(0))

    from_db = list(in_thread_order(convo.messages.all()))

    assert from_db == sorted(from_db, key=lambda m: (thread_time(m), m.pk))
    assert [m.text for m in from_db][:1] == ["c"]
    assert [m.text for m in from_db][-2:] == ["ours", "ours too"]


def test_placing_one_message_takes_the_same_queries_for_a_longer_thread(world, deliver):
    """The live fragment computes the message's place from the thread's rows as loaded:
    every field the order reads is in the one query, none is fetched row by row."""
    comment = {"kind": "comment", "thread": "c0"}
    deliver(message_event("c0", text="Is it in stock?", ts=int(at(0).timestamp()), **comment))
    convo = Conversation.objects.get(thread_key="c0")
    alice = world.client_for(world.alice)
    alice.get(f"/c/{convo.pk}/")  # the session's first request does more (sign-in records)

    def queries_to_place(external_id: str, minutes: int) -> int:
        event = message_event(
            external_id, text=external_id, ts=int(at(minutes).timestamp()), parent="c0", **comment
        )
        deliver(event)
        message = convo.messages.get(external_id=external_id)
        with CaptureQueriesContext(connection) as queries:
            alice.get(f"/c/{convo.pk}/m/{message.pk}/?folder=open", **HTMX)
        return len(queries)

    short = queries_to_place("r1", 5)
    for n in range(2, 12):
        # Some of them the Page's own answers from another app, naming no parent: their
        # place under the first comment is found by time.
        extra = {"echo": True} if n % 2 else {"parent": "c0"}
        deliver(message_event(f"r{n}", ts=int(at(n).timestamp()), **comment, **extra))

    assert queries_to_place("late", 1) == short
