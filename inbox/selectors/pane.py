"""Reads for the actions in a conversation's header: who may assign, to whom, what comes next."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from inbox.models import Conversation, Label, Team

from .access import assignable_users, is_admin, teams_led_by

# How far down a folder "Done" looks for the conversation it came from.
NEXT_SCAN = 500


@dataclass(frozen=True)
class AssignChoices:
    """What a lead or admin may assign this conversation to."""

    users: list
    teams: list[Team]


def leads_conversation(user: AbstractBaseUser, conversation: Conversation) -> bool:
    """An admin, or a lead of a team working the conversation's account: may assign anyone."""
    if is_admin(user):
        return True
    return teams_led_by(user).filter(accounts=conversation.account_id).exists()


def assign_choices_for(
    *, user: AbstractBaseUser, conversation: Conversation
) -> AssignChoices | None:
    """People and teams a lead may assign to; None for agents, who only take or drop."""
    if not leads_conversation(user, conversation):
        return None
    users = list(assignable_users(conversation).order_by("first_name", "username"))
    teams = list(Team.objects.filter(accounts=conversation.account_id).order_by("name"))
    return AssignChoices(users=users, teams=teams)


def labels_all() -> QuerySet[Label]:
    return Label.objects.order_by("name")


def next_conversation_id(*, rows: QuerySet[Conversation], current: Conversation) -> int | None:
    """The conversation after `current` in a list as it is ordered (before `current`
    changes): the one below it, else the one above it, else the list's first."""
    ids = list(rows.values_list("pk", flat=True)[:NEXT_SCAN])
    if current.pk not in ids:
        return next((pk for pk in ids if pk != current.pk), None)
    index = ids.index(current.pk)
    if index + 1 < len(ids):
        return ids[index + 1]
    return ids[index - 1] if index > 0 else None
