"""An admin changes a connected account: its switches, teams, picture, status, backlog."""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from inbox.adapters import OptionField, get_adapter
from inbox.models import ChannelAccount, Team, UnroutedEntry
from inbox.selectors.settings import unrouted_entry_for, unrouted_event_ids

from .events import events_replay

log = logging.getLogger(__name__)


def account_settings_update(
    *,
    account: ChannelAccount,
    options: Mapping[str, Any],
    teams: Iterable[Team],
    by: AbstractBaseUser,
) -> ChannelAccount:
    """Set the adapter's declared options and exactly these teams; other options stay.

    A switch is stored as a bool, a text trimmed, and a text per language as
    {"": default, "ru": ...} without the empty ones.
    """
    try:
        declared = {option.name: option for option in get_adapter(account.kind).option_fields}
    except LookupError:
        declared = {}
    with transaction.atomic():
        account.options = {
            **account.options,
            **{
                name: _option_value(declared[name], value)
                for name, value in options.items()
                if name in declared
            },
        }
        account.save(update_fields=["options"])
        account.teams.set(list(teams))
    log.info("%s changed the settings of %s", by, account)
    return account


def _option_value(option: OptionField, value: Any) -> Any:
    if option.kind == "text":
        return str(value or "").strip()
    if option.kind == "translations":
        texts = value if isinstance(value, Mapping) else {}
        return {
            str(code): str(text).strip()
            for code, text in texts.items()
            if text is not None and str(text).strip()
        }
    return bool(value)


def account_avatar_set(*, account: ChannelAccount, url: str) -> None:
    """The account's picture as its platform shows it (only http(s) links are kept)."""
    if not url.startswith(("https://", "http://")) or len(url) > 1000:
        url = ""
    if account.avatar_url != url:
        account.avatar_url = url
        account.save(update_fields=["avatar_url"])


def account_disconnect(*, account: ChannelAccount, by: AbstractBaseUser) -> None:
    """Stop an account without losing its history.

    Removing the row would delete its conversations with it; a disabled account keeps
    them, takes no new events (ingest skips it), sends nothing, and its token is dropped.
    Connecting it again revives the same row.
    """
    try:
        get_adapter(account.kind).on_disconnect(account)
    except LookupError:
        pass  # the channel app is gone; there is no platform side left to tell
    except Exception:  # noqa: BLE001 - the admin asked to stop it; the platform side is best effort
        log.warning("disconnecting %s on its platform failed", account, exc_info=True)
    account.status = ChannelAccount.Status.DISABLED
    account.status_reason = _("Disconnected by %(name)s.") % {
        "name": by.get_full_name() or by.get_username()
    }
    account.credentials = {}
    account.save(update_fields=["status", "status_reason", "credentials"])
    log.info("%s disconnected %s", by, account)


@dataclass(frozen=True)
class ReplayOutcome:
    events: int
    errors: list[str]


def account_unrouted_replay(*, account: ChannelAccount) -> ReplayOutcome:
    """Process again every stored event that arrived for this account before it was
    connected, then forget the entry: all of them were replayed, and ingest dedupes, so an
    event processed twice adds nothing."""
    entry = unrouted_entry_for(account)
    if entry is None:
        return ReplayOutcome(events=0, errors=[])
    event_ids = unrouted_event_ids(account=account, entry=entry)
    outcomes = events_replay(event_ids=event_ids)
    UnroutedEntry.objects.filter(pk=entry.pk).delete()
    errors = [f"#{event_id}: {error}" for event_id, result, error in outcomes if result is None]
    return ReplayOutcome(events=len(event_ids), errors=errors)
