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

from inbox.models import ChannelAccount
from inbox.services import IngestResult, items_ingest

from .client import GraphClient, GraphError
from .graph_items import items_from_conversations, items_from_feed
from .selectors import page_active, pages_active

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
        _resubscribe_if_dropped(account, client)
        items = items_from_conversations(account.external_id, client.conversations(since=since))
        items += items_from_feed(account.external_id, client.feed(since=since))
    except GraphError as exc:
        if exc.token_invalid:
            ChannelAccount.objects.filter(pk=account.pk).update(
                status=ChannelAccount.Status.NEEDS_RECONNECT, status_reason=exc.reason
            )
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


def _resubscribe_if_dropped(account: ChannelAccount, client: GraphClient) -> None:
    """Meta unsubscribes an app whose webhook failed for an hour (meta.md §3, §9.6)."""
    apps = client.subscribed_apps()
    # Other apps may be subscribed to the same Page: only ours counts.
    if any(str(app.get("id")) == settings.FACEBOOK_APP_ID for app in apps):
        return
    from .adapter import subscribed_fields

    log.warning("facebook page %s lost its webhook subscription; subscribing again", account)
    reviews = account.options.get("reviews", True)
    client.subscribe(subscribed_fields(reviews=bool(reviews)))


def facebook_accounts_to_poll() -> list[int]:
    return [account.pk for account in pages_active()]
