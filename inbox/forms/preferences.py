"""The form of an agent's own preferences: language, time zone, sign-off."""

import zoneinfo
from datetime import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from inbox.services.agents import time_zone_names

# The tz database's continents and oceans; everything else (UTC, Etc/..., old aliases
# such as US/Eastern) is listed under "Other".
AREAS = {
    "Africa": _("Africa"),
    "America": _("America"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}


def language_choices() -> list[tuple[str, str]]:
    """Each language in its own name, then in the reader's ("Ελληνικά (Greek)")."""
    choices = [("", str(_("The language my browser asks for")))]
    for code, name in settings.LANGUAGES:
        local = get_language_info(code)["name_local"]
        choices.append((code, local if local == str(name) else f"{local} ({name})"))
    return choices


def time_zone_choices() -> list:
    """The zones grouped by area, each with its offset from UTC right now."""
    now = timezone.now()
    groups: dict[str, list[tuple[str, str]]] = {area: [] for area in AREAS}
    other: list[tuple[str, str]] = []
    for name in sorted(time_zone_names()):
        area, _slash, place = name.partition("/")
        if place and area in groups:
            groups[area].append((name, _label(place, name, now)))
        else:
            other.append((name, _label(name, name, now)))
    default = _("The server's time zone (%(zone)s)") % {"zone": settings.TIME_ZONE}
    return [
        ("", default),
        *[(AREAS[area], zones) for area, zones in groups.items() if zones],
        (_("Other"), other),
    ]


def _label(shown: str, name: str, now: datetime) -> str:
    """The place and its offset right now, as in Buenos Aires (UTC-03:00)."""
    offset = now.astimezone(zoneinfo.ZoneInfo(name)).strftime("%z")
    return f"{shown.replace('_', ' ')} (UTC{offset[:3]}:{offset[3:]})"


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=language_choices,
        help_text=_("The inbox, its menus and its messages appear in this language."),
        error_messages={"invalid_choice": _("“%(value)s” is not offered; choose from the list.")},
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=time_zone_choices,
        help_text=_("Dates and times in the inbox are shown in this time zone."),
        error_messages={
            "invalid_choice": _("“%(value)s” is not a time zone we know; choose from the list.")
        },
    )
    sign_off = forms.BooleanField(
        label=_("Sign my public replies with my name"),
        required=False,
        help_text=_("Adds “— your name” under the replies the public can see."),
    )
