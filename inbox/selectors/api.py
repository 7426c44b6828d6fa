"""Reads the REST API needs beyond the inbox pages' selectors, under the same access rules."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, Q, QuerySet

from inbox.models import (
    Conversation,
    Identity,
    Label,
    Message,
    Note,
    Team,
)

from .access import conversations_for, is_admin

User = get_user_model()


def notes_for(*, conversation: Conversation) -> QuerySet[Note]:
    return (
        conversation.notes.select_related("author")
        .prefetch_related("mentions")
        .order_by("created_at", "pk")
    )


def message_get_for(*, user: AbstractBaseUser, pk: int) -> Message | None:
    """One message, if the user may see its conversation."""
    return (
        Message.objects.filter(conversation__in=conversations_for(user).values("pk"))
        .select_related("conversation__account", "author", "identity")
        .filter(pk=pk)
        .first()
    )


def identity_get_for(*, user: AbstractBaseUser, pk: int) -> Identity | None:
    """A customer's identity, if the user may see one of its conversations."""
    visible = conversations_for(user).filter(identity_id=pk)
    return Identity.objects.filter(pk=pk).filter(Exists(visible)).first()


def teams_for(*, user: AbstractBaseUser) -> QuerySet[Team]:
    """Teams the user is in or whose accounts they work; admins see every team."""
    if is_admin(user):
        return Team.objects.order_by("name")
    return (
        Team.objects.filter(Q(memberships__user=user) | Q(accounts__teams__memberships__user=user))
        .distinct()
        .order_by("name")
    )


def labels_all() -> QuerySet[Label]:
    return Label.objects.order_by("name")


def users_all() -> QuerySet:
    """Candidates for an assignee id; whether one may be assigned is the service's call."""
    return User.objects.all()


def teams_all() -> QuerySet[Team]:
    return Team.objects.all()
