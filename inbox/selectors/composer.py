"""Reads behind the composer: @mentions in notes, and replies written while one was typing."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from inbox.models import Conversation, Message, Note

from .access import assignable_users, conversations_for

User = get_user_model()
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)", re.UNICODE)
SUGGESTIONS = 8


def mentioned_usernames(text: str) -> set[str]:
    """The usernames a note @mentions ("@bob." at the end of a sentence is bob)."""
    return {m.rstrip(".") for m in MENTION.findall(text)}


def mentionable_for(
    *, conversation: Conversation, by: AbstractBaseUser, q: str = "", limit: int = SUGGESTIONS
) -> list:
    """Teammates a note on this conversation can @mention: those who work its account."""
    people = assignable_users(conversation).exclude(pk=by.pk)
    q = q.strip().lstrip("@")
    if q:
        people = people.filter(
            Q(username__istartswith=q) | Q(first_name__istartswith=q) | Q(last_name__istartswith=q)
        )
    return list(people.order_by("username")[:limit])


def mentions_not_notified(*, note: Note) -> list[str]:
    """People the note names who exist but cannot see its conversation, so were not told."""
    named = mentioned_usernames(note.text)
    notified = {u.get_username() for u in note.mentions.all()}
    candidates = User.objects.filter(username__in=named - notified, is_active=True)
    return sorted(
        u.get_username()
        for u in candidates
        if not conversations_for(u).filter(pk=note.conversation_id).exists()
    )


def newest_message_pk(conversation: Conversation) -> int:
    """The newest message of the thread: what an agent who opens it now has seen."""
    return conversation.messages.order_by("-pk").values_list("pk", flat=True).first() or 0


def reply_by_someone_else_since(
    *, conversation: Conversation, user: AbstractBaseUser, seen: int
) -> Message | None:
    """A reply to the customer by anyone but `user`, newer than the message they last saw."""
    newer: QuerySet[Message] = conversation.messages.filter(
        direction=Message.Direction.OUT, pk__gt=seen
    ).exclude(author=user)
    return newer.select_related("author").order_by("-pk").first()


def reply_moved_to(*, message: Message) -> int | None:
    """The direct conversation a sent private reply moved into, or None while it has not."""
    now = Message.objects.filter(pk=message.pk).values_list("conversation_id", flat=True).first()
    return now if now is not None and now != message.conversation_id else None
