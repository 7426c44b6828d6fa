"""Enqueue Celery tasks after commit without ever failing the request that stored the work.

If the broker is down, the stored row (a pending webhook event, a queued message) is the
record of the work, and the periodic sweep enqueues it again later.
"""

import logging
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    def send() -> None:
        try:
            task.delay(*args)
        except Exception:  # noqa: BLE001 - the sweep recovers it; the caller must not fail
            log.warning("could not enqueue %s%s; the sweep will", task.name, args, exc_info=True)

    transaction.on_commit(send)
