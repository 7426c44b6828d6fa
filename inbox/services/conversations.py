"""Writes on conversations: status, assignment, team, priority, labels, notes."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import realtime
from inbox.models import Activity, Conversation, ConversationRead, Label, Note, Team
from inbox.selectors import assignable_users, can_assign, conversations_for
from inbox.selectors.composer import mentioned_usernames
from inbox.selectors.pane import leads_conversation

User = get_user_model()
UNSET: Any = object()


class NotAllowed(Exception):
    """The user may not do this; the message says why."""


def conversation_update(
    *,
    conversation: Conversation,
    by: AbstractBaseUser | None,
    status: str = UNSET,
    assignee: AbstractBaseUser | None = UNSET,
    team: Team | None = UNSET,
    priority: int = UNSET,
    labels: Iterable[Label] = UNSET,
) -> Conversation:
    """Change what was passed, log each change as activity, tell everyone watching."""
    changes: list[tuple[str, dict]] = []
    fields: list[str] = []
    if status is not UNSET and status != conversation.status:
        if status not in Conversation.Status.values:
            raise ValueError(_("Unknown status %(status)s.") % {"status": status})
        changes.append((Activity.Verb.STATUS, {"from": conversation.status, "to": status}))
        conversation.status = status
        fields.append("status")
        if status == Conversation.Status.DONE:
            # Done answers the customer's wait (no reply is needed).
            conversation.waiting_since = None
            conversation.sla_due_at = None
            conversation.unread = False
            fields += ["waiting_since", "sla_due_at", "unread"]
    if assignee is not UNSET and _pk(assignee) != conversation.assignee_id:
        _check_assign(by, conversation, assignee)
        changes.append(
            (Activity.Verb.ASSIGNED, {"from": conversation.assignee_id, "to": _pk(assignee)})
        )
        conversation.assignee = assignee
        fields.append("assignee")
    if team is not UNSET and _pk(team) != conversation.team_id:
        _check_team(by, conversation, team)
        changes.append((Activity.Verb.TEAM, {"from": conversation.team_id, "to": _pk(team)}))
        conversation.team = team
        fields.append("team")
    if priority is not UNSET and priority != conversation.priority:
        if priority not in Conversation.Priority.values:
            raise ValueError(_("Unknown priority %(priority)s.") % {"priority": priority})
        changes.append((Activity.Verb.PRIORITY, {"from": conversation.priority, "to": priority}))
        conversation.priority = priority
        fields.append("priority")
    with transaction.atomic():
        if fields:
            conversation.last_activity_at = max(conversation.last_activity_at, timezone.now())
            conversation.save(update_fields=[*fields, "last_activity_at"])
        if labels is not UNSET:
            new = {label.pk for label in labels}
            old = set(conversation.labels.values_list("pk", flat=True))
            if new != old:
                conversation.labels.set(new)
                changes.append((Activity.Verb.LABELS, {"from": sorted(old), "to": sorted(new)}))
        Activity.objects.bulk_create(
            Activity(conversation=conversation, actor=by, verb=verb, data=data)
            for verb, data in changes
        )
        if changes:
            realtime.publish(
                realtime.account_streams(conversation.account_id, conversation.pk),
                {
                    "type": "conversation.updated",
                    "conversation": conversation.pk,
                    "actor": _pk(by),
                },
            )
    return conversation


def _pk(obj: Any) -> int | None:
    return None if obj is None else obj.pk


def _check_team(by: AbstractBaseUser | None, conversation: Conversation, team: Any) -> None:
    if team is not None and not conversation.account.teams.filter(pk=team.pk).exists():
        raise NotAllowed(
            _("The team %(team)s does not work the account of this conversation.") % {"team": team}
        )
    if by is not None and not leads_conversation(by, conversation):
        raise NotAllowed(_("Only a team lead or an admin can move a conversation to a team."))


def _check_assign(by: AbstractBaseUser | None, conversation: Conversation, to: Any) -> None:
    if to is not None and not assignable_users(conversation).filter(pk=to.pk).exists():
        raise NotAllowed(
            _("%(user)s does not work the account of this conversation.") % {"user": to}
        )
    if by is not None and not can_assign(by, conversation, to):
        raise NotAllowed(
            _("Agents can take unassigned conversations; only a team lead can assign others.")
        )


def conversation_mark_read(*, conversation: Conversation, user: AbstractBaseUser) -> None:
    """Read by this agent, now; teammates keep their own read marks."""
    _read_mark_set(conversation, user, timezone.now())
    conversation.is_unread = False


def conversation_mark_unread(*, conversation: Conversation, user: AbstractBaseUser) -> None:
    """Unread again for this agent only (their read mark is cleared, not removed)."""
    _read_mark_set(conversation, user, None)
    conversation.is_unread = conversation.last_inbound_at is not None


def _read_mark_set(conversation: Conversation, user: AbstractBaseUser, at: Any) -> None:
    # One upsert: opening the same conversation twice at once cannot collide.
    ConversationRead.objects.bulk_create(
        [ConversationRead(conversation=conversation, user=user, read_at=at)],
        update_conflicts=True,
        unique_fields=["conversation", "user"],
        update_fields=["read_at"],
    )
    realtime.publish(
        [realtime.user_stream(user.pk)],
        {"type": "conversation.read", "conversation": conversation.pk, "actor": user.pk},
    )


def note_create(*, conversation: Conversation, author: AbstractBaseUser, text: str) -> Note:
    """An internal note; @username mentions teammates who can see the conversation."""
    text = text.strip()
    if not text:
        raise ValueError(_("Write a note before saving it."))
    usernames = mentioned_usernames(text)
    mentioned = [
        user
        for user in User.objects.filter(username__in=usernames, is_active=True)
        if conversations_for(user).filter(pk=conversation.pk).exists()
    ]
    with transaction.atomic():
        note = Note.objects.create(conversation=conversation, author=author, text=text)
        note.mentions.set(mentioned)
        realtime.publish(
            [
                *realtime.account_streams(conversation.account_id, conversation.pk),
                *(f"user:{u.pk}" for u in mentioned),
            ],
            {
                "type": "note.created",
                "conversation": conversation.pk,
                "note": note.pk,
                "actor": author.pk,
            },
        )
    return note
