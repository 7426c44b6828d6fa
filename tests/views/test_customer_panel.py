"""The customer panel beside a conversation: who Maria is on every channel, her tags and
notes, her other conversations, and linking her two contacts as the same person."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.models import Contact, Conversation
from tests.factories import (
    AccountFactory,
    ContactFactory,
    ConversationFactory,
    IdentityFactory,
    MessageFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def page_two(world):
    """A second account Support works, on another channel."""
    account = AccountFactory(kind="facebook", name="Acme on Facebook")
    account.teams.add(world.support)
    return account


@pytest.fixture
def maria(world, page_two) -> Conversation:
    """Maria writes to Acme now; she commented on Acme's Facebook page last month."""
    contact = ContactFactory(name="Maria Papadopoulou")
    here = IdentityFactory(
        account=world.acme,
        contact=contact,
        handle="@maria",
        name="Maria P.",
        profile={
            "locale": "el_GR",
            "country": "GR",
            "verified": True,
            "followers_count": 1200,
            "profile_url": "https://example.com/maria",
            "token": "secret-do-not-show",
            "raw": {"nested": "nope"},
        },
    )
    there = IdentityFactory(account=page_two, contact=contact, handle="maria.pap")
    old = ConversationFactory(
        account=page_two,
        identity=there,
        contact=contact,
        kind=Conversation.Kind.COMMENT,
        status=Conversation.Status.DONE,
        snippet="Love the new shop",
        last_activity_at=timezone.now() - timedelta(days=30),
    )
    MessageFactory(conversation=old, text="Love the new shop")
    convo = ConversationFactory(account=world.acme, identity=here, contact=contact)
    MessageFactory(conversation=convo, text="My parcel never arrived")
    return convo


def panel_of(text: str) -> str:
    return text.split('id="customer-panel"')[1].split("</aside>")[0]


def test_the_panel_shows_who_the_customer_is_on_each_channel(world, maria):
    panel = panel_of(world.client_for(world.alice).get(f"/c/{maria.pk}/").text)

    assert 'aria-label="Customer"' in world.client_for(world.alice).get(f"/c/{maria.pk}/").text
    assert "Maria Papadopoulou" in panel
    assert "Test channel" in panel and "@maria" in panel
    assert "Facebook" in panel and "maria.pap" in panel
    for label, value in [("Locale", "el_GR"), ("Country", "GR"), ("Verified", "Yes")]:
        assert f'<dt>{label}</dt><dd dir="auto">{value}</dd>' in panel
    assert "1200" in panel
    assert 'href="https://example.com/maria"' in panel
    assert "secret-do-not-show" not in panel
    assert "nested" not in panel


def test_a_profile_link_that_is_not_https_is_not_a_link(world, maria):
    maria.identity.profile = {"link": "javascript:alert(1)", "url": "http://example.com/x"}
    maria.identity.save()

    panel = panel_of(world.client_for(world.alice).get(f"/c/{maria.pk}/").text)

    assert "javascript:" not in panel
    assert "http://example.com/x" not in panel


def test_the_panel_lists_her_other_conversations_across_channels(world, maria):
    panel = panel_of(world.client_for(world.alice).get(f"/c/{maria.pk}/?folder=open").text)

    old = Conversation.objects.exclude(pk=maria.pk).get(contact=maria.contact)
    history = panel.split("Other conversations")[1]
    assert f'href="/c/{old.pk}/?folder=open"' in history
    assert "Facebook · Comment · " in history
    assert "Done" in history
    assert "Love the new shop" in history
    assert f'href="/c/{maria.pk}/' not in history


def test_the_panel_shows_only_what_the_agent_may_see(world, maria):
    sales_side = IdentityFactory(account=world.other, contact=maria.contact, handle="@maria_sales")
    secret = ConversationFactory(account=world.other, identity=sales_side, contact=maria.contact)

    alice_panel = panel_of(world.client_for(world.alice).get(f"/c/{maria.pk}/").text)
    adam_panel = panel_of(world.client_for(world.adam).get(f"/c/{maria.pk}/").text)

    assert "@maria_sales" not in alice_panel
    assert f"/c/{secret.pk}/" not in alice_panel
    assert "@maria_sales" in adam_panel
    assert f"/c/{secret.pk}/" in adam_panel


