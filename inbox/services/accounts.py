"""Connecting and removing channel accounts (the CLI and the settings screens)."""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from inbox.adapters import get_adapter
from inbox.models import ChannelAccount, Team

log = logging.getLogger(__name__)


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
    # Outside the transaction: the platform call may be slow, and the account is kept
    # even when it fails, so connecting again updates the same row.
    try:
        adapter.on_connect(account)
    except Exception as exc:
        raise AccountConnectError(account, str(exc)) from exc
    return account


def account_needs_reconnect(*, account: ChannelAccount, reason: str) -> None:
    """The platform refused the account's token or set-up: it shows "needs reconnect" with
    the reason (to admins, on every page) until a reconnect succeeds."""
    account.status = ChannelAccount.Status.NEEDS_RECONNECT
    account.status_reason = reason[:2000]
    ChannelAccount.objects.filter(pk=account.pk).update(
        status=account.status, status_reason=account.status_reason
    )


def account_status_note(*, account: ChannelAccount, reason: str) -> None:
    """Something admins should know about the account that does not stop it (a webhook
    registered again): shown with its status, which stays as it is."""
    account.status_reason = reason[:2000]
    ChannelAccount.objects.filter(pk=account.pk).update(status_reason=account.status_reason)


class AccountConnectError(Exception):
    """The account is stored, but the platform side of connecting it failed."""

    def __init__(self, account: ChannelAccount, reason: str) -> None:
        super().__init__(reason)
        self.account = account
        self.reason = reason


def account_remove(*, account: ChannelAccount) -> None:
    try:
        get_adapter(account.kind).on_disconnect(account)
    except LookupError:
        pass  # the channel app is gone; removing the account is all that is left to do
    except Exception:  # noqa: BLE001 - the admin asked to remove it; the platform side is best effort
        log.warning("disconnecting %s on its platform failed", account, exc_info=True)
    account.delete()
