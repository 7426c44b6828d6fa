"""Changes to messages we already have: edits, removals, hiding, reactions.

Idempotent like the rest of ingest: applying the same change twice changes nothing, and a
change for a message we never stored (it may still be on its way) changes nothing either.

Ordered by the platform's time, not by arrival: each part of a message's state (its text,
hidden, removed, each person's reaction) remembers when it last changed, and an older
change is not applied over a newer one. So a webhook body captured and replayed later,
or a platform retry that arrives after the change that followed it, changes nothing.
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
    """Apply an edit, removal, hide or unhide. Returns 1 when the message changed.

    A change older (in platform time) than the last one applied to the same part of the
    message is not applied: a replayed or late webhook never undoes a newer edit or hide.
    """
    when = item.timestamp or timezone.now()
    part = CHANGE_PARTS[item.change]
    with transaction.atomic():
        message = _locked(account, item.external_id)
        if message is None or change_is_stale(message, part, item.timestamp):
            return 0
        fields = _change(message, item, when)
        stamped = change_stamp(message, part, item.timestamp)
        if fields or stamped:
            message.save(update_fields=fields + stamped)
        if not fields:
            return 0  # at most the time moved on: nothing anyone sees changed
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
    """One reaction per person per message: a new one replaces theirs, unreact removes it.

    Each person's reactions are ordered by platform time, like message_update_apply's
    changes: an unreact older than the reaction it would remove leaves it.
    """
    part = f"reaction:{item.sender_external_id}"
    with transaction.atomic():
        message = _locked(account, item.external_id)
        if message is None or change_is_stale(message, part, item.timestamp):
            return 0
        others = [r for r in message.reactions if r.get("sender") != item.sender_external_id]
        reaction = {
            "sender": item.sender_external_id,
            "reaction": item.reaction,
            "emoji": item.emoji,
        }
        reactions = others if item.removed else [*others, reaction]
        stamped = change_stamp(message, part, item.timestamp)
        if reactions == message.reactions:
            if stamped:
                message.save(update_fields=stamped)
            return 0
        message.reactions = reactions
        message.save(update_fields=["reactions", *stamped])
    _publish(message)
    return 1


# The part of a message's state each kind of change moves (keys of Message.change_times).
CHANGE_PARTS: dict[str, str] = {
    "edited": "text",
    "removed": "removed",
    "hidden": "hidden",
    "unhidden": "hidden",
}


def change_is_stale(message: Message, part: str, at: datetime | None) -> bool:
    """Whether a change made at `at` is older than the last one applied to `part`.

    Equal times are not stale: the same change twice stays idempotent, and of two
    different changes in one second the later delivery wins, as before. A change without
    a platform time cannot be ordered and is applied.
    """
    last = message.change_times.get(part)
    return at is not None and last is not None and at < datetime.fromisoformat(last)


def change_stamp(message: Message, part: str, at: datetime | None) -> list[str]:
    """Record `at` as the time `part` last changed, if later: the fields to save.

    Also when the state itself did not change (a hide of a hidden comment): a change older
    than this one must not undo it either.
    """
    last = message.change_times.get(part)
    if at is None or (last is not None and at <= datetime.fromisoformat(last)):
        return []
    message.change_times = {**message.change_times, part: at.isoformat()}
    return ["change_times"]


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