def test_the_panel_does_not_query_more_for_more_conversations(world, maria, page_two):
    alice = world.client_for(world.alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice.get(f"/c/{maria.pk}/", **HTMX).status_code == 200
        return len(captured)

    one = queries()
    for _n in range(6):
        ConversationFactory(account=page_two, identity=maria.contact.identities.last())
        ConversationFactory(
            account=page_two,
            identity=IdentityFactory(account=page_two, contact=maria.contact),
            contact=maria.contact,
        )
    assert queries() == one


def test_customer_text_in_the_panel_is_escaped(world, maria):
    Contact.objects.filter(pk=maria.contact_id).update(
        tags=["<script>alert(1)</script>"], notes="<b>loud</b>"
    )

    text = world.client_for(world.alice).get(f"/c/{maria.pk}/").text

    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>loud</b>" not in text


# --- tags, VIP, notes ---------------------------------------------------------------------


def test_alice_adds_and_removes_a_tag(world, maria):
    alice = world.client_for(world.alice)

    added = alice.post(f"/c/{maria.pk}/customer/tags/", {"tag": "  wholesale  buyer "}, **HTMX)

    assert added.status_code == 200
    assert added.text.lstrip().startswith('<aside id="customer-panel"')
    assert "wholesale buyer" in panel_of(added.text)
    assert 'id="customer-tag"' in added.text.split("data-autofocus")[0].rsplit("<", 1)[1]
    maria.contact.refresh_from_db()
    assert maria.contact.tags == ["wholesale buyer"]

    again = alice.post(f"/c/{maria.pk}/customer/tags/", {"tag": "Wholesale Buyer"}, **HTMX)
    assert again.status_code == 200
    maria.contact.refresh_from_db()
    assert maria.contact.tags == ["wholesale buyer"]

    removed = alice.post(f"/c/{maria.pk}/customer/tags/", {"remove": "wholesale buyer"}, **HTMX)
    assert removed.status_code == 200
    maria.contact.refresh_from_db()
    assert maria.contact.tags == []


def test_an_empty_or_long_tag_is_refused_with_what_to_fix(world, maria):
    alice = world.client_for(world.alice)

    empty = alice.post(f"/c/{maria.pk}/customer/tags/", {"tag": "   "}, **HTMX)
    long = alice.post(f"/c/{maria.pk}/customer/tags/", {"tag": "x" * 41}, **HTMX)

    assert empty.status_code == 422
    assert "Write a tag before adding it." in empty.text
    assert empty["HX-Retarget"] == "#customer-panel"
    assert long.status_code == 422
    assert "at most 40 characters" in long.text
    maria.contact.refresh_from_db()
    assert maria.contact.tags == []


def test_a_tag_without_htmx_redirects_back_to_the_conversation(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/customer/tags/?folder=open", {"tag": "vip-lounge"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/c/{maria.pk}/?folder=open"


def test_vip_and_top_customer_switch_on_and_off(world, maria):
    alice = world.client_for(world.alice)

    on = alice.post(f"/c/{maria.pk}/customer/flag/", {"flag": "vip", "on": "1"}, **HTMX)
    top = alice.post(f"/c/{maria.pk}/customer/flag/", {"flag": "top_customer", "on": "1"}, **HTMX)

    assert on.status_code == 200 and top.status_code == 200
    maria.contact.refresh_from_db()
    assert maria.contact.is_vip
    assert maria.contact.tags == ["top-customer"]
    panel = panel_of(top.text)
    assert '<span class="badge is-vip">VIP</span>' in panel
    assert '<span class="badge is-top">Top customer</span>' in panel
    assert "top-customer" not in panel.split('class="tags"')[-1].split("</ul>")[0]

    alice.post(f"/c/{maria.pk}/customer/flag/", {"flag": "vip"}, **HTMX)
    alice.post(f"/c/{maria.pk}/customer/flag/", {"flag": "top_customer"}, **HTMX)
    maria.contact.refresh_from_db()
    assert not maria.contact.is_vip
    assert maria.contact.tags == []


def test_an_unknown_switch_is_refused(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/customer/flag/", {"flag": "royalty", "on": "1"}, **HTMX
    )

    assert response.status_code == 422
    assert "There is no switch called “royalty”." in response.text


def test_notes_save_with_htmx_and_say_so(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/customer/notes/", {"notes": "Prefers Greek. Calls after 18:00."}, **HTMX
    )

    assert response.status_code == 200
    assert response.text.strip() == "Saved"
    maria.contact.refresh_from_db()
    assert maria.contact.notes == "Prefers Greek. Calls after 18:00."
    page = world.client_for(world.bob).get(f"/c/{maria.pk}/").text
    assert "Prefers Greek. Calls after 18:00.</textarea>" in page


def test_notes_that_are_too_long_are_refused(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/customer/notes/", {"notes": "x" * 10_001}, **HTMX
    )

    assert response.status_code == 422
    assert "Notes are at most 10000 characters" in response.text
    maria.contact.refresh_from_db()
    assert maria.contact.notes == ""


def test_charlie_gets_404_for_the_panel_of_supports_customer(world, maria):
    charlie = world.client_for(world.charlie)
    other = ContactFactory()

    for path, data in [
        ("customer/tags/", {"tag": "x"}),
        ("customer/flag/", {"flag": "vip", "on": "1"}),
        ("customer/notes/", {"notes": "x"}),
        ("customer/link/", {"contact": other.pk}),
        ("customer/unlink/", {"contact": other.pk}),
    ]:
        assert charlie.post(f"/c/{maria.pk}/{path}", data).status_code == 404, path
    assert charlie.get(f"/c/{maria.pk}/customer/same-person/?who=a").status_code == 404
    maria.contact.refresh_from_db()
    assert maria.contact.tags == [] and not maria.contact.is_vip and maria.contact.notes == ""


# --- the same person ------------------------------------------------------------------------


@pytest.fixture
def maria_again(world, page_two) -> Conversation:
    """Maria on the Facebook page, as a contact of her own (the platform gave a new id)."""
    contact = ContactFactory(name="Maria P", tags=["greek"])
    identity = IdentityFactory(account=page_two, contact=contact, handle="mariap.real")
    convo = ConversationFactory(
        account=page_two, identity=identity, contact=contact, snippet="Where is my refund?"
    )
    MessageFactory(conversation=convo, text="Where is my refund?")
    return convo


def test_alice_finds_and_links_the_same_person(world, maria, maria_again):
    alice = world.client_for(world.alice)
    stranger = ContactFactory(name="Mariam only on Sales")
    ConversationFactory(
        account=world.other, identity=IdentityFactory(account=world.other, contact=stranger)
    )

    found = alice.get(f"/c/{maria.pk}/customer/same-person/?folder=open&who=mariap", **HTMX)

    assert found.status_code == 200
    assert found.text.lstrip().startswith('<div id="merge-candidates"')
    assert "Maria P" in found.text and "mariap.real" in found.text
    assert "Mariam only on Sales" not in found.text
    assert f'value="{maria_again.contact_id}"' in found.text
    assert f'action="/c/{maria.pk}/customer/link/?folder=open"' in found.text

    linked = alice.post(
        f"/c/{maria.pk}/customer/link/", {"contact": maria_again.contact_id}, **HTMX
    )

    assert linked.status_code == 200
    other = Contact.objects.get(pk=maria_again.contact_id)
    assert other.merged_into_id == maria.contact_id
    assert other.merged_by == world.alice and other.merged_at is not None
    # Non-destructive: her conversation keeps its own contact.
    assert Conversation.objects.get(pk=maria_again.pk).contact_id == other.pk
    panel = panel_of(linked.text)
    assert "mariap.real" in panel
    assert f"/c/{maria_again.pk}/" in panel
    assert "greek" in panel
    assert "linked by <bdi>Alice</bdi>" in panel


def test_the_linked_contacts_conversation_shows_the_whole_person_and_can_undo(
    world, maria, maria_again
):
    alice = world.client_for(world.alice)
    alice.post(f"/c/{maria.pk}/customer/link/", {"contact": maria_again.contact_id}, **HTMX)

    panel = panel_of(alice.get(f"/c/{maria_again.pk}/").text)
    assert "@maria" in panel
    assert f"/c/{maria.pk}/" in panel
    assert "Maria Papadopoulou" in panel

    undone = alice.post(
        f"/c/{maria_again.pk}/customer/unlink/", {"contact": maria_again.contact_id}, **HTMX
    )

    assert undone.status_code == 200
    other = Contact.objects.get(pk=maria_again.contact_id)
    assert other.merged_into is None and other.merged_by is None
    assert f"/c/{maria.pk}/" not in panel_of(undone.text)


def test_undo_restores_both_contacts(world, maria, maria_again):
    alice = world.client_for(world.alice)
    alice.post(f"/c/{maria.pk}/customer/link/", {"contact": maria_again.contact_id}, **HTMX)

    undone = alice.post(
        f"/c/{maria.pk}/customer/unlink/", {"contact": maria_again.contact_id}, **HTMX
    )

    assert undone.status_code == 200
    assert "mariap.real" not in panel_of(undone.text)
    assert Contact.objects.get(pk=maria_again.contact_id).merged_into is None
    their_panel = panel_of(alice.get(f"/c/{maria_again.pk}/").text)
    assert "greek" in their_panel and "@maria" not in their_panel


def test_linking_needs_every_conversation_of_both_to_be_visible(world, maria, maria_again):
    ConversationFactory(
        account=world.other,
        identity=IdentityFactory(account=world.other, contact=maria_again.contact),
        contact=maria_again.contact,
    )

    refused = world.client_for(world.alice).post(
        f"/c/{maria.pk}/customer/link/", {"contact": maria_again.contact_id}, **HTMX
    )
    allowed = world.client_for(world.adam).post(
        f"/c/{maria.pk}/customer/link/", {"contact": maria_again.contact_id}, **HTMX
    )

    assert refused.status_code == 403
    assert "ask an admin to link them" in refused.text
    assert allowed.status_code == 200
    assert Contact.objects.get(pk=maria_again.contact_id).merged_into_id == maria.contact_id


def test_a_contact_the_agent_cannot_see_cannot_be_linked(world, maria):
    hidden = ContactFactory(name="Sales only")
    ConversationFactory(
        account=world.other, identity=IdentityFactory(account=world.other, contact=hidden)
    )

    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/customer/link/", {"contact": hidden.pk}, **HTMX
    )

    assert response.status_code == 422
    assert "search again" in response.text
    assert Contact.objects.get(pk=hidden.pk).merged_into is None


def test_linking_twice_says_they_are_already_linked(world, maria, maria_again):
    alice = world.client_for(world.alice)
    alice.post(f"/c/{maria.pk}/customer/link/", {"contact": maria_again.contact_id}, **HTMX)

    again = alice.post(f"/c/{maria.pk}/customer/link/", {"contact": maria_again.contact_id}, **HTMX)

    assert again.status_code == 422
    assert "is already linked with this customer" in again.text


def test_undo_of_a_contact_outside_the_group_is_refused(world, maria, maria_again):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/customer/unlink/", {"contact": maria_again.contact_id}, **HTMX
    )

    assert response.status_code == 422


