"""Changes older than the state they would change are not applied over it.

A webhook captured and replayed later, or a platform retry that arrives after the change
that followed it, carries the platform time it was made at: ingest orders by that, not by
arrival, on both paths.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from inbox import services
from inbox.items import (
    DeliveryUpdate,
    InboundMessage,
    MessageUpdate,
    Person,
    Reaction,
    SubscriptionChange,
)
from inbox.models import Identity, Message
from tests.testchannel.adapter import KIND

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def comment(text: str = "Where is my order?") -> InboundMessage:
    return InboundMessage(
        account_external_id="acme-page",
        thread_key="c1",
        conversation_kind="comment",
        external_id="c1",
        sender=Person("u1", "Ελένη"),
        timestamp=T0,
        text=text,
        kind="comment",
        public=True,
    )


def change(kind: str, minutes: int | None, text: str = "") -> MessageUpdate:
    when = None if minutes is None else at(minutes)
    return MessageUpdate("acme-page", "c1", kind, text=text, timestamp=when)


def reaction(minutes: int, *, removed: bool = False, emoji: str = "❤️") -> Reaction:
    return Reaction(
        "acme-page", "c1", "u1", "love", emoji=emoji, removed=removed, timestamp=at(minutes)
    )


def one_by_one(items):
    return services.items_ingest(kind=KIND, items=items)


def set_based(items):
    return services.items_ingest_many(kind=KIND, items=items)


PATHS = pytest.mark.parametrize("ingest", [one_by_one, set_based], ids=["single", "batch"])


def stored() -> Message:
    return Message.objects.get(external_id="c1")


@PATHS
def test_an_unhide_older_than_the_hide_leaves_it_hidden(world, ingest: Callable) -> None:
    ingest([comment(), change("hidden", 5)])

    result = ingest([change("unhidden", 2)])  # made before the hide, delivered after it

    assert stored().hidden is True
    assert result.updated == 0


@PATHS
def test_a_replayed_hide_does_not_undo_the_unhide_after_it(world, ingest: Callable) -> None:
    ingest([comment(), change("hidden", 5), change("unhidden", 9)])

    ingest([change("hidden", 5)])  # the captured hide, replayed

    assert stored().hidden is False


@PATHS
def test_a_hide_of_a_hidden_comment_still_orders_what_comes_after(world, ingest) -> None:
    # Hidden at 5, hidden again at 8 (nothing to see), then an unhide made at 6 arrives.
    ingest([comment(), change("hidden", 5), change("hidden", 8)])

    ingest([change("unhidden", 6)])

    assert stored().hidden is True


@PATHS
def test_an_edit_older_than_the_text_shown_changes_nothing(world, ingest: Callable) -> None:
    ingest([comment(), change("edited", 5, "Where is order #1?"), change("edited", 9, "#12?")])

    result = ingest([change("edited", 5, "Where is order #1?")])

    message = stored()
    assert message.text == "#12?"
    assert [e["text"] for e in message.edits] == ["Where is my order?", "Where is order #1?"]
    assert message.conversation.snippet == "#12?"
    assert result.updated == 0


@PATHS
def test_edits_delivered_out_of_order_end_on_the_newest(world, ingest: Callable) -> None:
    ingest([comment(), change("edited", 9, "newest"), change("edited", 5, "older")])

    assert stored().text == "newest"


@PATHS
def test_an_unreact_older_than_the_reaction_leaves_it(world, ingest: Callable) -> None:
    ingest([comment(), reaction(5)])

    ingest([reaction(2, removed=True)])

    assert stored().reactions == [{"sender": "u1", "reaction": "love", "emoji": "❤️"}]


@PATHS
def test_a_replayed_reaction_does_not_come_back_after_its_unreact(world, ingest) -> None:
    ingest([comment(), reaction(5), reaction(7, removed=True)])

    ingest([reaction(5)])

    assert stored().reactions == []


@PATHS
def test_one_persons_reaction_times_do_not_hold_back_anothers(world, ingest) -> None:
    ingest([comment(), reaction(9)])
    other = Reaction("acme-page", "c1", "u2", "like", emoji="👍", timestamp=at(3))

    ingest([other])

    assert {r["sender"] for r in stored().reactions} == {"u1", "u2"}


@PATHS
def test_the_same_change_twice_is_still_idempotent(world, ingest: Callable) -> None:
    ingest([comment(), change("hidden", 5), reaction(5)])

    result = ingest([change("hidden", 5), reaction(5)])

    assert result.updated == 0
    message = stored()
    assert message.hidden is True
    assert len(message.reactions) == 1


@PATHS
def test_a_change_without_a_platform_time_is_applied_as_it_comes(world, ingest) -> None:
    ingest([comment(), change("hidden", 5)])

    ingest([change("unhidden", None)])

    assert stored().hidden is False


@PATHS
def test_a_replayed_delivery_receipt_never_moves_a_read_reply_back(world, ingest) -> None:
    ingest([comment()])
    reply = Message.objects.create(
        conversation=stored().conversation,
        account=world.acme,
        direction=Message.Direction.OUT,
        text="Sorry! It ships today.",
        external_id="r1",
        status=Message.Status.SENT,
        sent_at=at(1),
        platform_timestamp=at(1),
    )
    delivered = DeliveryUpdate("acme-page", "delivered", external_ids=("r1",))
    delivered_by_mark = DeliveryUpdate("acme-page", "delivered", watermark=at(2), thread_key="c1")
    ingest([delivered, DeliveryUpdate("acme-page", "read", watermark=at(3), thread_key="c1")])

    ingest([delivered, delivered_by_mark])

    reply.refresh_from_db()
    assert reply.status == Message.Status.READ


@PATHS
def test_a_replayed_subscribe_does_not_undo_the_unsubscribe_after_it(world, ingest) -> None:
    def subscription(subscribed: bool, minutes: int) -> SubscriptionChange:
        return SubscriptionChange("acme-page", Person("u1"), subscribed, timestamp=at(minutes))

    ingest([subscription(True, 1), subscription(False, 5)])

    ingest([subscription(True, 1)])

    assert Identity.objects.get(external_id="u1").profile["subscribed"] is False
