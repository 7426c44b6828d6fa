"""Connecting and removing channel accounts (the CLI and the settings screens)."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from inbox.adapters import get_adapter
from inbox.models import ChannelAccount, Team


def account_connect(
    *,
    kind: str,
    name: str,
    credentials: Mapping[str, Any],
    teams: Iterable[Team] = (),
    external_id: str = "",
) -> ChannelAccount:
    """Store (or refresh) an account with its credentials encrypted. Reconnecting revives it."""
    adapter = get_adapter(kind)
    missing = [
        f.name for f in adapter.credential_fields if f.required and not credentials.get(f.name)
    ]
    if missing:
        raise ValueError("missing credentials: " + ", ".join(missing))
    external_id = external_id or adapter.account_external_id(credentials)
    with transaction.atomic():
        account, _created = ChannelAccount.objects.update_or_create(
            kind=kind,
            external_id=external_id,
            defaults={
                "name": name,
                "credentials": dict(credentials),
                "status": ChannelAccount.Status.ACTIVE,
                "status_reason": "",
            },
        )
        if teams:
            account.teams.add(*teams)
    return account


def account_remove(*, account: ChannelAccount) -> None:
    account.delete()
