"""Writes only the demo needs: people, teams, labels, and making generated data look lived-in.

Every function here is idempotent ("ensure"), so `manage.py demo` can run on every
`make run`. Imported by its module path (inbox.services.demo), not re-exported: nothing
but the demo should create users with published passwords.
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Max, Min

from inbox.models import Activity, ChannelAccount, Conversation, Label, Membership, Message, Team

from .accounts import AccountConnectError, account_connect

User = get_user_model()

log = logging.getLogger(__name__)


def demo_user_ensure(
    *,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    superuser: bool = False,
) -> tuple[AbstractBaseUser, bool]:
    """The user, created with `password` if missing. An existing user's password is kept,
    so a demo user who changed theirs is not reset by the next `make run`."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@demo.invalid",
        is_staff=superuser,
        is_superuser=superuser,
    )
    user.set_password(password)
    user.save()
    return user, True


def demo_team_ensure(*, name: str) -> Team:
    team, _created = Team.objects.get_or_create(name=name)
    return team


def demo_membership_ensure(*, user: AbstractBaseUser, team: Team, role: str) -> None:
    Membership.objects.get_or_create(user=user, team=team, defaults={"role": role})


def demo_label_ensure(*, name: str, color: str) -> Label:
    label, _created = Label.objects.get_or_create(name=name, defaults={"color": color})
    return label


def demo_account_ensure(
    *,
    kind: str,
    name: str,
    external_id: str,
    credentials: Mapping[str, Any],
    teams: Iterable[Team],
) -> ChannelAccount:
    """Connect the demo account once. Later runs leave it as an admin left it
    (renamed, disabled, other teams): connecting again would revive and reset it."""
    account = ChannelAccount.objects.filter(kind=kind, external_id=external_id).first()
    if account is not None:
        return account
    try:
        return account_connect(
            kind=kind,
            name=name,
            credentials=credentials,
            teams=list(teams),
            external_id=external_id,
        )
    except AccountConnectError as exc:
        # The demo loads before the sandbox server is up: the platform side (webhook
        # subscription) is done on the next reconnect; the account itself is stored.
        log.info("demo account %s stored; its platform side is skipped: %s", name, exc.reason)
        return exc.account


def demo_failed_reply_create(
    *,
    conversation: Conversation,
    author: AbstractBaseUser,
    text: str,
    reason: str,
    at: datetime,
) -> Message:
    """A reply that the platform refused, as the send pipeline leaves one: failed with the
    reason shown, a "replied" and a "send failed" entry in the activity log.

    Written directly rather than through reply_create: that would queue a real send (and
    refuse replies outside the messaging window), and a demo must not depend on a worker.
    """
    with transaction.atomic():
        first = not conversation.activities.filter(verb=Activity.Verb.REPLIED).exists()
        message = Message.objects.create(
            conversation=conversation,
            account=conversation.account,
            direction=Message.Direction.OUT,
            kind=Message.Kind.MESSAGE,
            public=False,
            text=text,
            author=author,
            status=Message.Status.FAILED,
            error=reason,
            attempts=1,
        )
        Message.objects.filter(pk=message.pk).update(created_at=at)
        waited = (
            int((at - conversation.waiting_since).total_seconds())
            if conversation.waiting_since
            else None
        )
        replied = Activity.objects.create(
            conversation=conversation,
            actor=author,
            verb=Activity.Verb.REPLIED,
            data={"message": message.pk, "first": first, "waited_seconds": waited},
        )
        failed = Activity.objects.create(
            conversation=conversation,
            verb=Activity.Verb.SEND_FAILED,
            data={"message": message.pk, "reason": reason},
        )
        Activity.objects.filter(pk=replied.pk).update(created_at=at)
        Activity.objects.filter(pk=failed.pk).update(created_at=at + timedelta(seconds=2))
        Conversation.objects.filter(pk=conversation.pk).update(
            waiting_since=None,
            sla_due_at=None,
            last_activity_at=max(conversation.last_activity_at, at),
            last_message_at=at,
            snippet=text[:200],
        )
    message.refresh_from_db()
    return message


def demo_conversation_backdate(*, conversation: Conversation, settled_at: datetime) -> None:
    """Move a generated conversation's own clock back to its story's timeline.

    Rows get "now" from auto_now_add and conversation_update, so a demo generated in
    seconds would show every thread created, answered and closed just now: the list's
    order, thread order (outbound messages sort by created_at) and reports would lie.
    Messages take their platform time, the conversation its first message's, and the
    activities its creation (for "created") or `settled_at` (for the triage that follows).
    """
    with transaction.atomic():
        messages = Message.objects.filter(conversation=conversation)
        messages.exclude(platform_timestamp=None).update(created_at=F("platform_timestamp"))
        span = messages.aggregate(first=Min("created_at"), last=Max("created_at"))
        first = span["first"] or settled_at
        last = max(span["last"] or settled_at, settled_at)
        activities = Activity.objects.filter(conversation=conversation)
        activities.filter(verb=Activity.Verb.CREATED).update(created_at=first)
        # Replies and failures were dated by demo_failed_reply_create already.
        activities.exclude(
            verb__in=[Activity.Verb.CREATED, Activity.Verb.REPLIED, Activity.Verb.SEND_FAILED]
        ).update(created_at=settled_at)
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=first, last_activity_at=last
        )
