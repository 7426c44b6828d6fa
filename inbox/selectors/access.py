"""Who may see and do what. Every page, API endpoint and command asks these."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from inbox.models import ChannelAccount, Conversation, Membership, Role, Team

User = get_user_model()


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Asked several times per request; the answer cannot change within one.
    cached = getattr(user, "_socialcare_is_admin", None)
    if cached is None:
        cached = Membership.objects.filter(user=user, role=Role.ADMIN).exists()
        user._socialcare_is_admin = cached
    return cached


def accounts_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ChannelAccount]:
    """Accounts the user works: those of their teams; admins see every account."""
    if not user.is_authenticated:
        return ChannelAccount.objects.none()
    if is_admin(user):
        return ChannelAccount.objects.all()
    return ChannelAccount.objects.filter(
        pk__in=ChannelAccount.teams.through.objects.filter(team__memberships__user=user).values(
            "channelaccount_id"
        )
    )


def conversations_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Conversation]:
    if not user.is_authenticated:
        return Conversation.objects.none()
    if is_admin(user):
        return Conversation.objects.all()
    return Conversation.objects.filter(account__in=accounts_for(user).values("pk"))


def teams_led_by(user: AbstractBaseUser) -> QuerySet[Team]:
    if is_admin(user):
        return Team.objects.all()
    return Team.objects.filter(
        memberships__user=user, memberships__role__in=[Role.LEAD, Role.ADMIN]
    )


def leads_account(user: AbstractBaseUser | AnonymousUser, account_id: int) -> bool:
    """An admin, or a lead of a team that works the account."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    # Asked once per comment of a thread: one query per request, not one per comment.
    led = getattr(user, "_socialcare_led_accounts", None)
    if led is None:
        led = set(
            ChannelAccount.teams.through.objects.filter(
                team__in=teams_led_by(user).values("pk")
            ).values_list("channelaccount_id", flat=True)
        )
        user._socialcare_led_accounts = led
    return account_id in led


def may_delete_comments(user: AbstractBaseUser | AnonymousUser, conversation: Conversation) -> bool:
    """Deleting a comment on the platform cannot be undone, so it is for the leads of a team
    working the account and for admins; agents hide instead."""
    return leads_account(user, conversation.account_id)


def assignable_users(conversation: Conversation) -> QuerySet:
    """People who can work this conversation: members of the teams working its account."""
    return User.objects.filter(
        Q(memberships__team__accounts=conversation.account_id) | Q(is_superuser=True),
        is_active=True,
    ).distinct()


def can_assign(
    user: AbstractBaseUser, conversation: Conversation, to: AbstractBaseUser | None
) -> bool:
    """Agents take unassigned conversations (or drop their own); leads assign anyone."""
    if is_admin(user):
        return True
    team_ids = set(conversation.account.teams.values_list("pk", flat=True))
    if teams_led_by(user).filter(pk__in=team_ids).exists():
        return True
    if to is not None and to.pk == user.pk:
        return conversation.assignee_id in (None, user.pk)
    return to is None and conversation.assignee_id == user.pk
