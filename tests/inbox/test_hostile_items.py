"""Ingest takes whatever a parser lets through from a hostile payload, without raising.

Through both paths (one item at a time, and the batch drain's set-based one), on SQLite
and on PostgreSQL, which refuses more: NUL characters, values longer than their column.
"""

import contextlib
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.items import DeliveryUpdate, InboundMessage, Person, SubscriptionChange
from inbox.models import Contact, Conversation, Identity, Message
from inbox.parsing import LATEST, MalformedPayload
from inbox.services import items_ingest, items_ingest_many
from tests.factories import AccountFactory
from tests.test_parsers_fuzz import parse, payloads

pytestmark = pytest.mark.django_db

PATHS = {
    "one by one": lambda kind, items: items_ingest(kind=kind, items=items),
    "batch": lambda kind, items: items_ingest_many(kind=kind, items=items),
}
SENT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def item(**changes) -> InboundMessage:
    base = InboundMessage(
        account_external_id="acme-page",
        thread_key="t1",
        conversation_kind="direct",
        external_id="m1",
        sender=Person(external_id="u1", name="Maria"),
        timestamp=SENT,
        text="Where is my parcel?",
    )
    return replace(base, **changes)


@pytest.fixture(params=sorted(PATHS))
def ingest(request):
    return lambda *items: PATHS[request.param]("testchannel", list(items))


def test_a_name_of_ten_thousand_characters_is_cut_to_fit(world, ingest):
    ingest(item(sender=Person(external_id="u1", name="Μ" * 10_000, handle="h" * 5_000)))

    identity = Identity.objects.get()
    assert identity.name == "Μ" * 200
    assert identity.handle == "h" * 200
    assert Contact.objects.get().name == "Μ" * 200
    assert Message.objects.get().text == "Where is my parcel?"


@pytest.mark.parametrize(
    "changes",
    [
        {"external_id": "m" * 500},
        {"thread_key": "t" * 500},
        {"parent_external_id": "p" * 500},
        {"sender": Person(external_id="u" * 500)},
        {"account_external_id": "a" * 500},
    ],
    ids=["message id", "thread key", "parent id", "sender id", "account id"],
)
def test_an_id_longer_than_any_platform_id_refuses_the_item(world, ingest, changes):
    result = ingest(item(**changes))

    assert result.skipped == 1
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), datetime(2099, 12, 31, tzinfo=UTC)),
        (datetime(1, 1, 1, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC)),
        (datetime(1970, 1, 1, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC)),
    ],
    ids=["year 9999", "year 1", "the epoch"],
)
def test_a_time_out_of_bounds_is_clamped(world, ingest, sent, stored):
    ingest(item(timestamp=sent))

    message = Message.objects.get()
    assert message.platform_timestamp == stored < LATEST
    conversation = message.conversation
    assert conversation.waiting_since == stored
    assert conversation.sla_due_at > stored


def test_text_no_database_can_store_is_cleaned(world, ingest):
    ingest(
        item(
            text="Hello\x00 there \ud800!",
            sender=Person(external_id="u1", name="Ma\x00ria"),
            extra={"referral": {"ref": "ad\x00", "score": float("nan"), "n": float("inf")}},
        )
    )

    message = Message.objects.get()
    assert message.text == "Hello there \ufffd!"
    assert message.extra == {"referral": {"ref": "ad", "score": None, "n": None}}
    assert Identity.objects.get().name == "Maria"


def test_nesting_deeper_than_anything_shown_is_cut(world, ingest):
    deep: object = "bottom"
    for _ in range(900):
        deep = {"deeper": deep}

    ingest(item(extra={"referral": deep}))

    stored = Message.objects.get().extra
    depth = 0
    while isinstance(stored, dict):
        stored, depth = stored.get("deeper", stored.get("referral")), depth + 1
    assert 10 < depth < 100


def test_receipts_and_subscriptions_with_hostile_ids_change_nothing(world, ingest):
    result = ingest(
        DeliveryUpdate(account_external_id="acme-page", status="read", external_ids=("x" * 500,)),
        SubscriptionChange(
            account_external_id="acme-page", person=Person(external_id="u" * 500), subscribed=True
        ),
    )

    assert result.updated == 0
    assert not Identity.objects.exists()


class Undo(Exception):
    """Raised to roll one example's writes back."""


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("channel", ["facebook", "viber"])
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_whatever_a_parser_returns_ingests_without_an_error(world, channel, path, data):
    payload = data.draw(payloads(channel), label="payload")
    try:
        items = parse(channel, payload)
    except MalformedPayload:
        return
    with contextlib.suppress(Undo), transaction.atomic():
        AccountFactory(kind="facebook", external_id="104857600123456")
        AccountFactory(kind="viber", external_id="the-account")
        PATHS[path](channel, items)
        raise Undo
