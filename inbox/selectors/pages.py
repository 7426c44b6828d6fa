"""Reads for the server-rendered inbox: the folders and one page of the list."""

from dataclasses import dataclass, replace
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from inbox.models import Conversation, Label

from .access import accounts_for, is_admin
from .api import teams_for
from .conversations import (
    FOLDERS,
    TEAM_PREFIX,
    ConversationFilters,
    Cursor,
    conversation_list_for,
    folder_counts_for,
    folder_teams_for,
    sort_key,
    team_of,
)

__all__ = ["DEFAULT_FOLDER", "FOLDERS", "PAGE_SIZE", "TEAM_PREFIX", "team_of"]

User = get_user_model()

DEFAULT_FOLDER = "open"
PAGE_SIZE = 25


@dataclass(frozen=True)
class Folder:
    key: str
    count: int | None
    # The team's name for a team folder; the others' names are the views' to translate.
    team_name: str = ""


@dataclass(frozen=True)
class ListPage:
    conversations: list[Conversation]
    # Where the next page starts (the sort key's value, id), or None on the last page.
    next_after: Cursor | None


def folder_keys_for(*, user: AbstractBaseUser) -> list[str]:
    """The user's folders in order: Mine, Unassigned, their teams, then the others."""
    teams = [f"{TEAM_PREFIX}{pk}" for pk in folder_teams_for(user=user)]
    return [*FOLDERS[:2], *teams, *FOLDERS[2:]]


def folders_for(*, user: AbstractBaseUser) -> list[Folder]:
    """Every folder of the user with its count, in a constant number of queries."""
    teams = folder_teams_for(user=user)
    counts = folder_counts_for(user=user, teams=teams)
    return [
        Folder(key=key, count=counts.get(key), team_name=teams.get(team_of(key) or 0, ""))
        for key in folder_keys_for(user=user)
    ]


def folder_conversations_for(
    *,
    user: AbstractBaseUser,
    folder: str,
    after: Cursor | None = None,
    filters: ConversationFilters | None = None,
) -> QuerySet[Conversation]:
    """One folder with the agent's filters, search and sort; ValueError for no such folder."""
    if folder not in folder_keys_for(user=user):
        raise ValueError(folder)
    chosen = replace(filters or ConversationFilters(), folder=folder, after=after)
    return conversation_list_for(user=user, filters=chosen)


def list_page_for(
    *,
    user: AbstractBaseUser,
    folder: str,
    after: Cursor | None = None,
    filters: ConversationFilters | None = None,
    size: int = PAGE_SIZE,
) -> ListPage:
    """One page of a folder; one row more than shown tells whether there is a next page."""
    chosen = replace(filters or ConversationFilters(), folder=folder, after=after)
    rows = list(
        folder_conversations_for(user=user, folder=folder, after=after, filters=chosen)[: size + 1]
    )
    if len(rows) <= size:
        return ListPage(conversations=rows, next_after=None)
    last = rows[size - 1]
    return ListPage(
        conversations=rows[:size], next_after=(getattr(last, sort_key(chosen)), last.pk)
    )


class FilterChoices:
    """What the list's filters offer this user, each read once and only when asked for."""

    def __init__(self, user: AbstractBaseUser) -> None:
        self.user = user

    @cached_property
    def people(self) -> list[AbstractBaseUser]:
        """Whoever works an account the user sees: the assignees worth filtering by."""
        people = User.objects.filter(is_active=True)
        if not is_admin(self.user):
            accounts = accounts_for(self.user).values("pk")
            people = people.filter(memberships__team__accounts__in=accounts).distinct()
        people = people.only("pk", "username", "first_name", "last_name")
        return list(people.order_by("first_name", "last_name", "username"))

    @cached_property
    def teams(self) -> list[tuple[int, str]]:
        return list(teams_for(user=self.user).values_list("pk", "name"))

    @cached_property
    def labels(self) -> list[tuple[int, str]]:
        return list(Label.objects.order_by("name").values_list("pk", "name"))


def filter_choices_for(*, user: AbstractBaseUser) -> FilterChoices:
    """The same choices for every form and template of one request: kept on the user."""
    cached = getattr(user, "_socialcare_filter_choices", None)
    if cached is None:
        cached = user._socialcare_filter_choices = FilterChoices(user)
    return cached
