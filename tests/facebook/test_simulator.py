"""The Facebook traffic simulator: what it invents parses into every kind of item, in six
languages, and `manage.py simulate_facebook` feeds a running server."""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from channels_fb.parse import parse
from channels_fb.simulator import (
    SCENARIOS,
    Page,
    SentMessage,
    Traffic,
    build_comment,
    signature,
    webhook_body,
)
from channels_fb.simulator_content import LANGUAGES
from channels_fb.views import signature_valid
from inbox.items import DeliveryUpdate, InboundMessage, MessageUpdate, Reaction
from inbox.models import Conversation, Message, WebhookEvent
from tests.factories import AccountFactory, ConversationFactory, MessageFactory

PAGE_ID = "104857600123456"
PAGE = Page(PAGE_ID, "Northwind Outdoor")
PSID = "6290011122233344"
MEDIA = "http://127.0.0.1:8000/sandbox/facebook/media/photo.png"
NOW = datetime(2026, 7, 29, 10, 0, tzinfo=UTC)
# One deck of scenarios: every kind of customer action comes up once it is dealt.
DECK = sum(weight for _, weight in SCENARIOS)
OUR_REPLIES = [
    SentMessage(PAGE_ID, PSID, "m_our_first_reply", NOW - timedelta(minutes=9), "delivered"),
    SentMessage(PAGE_ID, PSID, "m_our_second_reply", NOW - timedelta(minutes=2), "sent"),
]


def simulate(
    pages: list[Page], sent: list[SentMessage] = OUR_REPLIES, *, seed: int = 7
) -> list[dict]:
    """The payloads of a deck's worth of batches, as a run would post them."""
    traffic = Traffic(seed=seed, media_url=MEDIA)
    payloads = []
    for batch in range(DECK // 11):
        now = NOW + timedelta(seconds=20 * batch)
        payloads += traffic.batch(pages, sent, burst=11, now=now)
    return payloads


def items_of(payloads: list[dict]) -> list:
    return [item for payload in payloads for item in parse(payload)]


def messages(items: list) -> list[InboundMessage]:
    return [item for item in items if isinstance(item, InboundMessage)]


def test_its_payloads_parse_into_every_kind_of_item():
    items = items_of(simulate([PAGE]))
    inbound = messages(items)

    assert {m.kind for m in inbound} == {"message", "comment", "post", "review"}
    assert {m.conversation_kind for m in inbound} == {"direct", "comment", "review"}
    assert any(a.type == "image" and a.url == MEDIA for m in inbound for a in m.attachments)
    assert any("quick_reply" in m.extra for m in inbound)
    assert any("postback" in m.extra for m in inbound)
    assert any(m.parent_external_id for m in inbound if m.kind == "comment")
    assert {m.context["recommendation_type"] for m in inbound if m.kind == "review"} == {
        "positive",
        "negative",
    }
    assert any(isinstance(i, Reaction) for i in items)
    assert any(isinstance(i, MessageUpdate) and i.change == "edited" for i in items)
    assert {i.status for i in items if isinstance(i, DeliveryUpdate)} == {"delivered", "read"}
    assert not any(m.outbound for m in inbound)


def test_customers_write_in_all_six_languages():
    language_of = {text: content.code for content in LANGUAGES for text in content.texts()}
    items = items_of(simulate([PAGE]))
    # Photos come as messages of their own, without text.
    texts = [m.text for m in messages(items) if m.text] + [
        i.text for i in items if isinstance(i, MessageUpdate)
    ]

    assert all(text in language_of for text in texts)
    assert {language_of[text] for text in texts} == {"en", "el", "be", "he", "ru", "zh"}


def test_conversations_grow_from_the_same_customer_and_under_the_same_comment():
    inbound = messages(items_of(simulate([PAGE])))
    per_customer = Counter(m.thread_key for m in inbound if m.conversation_kind == "direct")
    top_level = {m.external_id for m in inbound if m.kind == "comment" and not m.parent_external_id}
    replies = [m for m in inbound if m.kind == "comment" and m.parent_external_id]

    assert max(per_customer.values()) > 1
    assert replies
    assert all(r.parent_external_id in top_level for r in replies)
    assert all(r.thread_key == r.parent_external_id for r in replies)


def test_ids_are_well_formed_and_never_repeat():
    inbound = messages(items_of(simulate([PAGE])))

    for m in inbound:
        if m.conversation_kind == "direct" and "postback" not in m.extra:
            assert m.external_id.startswith("m_")
        if m.kind == "post":
            assert m.external_id.startswith(f"{PAGE_ID}_")
        if m.kind == "comment":
            post_part = m.context["post_id"].split("_")[1]
            assert m.external_id.startswith(f"{post_part}_")
            assert m.context["post_id"].startswith(f"{PAGE_ID}_")
    assert len({m.external_id for m in inbound}) == len(inbound)


def test_two_runs_invent_different_ids():
    first, second = (Traffic(media_url=MEDIA).batch([PAGE], [], burst=3, now=NOW) for _ in "ab")

    assert messages(items_of(first))[0].external_id != messages(items_of(second))[0].external_id


def test_a_page_without_reviews_gets_none():
    inbound = messages(items_of(simulate([Page(PAGE_ID, "Northwind Outdoor", reviews=False)])))

    assert inbound
    assert not [m for m in inbound if m.conversation_kind == "review"]


def test_receipts_cover_our_replies_once_with_a_watermark_after_they_were_sent():
    traffic = Traffic(seed=3, media_url=MEDIA)
    receipts = [
        item
        for batch in range(6)
        for item in items_of(
            traffic.batch([PAGE], OUR_REPLIES, burst=1, now=NOW + timedelta(seconds=20 * batch))
        )
        if isinstance(item, DeliveryUpdate)
    ]
    delivered = [r for r in receipts if r.status == "delivered"]
    read = [r for r in receipts if r.status == "read"]

    assert [r.external_ids for r in delivered] == [("m_our_second_reply",)]
    assert delivered[0].thread_key == PSID
    assert delivered[0].watermark > OUR_REPLIES[1].sent_at
    assert len(read) == 1
    assert read[0].watermark > OUR_REPLIES[0].sent_at


def test_no_connected_page_means_nothing_to_send():
    assert Traffic(media_url=MEDIA).batch([], OUR_REPLIES, burst=5, now=NOW) == []


def test_the_body_is_escaped_and_signed_as_meta_sends_it(settings):
    settings.FACEBOOK_APP_SECRET = "simulator-secret"
    payload = {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": 1785320000,
                "changes": [
                    build_comment(
                        post_id=f"{PAGE_ID}_998877665544332",
                        comment_id="998877665544332_1122334455667788",
                        parent_id=f"{PAGE_ID}_998877665544332",
                        user_id="7712003344556677",
                        name="Μαρία Παπαδοπούλου",
                        text="Υπάρχει και σε άλλα χρώματα;",
                        created_s=1785319998,
                    )
                ],
            }
        ],
    }
    body = webhook_body(payload)

    assert body.isascii() and b"\\u039c" in body
    assert json.loads(body) == payload
    assert signature_valid(body, {"X-Hub-Signature-256": signature(body, "simulator-secret")})


