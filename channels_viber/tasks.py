"""Viber's Celery tasks: fetch by id, call a service."""

from celery import shared_task

from .health import viber_webhooks_check


@shared_task
def poll_viber_webhooks() -> dict[str, int]:
    """Beat: make sure every connected bot's webhook is still ours."""
    return viber_webhooks_check()
