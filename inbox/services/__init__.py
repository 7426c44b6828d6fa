"""Every write in socialcare goes through these functions."""

from .accounts import (
    AccountConnectError,
    account_connect,
    account_needs_reconnect,
    account_remove,
    account_status_note,
)
from .bulk import BulkResult, conversations_bulk_update
from .conversations import (
    UNSET,
    NotAllowed,
    conversation_mark_read,
    conversation_mark_unread,
    conversation_update,
    note_create,
)
from .enrichment import (
    conversation_enrich,
    conversations_enrich,
    enrichment_enqueue,
    media_download,
)
from .events import (
    events_replay,
    events_sweep,
    webhook_event_handle,
    webhook_event_process,
    webhook_event_store,
    webhook_event_store_malformed,
)
from .ingest import (
    IngestResult,
    delivery_update_apply,
    identity_upsert,
    items_ingest,
    message_ingest,
)
from .ingest_batch import items_ingest_many, webhook_events_drain
from .library import canned_response_create, canned_response_used
from .moderation import ModerationFailed, comment_moderate, moderation_refusal
from .private_replies import private_reply_continue
from .sending import (
    ReplyRefused,
    ReplyWindow,
    message_mark_sent,
    message_retry,
    message_send,
    messages_fail_stale_sending,
    messages_requeue_stuck,
    private_reply_target,
    reply_create,
    reply_refusal,
    reply_window,
)

__all__ = [
    "AccountConnectError",
    "UNSET",
    "IngestResult",
    "NotAllowed",
    "ReplyRefused",
    "ReplyWindow",
    "account_connect",
    "account_needs_reconnect",
    "account_remove",
    "account_status_note",
    "canned_response_create",
    "canned_response_used",
    "conversation_mark_read",
    "conversation_mark_unread",
    "conversations_bulk_update",
    "BulkResult",
    "conversation_update",
    "delivery_update_apply",
    "events_replay",
    "events_sweep",
    "identity_upsert",
    "items_ingest",
    "message_ingest",
    "message_mark_sent",
    "message_retry",
    "message_send",
    "messages_fail_stale_sending",
    "messages_requeue_stuck",
    "note_create",
    "reply_create",
    "reply_refusal",
    "webhook_event_handle",
    "webhook_event_process",
    "webhook_event_store",
    "webhook_event_store_malformed",
    "webhook_events_drain",
    "items_ingest_many",
    "conversation_enrich",
    "conversations_enrich",
    "enrichment_enqueue",
    "media_download",
    "ModerationFailed",
    "comment_moderate",
    "moderation_refusal",
    "private_reply_continue",
    "private_reply_target",
    "reply_window",
]
