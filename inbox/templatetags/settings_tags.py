"""What the page chrome needs to know about the person looking at it."""

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from inbox.selectors import is_admin as _is_admin

register = template.Library()


@register.filter
def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Admins see the Settings link; is_admin caches its answer on the user."""
    return _is_admin(user)
