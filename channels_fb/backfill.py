"""Catching up: what the webhooks missed, read back through the Graph API.

Meta does not replay missed webhooks (meta.md §3). A beat task reads each Page's recent
Messenger conversations and post comments since the last successful pass and ingests them
through the same path as webhooks, which deduplicates on the platform's ids: after
downtime, after a reconnect (the last days) and periodically as a safety net.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from inbox import services
from inbox.adapters import get_adapter
from inbox.models import ChannelAccount
from inbox.services import IngestResult, items_ingest

from .client import GraphClient, GraphError, subscribed_fields
from .graph_items import items_from_conversations, items_from_feed
from .selectors import page_active

log = logging.getLogger(__name__)
CURSOR = "backfill"
# Overlap between passes: what arrived on Meta's side while the last pass ran.
OVERLAP = timedelta(minutes=5)


def facebook_backfill(*, account_id: int, since: datetime | None = None) -> IngestResult | None:
    """Ingest what the Page has since `since` (default: the last pass). Raises GraphError
    when Facebook is busy (the task retries); a dead token marks the account instead."""
    account = page_active(pk=account_id)
    if account is None:
        return None
    since = since or _cursor(account)
    started = timezone.now()
    client = GraphClient(account.credentials.get("access_token", ""), page_id=account.external_id)
    try:
        _subscription_ensure(account, client)
        items = items_from_conversations(account.external_id, client.conversations(since=since))
        items += items_from_feed(account.external_id, client.feed(since=since))
    except GraphError as exc:
        if exc.token_invalid:
            services.account_needs_reconnect(account=account, reason=exc.reason)
            return None
        raise
    result = items_ingest(kind="facebook", items=items, account=account)
    cursors = {**account.cursors, CURSOR: (started - OVERLAP).isoformat()}
    ChannelAccount.objects.filter(pk=account.pk).update(cursors=cursors)
    log.info(
        "facebook catch-up for %s: %d new, %d already there",
        account.external_id,
        result.created,
        result.duplicates,
    )
    return result


def _cursor(account: ChannelAccount) -> datetime:
    stored = account.cursors.get(CURSOR)
    parsed = parse_datetime(stored) if stored else None
    return parsed or timezone.now() - timedelta(days=settings.FACEBOOK_BACKFILL_DAYS)


def _subscription_ensure(account: ChannelAccount, client: GraphClient) -> None:
    """Subscribe again when Meta dropped us (it unsubscribes an app whose webhook failed
    for an hour, meta.md §3, §9.6) or when the Page's switches changed its fields."""
    adapter = get_adapter("facebook")
    wanted = subscribed_fields(reviews=adapter.option(account, "reviews"))
    # Other apps may be subscribed to the same Page: only ours counts.
    ours = next(
        (
            app
            for app in client.subscribed_apps()
            if not settings.FACEBOOK_APP_ID or str(app.get("id")) == settings.FACEBOOK_APP_ID
        ),
        None,
    )
    if ours is not None and set(ours.get("subscribed_fields") or ()) == set(wanted):
        return
    if ours is None:
        log.warning("facebook page %s lost its webhook subscription; subscribing again", account)
    adapter.subscribe(account, client)
