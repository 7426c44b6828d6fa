"""Ingest rules: contacts, threads, dedupe, reopening, waiting time, delivery updates.

Every rule is checked on both paths: one item at a time, and the set-based batch path
that workers use for webhook events. They must agree.
"""

from datetime import UTC, datetime, timedelta

import pytest

from inbox import services
from inbox.items import DeliveryUpdate, InboundMessage, Person
from inbox.models import Activity, Contact, Conversation, Identity, Message
from inbox.services.ingest_batch import items_ingest_many

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def inbound(
    external_id: str,
    *,
    thread: str = "t1",
    at: datetime = T0,
    outbound: bool = False,
    sender: str = "psid-1",
    name: str = "Μαρία Παπαδοπούλου",
    text: str = "Γεια σας",
    **extra,
) -> InboundMessage:
    return InboundMessage(
        account_external_id="acme-page",
        thread_key=thread,
        conversation_kind="direct",
        external_id=external_id,
        sender=Person(external_id=sender, name=name),
        timestamp=at,
        text=text,
        outbound=outbound,
        **extra,
    )


@pytest.fixture(params=["single", "batch"])
def ingest(request):
    path = services.items_ingest if request.param == "single" else items_ingest_many

    def run(*items):
        return path(kind="testchannel", items=list(items))

    return run


def test_it_creates_contact_identity_conversation_and_message(world, ingest):
    result = ingest(inbound("m1"))

    assert result.created == 1
    conversation = Conversation.objects.get()
    assert conversation.account == world.acme
    assert conversation.team == world.support
    assert conversation.status == Conversation.Status.OPEN
    assert conversation.unread
    assert conversation.waiting_since == T0
    assert conversation.snippet == "Γεια σας"
    assert conversation.contact.name == "Μαρία Παπαδοπούλου"
    assert Identity.objects.get().external_id == "psid-1"
    assert Activity.objects.filter(verb=Activity.Verb.CREATED).count() == 1


def test_messages_of_one_thread_share_one_conversation(world, ingest):
    ingest(inbound("m1"), inbound("m2", at=T0 + timedelta(minutes=1), text="Είστε εκεί;"))

    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 2
    assert conversation.snippet == "Είστε εκεί;"
    assert conversation.waiting_since == T0, "waiting counts from the oldest unanswered message"
    assert Contact.objects.count() == 1


def test_a_duplicate_is_stored_once(world, ingest):
    first = ingest(inbound("m1"))
    again = ingest(inbound("m1"))

    assert (first.created, again.created, again.duplicates) == (1, 0, 1)
    assert Message.objects.count() == 1


def test_the_same_platform_id_on_another_account_is_another_message(world, ingest):
    ingest(inbound("m1"))
    ingest(
        InboundMessage(
            account_external_id="sales-page",
            thread_key="t1",
            conversation_kind="direct",
            external_id="m1",
            sender=Person(external_id="psid-1"),
            timestamp=T0,
        )
    )

    assert Message.objects.count() == 2
    assert Conversation.objects.count() == 2


def test_it_reopens_a_done_conversation_and_marks_it_unread(world, ingest):
    ingest(inbound("m1"))
    conversation = Conversation.objects.get()
    services.conversation_update(conversation=conversation, by=world.alice, status="done")

    ingest(inbound("m2", at=T0 + timedelta(hours=1), text="Ещё вопрос"))

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN
    assert conversation.unread
    assert conversation.waiting_since == T0 + timedelta(hours=1)
    assert conversation.activities.filter(verb=Activity.Verb.REOPENED).exists()


def test_an_answer_sent_from_another_tool_ends_the_wait(world, ingest):
    ingest(inbound("m1"))
    ingest(
        inbound("echo-1", outbound=True, at=T0 + timedelta(minutes=3), text="Answered on the phone")
    )

    conversation = Conversation.objects.get()
    assert conversation.waiting_since is None
    echo = Message.objects.get(external_id="echo-1")
    assert echo.direction == Message.Direction.OUT
    assert echo.sent_elsewhere
    assert echo.status == Message.Status.SENT


def test_an_echo_of_our_own_send_is_not_shown_twice(
    world, ingest, fake_platform, django_capture_on_commit_callbacks
):
    ingest(inbound("m1"))
    conversation = Conversation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_create(conversation=conversation, author=world.alice, text="Hi!")
    reply.refresh_from_db()

    ingest(inbound(reply.external_id, outbound=True, text="Hi!"))

    assert conversation.messages.filter(direction=Message.Direction.OUT).count() == 1


def test_an_echo_that_arrives_before_the_send_completes_is_merged(world, ingest):
    ingest(inbound("m1"))
    conversation = Conversation.objects.get()
    ours = Message.objects.create(
        conversation=conversation,
        account=world.acme,
        direction=Message.Direction.OUT,
        text="Hi!",
        status=Message.Status.SENDING,
    )
    ingest(inbound("out-77", outbound=True, text="Hi!"))  # the echo won the race

    services.message_mark_sent(message=ours, external_id="out-77")

    outbound = conversation.messages.filter(direction=Message.Direction.OUT)
    assert list(outbound.values_list("pk", "external_id")) == [(ours.pk, "out-77")]


def test_a_newer_profile_name_updates_the_identity(world, ingest):
    ingest(inbound("m1", name=""))
    ingest(inbound("m2", name="Алесь", at=T0 + timedelta(minutes=1)))

    identity = Identity.objects.get()
    assert identity.name == "Алесь"
    assert identity.contact.name == "Алесь"


def test_delivery_updates_move_our_messages_forward_only(world, ingest):
    ingest(inbound("m1"))
    conversation = Conversation.objects.get()
    sent = Message.objects.create(
        conversation=conversation,
        account=world.acme,
        direction=Message.Direction.OUT,
        text="ok",
        status=Message.Status.SENT,
        external_id="out-1",
    )
    update = DeliveryUpdate(account_external_id="acme-page", status="read", external_ids=("out-1",))
    delivered = DeliveryUpdate(
        account_external_id="acme-page", status="delivered", external_ids=("out-1",)
    )

    assert ingest(update).updated == 1
    ingest(delivered)

    sent.refresh_from_db()
    assert sent.status == Message.Status.READ


def test_a_watermark_marks_everything_sent_before_it(world, ingest):
    ingest(inbound("m1"))
    conversation = Conversation.objects.get()
    for n, minutes in enumerate([1, 2, 10]):
        Message.objects.create(
            conversation=conversation,
            account=world.acme,
            direction=Message.Direction.OUT,
            text="ok",
            status=Message.Status.SENT,
            external_id=f"out-{n}",
            sent_at=T0 + timedelta(minutes=minutes),
        )

    ingest(
        DeliveryUpdate(
            account_external_id="acme-page",
            status="delivered",
            thread_key="t1",
            watermark=T0 + timedelta(minutes=5),
        )
    )

    statuses = dict(Message.objects.filter(direction="out").values_list("external_id", "status"))
    assert statuses == {"out-0": "delivered", "out-1": "delivered", "out-2": "sent"}


def test_items_for_an_unknown_account_are_skipped_and_counted(world, ingest):
    result = ingest(
        InboundMessage(
            account_external_id="not-connected",
            thread_key="t",
            conversation_kind="direct",
            external_id="x",
            sender=Person(external_id="p"),
            timestamp=T0,
        )
    )

    assert result.skipped == 1
    assert not Message.objects.exists()
