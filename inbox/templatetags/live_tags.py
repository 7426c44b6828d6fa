"""Template tags of the live parts of the inbox page."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from inbox.models import Conversation
from inbox.presence import Presence, presence_for

register = template.Library()


@register.simple_tag(takes_context=True)
def others_present(context: dict[str, Any], conversation: Conversation) -> list[Presence]:
    """Who else is on this conversation now, for whoever is looking at the page."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return presence_for(conversation=conversation, viewer=request.user)


@register.simple_tag
def live_texts() -> dict[str, str]:
    """What live.js may say, translated; it fills %(name)s with a name from fetched HTML."""
    return {
        "newMessage": _("New message from %(name)s"),
        "newMessageUnnamed": _("A new message arrived"),
        "replied": _("%(name)s replied while you were typing. Read it before sending."),
        "repliedUnnamed": _("Someone else replied while you were typing. Read it before sending."),
        "repliedElsewhere": _(
            "A reply was sent from another app while you were typing. Read it before sending."
        ),
    }
