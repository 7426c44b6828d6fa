"""Template filters for what the person looking may do, asked of inbox.selectors.access.

The buttons they guard are a courtesy: the services check the same rules again."""

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from inbox.models import Conversation
from inbox.selectors.access import may_delete_comments as _may_delete_comments

register = template.Library()


@register.filter
def may_delete_comments(user: AbstractBaseUser | AnonymousUser, conversation: Conversation) -> bool:
    """{% if request.user|may_delete_comments:conversation %}: leads and admins only."""
    return _may_delete_comments(user, conversation)
