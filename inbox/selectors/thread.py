"""The thread of one conversation as the page shows it: messages, notes, activity lines."""

from dataclasses import dataclass
from typing import Literal

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from inbox.models import Activity, Conversation, Message, Note, Team

from .conversations import thread_for

User = get_user_model()

# Activities the thread does not show as a line: the message itself already says it.
QUIET_VERBS = {Activity.Verb.REPLIED, Activity.Verb.SEND_FAILED}


@dataclass(frozen=True)
class ThreadEntry:
    kind: Literal["message", "note", "activity"]
    item: Message | Note | Activity
    # For activity lines: who or what the change pointed to (an assignee, a team).
    target: str = ""


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
