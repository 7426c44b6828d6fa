"""The customer panel when the same person is also another team's customer.

Maria writes to Acme, which Support works. Adam (an admin) linked her, as the same
person, with "Mary Sales": a contact who only ever wrote to the page Sales works, with
Sales' own tags, notes, VIP mark and handle. Alice (Support) sees Maria as Support knows
her and nothing of what Sales keeps; she cannot change a customer another team shares.
Charlie (Sales) sees Mary as Sales knows her and nothing of Support's.
"""

import pytest

from inbox import services
from inbox.models import Contact, Conversation
from inbox.services.contacts import contact_merge, contact_tag_add
from tests.factories import ContactFactory, ConversationFactory, IdentityFactory, MessageFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SALES_SECRETS = ("Mary Sales", "sales-only-tag", "Sales keeps this note", "@mary_sales")
SUPPORT_SECRETS = ("Maria Papadopoulou", "support-tag", "Support keeps this note", "@maria")


def panel_of(text: str) -> str:
    return text.split('id="customer-panel"')[1].split("</aside>")[0]


@pytest.fixture
def maria(world) -> Conversation:
    contact = ContactFactory(
        name="Maria Papadopoulou", tags=["support-tag"], notes="Support keeps this note"
    )
    identity = IdentityFactory(account=world.acme, contact=contact, handle="@maria")
    convo = ConversationFactory(account=world.acme, identity=identity, contact=contact)
    MessageFactory(conversation=convo, text="My parcel never arrived")
    return convo


@pytest.fixture
def mary(world) -> Conversation:
    contact = ContactFactory(
        name="Mary Sales", tags=["sales-only-tag"], notes="Sales keeps this note", is_vip=True
    )
    identity = IdentityFactory(account=world.other, contact=contact, handle="@mary_sales")
    convo = ConversationFactory(
        account=world.other, identity=identity, contact=contact, snippet="Quote for 40 chairs"
    )
    MessageFactory(conversation=convo, text="Quote for 40 chairs")
    return convo


@pytest.fixture(params=["support-main", "sales-main"])
def linked(request, world, maria, mary) -> str:
    """Adam links them from either side: the group's main contact is Support's or Sales'."""
    if request.param == "support-main":
        contact_merge(contact=maria.contact, other=mary.contact, by=world.adam)
    else:
        contact_merge(contact=mary.contact, other=maria.contact, by=world.adam)
    return request.param


def state(*convos: Conversation) -> list[tuple]:
    return [
        tuple(
            Contact.objects.filter(pk=c.contact_id).values_list(
                "name", "tags", "notes", "is_vip", "merged_into_id"
            )[0]
        )
        for c in convos
    ]


# --- what the panel shows -------------------------------------------------------------------


def test_it_shows_alice_nothing_sales_keeps(world, maria, mary, linked):
    response = world.client_for(world.alice).get(f"/c/{maria.pk}/")
    panel = panel_of(response.text)

    for secret in SALES_SECRETS:
        assert secret not in panel, secret
    assert f"/c/{mary.pk}/" not in panel
    assert "Quote for 40 chairs" not in panel
    assert '<span class="badge is-vip">' not in panel
    assert f'data-contacts="{maria.contact_id}"' in panel
    # What Support knows of her is all there.
    assert "@maria" in panel and "support-tag" in panel
    assert "Support keeps this note" in panel or linked == "sales-main"
    assert "Also linked with contacts your teams cannot see." in panel


def test_it_shows_charlie_nothing_support_keeps(world, maria, mary, linked):
    panel = panel_of(world.client_for(world.charlie).get(f"/c/{mary.pk}/").text)

    for secret in ("support-tag", "Support keeps this note", "@maria", "My parcel"):
        assert secret not in panel, secret
    assert f"/c/{maria.pk}/" not in panel
    assert "Maria Papadopoulou" not in panel
    assert "@mary_sales" in panel and "sales-only-tag" in panel


def test_adam_sees_the_whole_person(world, maria, mary, linked):
    panel = panel_of(world.client_for(world.adam).get(f"/c/{maria.pk}/").text)

    for text in (*SALES_SECRETS[1:], *SUPPORT_SECRETS[1:]):
        assert text in panel, text
    assert f"/c/{mary.pk}/" in panel
    assert '<span class="badge is-vip">' in panel
    assert "only an admin can change" not in panel
    assert 'name="tag"' in panel


def test_the_panel_is_read_only_for_alice_and_says_why(world, maria, mary, linked):
    panel = panel_of(world.client_for(world.alice).get(f"/c/{maria.pk}/").text)

    assert "only an admin can change their tags, notes or links" in panel
    assert "<form" not in panel
    assert "<textarea" not in panel


def test_before_the_link_alice_may_change_maria(world, maria, mary):
    panel = panel_of(world.client_for(world.alice).get(f"/c/{maria.pk}/").text)

    assert "only an admin can change" not in panel
    assert 'name="tag"' in panel and "<textarea" in panel


# --- what Alice may not change ---------------------------------------------------------------

