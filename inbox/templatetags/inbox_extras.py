"""Small display helpers for the inbox templates."""

import re
from datetime import datetime

from django import template
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from inbox.adapters import get_adapter, is_simulated
from inbox.forms.list import cursor_encode
from inbox.models import Activity, Conversation
from inbox.selectors.thread import ThreadEntry

register = template.Library()
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")


@register.filter
def channel_label(kind: str) -> str:
    """The channel's name as its adapter gives it ("Facebook", "X"...)."""
    try:
        return str(get_adapter(kind).label)
    except LookupError:
        return kind


# A stand-in channel (not built yet) is shown as simulated, never as active.
register.filter("channel_simulated", is_simulated)


# The list's channel badge: a letter or two a reader of any script can tell apart; the
# channel's name is always written next to it.
CHANNEL_LETTERS = {"facebook": "f", "instagram": "IG", "twitter": "X", "viber": "V"}


@register.filter
def channel_letter(kind: str) -> str:
    return CHANNEL_LETTERS.get(kind) or channel_label(kind)[:1].upper()


@register.filter
def initials(name: str) -> str:
    """Up to two initials of a name in any script, for an avatar without a picture."""
    words = [w for w in str(name).split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][:1] + (words[-1][:1] if len(words) > 1 else "")
    return letters.upper()


@register.filter
def channel_capabilities(kind: str) -> object:
    try:
        return get_adapter(kind).capabilities
    except LookupError:
        return None


@register.filter
def person(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.filter
def customer_name(conversation: Conversation) -> str:
    """The customer's name, or a readable stand-in when the platform would not tell us.

    Never a made-up name: "Facebook user …1234" says what we know.
    """
    if conversation.contact.name:
        return conversation.contact.name
    identity = conversation.identity
    if identity is not None and (identity.name or identity.handle):
        return identity.name or identity.handle
    external_id = identity.external_id if identity is not None else ""
    return _("%(channel)s user …%(end)s") % {
        "channel": channel_label(conversation.account.kind),
        "end": external_id[-4:] or conversation.pk,
    }


@register.filter
def web_url(value: object) -> str:
    """Only http(s) links from platforms become hrefs; anything else (javascript:...) is dropped."""
    text = str(value or "")
    return text if text.startswith(("https://", "http://")) else ""


@register.filter
def label_color(value: str) -> str:
    return value if HEX_COLOR.match(value or "") else "#6b7280"


@register.filter
def cursor(after: tuple[datetime, int] | None) -> str:
    return cursor_encode(after)


def _status_label(value: object) -> str:
    try:
        return str(Conversation.Status(value).label)
    except ValueError:
        return str(value)


def _priority_label(value: object) -> str:
    try:
        return str(Conversation.Priority(value).label)
    except ValueError:
        return str(value)


@register.simple_tag
def activity_line(entry: ThreadEntry) -> str:
    """One sentence per logged change; the tag's output is escaped like any variable."""
    activity: Activity = entry.item  # type: ignore[assignment]
    actor = person(activity.actor) or _("Someone")
    data = activity.data or {}
    verb = activity.verb
    if verb == Activity.Verb.CREATED:
        return _("Conversation started")
    if verb == Activity.Verb.REOPENED:
        return _("Reopened by a new message")
    if verb == Activity.Verb.STATUS:
        return _("%(actor)s moved it from %(old)s to %(new)s") % {
            "actor": actor,
            "old": _status_label(data.get("from")),
            "new": _status_label(data.get("to")),
        }
    if verb == Activity.Verb.ASSIGNED:
        if data.get("to") is None:
            return _("%(actor)s unassigned it") % {"actor": actor}
        if activity.actor_id is not None and data.get("to") == activity.actor_id:
            return _("%(actor)s took it") % {"actor": actor}
        return _("%(actor)s assigned it to %(assignee)s") % {
            "actor": actor,
            "assignee": entry.target or _("someone"),
        }
    if verb == Activity.Verb.TEAM:
        if data.get("to") is None:
            return _("%(actor)s removed it from its team") % {"actor": actor}
        return _("%(actor)s moved it to the team %(team)s") % {
            "actor": actor,
            "team": entry.target or _("another team"),
        }
    if verb == Activity.Verb.PRIORITY:
        return _("%(actor)s set the priority to %(priority)s") % {
            "actor": actor,
            "priority": _priority_label(data.get("to")),
        }
    if verb == Activity.Verb.LABELS:
        return _("%(actor)s changed the labels") % {"actor": actor}
    if verb == Activity.Verb.MODERATED:
        return {
            "hide": _("%(actor)s hid a comment"),
            "unhide": _("%(actor)s unhid a comment"),
            "like": _("%(actor)s liked a comment"),
            "unlike": _("%(actor)s removed a like"),
            "delete": _("%(actor)s deleted a comment"),
        }.get(data.get("action"), _("%(actor)s moderated a comment")) % {"actor": actor}
    if verb == Activity.Verb.TAKEN_PRIVATE:
        return _("%(actor)s continued this conversation in private messages") % {"actor": actor}
    return _("%(actor)s: %(change)s") % {"actor": actor, "change": activity.get_verb_display()}
