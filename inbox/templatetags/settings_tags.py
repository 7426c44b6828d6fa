"""What the page chrome needs to know about the person looking at it."""

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from inbox.selectors import is_admin as _is_admin
from inbox.selectors.settings import accounts_needing_reconnect

register = template.Library()


@register.filter
def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Admins see the Settings link; is_admin caches its answer on the user."""
    return _is_admin(user)


@register.simple_tag(takes_context=True)
def reconnect_alerts(context: template.Context) -> list:
    """For admins only: the accounts that need reconnecting (one query per page)."""
    user = context.get("user")
    if user is None or not user.is_authenticated or not _is_admin(user):
        return []
    return accounts_needing_reconnect()
