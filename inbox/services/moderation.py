"""Moderating a customer's comment as the account: hide, unhide, like, unlike, delete.

The platform is asked first, in the request: the agent sees at once whether it worked,
and the inbox shows the comment's new state only when it did. Agents hide, unhide, like
and unlike; deleting cannot be undone, so only leads of a team working the account and
admins may (`NotAllowed` otherwise, before the platform is asked).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import realtime
from inbox.adapters import (
    MODERATION_ACTIONS,
    ModerationTarget,
    PermanentSendError,
    RetryableSendError,
    get_adapter,
)
from inbox.models import Activity, ChannelAccount, Message
from inbox.selectors.access import may_delete_comments

from .accounts import account_needs_reconnect
from .conversations import NotAllowed


class ModerationFailed(Exception):
    """The platform did not do it, or the channel cannot: the message says why."""


COMMENT_KINDS = {Message.Kind.COMMENT, Message.Kind.POST, Message.Kind.REVIEW}


def moderation_refusal(*, message: Message, action: str) -> str | None:
    """Why this action cannot be taken on this message, or None."""
    if action not in MODERATION_ACTIONS:
        return _("Unknown action %(action)s.") % {"action": action}
    if message.kind not in COMMENT_KINDS or not message.external_id or not message.public:
        return _("Only public comments can be moderated.")
    if message.removed_at is not None:
        return _("This comment has been deleted.")
    account = message.account
    if account.status != ChannelAccount.Status.ACTIVE:
        return _("The account %(name)s needs to be reconnected first.") % {"name": account.name}
    try:
        caps = get_adapter(account.kind).capabilities
    except LookupError:
        return _("The %(kind)s channel is not installed.") % {"kind": account.kind}
    allowed = {
        "hide": caps.hide,
        "unhide": caps.hide,
        "like": caps.like,
        "unlike": caps.like,
        "delete": caps.delete,
    }
    if not allowed[action]:
        return _("This channel cannot %(action)s comments.") % {"action": action}
    if action == "hide" and message.direction == Message.Direction.OUT:
        return _("The account's own comments cannot be hidden.")
    return None


def moderation_permitted(*, message: Message, action: str, by: AbstractBaseUser) -> None:
    """Raise NotAllowed if this person may not take this action (the caller already checked
    that they see the conversation)."""
    if action == "delete" and not may_delete_comments(by, message.conversation):
        raise NotAllowed(
            _("Only a team lead or an admin can delete a comment on the platform; hide it instead.")
        )


def comment_moderate(*, message: Message, action: str, by: AbstractBaseUser | None) -> Message:
    """Ask the platform, then record the comment's new state and who did it.

    `by` is None only for the system itself; people go through `moderation_permitted`.
    """
    if by is not None:
        moderation_permitted(message=message, action=action, by=by)
    refusal = moderation_refusal(message=message, action=action)
    if refusal:
        raise ModerationFailed(refusal)
    account = message.account
    target = ModerationTarget(
        account_external_id=account.external_id,
        credentials=account.credentials,
        external_id=message.external_id,
    )
    try:
        get_adapter(account.kind).moderate(action, target)
    except RetryableSendError as exc:
        raise ModerationFailed(
            _("The platform is busy; try again in a moment. (%(reason)s)") % {"reason": exc.reason}
        ) from exc
    except PermanentSendError as exc:
        if exc.account_broken:
            account_needs_reconnect(account=account, reason=exc.reason)
        raise ModerationFailed(exc.reason) from exc
    state = {
        "hide": {"hidden": True},
        "unhide": {"hidden": False},
        "like": {"liked": True},
        "unlike": {"liked": False},
        "delete": {"removed_at": timezone.now()},
    }[action]
    part = {"hide": "hidden", "unhide": "hidden", "delete": "removed"}.get(action)
    if part:
        # The newest change of that part: an older one from a replayed webhook must not undo it.
        state["change_times"] = {**message.change_times, part: _now_whole_seconds()}
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(**state)
        Activity.objects.create(
            conversation_id=message.conversation_id,
            actor=by,
            verb=Activity.Verb.MODERATED,
            data={"message": message.pk, "action": action},
        )
    realtime.publish(
        realtime.account_streams(message.account_id, message.conversation_id),
        {
            "type": "message.updated",
            "conversation": message.conversation_id,
            "message": message.pk,
            "actor": by.pk if by is not None else None,
        },
    )
    message.refresh_from_db()
    return message


def _now_whole_seconds() -> str:
    """Our change's time as the platform states its own (whole seconds): a platform change
    made in the same second is not taken for an older one."""
    return timezone.now().replace(microsecond=0).isoformat()
