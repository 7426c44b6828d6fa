"""Enqueue Celery tasks after commit without ever failing the request that stored the work.

If the broker is down, the stored row (a pending webhook event, a queued message) is the
record of the work, and the periodic sweep enqueues it again later. A broker that just
failed to answer is not tried again for a few seconds (see `inbox.outage`), so an outage
costs one request a timeout, not every request.
"""

from typing import Any

from django.db import transaction

from inbox import outage


def enqueue_on_commit(task: Any, *args: Any) -> None:
    def send() -> None:
        outage.degrade(
            f"enqueueing {task.name}{args} (the sweep will)",
            str(task.app.conf.broker_url),
            lambda: task.delay(*args),
            None,
        )

    transaction.on_commit(send)
