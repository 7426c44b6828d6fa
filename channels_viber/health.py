"""Keeping each bot's webhook ours (viber.md §6).

A bot has one webhook. If another system (or a staging server) registers its own, our
inbox silently stops receiving; Viber also refuses sends with status 10 when no webhook
is set. A periodic check reads the bot's account info and registers our URL again,
saying so on the account, so admins see what happened.
"""

import logging

from django.utils.translation import gettext as _

from inbox import services
from inbox.models import ChannelAccount
from inbox.selectors.channels import accounts_active

from .adapter import webhook_url
from .client import EVENT_TYPES, ViberClient, ViberError

log = logging.getLogger(__name__)

KIND = "viber"


def viber_webhook_check(*, account: ChannelAccount) -> str:
    """ "ok", "restored" or "broken" for one bot."""
    client = ViberClient(account.credentials.get("auth_token", ""))
    ours = webhook_url(account)
    try:
        current = client.account_info().get("webhook") or ""
        if current == ours:
            return "ok"
        client.set_webhook(ours, EVENT_TYPES)
    except ViberError as exc:
        if exc.token_invalid:
            services.account_needs_reconnect(account=account, reason=exc.reason)
            return "broken"
        log.warning("viber webhook check for %s failed: %s", account, exc.reason)
        return "broken"
    log.warning("viber bot %s webhook was %r; registered ours again", account, current)
    reason = (
        _("Viber's webhook for this bot pointed to %(url)s; socialcare registered its own again.")
        % {"url": current}
        if current
        else _("Viber had no webhook for this bot; socialcare registered its own again.")
    )
    services.account_status_note(account=account, reason=reason)
    return "restored"


def viber_webhooks_check() -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for account in accounts_active(kind=KIND):
        outcome = viber_webhook_check(account=account)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
