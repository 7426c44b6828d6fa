"""The Viber traffic simulator: what it invents parses into every kind of item, in six
languages, and `manage.py simulate_viber` feeds a running server, each bot's callbacks
signed with that bot's own token."""

import base64
import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from channels_viber.parse import parse
from channels_viber.simulator import (
    SCENARIOS,
    Bot,
    Callback,
    SentMessage,
    Traffic,
    signature,
    webhook_body,
)
from channels_viber.simulator_content import LANGUAGES
from inbox.items import DeliveryUpdate, InboundMessage, Skipped, SubscriptionChange
from inbox.models import ChannelAccount, Conversation, Message, WebhookEvent
from tests.factories import ConversationFactory, MessageFactory
from tests.viber.helpers import viber_sign

ACME = Bot(1, "pa:5840000000000000001", "Acme Support", "sandbox-viber-token-acme")
KAFE = Bot(2, "pa:5840000000000000002", "Kafe Helios", "sandbox-viber-token-kafe")
NIKOS = "Gq7vNw2ZkP9sXe4LtR1yBA=="
MEDIA = "http://127.0.0.1:8000/sandbox/viber/media/"
NOW = datetime(2026, 7, 29, 10, 0, tzinfo=UTC)
# One deck of scenarios: every kind of customer action comes up once it is dealt.
DECK = sum(weight for _, weight in SCENARIOS)
OUR_REPLIES = [
    SentMessage(ACME.bot_id, NIKOS, "5741311803571725551", NOW - timedelta(minutes=9), "delivered"),
    SentMessage(ACME.bot_id, NIKOS, "5741311803571725552", NOW - timedelta(minutes=5), "delivered"),
    SentMessage(ACME.bot_id, NIKOS, "5741311803571725555", NOW - timedelta(minutes=2), "sent"),
]


