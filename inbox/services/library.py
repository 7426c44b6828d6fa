"""Canned responses and labels."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F
from django.utils.translation import gettext as _

from inbox.models import CannedResponse, Team
from inbox.selectors import is_admin, teams_led_by

from .conversations import NotAllowed


def canned_response_create(
    *,
    by: AbstractBaseUser,
    title: str,
    shortcut: str,
    body: str,
    team: Team | None = None,
    shared: bool = False,
    language: str = "",
) -> CannedResponse:
    """Personal by default; shared with a team (its leads) or with everyone (admins)."""
    if team is not None and not teams_led_by(by).filter(pk=team.pk).exists():
        raise NotAllowed(
            _("Only the team's leads can share a response with %(team)s.") % {"team": team}
        )
    if team is None and shared and not is_admin(by):
        raise NotAllowed(_("Only admins can share a response with everyone."))
    owner = None if (team is not None or shared) else by
    if CannedResponse.objects.filter(shortcut=shortcut, owner=owner, team=team).exists():
        raise ValueError(_("The shortcut /%(shortcut)s is already taken.") % {"shortcut": shortcut})
    return CannedResponse.objects.create(
        title=title, shortcut=shortcut, body=body, team=team, owner=owner, language=language
    )


def canned_response_used(*, response: CannedResponse) -> None:
    CannedResponse.objects.filter(pk=response.pk).update(usage_count=F("usage_count") + 1)
