"""Deleting a customer's comment on Facebook cannot be undone: it is for the leads of a team
that works the Page, and for admins. Agents hide, unhide and like; against the fake Graph
over real HTTP, so a refused delete is seen never to reach Facebook."""

import pytest

from inbox.models import Membership, Message, Role
from tests.facebook.pages import comment_payload, connect_page, graph_calls, ingest
from tests.factories import TeamFactory, UserFactory

COMMENT = "998877665544332_7788"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def comment(world, fake_graph) -> Message:
    connect_page(world)
    ingest(comment_payload(COMMENT, "Worst shop ever!!!"))
    return Message.objects.get(external_id=COMMENT)


def moderation_of(page: str, comment: Message) -> str:
    return page.split(f'id="moderation-{comment.pk}"')[1].split("</div>")[0]


def delete(client, comment: Message, **headers):
    return client.post(
        f"/c/{comment.conversation_id}/messages/{comment.pk}/moderate/",
        {"action": "delete"},
        **headers,
    )


def test_alice_may_hide_and_like_but_is_offered_no_delete(world, comment):
    page = world.client_for(world.alice).get(f"/c/{comment.conversation_id}/").text
    buttons = moderation_of(page, comment)

    assert 'value="hide"' in buttons and 'value="like"' in buttons
    assert 'value="delete"' not in buttons
    assert "Delete…" not in buttons


@pytest.mark.parametrize("who", ["lena", "adam"])
def test_the_lead_and_the_admin_are_offered_delete(world, comment, who):
    page = world.client_for(getattr(world, who)).get(f"/c/{comment.conversation_id}/").text

    assert 'value="delete"' in moderation_of(page, comment)


def test_alice_is_refused_a_delete_and_facebook_never_hears_of_it(world, comment, fake_graph):
    alice = world.client_for(world.alice)

    fragment = delete(alice, comment, **HTMX)
    page = delete(alice, comment)

    assert fragment.status_code == 403
    assert "Only a team lead or an admin can delete a comment" in fragment.text
    assert 'role="alert"' in fragment.text and f'id="message-{comment.pk}"' in fragment.text
    assert page.status_code == 403 and "<html" in page.text
    assert "Only a team lead or an admin can delete a comment" in page.text
    comment.refresh_from_db()
    assert comment.removed_at is None
    assert graph_calls(fake_graph, "DELETE", COMMENT) == []


def test_alice_is_refused_a_delete_through_the_api(world, comment, fake_graph):
    answer = world.api_for(world.alice).post(
        f"/api/v1/messages/{comment.pk}/moderate/",
        {"action": "delete"},
        content_type="application/json",
    )

    assert answer.status_code == 403
    assert "Only a team lead or an admin" in answer.json()["detail"]
    comment.refresh_from_db()
    assert comment.removed_at is None
    assert graph_calls(fake_graph, "DELETE", COMMENT) == []


def test_lena_deletes_it_on_facebook(world, comment, fake_graph):
    response = delete(world.client_for(world.lena), comment, **HTMX)

    assert response.status_code == 200
    assert "Deleted on the platform" in response.text
    comment.refresh_from_db()
    assert comment.removed_at is not None
    assert graph_calls(fake_graph, "DELETE", COMMENT)


def test_leading_another_team_is_not_enough(world, comment, fake_graph):
    """Sam leads Sales and is an agent in Support: on Support's Page he is an agent."""
    sam = UserFactory(username="sam")
    Membership.objects.create(user=sam, team=world.sales, role=Role.LEAD)
    Membership.objects.create(user=sam, team=world.support, role=Role.AGENT)
    nobody_else = TeamFactory(name="Nobody's")
    Membership.objects.create(user=sam, team=nobody_else, role=Role.LEAD)

    page = world.client_for(sam).get(f"/c/{comment.conversation_id}/").text
    response = delete(world.client_for(sam), comment, **HTMX)

    assert 'value="delete"' not in moderation_of(page, comment)
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.removed_at is None
