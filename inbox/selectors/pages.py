"""Reads for the server-rendered inbox: the folders and one page of the list."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from inbox.models import Conversation

from .conversations import ConversationFilters, conversation_list_for

FOLDERS = ("open", "follow_up", "done", "mine", "unassigned")
DEFAULT_FOLDER = "open"
PAGE_SIZE = 25


@dataclass(frozen=True)
class ListPage:
    conversations: list[Conversation]
    # Where the next page starts (last_activity_at, id), or None on the last page.
    next_after: tuple[datetime, int] | None


def folder_conversations_for(
    *, user: AbstractBaseUser, folder: str, after: tuple[datetime, int] | None = None
) -> QuerySet[Conversation]:
    """One folder: a status, or the not-done conversations that are mine or nobody's."""
    if folder not in FOLDERS:
        raise ValueError(folder)
    if folder in ("mine", "unassigned"):
        filters = ConversationFilters(assignee="me" if folder == "mine" else "none", after=after)
        return conversation_list_for(user=user, filters=filters).exclude(
            status=Conversation.Status.DONE
        )
    return conversation_list_for(user=user, filters=ConversationFilters(status=folder, after=after))


def list_page_for(
    *,
    user: AbstractBaseUser,
    folder: str,
    after: tuple[datetime, int] | None = None,
    size: int = PAGE_SIZE,
) -> ListPage:
    """One page of a folder; one row more than shown tells whether there is a next page."""
    rows = list(folder_conversations_for(user=user, folder=folder, after=after)[: size + 1])
    if len(rows) <= size:
        return ListPage(conversations=rows, next_after=None)
    last = rows[size - 1]
    return ListPage(conversations=rows[:size], next_after=(last.last_activity_at, last.pk))
