"""Workers racing on the same new thread: one conversation, no duplicate message.

Runs on whichever database the suite uses; CI's second pass makes it PostgreSQL, where
the workers truly run at the same time and the unique constraints decide.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections

from inbox import services
from inbox.items import InboundMessage, Person
from inbox.models import Contact, Conversation, Identity, Message

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 6
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def item(external_id: str, thread: str, n: int = 0) -> InboundMessage:
    return InboundMessage(
        account_external_id="acme-page",
        thread_key=thread,
        conversation_kind="direct",
        external_id=external_id,
        sender=Person(external_id=f"psid-{thread}", name="林小姐"),
        timestamp=T0 + timedelta(seconds=n),
        text=f"第{n}条消息",
    )


def run_together(work) -> list[BaseException]:
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            work(n)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_first_messages_of_a_new_thread_make_one_conversation(world, round_):
    thread = f"new-thread-{round_}"

    def work(n: int) -> None:
        # Every worker has the thread's first message (a platform retry) and one of its own.
        services.items_ingest(
            kind="testchannel", items=[item("first", thread), item(f"m{n}", thread, n + 1)]
        )

    assert run_together(work) == []

    assert Conversation.objects.filter(thread_key=thread).count() == 1
    assert Identity.objects.filter(external_id=f"psid-{thread}").count() == 1
    assert Contact.objects.count() == 1
    conversation = Conversation.objects.get(thread_key=thread)
    assert conversation.messages.count() == WORKERS + 1
    assert conversation.waiting_since == T0
    assert conversation.last_message_at == T0 + timedelta(seconds=WORKERS)


def test_concurrent_deliveries_of_one_message_store_it_once(world):
    def work(n: int) -> None:
        services.items_ingest(kind="testchannel", items=[item("same", "t-dup")])

    assert run_together(work) == []

    assert Message.objects.filter(external_id="same").count() == 1
    assert Conversation.objects.count() == 1
