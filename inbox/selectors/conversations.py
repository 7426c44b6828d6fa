"""Read queries for the inbox list, one conversation and its thread."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from inbox.models import (
    Activity,
    ChannelAccount,
    Conversation,
    ConversationRead,
    Label,
    Message,
    Note,
    Team,
)

from .access import conversations_for, is_admin
from .search import search_q
from .thread_order import in_thread_order, thread_time

# The folders every agent has, in the order they are shown; team folders ("team-<id>",
# one per team of mine) come after "unassigned".
FOLDERS = ("mine", "unassigned", "open", "follow_up", "done", "mentions", "failed")
TEAM_PREFIX = "team-"

NEWEST = "newest"
WAITING = "waiting"

# Keyset pagination: rows strictly after this (the sort key's value, id). The value is
# None for the rows at the end of "longest waiting" (nobody waiting).
Cursor = tuple[datetime | None, int]


@dataclass(frozen=True)
class ConversationFilters:
    status: str | None = None
    channel: str | None = None
    kind: str | None = None
    assignee: int | str | None = None  # a user id, "me" or "none"
    team: int | None = None
    label: int | None = None
    priority: int | None = None
    # Unread for the user asking, not for the team.
    unread: bool | None = None
    # Waiting longer than the SLA target.
    late: bool | None = None
    q: str = ""
    sort: str = NEWEST
    after: Cursor | None = None
    # A folder's own conditions (see FOLDERS), on top of the others; "" for none.
    folder: str = ""


def unread_q(user: AbstractBaseUser) -> Q:
    """Unread for this user: the customer wrote after the user last read it (or ever)."""
    read = ConversationRead.objects.filter(
        conversation=OuterRef("pk"), user=user, read_at__gte=OuterRef("last_inbound_at")
    )
    return Q(last_inbound_at__isnull=False) & ~Exists(read)


def late_q(now: datetime | None = None) -> Q:
    """Waiting past the SLA target: past sla_due_at, or, without one, the target's minutes."""
    now = now or timezone.now()
    target = now - timedelta(minutes=settings.SOCIALCARE_SLA_MINUTES)
    return Q(waiting_since__isnull=False) & (
        Q(sla_due_at__lt=now) | Q(sla_due_at__isnull=True, waiting_since__lt=target)
    )


def failed_q() -> Q:
    failed = Message.objects.filter(
        status=Message.Status.FAILED, direction=Message.Direction.OUT
    ).values("conversation_id")
    return Q(pk__in=failed)


def _mentioned_at(user: AbstractBaseUser) -> Subquery:
    newest = Note.objects.filter(conversation=OuterRef("pk"), mentions=user).order_by("-created_at")
    return Subquery(newest.values("created_at")[:1])


def conversation_list_for(
    *, user: AbstractBaseUser, filters: ConversationFilters | None = None
) -> QuerySet[Conversation]:
    """Conversations the user may see, filtered and sorted; queries do not grow with rows.

    Each row carries is_unread (for this user) and is_late (past the SLA target).
    """
    f = filters or ConversationFilters()
    now = timezone.now()
    qs = (
        conversations_for(user)
        .annotate(
            is_unread=ExpressionWrapper(unread_q(user), output_field=BooleanField()),
            is_late=ExpressionWrapper(late_q(now), output_field=BooleanField()),
        )
        .filter(_folder_q(user, f.folder), _filters_q(user, f, now))
    )
    if f.label:
        qs = qs.filter(labels=f.label)
    if f.unread is not None:
        qs = qs.filter(unread_q(user) if f.unread else ~unread_q(user))
    if f.folder == "mentions":
        qs = qs.annotate(mentioned_at=_mentioned_at(user))
    qs = _sorted(qs, f)
    return (
        qs.select_related("account", "contact", "identity", "assignee", "team")
        # The list never shows these, and credentials would be decrypted row by row.
        .defer("account__credentials", "account__options", "account__cursors", "context")
        .prefetch_related(Prefetch("labels", queryset=Label.objects.order_by("name")))
    )


def team_of(folder: str) -> int | None:
    """The team id of a "team-<id>" folder key, None for any other key."""
    number = folder.removeprefix(TEAM_PREFIX)
    if folder.startswith(TEAM_PREFIX) and number.isascii() and number.isdigit():
        return int(number)
    return None


def _folder_q(user: AbstractBaseUser, folder: str) -> Q:
    """A folder's conditions; ValueError for a folder that does not exist."""
    not_done = ~Q(status=Conversation.Status.DONE)
    team = team_of(folder)
    if team is not None:
        # The team's own conversations, and nobody's on the accounts the team works.
        works = ChannelAccount.teams.through.objects.filter(team_id=team)
        return not_done & (
            Q(team_id=team) | Q(team__isnull=True, account__in=works.values("channelaccount_id"))
        )
    if folder == "mine":
        return not_done & Q(assignee=user)
    if folder == "unassigned":
        return not_done & Q(assignee__isnull=True)
    if folder in Conversation.Status.values:
        return Q(status=folder)
    if folder == "failed":
        return failed_q()
    if folder == "mentions":
        return Q(pk__in=Note.objects.filter(mentions=user).values("conversation_id"))
    if folder == "":
        return Q()
    raise ValueError(folder)


