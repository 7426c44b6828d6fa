"""Point the Celery app at another broker for a test, and back."""

from collections.abc import Iterator
from contextlib import contextmanager

from socialcare.celery import app as celery_app


def _drop_cached_connections() -> None:
    # The app caches its connection and producer pools; a new broker needs new ones.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url: str, transport_options: dict | None = None) -> Iterator[None]:
    saved = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    celery_app.conf.broker_url = url
    if transport_options is not None:
        celery_app.conf.broker_transport_options = transport_options
    _drop_cached_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved
        _drop_cached_connections()


UNREACHABLE = "redis://127.0.0.1:1/0"