def simulate(bots: list[Bot], sent: list[SentMessage] = OUR_REPLIES, *, seed: int = 7):
    """The callbacks of two decks' worth of batches, as a run would post them."""
    traffic = Traffic(seed=seed, media_url=MEDIA)
    callbacks = []
    for batch in range(2 * DECK // 9):
        now = NOW + timedelta(seconds=25 * batch)
        callbacks += traffic.batch(bots, sent, burst=9, now=now)
    return callbacks


def items_of(callbacks: list[Callback]) -> list:
    return [
        item
        for callback in callbacks
        for item in parse(callback.payload, account_external_id=callback.bot.bot_id)
    ]


def messages(items: list) -> list[InboundMessage]:
    return [item for item in items if isinstance(item, InboundMessage)]


def parse_one(callback: Callback):
    [item] = parse(callback.payload, account_external_id=callback.bot.bot_id)
    return item


def user_of(payload: dict) -> str:
    """The Viber user a callback is about: `sender`, `user` or `user_id`, by event."""
    return (payload.get("sender") or payload.get("user") or {}).get("id") or payload["user_id"]


def test_its_callbacks_parse_into_every_kind_of_item():
    callbacks = simulate([ACME])
    items = items_of(callbacks)
    inbound = messages(items)
    attachments = [a for m in inbound for a in m.attachments]
    subscriptions = [i for i in items if isinstance(i, SubscriptionChange)]

    assert {a.type for a in attachments} == {
        "image",
        "file",
        "sticker",
        "fallback",
        "location",
        "contact",
    }
    assert all(
        m.conversation_kind == "direct" and m.thread_key == m.sender.external_id for m in inbound
    )
    assert any(not m.attachments and m.text for m in inbound)
    pictures = [m for m in inbound if m.attachments and m.attachments[0].type == "image"]
    assert all(m.text and m.attachments[0].url == MEDIA + "photo.png" for m in pictures)
    assert {s.subscribed for s in subscriptions} == {True, False}
    assert {i.status for i in items if isinstance(i, DeliveryUpdate)} == {"delivered", "read"}
    assert {c.payload["event"] for c in callbacks if isinstance(parse_one(c), Skipped)} == {
        "conversation_started"
    }
    assert any("context" in c.payload for c in callbacks)
    assert not any(m.outbound for m in inbound)


def test_customers_write_in_all_six_languages_with_their_profile():
    language_of = {text: content.code for content in LANGUAGES for text in content.texts()}
    inbound = messages(items_of(simulate([ACME])))
    texts = [m for m in inbound if m.text]

    assert all(m.text in language_of for m in texts)
    assert {language_of[m.text] for m in texts} == {"en", "el", "be", "he", "ru", "zh"}
    for m in texts:
        assert m.sender.profile["language"].split("-")[0] == language_of[m.text]
        assert m.sender.profile["subscribed"] is True
        assert m.sender.name and m.sender.profile["country"]


def test_a_conversation_starts_with_the_chat_opened_and_grows_from_the_same_customer():
    callbacks = simulate([ACME])
    first_event: dict[str, str] = {}
    for callback in callbacks:
        first_event.setdefault(user_of(callback.payload), callback.payload["event"])
    per_customer = Counter(m.thread_key for m in messages(items_of(callbacks)))
    opened = [c.payload for c in callbacks if c.payload["event"] == "conversation_started"]

    assert {event for user, event in first_event.items() if user != NIKOS} == {
        "conversation_started"
    }
    assert all(p["subscribed"] is False and p["type"] == "open" for p in opened)
    assert max(per_customer.values()) > 3


def test_customers_unsubscribe_now_and_then_and_come_back_only_by_writing():
    events = [(user_of(c.payload), c.payload["event"]) for c in simulate([ACME], seed=11)]
    state: dict[str, str] = {}
    for user_id, event in events:
        if event == "unsubscribed":
            # Only a subscriber can leave: they wrote or tapped Subscribe since they last left.
            assert state.get(user_id) in {"message", "subscribed"}
        if event in {"unsubscribed", "message", "subscribed"}:
            state[user_id] = event

    assert "unsubscribed" in {event for _, event in events}
    assert "subscribed" in {event for _, event in events}


def test_ids_are_well_formed_and_never_repeat():
    callbacks = simulate([ACME, KAFE])
    tokens = [c.payload["message_token"] for c in callbacks if c.payload["event"] != "seen"]
    tokens = [t for t in tokens if str(t) not in {r.token for r in OUR_REPLIES}]
    users_of: dict[str, set[str]] = defaultdict(set)
    for m in messages(items_of(callbacks)):
        users_of[m.account_external_id].add(m.thread_key)

    assert all(isinstance(t, int) and 2**62 < t < 2**63 for t in tokens)
    assert len(set(tokens)) == len(tokens)
    assert all(len(base64.b64decode(u, validate=True)) == 16 for u in users_of[ACME.bot_id])
    # Viber's user ids are per bot: the same person has another id on another bot.
    assert users_of[ACME.bot_id] and users_of[KAFE.bot_id]
    assert not users_of[ACME.bot_id] & users_of[KAFE.bot_id]


def test_two_runs_invent_different_ids():
    first, second = (Traffic(media_url=MEDIA).batch([ACME], [], burst=3, now=NOW) for _ in "ab")

    assert first[0].payload["message_token"] != second[0].payload["message_token"]


def test_receipts_cover_our_replies_once_and_seen_after_they_were_sent():
    traffic = Traffic(seed=3, media_url=MEDIA)
    kafes_reply = SentMessage(KAFE.bot_id, "x" * 22 + "==", "5741311803571725999", NOW, "sent")
    receipts = [
        item
        for batch in range(8)
        for item in items_of(
            traffic.batch(
                [ACME],
                [*OUR_REPLIES, kafes_reply],
                burst=1,
                now=NOW + timedelta(seconds=25 * batch),
            )
        )
        if isinstance(item, DeliveryUpdate)
    ]
    delivered = [r for r in receipts if r.status == "delivered"]
    read = [r for r in receipts if r.status == "read"]

    assert [r.external_ids for r in delivered] == [("5741311803571725555",)]
    assert len(read) == 1
    assert read[0].thread_key == NIKOS
    assert read[0].watermark > OUR_REPLIES[1].sent_at


def test_no_connected_bot_means_nothing_to_send():
    assert Traffic(media_url=MEDIA).batch([], OUR_REPLIES, burst=5, now=NOW) == []


def test_the_body_is_raw_utf8_and_signed_with_the_bots_token():
    [callback] = [
        c
        for c in simulate([ACME])
        if c.payload["event"] == "message" and c.payload["sender"]["language"] == "el"
    ][:1]
    body = webhook_body(callback.payload)

    assert not body.isascii()
    assert json.loads(body) == callback.payload
    assert signature(body, ACME.auth_token) == viber_sign(body, ACME.auth_token)
    assert signature(body, ACME.auth_token) != viber_sign(body, KAFE.auth_token)


def test_the_command_refuses_to_run_without_the_sandbox(settings):
    settings.SANDBOX = False

    with pytest.raises(CommandError, match="SOCIALCARE_SANDBOX"):
        call_command("simulate_viber", count=1, interval=0)


@pytest.mark.django_db
def test_without_a_connected_bot_the_command_says_there_is_nothing_to_send(settings):
    settings.SANDBOX = True
    out = StringIO()

    call_command("simulate_viber", count=2, interval=0, wait=0, stdout=out)

    assert out.getvalue().count("no active Viber bot is connected") == 2


@pytest.fixture
def running_server(settings, live_server):
    """This server with the sandbox on, the way `make run` starts it."""
    settings.SANDBOX = True
    settings.ROOT_URLCONF = "tests.urls_sandbox"
    settings.SOCIALCARE_SANDBOX_URL = live_server.url
    settings.VIBER_API_URL = f"{live_server.url}/sandbox/viber/api"
    return live_server


def connected_bot(world, bot: Bot) -> tuple[ChannelAccount, Message]:
    """A sandbox bot as connecting leaves it, and a reply an agent sent a minute ago."""
    account = ChannelAccount.objects.create(
        kind="viber",
        external_id=bot.bot_id,
        name=bot.name,
        credentials={"auth_token": bot.auth_token},
    )
    account.teams.add(world.support)
    ours = ConversationFactory(account=account, thread_key=NIKOS, identity__external_id=NIKOS)
    reply = MessageFactory(
        conversation=ours,
        direction=Message.Direction.OUT,
        author=world.alice,
        text="Your parcel leaves the warehouse today.",
        external_id=str(5741311803571725000 + bot.pk),
        status=Message.Status.SENT,
        sent_at=timezone.now() - timedelta(minutes=1),
    )
    return account, reply


@pytest.mark.django_db(transaction=True)
def test_simulate_viber_feeds_the_running_server(world, running_server):
    acme, acme_reply = connected_bot(world, ACME)
    kafe, kafe_reply = connected_bot(world, KAFE)
    out = StringIO()

    call_command("simulate_viber", count=1, burst=6, interval=0, stdout=out)

    assert "0 failed" in out.getvalue()
    assert WebhookEvent.objects.filter(kind="viber").exists()
    assert not WebhookEvent.objects.filter(status=WebhookEvent.Status.FAILED).exists()
    created = Conversation.objects.filter(account__in=[acme, kafe]).exclude(thread_key=NIKOS)
    assert created.exists()
    assert all(c.kind == Conversation.Kind.DIRECT for c in created)
    assert Message.objects.filter(conversation__in=created, direction="in").exists()
    # Each bot's receipt got through: signed with that bot's own token.
    for reply in (acme_reply, kafe_reply):
        reply.refresh_from_db()
        assert reply.status == Message.Status.DELIVERED
