"""The signed-in agent's own language and time zone, for every request they make."""

import zoneinfo

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.deprecation import MiddlewareMixin

from inbox.selectors.agents import agent_profile_for


class AgentLocaleMiddleware(MiddlewareMixin):
    """Activate the language and time zone the agent chose on their preferences page.

    Goes after AuthenticationMiddleware (it needs the user) and LocaleMiddleware, whose
    negotiation (cookie, then Accept-Language) stays the answer for visitors and for
    agents who left the choice to their browser. LocaleMiddleware's response half then
    sends the Content-Language of what we activated. A MiddlewareMixin, like
    LocaleMiddleware, so async views (the live stream) get the same activation.
    """

    def process_request(self, request: HttpRequest) -> None:
        user = request.user
        if not user.is_authenticated:
            timezone.deactivate()
            return
        profile = agent_profile_for(user=user)
        if profile.language in dict(settings.LANGUAGES):
            translation.activate(profile.language)
            request.LANGUAGE_CODE = translation.get_language()
        zone = _zone(profile.time_zone)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        # A zone removed from the tz database since it was saved: the server's zone.
        return None