def test_the_command_refuses_to_run_without_the_sandbox(settings):
    settings.SANDBOX = False

    with pytest.raises(CommandError, match="SOCIALCARE_SANDBOX"):
        call_command("simulate_facebook", count=1, interval=0)


@pytest.mark.django_db
def test_without_a_connected_page_the_command_says_there_is_nothing_to_send(settings):
    settings.SANDBOX = True
    settings.FACEBOOK_APP_SECRET = "simulator-secret"
    out = StringIO()

    call_command("simulate_facebook", count=2, interval=0, wait=0, stdout=out)

    assert out.getvalue().count("no active Facebook Page is connected") == 2


@pytest.fixture
def running_server(settings, live_server):
    """This server with the sandbox on, the way `make run` starts it."""
    settings.SANDBOX = True
    settings.ROOT_URLCONF = "tests.urls_sandbox"
    settings.SOCIALCARE_SANDBOX_URL = live_server.url
    settings.FACEBOOK_GRAPH_URL = f"{live_server.url}/sandbox/facebook/graph"
    settings.FACEBOOK_APP_SECRET = "simulator-secret"
    settings.FACEBOOK_ENABLED = True
    return live_server


def kind_for(thread_key: str) -> str:
    """The conversation kind a thread key says: spec.md's thread-key conventions."""
    if thread_key.startswith("review:"):
        return Conversation.Kind.REVIEW
    if thread_key.isdigit():
        return Conversation.Kind.DIRECT
    return Conversation.Kind.COMMENT


@pytest.mark.django_db(transaction=True)
def test_simulate_facebook_feeds_the_running_server(world, running_server):
    page = AccountFactory(
        kind="facebook",
        external_id=PAGE_ID,
        name="Northwind Outdoor",
        credentials={"page_id": PAGE_ID, "access_token": "sandbox-page-token"},
    )
    page.teams.add(world.support)
    ours = ConversationFactory(account=page, thread_key=PSID, identity__external_id=PSID)
    reply = MessageFactory(
        conversation=ours,
        direction=Message.Direction.OUT,
        author=world.alice,
        text="Your parcel leaves the warehouse today.",
        external_id="m_our_reply",
        status=Message.Status.SENT,
        sent_at=timezone.now() - timedelta(minutes=1),
    )
    out = StringIO()

    call_command("simulate_facebook", count=1, burst=5, interval=0, stdout=out)

    assert "0 failed" in out.getvalue()
    assert WebhookEvent.objects.filter(kind="facebook").exists()
    assert not WebhookEvent.objects.filter(status=WebhookEvent.Status.FAILED).exists()
    created = Conversation.objects.filter(account=page).exclude(pk=ours.pk)
    assert created.exists()
    assert all(c.kind == kind_for(c.thread_key) for c in created)
    assert Message.objects.filter(conversation__in=created, direction="in").exists()
    reply.refresh_from_db()
    assert reply.status == Message.Status.DELIVERED
