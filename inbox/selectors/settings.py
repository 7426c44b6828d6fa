"""Reads for the admin's settings screens: connected accounts and how healthy they are."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch, reverse

from inbox.adapters import ChannelAdapter, OptionField, adapters, get_adapter
from inbox.models import ChannelAccount, Message, Team, UnroutedEntry, WebhookEvent


@dataclass(frozen=True)
class ConnectOption:
    kind: str
    label: str
    url: str


@dataclass(frozen=True)
class AccountHealth:
    account: ChannelAccount
    teams: list[Team]
    # The last webhook event stored for this account; where the channel's webhook is one
    # endpoint for all accounts (Facebook), the last event of the channel, any account.
    last_event_at: datetime | None
    last_event_is_channel_wide: bool
    failed_sends: int
    unrouted: UnroutedEntry | None
    reconnect_url: str = ""


def channel_accounts_health() -> list[AccountHealth]:
    """Every account with its teams and health line.

    The last events are one indexed lookup per account and per channel, rather than a
    grouping of the whole (ever growing) webhook event table on every page load.
    """
    accounts = list(ChannelAccount.objects.prefetch_related("teams").order_by("kind", "name"))
    if not accounts:
        return []
    ids = [a.pk for a in accounts]
    kinds = {a.kind for a in accounts}
    by_account = {pk: _last_received(WebhookEvent.objects.filter(account_id=pk)) for pk in ids}
    by_kind = {kind: _last_received(WebhookEvent.objects.filter(kind=kind)) for kind in kinds}
    failed = dict(
        Message.objects.filter(
            account_id__in=ids,
            direction=Message.Direction.OUT,
            status=Message.Status.FAILED,
        )
        .values("account_id")
        .annotate(n=Count("pk"))
        .values_list("account_id", "n")
    )
    unrouted = {
        (u.kind, u.account_external_id): u
        for u in UnroutedEntry.objects.filter(
            kind__in=kinds, account_external_id__in=[a.external_id for a in accounts]
        )
    }
    rows = []
    for account in accounts:
        own = by_account[account.pk]
        channel_wide = by_kind[account.kind]
        rows.append(
            AccountHealth(
                account=account,
                teams=list(account.teams.all()),
                last_event_at=own or channel_wide,
                last_event_is_channel_wide=own is None and channel_wide is not None,
                failed_sends=failed.get(account.pk, 0),
                unrouted=unrouted.get((account.kind, account.external_id)),
                reconnect_url=reconnect_url_for(account),
            )
        )
    return rows


def _last_received(events: QuerySet[WebhookEvent]) -> datetime | None:
    return events.order_by("-received_at").values_list("received_at", flat=True).first()


def connect_options() -> list[ConnectOption]:
    """The channels whose connect flow the settings screen can start."""
    options = []
    for kind, adapter in sorted(adapters().items()):
        url = connect_url_for(kind)
        if url:
            options.append(ConnectOption(kind=kind, label=str(adapter.label), url=url))
    return options


def connect_url_for(kind: str) -> str:
    adapter = _adapter(kind)
    if adapter is None or not adapter.connect_url_name:
        return ""
    try:
        return reverse(adapter.connect_url_name)
    except NoReverseMatch:
        return ""  # the channel's connect screens are not mounted on this site


def reconnect_url_for(account: ChannelAccount) -> str:
    """The channel's connect flow, told which account it is connecting again."""
    url = connect_url_for(account.kind)
    return f"{url}?account={account.pk}" if url else ""


def account_options(account: ChannelAccount) -> list[tuple[OptionField, Any]]:
    """The account's switches as its adapter declares them, with their current values."""
    adapter = _adapter(account.kind)
    if adapter is None:
        return []
    return [(option, adapter.option(account, option.name)) for option in adapter.option_fields]


def account_get(*, pk: int) -> ChannelAccount | None:
    return ChannelAccount.objects.prefetch_related("teams").filter(pk=pk).first()


def unrouted_entry_for(account: ChannelAccount) -> UnroutedEntry | None:
    return UnroutedEntry.objects.filter(
        kind=account.kind, account_external_id=account.external_id
    ).first()


def unrouted_event_ids(*, account: ChannelAccount, entry: UnroutedEntry) -> list[int]:
    """Stored events that skipped entries for this account before it was connected.

    The entry is counted while an event is processed, so its first_seen is a little after
    the event was received: processed_at is the time to compare. One webhook body can carry
    several Pages, so only bodies that name this account's id are kept.
    """
    needle = account.external_id.encode()
    events = (
        WebhookEvent.objects.filter(
            kind=account.kind,
            skipped_items__gt=0,
            processed_at__gte=entry.first_seen,
        )
        .order_by("pk")
        .values_list("pk", "body")
    )
    # Every one of them: the entry is forgotten once they are replayed. In chunks, so the
    # bodies are not all in memory at once.
    return [pk for pk, body in events.iterator(chunk_size=500) if needle in bytes(body)]


def _adapter(kind: str) -> ChannelAdapter | None:
    try:
        return get_adapter(kind)
    except LookupError:
        return None


def accounts_needing_reconnect() -> list[ChannelAccount]:
    """Accounts whose token died: every admin page says so until someone reconnects."""
    return list(
        ChannelAccount.objects.filter(status=ChannelAccount.Status.NEEDS_RECONNECT)
        .only("pk", "name", "kind", "status_reason")
        .order_by("name")[:5]
    )
