"""An agent's own settings: language, time zone, the sign-off under public replies."""

import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from inbox.models import AgentProfile

from .conversations import UNSET


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA names this machine's tz database knows (system zoneinfo or tzdata)."""
    return frozenset(zoneinfo.available_timezones())


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def agent_profile_update(
    *,
    user: AbstractBaseUser,
    language: str = UNSET,
    time_zone: str = UNSET,
    sign_off: bool = UNSET,
) -> AgentProfile:
    """Save what was passed; "" for language or time zone means the default again."""
    values: dict[str, object] = {}
    if language is not UNSET:
        if language and language not in language_codes():
            raise ValueError(
                _("“%(code)s” is not a language of socialcare; choose one of: %(codes)s.")
                % {"code": language, "codes": ", ".join(language_codes())}
            )
        values["language"] = language
    if time_zone is not UNSET:
        if time_zone and time_zone not in time_zone_names():
            raise ValueError(
                _("“%(zone)s” is not a time zone we know; choose one such as Europe/Athens.")
                % {"zone": time_zone}
            )
        values["time_zone"] = time_zone
    if sign_off is not UNSET:
        values["sign_off"] = bool(sign_off)
    profile, _created = AgentProfile.objects.update_or_create(user=user, defaults=values)
    return profile
