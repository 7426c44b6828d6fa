"""Changes to messages we already have: edits, removals, hiding, reactions.

Idempotent like the rest of ingest: applying the same change twice changes nothing, and a
change for a message we never stored (it may still be on its way) changes nothing either.
"""

from collections import Counter
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from inbox import realtime
from inbox.items import MessageUpdate, Reaction
from inbox.models import ChannelAccount, Conversation, Message, UnroutedEntry


def _locked(account: ChannelAccount, external_id: str) -> Message | None:
    return (
        Message.objects.select_for_update(of=("self",))
        .filter(account=account, external_id=external_id)
        .first()
    )


def message_update_apply(*, account: ChannelAccount, item: MessageUpdate) -> int:
    """Apply an edit, removal, hide or unhide. Returns 1 when the message changed."""
    when = item.timestamp or timezone.now()
    with transaction.atomic():
        message = _locked(account, item.external_id)
        if message is None:
            return 0
        fields = _change(message, item, when)
        if not fields:
            return 0
        message.save(update_fields=fields)
        if "text" in fields:
            # The thread's snippet shows its newest message: keep it in step with the edit.
            Conversation.objects.filter(
                pk=message.conversation_id, last_message_at=message.platform_timestamp
            ).update(snippet=message.text[:200])
    _publish(message)
    return 1


def _change(message: Message, item: MessageUpdate, when: datetime) -> list[str]:
    if item.change == "edited":
        if item.text == message.text:
            return []
        message.edits = [*message.edits, {"text": message.text, "until": when.isoformat()}]
        message.text = item.text
        return ["text", "edits"]
    if item.change == "removed":
        if message.removed_at is not None:
            return []
        message.removed_at = when
        return ["removed_at"]
    hidden = item.change == "hidden"
    if message.hidden == hidden:
        return []
    message.hidden = hidden
    return ["hidden"]


def reaction_apply(*, account: ChannelAccount, item: Reaction) -> int:
    """One reaction per person per message: a new one replaces theirs, unreact removes it."""
    with transaction.atomic():
        message = _locked(account, item.external_id)
        if message is None:
            return 0
        others = [r for r in message.reactions if r.get("sender") != item.sender_external_id]
        reaction = {
            "sender": item.sender_external_id,
            "reaction": item.reaction,
            "emoji": item.emoji,
        }
        reactions = others if item.removed else [*others, reaction]
        if reactions == message.reactions:
            return 0
        message.reactions = reactions
        message.save(update_fields=["reactions"])
    _publish(message)
    return 1


def _publish(message: Message) -> None:
    realtime.publish(
        realtime.account_streams(message.account_id, message.conversation_id),
        {"type": "message.updated", "conversation": message.conversation_id, "message": message.pk},
    )


def unrouted_record(*, kind: str, counts: Counter) -> None:
    """Count entries for accounts that are not connected, so their health can show them."""
    now = timezone.now()
    for external_id, count in counts.items():
        rows = UnroutedEntry.objects.filter(kind=kind, account_external_id=external_id)
        if rows.update(count=F("count") + count, last_seen=now):
            continue
        try:
            with transaction.atomic():
                UnroutedEntry.objects.create(
                    kind=kind, account_external_id=external_id, count=count, first_seen=now
                )
        except IntegrityError:
            rows.update(count=F("count") + count, last_seen=now)
