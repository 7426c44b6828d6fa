"""The actions in a conversation's header, and who may use them.

Alice and Bob are Support's agents, Lena leads Support, Adam is an admin; Charlie is an
agent of Sales, who never sees Support's conversations.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox import services
from inbox.models import Activity, Conversation, ConversationRead, Team
from tests.factories import AccountFactory, ConversationFactory, LabelFactory, MessageFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def conversation_with(account, text: str = "Where is my order?", **fields) -> Conversation:
    convo = ConversationFactory(account=account, snippet=text, **fields)
    MessageFactory(conversation=convo, text=text)
    return convo


@pytest.fixture
def maria(world) -> Conversation:
    return conversation_with(world.acme, text="My parcel never arrived")


# --- assign -----------------------------------------------------------------------------------


def test_lena_assigns_a_conversation_to_bob(world, maria):
    response = world.client_for(world.lena).post(
        f"/c/{maria.pk}/assign/?folder=open", {"to": f"user-{world.bob.pk}"}, **HTMX
    )

    assert response.status_code == 200
    maria.refresh_from_db()
    assert maria.assignee == world.bob
    assert "Lena assigned it to Bob" in response.text
    assert "Assigned to <bdi>Bob</bdi>" in response.text
    assert 'hx-swap-oob="true"' in response.text  # the folders' counts


def test_lena_assigns_a_conversation_to_the_support_team(world, maria):
    response = world.client_for(world.lena).post(
        f"/c/{maria.pk}/assign/", {"to": f"team-{world.support.pk}"}, **HTMX
    )

    assert response.status_code == 200
    maria.refresh_from_db()
    assert maria.team == world.support
    assert "Lena moved it to the team Support" in response.text


def test_an_admin_assigns_anyone_who_works_the_account(world, maria):
    response = world.client_for(world.adam).post(
        f"/c/{maria.pk}/assign/", {"to": f"user-{world.alice.pk}"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/c/{maria.pk}/?folder=open"
    maria.refresh_from_db()
    assert maria.assignee == world.alice


def test_lena_cannot_assign_charlie_who_does_not_work_the_account(world, maria):
    response = world.client_for(world.lena).post(
        f"/c/{maria.pk}/assign/", {"to": f"user-{world.charlie.pk}"}, **HTMX
    )

    assert response.status_code == 422
    assert "they must work the account of this conversation" in response.text
    maria.refresh_from_db()
    assert maria.assignee is None


def test_lena_cannot_move_a_conversation_to_a_team_that_does_not_work_its_account(world, maria):
    response = world.client_for(world.lena).post(
        f"/c/{maria.pk}/assign/", {"to": f"team-{world.sales.pk}"}, **HTMX
    )

    assert response.status_code == 422
    maria.refresh_from_db()
    assert maria.team is None


def test_the_service_refuses_a_team_that_does_not_work_the_account(world, maria):
    with pytest.raises(services.NotAllowed, match="does not work the account"):
        services.conversation_update(conversation=maria, by=world.adam, team=world.sales)


def test_an_agent_who_is_assigned_cannot_move_the_conversation_to_a_team(world, maria):
    Conversation.objects.filter(pk=maria.pk).update(assignee=world.alice)
    maria.refresh_from_db()

    with pytest.raises(services.NotAllowed, match="Only a team lead"):
        services.conversation_update(conversation=maria, by=world.alice, team=world.support)


def test_agents_see_assign_to_me_and_leads_see_the_assign_select(world, maria):
    alice_page = world.client_for(world.alice).get(f"/c/{maria.pk}/").text
    lena_page = world.client_for(world.lena).get(f"/c/{maria.pk}/").text

    assert "Assign to me" in alice_page
    assert 'id="assign-to"' not in alice_page
    assert 'id="assign-to"' in lena_page
    assert f'value="user-{world.bob.pk}"' in lena_page
    assert f'value="team-{world.support.pk}"' in lena_page
    assert f'value="user-{world.charlie.pk}"' not in lena_page
    assert f'value="team-{world.sales.pk}"' not in lena_page


def test_an_agent_cannot_assign_a_teammate(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/assign/", {"to": f"user-{world.bob.pk}"}, **HTMX
    )

    assert response.status_code == 422
    assert "Only a team lead or an admin can assign others" in response.text
    maria.refresh_from_db()
    assert maria.assignee is None


def test_an_agent_unassigns_herself_but_not_a_teammate(world, maria):
    alice = world.client_for(world.alice)
    services.conversation_update(conversation=maria, by=world.alice, assignee=world.alice)
    assert "Unassign me" in alice.get(f"/c/{maria.pk}/").text

    response = alice.post(f"/c/{maria.pk}/assign/", {"to": ""}, **HTMX)

    assert response.status_code == 200
    maria.refresh_from_db()
    assert maria.assignee is None
    assert "Alice unassigned it" in response.text

    services.conversation_update(conversation=maria, by=world.lena, assignee=world.bob)
    refused = alice.post(f"/c/{maria.pk}/assign/", {"to": ""}, **HTMX)
    assert refused.status_code == 422
    maria.refresh_from_db()
    assert maria.assignee == world.bob


def test_a_lead_unassigns_anyone(world, maria):
    services.conversation_update(conversation=maria, by=world.lena, assignee=world.bob)

    response = world.client_for(world.lena).post(f"/c/{maria.pk}/assign/", {"to": ""}, **HTMX)

    assert response.status_code == 200
    maria.refresh_from_db()
    assert maria.assignee is None


def test_a_made_up_assignee_is_refused_with_a_message(world, maria):
    response = world.client_for(world.lena).post(
        f"/c/{maria.pk}/assign/", {"to": "user-999999"}, **HTMX
    )

    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert "Choose someone from the list" in response.text


def test_charlie_gets_404_for_every_action_on_supports_conversation(world, maria):
    charlie = world.client_for(world.charlie)

    for path, data in [
        ("assign/", {"to": ""}),
        ("assign-to-me/", {}),
        ("labels/", {}),
        ("priority/", {"priority": "3"}),
        ("status/", {"status": "done"}),
    ]:
        assert charlie.post(f"/c/{maria.pk}/{path}", data).status_code == 404, path
    maria.refresh_from_db()
    assert maria.priority == Conversation.Priority.NONE
    assert maria.status == Conversation.Status.OPEN


def test_actions_need_post(world, maria):
    alice = world.client_for(world.alice)

    for path in ("assign/", "labels/", "priority/"):
        assert alice.get(f"/c/{maria.pk}/{path}").status_code == 405


# --- labels and priority ----------------------------------------------------------------------


def test_alice_labels_a_conversation(world, maria):
    refund = LabelFactory(name="refund")
    urgent = LabelFactory(name="courier")
    alice = world.client_for(world.alice)

    response = alice.post(f"/c/{maria.pk}/labels/", {"labels": [refund.pk, urgent.pk]}, **HTMX)

    assert response.status_code == 200
    assert set(maria.labels.all()) == {refund, urgent}
    assert "Alice changed the labels" in response.text
    assert maria.activities.filter(verb=Activity.Verb.LABELS).count() == 1

    response = alice.post(f"/c/{maria.pk}/labels/", {"labels": [refund.pk]}, **HTMX)
    assert list(maria.labels.all()) == [refund]


def test_an_unknown_label_is_refused(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/labels/", {"labels": ["424242"]}, **HTMX
    )

    assert response.status_code == 422
    assert "One of the labels no longer exists" in response.text
    assert not maria.labels.exists()


def test_alice_sets_the_priority(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/priority/", {"priority": str(Conversation.Priority.HIGH)}, **HTMX
    )

    assert response.status_code == 200
    maria.refresh_from_db()
    assert maria.priority == Conversation.Priority.HIGH
    assert "Alice set the priority to High" in response.text
    assert "Priority: High" in response.text


def test_a_priority_that_does_not_exist_is_refused(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/priority/", {"priority": "99"}, **HTMX
    )

    assert response.status_code == 422
    assert "is not a priority" in response.text


def test_a_refused_action_shows_the_conversation_as_it_is(world, maria):
    services.conversation_update(conversation=maria, by=world.lena, assignee=world.bob)

    response = world.client_for(world.alice).post(f"/c/{maria.pk}/assign/", {"to": ""}, **HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#conversation-pane"
    assert "Assigned to <bdi>Bob</bdi>" in response.text
    assert "data-autofocus" in response.text.split('role="alert"')[1].split(">")[0]


def test_without_htmx_a_refusal_is_the_whole_page_with_the_reason(world, maria):
    response = world.client_for(world.alice).post(f"/c/{maria.pk}/priority/", {"priority": "x"})

    assert response.status_code == 422
    assert "<html" in response.text
    assert "is not a priority" in response.text


# --- status, and moving on after done -------------------------------------------------------


@pytest.fixture
def three(world) -> list[Conversation]:
    """Three open conversations of Acme, newest first as the list shows them."""
    now = timezone.now()
    return [
        conversation_with(world.acme, text=f"question {n}", last_activity_at=now - timedelta(n))
        for n in range(3)
    ]


def test_done_moves_on_to_the_next_conversation_of_the_list(world, three):
    first, second, third = three

    response = world.client_for(world.alice).post(
        f"/c/{second.pk}/status/?folder=open", {"status": "done"}, **HTMX
    )

    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"/c/{third.pk}/?folder=open"
    assert f'data-conversation-id="{third.pk}"' in response.text
    assert "question 2" in response.text
    # The done one's row leaves the list; the folders' counts come along.
    assert f'<li id="row-{second.pk}" hx-swap-oob="delete">' in response.text
    assert 'id="folders"' in response.text
    # Focus goes to the next conversation's heading.
    heading = response.text.split('id="conversation-heading"')[1].split(">")[0]
    assert "data-autofocus" in heading
    second.refresh_from_db()
    assert second.status == Conversation.Status.DONE
    # Opening the next one read it, for Alice only.
    assert ConversationRead.objects.filter(user=world.alice, conversation=third).exists()


def test_done_on_the_last_conversation_goes_to_the_one_above(world, three):
    first, second, third = three

    response = world.client_for(world.alice).post(
        f"/c/{third.pk}/status/?folder=open", {"status": "done"}, **HTMX
    )

    assert response["HX-Push-Url"] == f"/c/{second.pk}/?folder=open"


def test_done_on_the_last_one_of_the_folder_says_all_done(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/status/?folder=open", {"status": "done"}, **HTMX
    )

    assert response.status_code == 200
    assert "All done in this folder" in response.text
    assert response["HX-Push-Url"] == "/?folder=open"


def test_done_moves_on_within_the_folder_the_agent_came_from(world, three):
    first, second, third = three
    services.conversation_update(conversation=first, by=world.lena, assignee=world.alice)
    services.conversation_update(conversation=third, by=world.lena, assignee=world.alice)

    response = world.client_for(world.alice).post(
        f"/c/{first.pk}/status/?folder=mine", {"status": "done"}, **HTMX
    )

    assert response["HX-Push-Url"] == f"/c/{third.pk}/?folder=mine"


def test_done_keeps_the_whole_list_query_in_the_next_url(world, three):
    first, second, third = three

    response = world.client_for(world.alice).post(
        f"/c/{first.pk}/status/?folder=open&kind=direct&after=x", {"status": "done"}, **HTMX
    )

    assert response["HX-Push-Url"] == f"/c/{second.pk}/?folder=open&kind=direct"


def test_done_moves_on_within_the_filters_of_the_list(world, three):
    first, second, third = three
    Conversation.objects.filter(pk=second.pk).update(kind=Conversation.Kind.COMMENT)

    response = world.client_for(world.alice).post(
        f"/c/{first.pk}/status/?folder=open&kind=direct", {"status": "done"}, **HTMX
    )

    assert response["HX-Push-Url"] == f"/c/{third.pk}/?folder=open&kind=direct"


def test_done_without_htmx_redirects_to_the_next_conversation(world, three):
    first, second, third = three

    response = world.client_for(world.alice).post(
        f"/c/{first.pk}/status/?folder=open", {"status": "done"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/c/{second.pk}/?folder=open"


def test_follow_up_stays_on_the_conversation_and_drops_its_row_from_open(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/status/?folder=open", {"status": "follow_up"}, **HTMX
    )

    assert response.status_code == 200
    assert "HX-Push-Url" not in response
    assert f'data-conversation-id="{maria.pk}"' in response.text
    assert f'<li id="row-{maria.pk}" hx-swap-oob="delete">' in response.text
    assert "Alice moved it from Open to Follow-up" in response.text


def test_a_change_that_keeps_the_row_in_the_list_keeps_the_row(world, maria):
    response = world.client_for(world.alice).post(
        f"/c/{maria.pk}/priority/?folder=open", {"priority": "2"}, **HTMX
    )

    assert response.status_code == 200
    maria.refresh_from_db()
    assert maria.priority == 2
    assert 'hx-swap-oob="delete"' not in response.text


def test_action_urls_carry_the_list_query(world, maria):
    page = world.client_for(world.alice).get(f"/c/{maria.pk}/?folder=open&kind=direct").text

    assert f'hx-post="/c/{maria.pk}/status/?folder=open&amp;kind=direct"' in page
    assert f'hx-post="/c/{maria.pk}/priority/?folder=open&amp;kind=direct"' in page


def test_the_header_offers_mark_unread(world, maria):
    page = world.client_for(world.alice).get(f"/c/{maria.pk}/").text

    assert "Mark unread" in page
    assert f"/c/{maria.pk}/unread/" in page


# --- a conversation of another account shows only what that account's teams can do ------


def test_lena_cannot_assign_on_an_account_her_team_does_not_work(world):
    sales = conversation_with(world.other)

    response = world.client_for(world.lena).post(f"/c/{sales.pk}/assign/", {"to": ""})

    assert response.status_code == 404


def test_a_lead_of_another_team_sees_no_assign_select(world, maria):
    second = AccountFactory(name="Acme Two")
    second.teams.add(world.support)
    night = Team.objects.create(name="Night shift")
    second.teams.add(night)

    page = world.client_for(world.lena).get(f"/c/{maria.pk}/").text

    assert f'value="team-{world.support.pk}"' in page
    assert f'value="team-{night.pk}"' not in page
