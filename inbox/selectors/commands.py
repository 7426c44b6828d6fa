"""Reads for the management commands (channels, replay_events).

The shell has no user: whoever runs a command on the server already holds every key,
so these read across all accounts and events.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, QuerySet

from inbox.models import ChannelAccount, Team, WebhookEvent


def accounts_all() -> QuerySet[ChannelAccount]:
    """Every connected account with its teams, in a stable order."""
    return ChannelAccount.objects.prefetch_related("teams").order_by("kind", "name", "pk")


def account_get(*, account_id: int) -> ChannelAccount | None:
    """One account, with `conversation_count` for the removal prompt."""
    return (
        ChannelAccount.objects.annotate(conversation_count=Count("conversations"))
        .filter(pk=account_id)
        .first()
    )


def teams_named(*, names: Iterable[str]) -> tuple[list[Team], list[str]]:
    """The teams with these names, and the names that match no team."""
    wanted = list(dict.fromkeys(names))
    found = {team.name: team for team in Team.objects.filter(name__in=wanted)}
    return [found[n] for n in wanted if n in found], [n for n in wanted if n not in found]


def team_names() -> list[str]:
    return list(Team.objects.order_by("name").values_list("name", flat=True))


def webhook_events_chosen(
    *,
    failed: bool = False,
    ids: Iterable[int] = (),
    since: datetime | None = None,
    kind: str | None = None,
) -> QuerySet[WebhookEvent]:
    """Events matching every given selector, oldest first (the order they arrived in)."""
    events = WebhookEvent.objects.all()
    if failed:
        events = events.filter(status=WebhookEvent.Status.FAILED)
    ids = list(ids)
    if ids:
        events = events.filter(pk__in=ids)
    if since is not None:
        events = events.filter(received_at__gte=since)
    if kind:
        events = events.filter(kind=kind)
    return events.order_by("received_at", "pk")
