"""Status, assignment, labels and notes: who may do what, and the activity log."""

import pytest

from inbox import services
from inbox.models import Activity, Conversation, Message
from inbox.selectors import conversations_for, folder_counts_for
from tests.factories import ConversationFactory, LabelFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(world):
    return ConversationFactory(account=world.acme)


def verbs(conversation) -> list[str]:
    return list(conversation.activities.values_list("verb", flat=True))


def test_an_agent_sees_only_the_accounts_their_teams_work(world, conversation):
    sales = ConversationFactory(account=world.other)

    assert list(conversations_for(world.alice)) == [conversation]
    assert list(conversations_for(world.charlie)) == [sales]
    assert set(conversations_for(world.adam)) == {conversation, sales}


def test_marking_done_ends_the_wait_and_is_logged(world, conversation):
    services.conversation_update(conversation=conversation, by=world.alice, status="done")

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.DONE
    assert conversation.waiting_since is None
    activity = conversation.activities.get(verb=Activity.Verb.STATUS)
    assert activity.actor == world.alice
    assert activity.data == {"from": "open", "to": "done"}


def test_an_agent_takes_an_unassigned_conversation(world, conversation):
    services.conversation_update(conversation=conversation, by=world.alice, assignee=world.alice)

    conversation.refresh_from_db()
    assert conversation.assignee == world.alice
    assert Activity.Verb.ASSIGNED in verbs(conversation)


def test_an_agent_cannot_take_a_teammates_conversation(world, conversation):
    services.conversation_update(conversation=conversation, by=world.bob, assignee=world.bob)

    with pytest.raises(services.NotAllowed):
        services.conversation_update(
            conversation=conversation, by=world.alice, assignee=world.alice
        )


def test_an_agent_cannot_assign_a_teammate(world, conversation):
    with pytest.raises(services.NotAllowed, match="team lead"):
        services.conversation_update(conversation=conversation, by=world.alice, assignee=world.bob)


def test_a_lead_assigns_anyone_in_the_team(world, conversation):
    services.conversation_update(conversation=conversation, by=world.lena, assignee=world.bob)

    conversation.refresh_from_db()
    assert conversation.assignee == world.bob


def test_nobody_can_assign_someone_who_does_not_work_the_account(world, conversation):
    with pytest.raises(services.NotAllowed, match="does not work"):
        services.conversation_update(
            conversation=conversation, by=world.adam, assignee=world.charlie
        )


def test_labels_and_priority_changes_are_logged(world, conversation):
    vip, refund = LabelFactory(name="vip"), LabelFactory(name="refund")

    services.conversation_update(
        conversation=conversation,
        by=world.alice,
        labels=[vip, refund],
        priority=Conversation.Priority.HIGH,
    )

    assert set(conversation.labels.values_list("name", flat=True)) == {"vip", "refund"}
    assert set(verbs(conversation)) >= {Activity.Verb.LABELS, Activity.Verb.PRIORITY}


def test_an_unchanged_value_writes_no_activity(world, conversation):
    services.conversation_update(conversation=conversation, by=world.alice, status="open")

    assert verbs(conversation) == []


def test_an_unknown_status_is_refused(world, conversation):
    with pytest.raises(ValueError, match="Unknown status"):
        services.conversation_update(conversation=conversation, by=world.alice, status="closed")


def test_a_note_mentions_teammates_who_can_see_it(world, conversation):
    note = services.note_create(
        conversation=conversation,
        author=world.alice,
        text="@bob can you check? cc @charlie @nobody",
    )

    assert list(note.mentions.all()) == [world.bob]


def test_an_empty_note_is_refused(world, conversation):
    with pytest.raises(ValueError, match="Write a note"):
        services.note_create(conversation=conversation, author=world.alice, text="   ")


def test_folder_counts_come_from_one_aggregate(world, conversation, django_assert_num_queries):
    ConversationFactory(account=world.acme, status="done")
    ConversationFactory(account=world.acme, assignee=world.alice)
    ConversationFactory(account=world.other)
    # Done, yet a reply failed and Bob mentioned Alice: both still count.
    done = ConversationFactory(account=world.acme, status="done")
    MessageFactory(conversation=done, direction=Message.Direction.OUT, status=Message.Status.FAILED)
    services.note_create(conversation=done, author=world.bob, text="@alice look at this")

    # The admin-role check, then one aggregate for every folder.
    with django_assert_num_queries(2):
        counts = folder_counts_for(user=world.alice, teams=[world.support.pk])

    assert counts == {
        "open": 2,
        "follow_up": 0,
        "done": None,
        "mine": 1,
        "unassigned": 1,
        f"team-{world.support.pk}": 2,
        "mentions": 1,
        "failed": 1,
    }


def test_a_lead_shares_a_canned_response_with_the_team(world):
    response = services.canned_response_create(
        by=world.lena,
        title="Refund",
        shortcut="refund",
        team=world.support,
        body="Hi {customer_first_name}, your refund is on its way. {agent_name}",
    )

    assert response.team == world.support and response.owner is None
    with pytest.raises(services.NotAllowed):
        services.canned_response_create(
            by=world.alice, title="x", shortcut="x", body="x", team=world.support
        )


def test_a_shortcut_is_unique_per_owner(world):
    services.canned_response_create(by=world.alice, title="Hi", shortcut="hi", body="Hello!")

    with pytest.raises(ValueError, match="already taken"):
        services.canned_response_create(by=world.alice, title="Hi", shortcut="hi", body="Hey")
