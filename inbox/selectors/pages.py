"""Reads for the server-rendered inbox: folders, one page of the list, a thread to show."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from inbox.models import Activity, Conversation, Message, Note, Team

from .conversations import ConversationFilters, conversation_list_for, thread_for

User = get_user_model()

FOLDERS = ("open", "follow_up", "done", "mine", "unassigned")
DEFAULT_FOLDER = "open"
PAGE_SIZE = 25

# Activities the thread does not show as a line: the message itself already says it.
QUIET_VERBS = {Activity.Verb.REPLIED, Activity.Verb.SEND_FAILED}


@dataclass(frozen=True)
class ListPage:
    conversations: list[Conversation]
    # Where the next page starts (last_activity_at, id), or None on the last page.
    next_after: tuple[datetime, int] | None


@dataclass(frozen=True)
class ThreadEntry:
    kind: Literal["message", "note", "activity"]
    item: Message | Note | Activity
    # For activity lines: who or what the change pointed to (an assignee, a team).
    target: str = ""


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


def thread_entries_for(*, conversation: Conversation) -> list[ThreadEntry]:
    """The thread in time order, with the people and teams activity lines name."""
    entries = [e for e in thread_for(conversation=conversation) if not _is_quiet(e)]
    activities = [e for e in entries if isinstance(e, Activity)]
    user_ids = {a.data.get("to") for a in activities if a.verb == Activity.Verb.ASSIGNED}
    team_ids = {a.data.get("to") for a in activities if a.verb == Activity.Verb.TEAM}
    users = _names(User.objects.filter(pk__in=user_ids - {None})) if user_ids - {None} else {}
    teams = (
        {t.pk: t.name for t in Team.objects.filter(pk__in=team_ids - {None})}
        if team_ids - {None}
        else {}
    )
    result: list[ThreadEntry] = []
    for entry in entries:
        if isinstance(entry, Message):
            result.append(ThreadEntry(kind="message", item=entry))
        elif isinstance(entry, Note):
            result.append(ThreadEntry(kind="note", item=entry))
        else:
            names = teams if entry.verb == Activity.Verb.TEAM else users
            target = names.get(entry.data.get("to"), "")
            result.append(ThreadEntry(kind="activity", item=entry, target=target))
    return result


def _is_quiet(entry: Message | Note | Activity) -> bool:
    return isinstance(entry, Activity) and entry.verb in QUIET_VERBS


def _names(users: QuerySet) -> dict[int, str]:
    return {u.pk: u.get_full_name() or u.get_username() for u in users}


def outbound_message_in(*, conversation: Conversation, pk: int) -> Message | None:
    """One of our replies in a conversation the caller already may see."""
    return (
        conversation.messages.filter(pk=pk, direction=Message.Direction.OUT)
        .select_related("author", "account", "conversation__account")
        .first()
    )
