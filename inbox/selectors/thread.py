"""The thread of one conversation as the page shows it: messages, notes, activity lines.

Comment threads nest: a reply sits under the comment it answers (its parent_external_id is
that comment's platform id), each level in thread order (thread_order: when the customer
wrote it, not when it reached us). Direct messages stay flat.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from inbox.models import Activity, Conversation, Message, Note, Team

from .conversations import thread_for
from .thread_order import in_thread_order, thread_time

User = get_user_model()

# Activities the thread does not show as a line: the message itself already says it.
QUIET_VERBS = {Activity.Verb.REPLIED, Activity.Verb.SEND_FAILED}


@dataclass(frozen=True)
class ThreadEntry:
    kind: Literal["message", "note", "activity"]
    item: Message | Note | Activity
    # For activity lines: who or what the change pointed to (an assignee, a team).
    target: str = ""
    # For replies in a comment thread: how deep they sit, and the message they answer.
    depth: int = 0
    parent: Message | None = None


def thread_entries_for(*, conversation: Conversation) -> list[ThreadEntry]:
    """The thread in time order, replies nested under their comment, with the people and
    teams activity lines name."""
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
    messages = [e for e in entries if isinstance(e, Message)]
    parents = reply_parents(conversation=conversation, messages=messages)
    children: dict[int, list[Message]] = defaultdict(list)
    for message in messages:
        if message.pk in parents:
            children[parents[message.pk].pk].append(message)

    result: list[ThreadEntry] = []

    def add_replies(message: Message, depth: int) -> None:
        for reply in children.get(message.pk, ()):
            result.append(
                ThreadEntry(kind="message", item=reply, depth=depth, parent=parents[reply.pk])
            )
            add_replies(reply, depth + 1)

    for entry in entries:
        if isinstance(entry, Message):
            if entry.pk in parents:
                continue  # shown under its parent
            result.append(ThreadEntry(kind="message", item=entry))
            add_replies(entry, 1)
        elif isinstance(entry, Note):
            result.append(ThreadEntry(kind="note", item=entry))
        else:
            names = {Activity.Verb.TEAM: teams, Activity.Verb.ASSIGNED: users}.get(entry.verb)
            target = names.get(entry.data.get("to"), "") if names else ""
            result.append(ThreadEntry(kind="activity", item=entry, target=target))
    return result


def reply_parents(*, conversation: Conversation, messages: list[Message]) -> dict[int, Message]:
    """Which message each reply answers (by pk), for the messages of one thread in time order.

    A reply names its parent by the platform's id. Our public replies carry none (the
    platform puts them under the thread's first comment), so they go under that comment.
    A parent outside the thread, or a loop in bad data, leaves the reply at the top level.
    """
    if conversation.kind == Conversation.Kind.DIRECT:
        return {}
    by_external_id = {m.external_id: m for m in messages if m.external_id}
    root = next(
        (
            m
            for m in messages
            if m.direction == Message.Direction.IN and not _parent_in(m, by_external_id)
        ),
        None,
    )
    parents: dict[int, Message] = {}
    for message in messages:
        parent = by_external_id.get(message.parent_external_id or "")
        if parent is None and _is_public_reply_without_parent(message) and root is not None:
            parent = root if thread_time(root) <= thread_time(message) else None
        if parent is not None and parent.pk != message.pk:
            parents[message.pk] = parent
    # Break loops: a message whose chain of parents comes back to itself is top level.
    for pk in list(parents):
        seen = {pk}
        current = parents.get(pk)
        while current is not None:
            if current.pk in seen:
                parents.pop(pk, None)
                break
            seen.add(current.pk)
            current = parents.get(current.pk)
    return parents


def _parent_in(message: Message, by_external_id: dict[str, Message]) -> bool:
    return bool(message.parent_external_id) and message.parent_external_id in by_external_id


def _is_public_reply_without_parent(message: Message) -> bool:
    return (
        message.direction == Message.Direction.OUT
        and message.public
        and not message.parent_external_id
    )


def reply_position_for(
    *, conversation: Conversation, message: Message
) -> tuple[int, Message | None]:
    """How deep one message sits in its thread and what it answers, to re-render it alone."""
    if conversation.kind == Conversation.Kind.DIRECT:
        return 0, None
    messages = list(
        in_thread_order(
            conversation.messages.only(
                "pk",
                "external_id",
                "parent_external_id",
                "direction",
                "public",
                "sent_elsewhere",
                "platform_timestamp",
                "created_at",
                "identity",
                "author",
            ).select_related("identity", "author")
        )
    )
    parents = reply_parents(conversation=conversation, messages=messages)
    depth, current = 0, parents.get(message.pk)
    parent = current
    while current is not None:
        depth += 1
        current = parents.get(current.pk)
    return depth, parent


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
