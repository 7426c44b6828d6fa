"""Unread is kept per agent: what Alice opened is still news to Bob."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox import services
from inbox.models import ConversationRead
from inbox.selectors import ConversationFilters, conversation_list_for
from inbox.selectors.conversations import folder_counts_for
from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/conversations/"


def unread_ids(user) -> list[int]:
    rows = conversation_list_for(user=user, filters=ConversationFilters(unread=True))
    return [c.pk for c in rows]


def test_a_new_conversation_is_unread_for_everyone(world):
    convo = ConversationFactory(account=world.acme)

    assert unread_ids(world.alice) == [convo.pk]
    assert unread_ids(world.bob) == [convo.pk]


def test_a_conversation_we_started_is_not_unread(world):
    ConversationFactory(account=world.acme, last_inbound_at=None)

    assert unread_ids(world.alice) == []


def test_reading_marks_it_read_for_me_only(world, django_capture_on_commit_callbacks):
    convo = ConversationFactory(account=world.acme)

    with django_capture_on_commit_callbacks(execute=True):
        services.conversation_mark_read(conversation=convo, user=world.alice)

    assert unread_ids(world.alice) == []
    assert unread_ids(world.bob) == [convo.pk]
    assert convo.unread  # the legacy shared flag is left alone


def test_a_new_customer_message_makes_it_unread_again(world):
    convo = ConversationFactory(
        account=world.acme, last_inbound_at=timezone.now() - timedelta(minutes=5)
    )
    services.conversation_mark_read(conversation=convo, user=world.alice)

    convo.last_inbound_at = timezone.now() + timedelta(seconds=1)
    convo.save(update_fields=["last_inbound_at"])

    assert unread_ids(world.alice) == [convo.pk]


def test_mark_unread_keeps_one_read_mark_per_agent(world):
    convo = ConversationFactory(account=world.acme)
    services.conversation_mark_read(conversation=convo, user=world.alice)
    services.conversation_mark_read(conversation=convo, user=world.alice)

    services.conversation_mark_unread(conversation=convo, user=world.alice)

    assert unread_ids(world.alice) == [convo.pk]
    mark = ConversationRead.objects.get(conversation=convo, user=world.alice)
    assert mark.read_at is None


def test_mentions_count_only_notes_i_have_not_seen(world):
    convo = ConversationFactory(account=world.acme)
    services.note_create(conversation=convo, author=world.bob, text="@alice can you look?")
    assert folder_counts_for(user=world.alice)["mentions"] == 1
    assert folder_counts_for(user=world.bob)["mentions"] == 0

    services.conversation_mark_read(conversation=convo, user=world.alice)

    assert folder_counts_for(user=world.alice)["mentions"] == 0


def test_the_api_answers_unread_for_the_user_asking(world):
    convo = ConversationFactory(account=world.acme)
    services.conversation_mark_read(conversation=convo, user=world.alice)

    alices = world.api_for(world.alice).get(LIST).json()["results"][0]
    bobs = world.api_for(world.bob).get(LIST).json()["results"][0]
    one = world.api_for(world.alice).get(f"{LIST}{convo.pk}/").json()

    assert alices["unread"] is False and one["unread"] is False
    assert bobs["unread"] is True
    assert world.api_for(world.alice).get(LIST, {"unread": "true"}).json()["count"] == 0
    assert world.api_for(world.bob).get(LIST, {"unread": "true"}).json()["count"] == 1