def test_a_bad_contact_id_is_refused_with_a_message(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/customer/link/", {"contact": "not-a-number"}, **HTMX
    )

    assert response.status_code == 422
    assert "search again" in response.text


def test_the_search_finds_names_in_any_script_whatever_their_case(world, maria):
    greek = ContactFactory(name="Μαρία Παπαδοπούλου")
    identity = IdentityFactory(account=world.acme, contact=greek, handle="@μαρία")
    ConversationFactory(account=world.acme, identity=identity, contact=greek)

    by_name = world.client_for(world.alice).get(
        f"/c/{maria.pk}/customer/same-person/?who=ΠΑΠΑΔΟΠΟΎΛΟΥ", **HTMX
    )
    by_handle = world.client_for(world.alice).get(
        f"/c/{maria.pk}/customer/same-person/?who=@ΜΑΡΊΑ", **HTMX
    )

    assert "Μαρία Παπαδοπούλου" in by_name.text
    assert "Μαρία Παπαδοπούλου" in by_handle.text


def test_the_search_works_without_javascript(world, maria, maria_again):
    response = world.client_for(world.alice).get(
        f"/c/{maria.pk}/customer/same-person/?folder=open&who=Maria+P"
    )

    assert response.status_code == 200
    assert "<html" in response.text
    candidates = response.text.split('id="merge-candidates"')[1]
    assert "mariap.real" in candidates
    # The search form keeps the list's query for the page it comes back to.
    assert '<input type="hidden" name="folder" value="open">' in response.text


def test_the_panel_alone_is_there_for_live_updates(world, maria):
    alice = world.client_for(world.alice)

    fragment = alice.get(f"/c/{maria.pk}/customer/?folder=open", **HTMX)
    page = alice.get(f"/c/{maria.pk}/customer/?folder=open")

    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<aside id="customer-panel"')
    assert f'data-contacts="{maria.contact_id}"' in fragment.text
    assert page.status_code == 302 and page["Location"] == f"/c/{maria.pk}/?folder=open"
    assert (
        world.client_for(world.charlie).get(f"/c/{maria.pk}/customer/", **HTMX).status_code == 404
    )
