"""Edits, removals, hiding and reactions change the message we have; never a new one."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from inbox import services
from inbox.items import InboundMessage, MessageUpdate, Person, Reaction, Skipped
from inbox.models import Message, UnroutedEntry
from tests.testchannel.adapter import KIND

WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def comment(account: str = "acme-page", id: str = "c1", text: str = "Where is my order?"):
    return InboundMessage(
        account_external_id=account,
        thread_key="c1",
        conversation_kind="comment",
        external_id=id,
        sender=Person("u1", "Ελένη"),
        timestamp=WHEN,
        text=text,
        kind="comment",
        public=True,
    )


def update(change: str, text: str = "") -> MessageUpdate:
    return MessageUpdate("acme-page", "c1", change, text=text, timestamp=WHEN)


def one_by_one(items):
    return services.items_ingest(kind=KIND, items=items)


def set_based(items):
    return services.items_ingest_many(kind=KIND, items=items)


PATHS = pytest.mark.parametrize("ingest", [one_by_one, set_based], ids=["single", "batch"])


@PATHS
def test_an_edit_replaces_the_text_and_keeps_the_earlier_one(world, ingest: Callable) -> None:
    ingest([comment(), update("edited", "Where is my order #5531?")])
    ingest([update("edited", "Where is my order #5531?")])  # delivered again

    message = Message.objects.get(external_id="c1")
    assert message.text == "Where is my order #5531?"
    assert [e["text"] for e in message.edits] == ["Where is my order?"]
    assert Message.objects.count() == 1
    assert message.conversation.snippet == "Where is my order #5531?"


@PATHS
def test_removed_and_hidden_comments_are_marked_not_dropped(world, ingest: Callable) -> None:
    ingest([comment(), update("hidden")])
    assert Message.objects.get(external_id="c1").hidden is True

    ingest([update("unhidden"), update("removed")])
    message = Message.objects.get(external_id="c1")
    assert message.hidden is False
    assert message.removed_at == WHEN
    assert message.text == "Where is my order?"


@PATHS
def test_reactions_annotate_the_message_one_per_person(world, ingest: Callable) -> None:
    ingest([comment()])
    ingest(
        [
            Reaction("acme-page", "c1", "u1", "like", "👍"),
            Reaction("acme-page", "c1", "u1", "love", "❤️"),  # changes their reaction
            Reaction("acme-page", "c1", "u2", "wow", "😮"),
        ]
    )
    assert Message.objects.get(external_id="c1").reactions == [
        {"sender": "u1", "reaction": "love", "emoji": "❤️"},
        {"sender": "u2", "reaction": "wow", "emoji": "😮"},
    ]
    ingest([Reaction("acme-page", "c1", "u2", "wow", removed=True)])
    assert [r["sender"] for r in Message.objects.get(external_id="c1").reactions] == ["u1"]
    assert Message.objects.count() == 1


@PATHS
def test_a_change_for_a_message_we_never_got_changes_nothing(world, ingest: Callable) -> None:
    result = ingest([update("edited", "new text"), Reaction("acme-page", "zz", "u1", "like")])
    assert result.updated == 0
    assert Message.objects.count() == 0


@PATHS
def test_the_update_in_the_same_batch_as_its_message_applies(world, ingest: Callable) -> None:
    ingest([update("edited", "second"), comment(text="first")])
    assert Message.objects.get(external_id="c1").text == "second"


@PATHS
def test_entries_for_an_account_not_connected_are_counted_for_its_health(
    world, ingest: Callable
) -> None:
    result = ingest(
        [comment(account="page-we-do-not-have"), comment(account="page-we-do-not-have", id="c2")]
    )
    ingest([comment(account="page-we-do-not-have", id="c3"), Skipped("unknown")])

    assert result.skipped == 2
    entry = UnroutedEntry.objects.get(kind=KIND, account_external_id="page-we-do-not-have")
    assert entry.count == 3
    assert Message.objects.count() == 0
