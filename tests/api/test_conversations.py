"""The conversation list and one conversation: access, filters, pages and changes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox import services
from inbox.models import Activity, Conversation
from tests.factories import AccountFactory, ConversationFactory, LabelFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/conversations/"


def detail(conversation) -> str:
    return f"/api/v1/conversations/{conversation.pk}/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_it_lists_the_conversations_of_the_accounts_an_agent_works(
    world, conversation, sales_conversation
):
    assert ids(world.api_for(world.alice).get(LIST)) == [conversation.pk]
    assert ids(world.api_for(world.charlie).get(LIST)) == [sales_conversation.pk]
    assert set(ids(world.api_for(world.adam).get(LIST))) == {
        conversation.pk,
        sales_conversation.pk,
    }


def test_it_answers_401_without_a_token(world, conversation):
    from django.test import Client

    response = Client().get(LIST)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_it_refuses_a_wrong_token(world, conversation):
    from django.test import Client

    response = Client(HTTP_AUTHORIZATION="Token not-a-real-token").get(LIST)

    assert response.status_code == 401


def test_it_works_with_the_pages_session_too(world, conversation):
    assert ids(world.client_for(world.alice).get(LIST)) == [conversation.pk]


def test_a_superuser_sees_everything(world, conversation, sales_conversation):
    world.charlie.is_superuser = True
    world.charlie.save()

    assert set(ids(world.api_for(world.charlie).get(LIST))) == {
        conversation.pk,
        sales_conversation.pk,
    }


def test_each_item_has_what_a_client_shows(world, conversation):
    label = LabelFactory(name="refund")
    conversation.labels.add(label)
    Conversation.objects.filter(pk=conversation.pk).update(
        assignee=world.alice, team=world.support, priority=3, snippet="Is my parcel lost?"
    )

    item = world.api_for(world.alice).get(LIST).json()["results"][0]

    assert item["channel"] == "testchannel"
    assert item["account"] == {"id": world.acme.pk, "name": "Acme"}
    assert item["kind"] == "direct"
    assert item["status"] == "open"
    assert item["unread"] is True
    assert item["assignee"] == {"id": world.alice.pk, "username": "alice", "name": "Alice"}
    assert item["team"] == {"id": world.support.pk, "name": "Support"}
    assert item["priority"] == 3
    assert item["labels"] == ["refund"]
    assert item["contact"]["name"] == "Maria"
    assert item["snippet"] == "Is my parcel lost?"
    assert {"last_message_at", "last_activity_at", "waiting_since", "sla_due_at"} <= set(item)


def test_it_lists_newest_activity_first_in_pages(world):
    now = timezone.now()
    conversations = [
        ConversationFactory(account=world.acme, last_activity_at=now - timedelta(minutes=n))
        for n in range(5)
    ]
    api = world.api_for(world.alice)

    first = api.get(LIST, {"page_size": 2}).json()
    second = api.get(LIST, {"page_size": 2, "page": 2}).json()

    assert first["count"] == 5
    assert [c["id"] for c in first["results"] + second["results"]] == [
        c.pk for c in conversations[:4]
    ]
    assert first["next"] is not None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda w: {"status": "follow_up"}, ["follow-up"]),
        (lambda w: {"kind": "comment"}, ["comment"]),
        (lambda w: {"channel": "facebook"}, ["facebook"]),
        (lambda w: {"assignee": "me"}, ["mine"]),
        (lambda w: {"assignee": "none", "status": "open"}, ["plain", "comment", "facebook"]),
        (lambda w: {"team": w.support.pk}, ["mine"]),
        (lambda w: {"unread": "false"}, ["follow-up"]),
        (
            lambda w: {"status": "", "kind": ""},
            ["plain", "follow-up", "comment", "facebook", "mine"],
        ),
    ],
)
def test_it_filters_the_list(world, query, expected):
    facebook = AccountFactory(kind="facebook", external_id="fb-page", name="Acme on Facebook")
    facebook.teams.add(world.support)
    now = timezone.now()
    named = {
        "plain": ConversationFactory(account=world.acme, last_activity_at=now),
        "follow-up": ConversationFactory(
            account=world.acme, status="follow_up", last_activity_at=now
        ),
        "comment": ConversationFactory(
            account=world.acme, kind="comment", last_activity_at=now - timedelta(minutes=1)
        ),
        "facebook": ConversationFactory(
            account=facebook, last_activity_at=now - timedelta(minutes=2)
        ),
        "mine": ConversationFactory(
            account=world.acme, assignee=world.alice, team=world.support, last_activity_at=now
        ),
    }

    # Alice read this one; unread is kept per agent.
    services.conversation_mark_read(conversation=named["follow-up"], user=world.alice)

    found = ids(world.api_for(world.alice).get(LIST, query(world)))

    assert sorted(found) == sorted(named[name].pk for name in expected)


def test_it_filters_by_a_user_id(world):
    bobs = ConversationFactory(account=world.acme, assignee=world.bob)
    ConversationFactory(account=world.acme, assignee=world.alice)

    assert ids(world.api_for(world.lena).get(LIST, {"assignee": world.bob.pk})) == [bobs.pk]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"status": "closed"}, "status", ["open", "follow_up", "done"]),
        ({"kind": "dm"}, "kind", ["direct", "comment", "review", "mention"]),
        ({"channel": "myspace"}, "channel", ["facebook", "testchannel"]),
        ({"assignee": "bob"}, "assignee", ["user id", "me", "none"]),
        ({"team": "support"}, "team", []),
        ({"team": "9" * 25}, "team", []),
        ({"assignee": "9" * 25}, "assignee", ["user id"]),
        ({"unread": "maybe"}, "unread", []),
    ],
)
def test_it_says_which_filter_value_is_wrong_and_what_is_allowed(world, query, field, words):
    response = world.api_for(world.alice).get(LIST, query)

    assert response.status_code == 400
    message = " ".join(response.json()[field])
    for word in words:
        assert word in message


def test_the_list_takes_the_same_queries_for_5_rows_as_for_40(world):
    api = world.api_for(world.alice)
    counts = {}
    for rows in (5, 40):
        Conversation.objects.all().delete()
        for _ in range(rows):
            conversation = ConversationFactory(
                account=world.acme, assignee=world.alice, team=world.support
            )
            conversation.labels.add(LabelFactory(name="vip"), LabelFactory(name="refund"))
        with CaptureQueriesContext(connection) as queries:
            assert len(ids(api.get(LIST))) == rows
        counts[rows] = len(queries)

    assert counts[5] == counts[40]
    assert counts[40] <= 8


def test_it_shows_one_conversation(world, conversation):
    response = world.api_for(world.alice).get(detail(conversation))

    assert response.status_code == 200
    assert response.json()["id"] == conversation.pk
    assert response.json()["contact"]["name"] == "Maria"


def test_it_hides_a_conversation_of_another_team_as_missing(world, conversation):
    api = world.api_for(world.charlie)

    assert api.get(detail(conversation)).status_code == 404
    assert api.patch(detail(conversation), {"status": "done"}, "application/json").status_code == (
        404
    )
    conversation.refresh_from_db()
    assert conversation.status == "open"


def test_it_answers_404_for_a_conversation_that_does_not_exist(world):
    assert world.api_for(world.adam).get("/api/v1/conversations/999999/").status_code == 404


# --- PATCH -------------------------------------------------------------------------------------


def patch(world, user, conversation, data):
    return world.api_for(user).patch(detail(conversation), data, content_type="application/json")


def test_marking_done_is_saved_and_logged(world, conversation):
    response = patch(world, world.alice, conversation, {"status": "done"})

    assert response.status_code == 200
    assert response.json()["status"] == "done"
    conversation.refresh_from_db()
    assert conversation.status == "done"
    activity = conversation.activities.get(verb=Activity.Verb.STATUS)
    assert activity.actor == world.alice
    assert activity.data == {"from": "open", "to": "done"}


def test_an_agent_takes_a_conversation_and_labels_it(world, conversation):
    LabelFactory(name="refund")
    LabelFactory(name="vip")

    response = patch(
        world,
        world.alice,
        conversation,
        {"assignee": world.alice.pk, "labels": ["vip", "refund"], "priority": 4},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["assignee"]["username"] == "alice"
    assert body["labels"] == ["refund", "vip"]
    assert body["priority"] == 4
    assert set(conversation.activities.values_list("verb", flat=True)) == {
        Activity.Verb.ASSIGNED,
        Activity.Verb.LABELS,
        Activity.Verb.PRIORITY,
    }


def test_clearing_labels_and_assignee_with_empty_values(world, conversation):
    conversation.labels.add(LabelFactory(name="refund"))
    patch(world, world.alice, conversation, {"assignee": world.alice.pk})

    response = patch(world, world.alice, conversation, {"assignee": None, "labels": []})

    assert response.status_code == 200
    assert response.json()["assignee"] is None
    assert response.json()["labels"] == []


def test_an_agent_cannot_assign_a_teammate_and_is_told_why(world, conversation):
    response = patch(world, world.alice, conversation, {"assignee": world.bob.pk})

    assert response.status_code == 403
    assert "team lead" in response.json()["detail"]
    conversation.refresh_from_db()
    assert conversation.assignee is None
    assert not conversation.activities.exists()


def test_a_lead_assigns_a_teammate_and_moves_it_to_a_team(world, conversation):
    response = patch(
        world, world.lena, conversation, {"assignee": world.bob.pk, "team": world.support.pk}
    )

    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == world.bob.pk
    assert response.json()["team"] == {"id": world.support.pk, "name": "Support"}


def test_an_agent_cannot_move_a_conversation_to_a_team(world, conversation):
    response = patch(world, world.alice, conversation, {"team": world.support.pk})

    assert response.status_code == 403
    assert response.json()["detail"]


def test_nobody_can_be_assigned_who_does_not_work_the_account(world, conversation):
    response = patch(world, world.lena, conversation, {"assignee": world.charlie.pk})

    assert response.status_code == 403
    assert "charlie" in response.json()["detail"]


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"status": "closed"}, "status", "open, follow_up, done"),
        ({"priority": 7}, "priority", "0, 1, 2, 3, 4"),
        ({"priority": "high"}, "priority", "0, 1, 2, 3, 4"),
        ({"assignee": 999999}, "assignee", "no user with id 999999"),
        ({"assignee": int("9" * 25)}, "assignee", "no user with id"),
        ({"assignee": "alice"}, "assignee", ""),
        ({"team": 999999}, "team", "no team with id 999999"),
        ({"labels": ["nope"]}, "labels", "no label named “nope”"),
        ({"labels": "refund"}, "labels", ""),
    ],
)
def test_a_wrong_value_is_refused_naming_the_field(world, conversation, data, field, says):
    LabelFactory(name="refund")

    response = patch(world, world.lena, conversation, data)

    assert response.status_code == 400
    assert field in response.json()
    # A wrong list item is reported under its index: {"labels": {"0": [...]}}.
    assert says in str(response.json()[field])
    assert not conversation.activities.exists()


def test_an_empty_change_says_what_can_be_sent(world, conversation):
    response = patch(world, world.alice, conversation, {"state": "done"})

    assert response.status_code == 400
    assert "status, assignee, team, priority, labels" in str(response.json())


def test_malformed_json_is_a_400(world, conversation):
    response = world.api_for(world.alice).patch(
        detail(conversation), b'{"status": ', content_type="application/json"
    )

    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
