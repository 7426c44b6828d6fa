"""Read queries for the inbox list, one conversation and its thread."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet

from inbox.models import Activity, Conversation, Label, Message, Note

from .access import conversations_for


@dataclass(frozen=True)
class ConversationFilters:
    status: str | None = None
    channel: str | None = None
    kind: str | None = None
    assignee: int | str | None = None  # a user id, "me" or "none"
    team: int | None = None
    label: int | None = None
    unread: bool | None = None
    # Keyset pagination: rows strictly after this (last_activity_at, id).
    after: tuple[datetime, int] | None = None


def conversation_list_for(
    *, user: AbstractBaseUser, filters: ConversationFilters | None = None
) -> QuerySet[Conversation]:
    """Conversations the user may see, newest activity first; queries do not grow with rows."""
    f = filters or ConversationFilters()
    qs = conversations_for(user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(account__kind=f.channel)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.assignee == "me":
        qs = qs.filter(assignee=user)
    elif f.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif f.assignee:
        qs = qs.filter(assignee_id=f.assignee)
    if f.team:
        qs = qs.filter(team_id=f.team)
    if f.label:
        qs = qs.filter(labels=f.label)
    if f.unread is not None:
        qs = qs.filter(unread=f.unread)
    if f.after:
        at, pk = f.after
        qs = qs.filter(Q(last_activity_at__lt=at) | Q(last_activity_at=at, id__lt=pk))
    return (
        qs.select_related("account", "contact", "identity", "assignee", "team")
        # The list never shows these, and credentials would be decrypted row by row.
        .defer("account__credentials", "account__options", "account__cursors", "context")
        .prefetch_related(Prefetch("labels", queryset=Label.objects.order_by("name")))
        .order_by("-last_activity_at", "-id")
    )


def folder_counts_for(*, user: AbstractBaseUser) -> dict[str, int | None]:
    """Every folder's count in one aggregate query over the conversations not done.

    Done has no count: it is most of the table, the number means nothing to an agent,
    and leaving it out lets the partial index answer the rest without touching rows.
    """
    counts = (
        conversations_for(user)
        .exclude(status=Conversation.Status.DONE)
        .aggregate(
            open=Count("pk", filter=Q(status=Conversation.Status.OPEN)),
            follow_up=Count("pk", filter=Q(status=Conversation.Status.FOLLOW_UP)),
            mine=Count("pk", filter=Q(assignee=user)),
            unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        )
    )
    return {**counts, "done": None}


def conversation_get_for(*, user: AbstractBaseUser, pk: int) -> Conversation | None:
    return (
        conversations_for(user)
        .select_related("account", "contact", "identity", "assignee", "team")
        .prefetch_related("labels")
        .filter(pk=pk)
        .first()
    )


def thread_for(*, conversation: Conversation) -> list[Message | Note | Activity]:
    """Messages, notes and activity lines of one conversation, in time order."""
    messages = list(
        conversation.messages.select_related("author", "identity").order_by("created_at", "pk")
    )
    notes = list(conversation.notes.select_related("author"))
    activities = list(conversation.activities.select_related("actor"))

    def when(entry: Message | Note | Activity) -> datetime:
        if isinstance(entry, Message) and entry.direction == Message.Direction.IN:
            return entry.platform_timestamp or entry.created_at
        return entry.created_at

    return sorted([*messages, *notes, *activities], key=when)


def messages_for(*, conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.select_related("author", "identity").order_by("created_at", "pk")
