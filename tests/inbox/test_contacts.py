"""The customer services: tags, VIP, notes, linking contacts as the same person and undoing it."""

import json

import pytest

from inbox import realtime, services
from inbox.models import Contact, Conversation
from inbox.selectors.contacts import customer_for, group_of
from inbox.services.contacts import (
    contact_flag_set,
    contact_merge,
    contact_notes_save,
    contact_tag_add,
    contact_tag_remove,
    contact_unmerge,
)
from tests.factories import ContactFactory, ConversationFactory, IdentityFactory

pytestmark = pytest.mark.django_db


def customer(world, name: str, account=None) -> Contact:
    account = account or world.acme
    contact = ContactFactory(name=name)
    ConversationFactory(account=account, identity=IdentityFactory(account=account, contact=contact))
    return contact


def test_a_tag_is_kept_once_whatever_its_case_or_spacing(world):
    maria = customer(world, "Maria")

    contact_tag_add(contact=maria, tag="  Καλός   πελάτης ", by=world.alice)
    contact_tag_add(contact=maria, tag="ΚΑΛΌΣ ΠΕΛΆΤΗΣ".lower(), by=world.alice)
    contact_tag_add(contact=maria, tag="καλός πελάτης", by=world.alice)

    maria.refresh_from_db()
    assert maria.tags == ["Καλός πελάτης"]


def test_tags_say_what_is_wrong(world):
    maria = customer(world, "Maria")

    with pytest.raises(ValueError, match="Write a tag"):
        contact_tag_add(contact=maria, tag="  ", by=world.alice)
    with pytest.raises(ValueError, match="at most 40 characters"):
        contact_tag_add(contact=maria, tag="x" * 41, by=world.alice)
    Contact.objects.filter(pk=maria.pk).update(tags=[f"t{n}" for n in range(30)])
    with pytest.raises(ValueError, match="at most 30 tags"):
        contact_tag_add(contact=maria, tag="one more", by=world.alice)


def test_tags_vip_and_notes_of_linked_contacts_live_on_the_main_one(world):
    maria = customer(world, "Maria")
    again = customer(world, "Maria P")
    Contact.objects.filter(pk=again.pk).update(tags=["greek"], is_vip=True, notes="Old note")
    contact_merge(contact=maria, other=again, by=world.alice)
    again.refresh_from_db()

    contact_tag_add(contact=again, tag="wholesale", by=world.bob)
    contact_notes_save(contact=again, notes="Calls after 18:00", by=world.bob)

    maria.refresh_from_db()
    assert maria.tags == ["wholesale"]
    assert maria.notes == "Calls after 18:00"
    panel = customer_for(user=world.alice, conversation=maria.conversations.get())
    assert panel.tags == ["wholesale", "greek"]
    assert panel.is_vip
    assert panel.other_notes == [("Maria P", "Old note")]

    contact_tag_remove(contact=maria, tag="GREEK", by=world.bob)
    contact_flag_set(contact=maria, flag="vip", on=False, by=world.bob)

    again.refresh_from_db()
    assert again.tags == [] and not again.is_vip


def test_an_unknown_switch_is_refused(world):
    with pytest.raises(ValueError, match="no switch"):
        contact_flag_set(contact=customer(world, "Maria"), flag="gold", on=True, by=world.alice)


def test_linking_is_not_destructive_and_undo_gives_both_back(world):
    maria = customer(world, "Maria")
    again = customer(world, "Maria P")
    theirs = again.conversations.get()

    main = contact_merge(contact=maria, other=again, by=world.alice)

    assert main == maria
    again.refresh_from_db()
    assert again.merged_into == maria and again.merged_by == world.alice
    assert [c.pk for c in group_of(again)] == [maria.pk, again.pk]
    assert Conversation.objects.get(pk=theirs.pk).contact == again

    contact_unmerge(contact=again, by=world.alice)

    again.refresh_from_db()
    assert again.merged_into is None and again.merged_by is None and again.merged_at is None
    assert group_of(maria) == [maria] and group_of(again) == [again]


def test_linking_a_group_brings_its_members_along_one_level_deep(world):
    maria, second, third = (customer(world, n) for n in ("Maria", "Maria P", "M. Pap"))
    contact_merge(contact=second, other=third, by=world.bob)

    contact_merge(contact=maria, other=third, by=world.alice)

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.merged_into == maria and third.merged_into == maria
    assert second.merged_by == world.alice
    assert third.merged_by == world.bob  # who linked it first is kept
    assert {c.pk for c in group_of(third)} == {maria.pk, second.pk, third.pk}


def test_linking_refuses_the_same_group_and_undo_refuses_a_contact_on_its_own(world):
    maria = customer(world, "Maria")
    again = customer(world, "Maria P")
    contact_merge(contact=maria, other=again, by=world.alice)

    with pytest.raises(ValueError, match="already linked"):
        contact_merge(contact=again, other=maria, by=world.alice)
    with pytest.raises(ValueError, match="not linked"):
        contact_unmerge(contact=maria, by=world.alice)


def test_linking_needs_every_conversation_of_both_to_be_visible(world):
    maria = customer(world, "Maria")
    again = customer(world, "Maria P", account=world.other)

    with pytest.raises(services.NotAllowed, match="ask an admin"):
        contact_merge(contact=maria, other=again, by=world.alice)
    contact_merge(contact=maria, other=again, by=world.adam)
    with pytest.raises(services.NotAllowed):
        contact_unmerge(contact=again, by=world.alice)
    contact_unmerge(contact=again, by=world.adam)


def test_a_change_tells_the_browsers_of_the_accounts_involved(
    world, django_capture_on_commit_callbacks, settings
):
    settings.REDIS_URL = ""  # in-process subscribers; the Redis path is the same call
    maria = customer(world, "Maria")
    stream = realtime.subscribe_local([f"account:{world.acme.pk}"])
    try:
        with django_capture_on_commit_callbacks(execute=True):
            contact_tag_add(contact=maria, tag="vip-lounge", by=world.alice)
        event = json.loads(stream.get(timeout=1))
    finally:
        realtime.unsubscribe_local(stream)

    assert event == {"type": "contact.updated", "contacts": [maria.pk]}


def test_notes_say_when_they_are_too_long(world):
    with pytest.raises(ValueError, match="at most 10000 characters"):
        contact_notes_save(contact=customer(world, "Maria"), notes="x" * 10_001, by=world.alice)