EDITS = [
    pytest.param("customer/tags/", lambda m: {"tag": "overwritten"}, id="add a tag"),
    pytest.param("customer/tags/", lambda m: {"remove": "sales-only-tag"}, id="remove hers"),
    pytest.param("customer/tags/", lambda m: {"remove": "support-tag"}, id="remove ours"),
    pytest.param("customer/flag/", lambda m: {"flag": "vip"}, id="VIP off"),
    pytest.param("customer/flag/", lambda m: {"flag": "top_customer", "on": "1"}, id="top"),
    pytest.param("customer/notes/", lambda m: {"notes": "overwritten"}, id="notes"),
    # Maria's own link: the one Alice could name (Mary is not hers to name at all).
    pytest.param("customer/unlink/", lambda m: {"contact": m.contact_id}, id="undo the link"),
]


@pytest.mark.parametrize(("path", "data"), EDITS)
def test_it_refuses_alice_every_change_with_htmx(world, maria, mary, linked, path, data):
    before = state(maria, mary)

    response = world.client_for(world.alice).post(f"/c/{maria.pk}/{path}", data(maria), **HTMX)

    assert response.status_code == 403
    assert "ask an admin" in response.text
    for secret in SALES_SECRETS:
        assert secret not in response.text
    assert state(maria, mary) == before


@pytest.mark.parametrize(("path", "data"), EDITS)
def test_it_refuses_alice_every_change_without_javascript(world, maria, mary, linked, path, data):
    before = state(maria, mary)

    response = world.client_for(world.alice).post(f"/c/{maria.pk}/{path}", data(maria))

    assert response.status_code == 403
    assert "<html" in response.text
    assert "ask an admin" in panel_of(response.text)
    assert state(maria, mary) == before


def test_it_refuses_alice_to_link_more_people_to_a_shared_customer(world, maria, mary, linked):
    other = ContactFactory(name="Maria again")
    ConversationFactory(
        account=world.acme, identity=IdentityFactory(account=world.acme, contact=other)
    )

    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/customer/link/", {"contact": other.pk}, **HTMX
    )

    assert response.status_code == 403
    assert Contact.objects.get(pk=other.pk).merged_into_id is None


def test_the_services_refuse_it_whatever_calls_them(world, maria, mary, linked):
    with pytest.raises(services.NotAllowed, match="ask an admin"):
        contact_tag_add(contact=maria.contact, tag="from a script", by=world.bob)

    contact_tag_add(contact=maria.contact, tag="from an admin", by=world.adam)
    maria.contact.refresh_from_db()
    main = Contact.objects.get(pk=maria.contact.merged_into_id or maria.contact_id)
    assert "from an admin" in main.tags


def test_adam_may_change_and_unlink_them(world, maria, mary, linked):
    adam = world.client_for(world.adam)

    tagged = adam.post(f"/c/{maria.pk}/customer/tags/", {"tag": "shared"}, **HTMX)
    member = maria if linked == "sales-main" else mary
    undone = adam.post(f"/c/{maria.pk}/customer/unlink/", {"contact": member.contact_id}, **HTMX)

    assert tagged.status_code == 200 and undone.status_code == 200
    assert Contact.objects.get(pk=member.contact_id).merged_into_id is None


def test_a_handle_on_another_teams_account_alone_makes_her_read_only(world, maria):
    """No link needed: Maria herself also wrote to Sales' page."""
    there = IdentityFactory(account=world.other, contact=maria.contact, handle="@maria_at_sales")
    ConversationFactory(account=world.other, identity=there, contact=maria.contact)

    panel = panel_of(world.client_for(world.alice).get(f"/c/{maria.pk}/").text)
    refused = world.client_for(world.alice).post(
        f"/c/{maria.pk}/customer/notes/", {"notes": "x"}, **HTMX
    )

    assert "@maria_at_sales" not in panel
    assert "only an admin can change" in panel
    assert refused.status_code == 403
    assert Contact.objects.get(pk=maria.contact_id).notes == "Support keeps this note"


# --- "Same person as…" ----------------------------------------------------------------------


def test_the_search_finds_no_contact_alice_cannot_see(world, maria, mary):
    found = world.client_for(world.alice).get(
        f"/c/{maria.pk}/customer/same-person/?who=Mary", **HTMX
    )

    assert found.status_code == 200
    assert "Mary Sales" not in found.text
    assert "Nobody else matches" in found.text


def test_the_search_does_not_match_on_a_handle_alice_cannot_see(world, maria):
    """Helen writes to both pages; her Sales handle must not find her for Alice (it would
    tell Alice what Sales knows), nor show beside her name."""
    helen = ContactFactory(name="Helen")
    IdentityFactory(account=world.acme, contact=helen, handle="@helen")
    IdentityFactory(account=world.other, contact=helen, handle="@secret_sales_handle")
    ConversationFactory(
        account=world.acme, identity=helen.identities.get(handle="@helen"), contact=helen
    )
    alice = world.client_for(world.alice)

    by_hidden = alice.get(f"/c/{maria.pk}/customer/same-person/?who=secret_sales", **HTMX)
    by_name = alice.get(f"/c/{maria.pk}/customer/same-person/?who=Helen", **HTMX)
    by_admin = world.client_for(world.adam).get(
        f"/c/{maria.pk}/customer/same-person/?who=secret_sales", **HTMX
    )

    assert "Helen" not in by_hidden.text
    assert "Helen" in by_name.text and "@helen" in by_name.text
    assert "secret_sales_handle" not in by_name.text
    assert "Helen" in by_admin.text
