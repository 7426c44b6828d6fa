"""Facebook's Celery tasks: fetch by id, call a service."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .backfill import facebook_backfill
from .client import GraphError
from .selectors import page_ids_active


@shared_task
def poll_facebook() -> int:
    """Beat: one catch-up task per connected Page."""
    ids = page_ids_active()
    for account_id in ids:
        poll_facebook_page.delay(account_id)
    return len(ids)


@shared_task(
    acks_late=True,
    autoretry_for=(GraphError,),
    retry_backoff=60,
    retry_backoff_max=900,
    max_retries=5,
)
def poll_facebook_page(account_id: int, days: int | None = None) -> int:
    """Catch up since the last pass, or on the last `days` days (after a (re)connect)."""
    since = timezone.now() - timedelta(days=days) if days else None
    result = facebook_backfill(account_id=account_id, since=since)
    return result.created if result else 0