def _filters_q(user: AbstractBaseUser, f: ConversationFilters, now: datetime) -> Q:
    q = Q()
    if f.status:
        q &= Q(status=f.status)
    if f.channel:
        q &= Q(account__kind=f.channel)
    if f.kind:
        q &= Q(kind=f.kind)
    if f.assignee == "me":
        q &= Q(assignee=user)
    elif f.assignee == "none":
        q &= Q(assignee__isnull=True)
    elif f.assignee:
        q &= Q(assignee_id=f.assignee)
    if f.team:
        q &= Q(team_id=f.team)
    if f.priority is not None:
        q &= Q(priority=f.priority)
    if f.late is not None:
        q &= late_q(now) if f.late else ~late_q(now)
    if f.q.strip():
        q &= search_q(f.q)
    return q


def sort_key(f: ConversationFilters) -> str:
    """The field a list is sorted on: the cursor holds its value."""
    if f.sort == WAITING:
        return "waiting_since"
    return "mentioned_at" if f.folder == "mentions" else "last_activity_at"


def _sorted(qs: QuerySet[Conversation], f: ConversationFilters) -> QuerySet[Conversation]:
    """Newest first by the sort key, or longest waiting first with nobody waiting last."""
    key = sort_key(f)
    if f.sort == WAITING:
        if f.after:
            at, pk = f.after
            if at is None:
                qs = qs.filter(waiting_since__isnull=True, id__gt=pk)
            else:
                qs = qs.filter(
                    Q(waiting_since__gt=at)
                    | Q(waiting_since=at, id__gt=pk)
                    | Q(waiting_since__isnull=True)
                )
        return qs.order_by(F("waiting_since").asc(nulls_last=True), "id")
    if f.after:
        at, pk = f.after
        if at is None:
            # The newest sort's keys are never empty: a cursor without one is stale.
            return qs.none()
        qs = qs.filter(Q(**{f"{key}__lt": at}) | Q(**{key: at, "id__lt": pk}))
    return qs.order_by(F(key).desc(), "-id")


def folder_counts_for(
    *, user: AbstractBaseUser, teams: Iterable[int] = ()
) -> dict[str, int | None]:
    """Every folder's count in one aggregate query, `teams` giving the team folders.

    It reads the conversations not done (the partial index answers most of it) and the
    few done ones with a failed send or an unseen mention. Done has no count: it is most
    of the table and the number means nothing to an agent.
    """
    not_done = ~Q(status=Conversation.Status.DONE)
    failed, mentions = failed_q(), Q(pk__in=unseen_mentions_for(user))
    counts = {
        "open": Q(status=Conversation.Status.OPEN),
        "follow_up": Q(status=Conversation.Status.FOLLOW_UP),
        "mine": not_done & Q(assignee=user),
        "unassigned": not_done & Q(assignee__isnull=True),
        **{f"{TEAM_PREFIX}{team}": _folder_q(user, f"{TEAM_PREFIX}{team}") for team in teams},
        "failed": failed,
        "mentions": mentions,
    }
    aggregates = {key: Count("pk", filter=q) for key, q in counts.items()}
    found = conversations_for(user).filter(not_done | failed | mentions).aggregate(**aggregates)
    return {**found, "done": None}


def unseen_mentions_for(user: AbstractBaseUser) -> QuerySet[Note]:
    """Conversation ids with a note mentioning the user newer than their read mark."""
    seen = ConversationRead.objects.filter(
        conversation=OuterRef("conversation"), user=user, read_at__gte=OuterRef("created_at")
    )
    return Note.objects.filter(mentions=user).exclude(Exists(seen)).values("conversation_id")


def folder_teams_for(*, user: AbstractBaseUser) -> dict[int, str]:
    """The teams that get a folder, id to name: the user's own, every team for an admin.

    Asked by the form, the folders and the list within one request: kept on the user.
    """
    cached = getattr(user, "_socialcare_folder_teams", None)
    if cached is None:
        teams = (
            Team.objects.all() if is_admin(user) else Team.objects.filter(memberships__user=user)
        )
        cached = dict(teams.order_by("name", "pk").values_list("pk", "name"))
        user._socialcare_folder_teams = cached
    return cached


def conversation_get_for(*, user: AbstractBaseUser, pk: int) -> Conversation | None:
    return (
        conversations_for(user)
        .annotate(is_unread=ExpressionWrapper(unread_q(user), output_field=BooleanField()))
        .select_related("account", "contact", "identity", "assignee", "team")
        .prefetch_related("labels")
        .filter(pk=pk)
        .first()
    )


def thread_for(*, conversation: Conversation) -> list[Message | Note | Activity]:
    """Messages, notes and activity lines of one conversation, in thread order (see
    thread_order: the platform's time for what the customer wrote, ours for the rest)."""
    messages = list(messages_for(conversation=conversation))
    notes = list(conversation.notes.select_related("author"))
    activities = list(conversation.activities.select_related("actor"))
    # Stable: messages keep the database's tie order, and come first at equal times.
    return sorted([*messages, *notes, *activities], key=thread_time)


def messages_for(*, conversation: Conversation) -> QuerySet[Message]:
    return in_thread_order(conversation.messages.select_related("author", "identity"))
