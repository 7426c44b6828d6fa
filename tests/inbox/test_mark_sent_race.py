"""The echo of our own send, stored as "sent elsewhere" while the send is marked sent.

A channel whose echoes carry no marker stores the echo as a copy with the platform's id;
`message_mark_sent` removes it and takes the id. When the echo's insert commits between
that delete and the update, the update hits the unique (account, external id)
constraint. On PostgreSQL the two run in threads for real; everywhere, the same
interleaving is forced by storing the copy just before the update runs.
"""

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connection, connections, transaction

from inbox import services
from inbox.items import InboundMessage, Person
from inbox.models import Message
from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db(transaction=True)
LOCK_WAIT_LIMIT = 10.0


@pytest.fixture
def sending(world) -> Message:
    """A reply whose platform call returned "out-1", not yet marked sent."""
    conversation = ConversationFactory(account=world.acme, thread_key="psid-1")
    return Message.objects.create(
        conversation=conversation,
        account=world.acme,
        direction=Message.Direction.OUT,
        text="On its way",
        author=world.alice,
        status=Message.Status.SENDING,
    )


def echo_of(message: Message) -> InboundMessage:
    """Its echo as a channel without send markers parses it."""
    return InboundMessage(
        account_external_id="acme-page",
        thread_key=message.conversation.thread_key,
        conversation_kind="direct",
        external_id="out-1",
        sender=Person(external_id=message.conversation.identity.external_id),
        timestamp=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        text=message.text,
        outbound=True,
    )


def only_our_copy(message: Message) -> None:
    message.refresh_from_db()
    assert (message.status, message.external_id) == (Message.Status.SENT, "out-1")
    outbound = message.conversation.messages.filter(direction=Message.Direction.OUT)
    assert list(outbound.values_list("pk", flat=True)) == [message.pk]


def test_an_echo_stored_just_before_the_update_does_not_break_marking_it_sent(world, sending):
    inserted = []

    def echo_lands_first(execute, sql, params, many, context):
        # The first UPDATE of our message: the echo's copy appears right before it, as
        # when the echo's transaction commits between our delete and our update.
        if not inserted and sql.lstrip().upper().startswith('UPDATE "INBOX_MESSAGE"'):
            inserted.append(services.message_ingest(account=world.acme, item=echo_of(sending)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(echo_lands_first):
        services.message_mark_sent(message=sending, external_id="out-1")

    assert inserted and inserted[0] is not None
    only_our_copy(sending)


def test_an_echo_committed_while_marking_it_sent_is_taken_over(world, sending):
    """Real concurrency where the database has it (PostgreSQL): the echo's insert holds
    the id, our update waits on it, then hits the constraint when the echo commits."""
    inserted, errors = threading.Event(), []

    def ingest_echo() -> None:
        try:
            with transaction.atomic():
                services.message_ingest(account=world.acme, item=echo_of(sending))
                inserted.set()
                _until_someone_waits_on_a_lock()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
            inserted.set()
        finally:
            connections.close_all()

    def mark_sent() -> None:
        try:
            inserted.wait(LOCK_WAIT_LIMIT)
            services.message_mark_sent(message=sending, external_id="out-1")
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ingest_echo), threading.Thread(target=mark_sent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    only_our_copy(sending)


def _until_someone_waits_on_a_lock() -> None:
    """Hold the transaction open until another session waits on one of its locks
    (PostgreSQL); elsewhere writers take turns anyway, so a short pause will do."""
    if connection.vendor != "postgresql":
        time.sleep(0.2)
        return
    deadline = time.monotonic() + LOCK_WAIT_LIMIT
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            # Inside a transaction pg_stat_activity is one snapshot unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    # Without a waiter the two sends never overlapped: the race this test is about did not run.
    raise AssertionError("nobody waited on the echo's lock")
