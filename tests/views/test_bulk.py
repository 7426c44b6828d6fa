"""Bulk actions on the selected rows: each row under its own rules, one answer for all."""

import pytest
from django.test import Client

from inbox.models import Activity, Conversation
from tests.factories import ConversationFactory, LabelFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def rows(world) -> dict[str, Conversation]:
    return {
        "first": ConversationFactory(account=world.acme),
        "second": ConversationFactory(account=world.acme),
        "bobs": ConversationFactory(account=world.acme, assignee=world.bob),
        "sales": ConversationFactory(account=world.other),
    }


def post(client: Client, conversations, list_query: str = "folder=open", **data):
    body = {"conversation": [c.pk for c in conversations], "list": list_query, **data}
    return client.post("/bulk/", body, **HTMX)


def test_alice_takes_what_she_may_and_hears_about_the_rest(world, rows):
    alice = world.client_for(world.alice)

    response = post(alice, rows.values(), assignee="me")

    assert response.status_code == 200
    assert "2 conversations updated; 1 could not be: Agents can take unassigned" in response.text
    assert "1 is not there or not yours to see." in response.text
    for name, expected in [
        ("first", world.alice),
        ("second", world.alice),
        ("bobs", world.bob),
        ("sales", None),
    ]:
        rows[name].refresh_from_db()
        assert rows[name].assignee == expected, name
    # The list pane comes back with the folders' new counts.
    assert response.text.lstrip().startswith('<section id="list-pane"')
    assert 'id="folders" class="folders" aria-label="Folders" hx-swap-oob="true"' in response.text
    counts = {link["key"]: link["count"] for link in response.context["folder_links"]}
    assert counts["mine"] == 2


def test_a_lead_marks_them_done_each_with_its_activity(world, rows):
    lena = world.client_for(world.lena)

    response = post(lena, [rows["first"], rows["bobs"]], status="done")

    assert "2 conversations updated." in response.text
    for name in ("first", "bobs"):
        rows[name].refresh_from_db()
        assert rows[name].status == Conversation.Status.DONE
        assert rows[name].activities.get(verb=Activity.Verb.STATUS).actor == world.lena
    assert rows["first"].pk not in [c.pk for c in response.context["page"].conversations]


def test_a_label_is_added_to_the_ones_already_there(world, rows):
    vip, refund = LabelFactory(name="vip"), LabelFactory(name="refund")
    rows["first"].labels.add(vip)

    post(world.client_for(world.alice), [rows["first"], rows["second"]], label=refund.pk)

    assert set(rows["first"].labels.values_list("name", flat=True)) == {"vip", "refund"}
    assert set(rows["second"].labels.values_list("name", flat=True)) == {"refund"}


def test_only_a_lead_moves_conversations_to_a_team(world, rows):
    pair = [rows["first"], rows["second"]]

    refused = post(world.client_for(world.alice), pair, team=world.support.pk)
    done = post(world.client_for(world.lena), pair, team=world.support.pk)

    assert "0 conversations updated; 2 could not be: Only a team lead" in refused.text
    assert "2 conversations updated." in done.text
    assert {c.team for c in Conversation.objects.filter(pk__in=[c.pk for c in pair])} == {
        world.support
    }


def test_a_refused_row_changes_nothing_of_itself(world, rows):
    """Status would be allowed, the assignment is not: the row keeps both."""
    post(world.client_for(world.alice), [rows["bobs"]], status="done", assignee="me")

    rows["bobs"].refresh_from_db()
    assert rows["bobs"].status == Conversation.Status.OPEN
    assert rows["bobs"].assignee == world.bob


def test_charlie_changes_nothing_he_cannot_see(world, rows):
    response = post(world.client_for(world.charlie), [rows["first"]], status="done")

    assert "0 conversations updated; 1 is not there or not yours to see." in response.text
    rows["first"].refresh_from_db()
    assert rows["first"].status == Conversation.Status.OPEN


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"conversation": [], "status": "done"}, "Select at least one conversation first."),
        ({"status": ""}, "Choose what to do with the selected conversations"),
        ({"status": "archived"}, "There is no status “archived”."),
        ({"assignee": "nobody-here"}, "is not someone you can choose here"),
        ({"label": "999999"}, "There is no label with id “999999”."),
        ({"conversation": ["x1"], "status": "done"}, "“x1” is not a conversation id."),
        ({"conversation": ["9" * 30], "status": "done"}, "is not a conversation id."),
    ],
)
def test_bad_input_says_what_to_fix(world, rows, data, message):
    body = {"conversation": [rows["first"].pk], "list": "folder=open", **data}

    response = world.client_for(world.alice).post("/bulk/", body, **HTMX)

    assert response.status_code == 400
    assert message in response.text
    assert 'role="alert"' in response.text
    rows["first"].refresh_from_db()
    assert rows["first"].status == Conversation.Status.OPEN


def test_without_js_it_redirects_to_the_same_list_and_says_what_happened(world, rows):
    alice = world.client_for(world.alice)
    body = {
        "conversation": [rows["first"].pk],
        "status": "follow_up",
        "list": "folder=open&q=hello&bogus=1",
    }

    response = alice.post("/bulk/", body)

    assert response.status_code == 302
    assert response["Location"] == "/?folder=open&q=hello"
    page = alice.get(response["Location"])
    assert "1 conversation updated." in page.text
    rows["first"].refresh_from_db()
    assert rows["first"].status == Conversation.Status.FOLLOW_UP


def test_the_list_comes_back_as_it_was_filtered(world, rows):
    alice = world.client_for(world.alice)

    response = post(alice, [rows["first"]], list_query="folder=mine", assignee="me")

    assert response.context["folder"] == "mine"
    assert [c.pk for c in response.context["page"].conversations] == [rows["first"].pk]


def test_bulk_needs_a_logged_in_post_with_csrf(world, rows):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.alice)
    body = {"conversation": [rows["first"].pk], "status": "done"}

    assert Client().post("/bulk/", body).status_code == 302
    assert world.client_for(world.alice).get("/bulk/").status_code == 405
    assert strict.post("/bulk/", body).status_code == 403
    rows["first"].refresh_from_db()
    assert rows["first"].status == Conversation.Status.OPEN


def test_the_list_is_a_form_with_a_checkbox_per_row(world, rows):
    page = world.client_for(world.alice).get("/").text

    form = page.split('<form id="bulk-form"')[1].split("</form>")[0]
    assert 'method="post" action="/bulk/"' in form
    assert f'name="conversation" value="{rows["first"].pk}"' in form
    assert "Apply to selected" in form and 'name="csrfmiddlewaretoken"' in form
