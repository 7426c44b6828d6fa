"""Celery tasks: fetch by id, call a service. Nothing else lives here."""

from celery import shared_task

from inbox import services
from inbox.media import MediaRetry


@shared_task(acks_late=True)
def process_webhook_event(event_id: int) -> None:
    services.webhook_event_handle(event_id=event_id)


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_message(self, message_id: int) -> None:  # type: ignore[no-untyped-def]
    outcome = services.message_send(message_id=message_id)
    if outcome.retry_in is not None:
        # The service already put the message back to "queued"; the retry sends it.
        raise self.retry(countdown=outcome.retry_in)


@shared_task
def sweep_unprocessed_events() -> int:
    services.messages_fail_stale_sending()
    services.messages_requeue_stuck()
    return services.events_sweep()


@shared_task(acks_late=True)
def enrich_conversations(conversation_ids: list[int]) -> None:
    services.conversations_enrich(conversation_ids=conversation_ids)


@shared_task(
    acks_late=True,
    autoretry_for=(MediaRetry,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=6,
)
def download_media(message_id: int) -> int:
    return services.media_download(message_id=message_id)
