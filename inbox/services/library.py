"""Canned responses: saved, changed, deleted and inserted under the sharing rules.

Personal responses belong to their owner. A team's responses are managed by its leads,
the ones shared with everyone by admins. A shortcut is unique within its scope (one
person's, one team's, everyone's); the same shortcut may mean different things in two.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.db.models import F
from django.utils.translation import gettext as _

from inbox.models import CannedResponse, Conversation, Team
from inbox.selectors import is_admin, teams_led_by
from inbox.selectors.library import canned_response_manageable

from .composer import placeholder_values, placeholders_fill
from .conversations import UNSET, NotAllowed


class BadShortcut(ValueError):
    """The shortcut is not one word of letters, digits, hyphens or underscores."""


class ShortcutTaken(BadShortcut):
    """The scope already has a response with this shortcut; the message names it."""


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
    owner = _scope_check(by=by, team=team, shared=shared)
    title, shortcut, body = _checked(title=title, shortcut=shortcut, body=body)
    _shortcut_free(shortcut=shortcut, owner=owner, team=team)
    return CannedResponse.objects.create(
        title=title,
        shortcut=shortcut,
        body=body,
        team=team,
        owner=owner,
        language=language.strip(),
    )


def canned_response_update(
    *,
    response: CannedResponse,
    by: AbstractBaseUser,
    title: str = UNSET,
    shortcut: str = UNSET,
    body: str = UNSET,
    language: str = UNSET,
    team: Team | None = UNSET,
    shared: bool = UNSET,
) -> CannedResponse:
    """Change what was passed. Moving it to another scope needs the rights of both."""
    _manage_check(by=by, response=response)
    owner = response.owner
    if team is not UNSET or shared is not UNSET:
        new_team = response.team if team is UNSET else team
        is_everyones = response.owner_id is None and response.team_id is None
        new_shared = is_everyones if shared is UNSET else shared
        owner = _scope_check(by=by, team=new_team, shared=new_shared)
        response.team = new_team
    title, shortcut, body = _checked(
        title=response.title if title is UNSET else title,
        shortcut=response.shortcut if shortcut is UNSET else shortcut,
        body=response.body if body is UNSET else body,
    )
    _shortcut_free(shortcut=shortcut, owner=owner, team=response.team, exclude=response.pk)
    response.owner = owner
    response.title, response.shortcut, response.body = title, shortcut, body
    if language is not UNSET:
        response.language = language.strip()
    response.save(update_fields=["title", "shortcut", "body", "language", "owner", "team"])
    return response


def canned_response_delete(*, response: CannedResponse, by: AbstractBaseUser) -> None:
    _manage_check(by=by, response=response)
    response.delete()


def canned_response_use(
    *, response: CannedResponse, by: AbstractBaseUser, conversation: Conversation
) -> str:
    """Count one use and give the body filled in for this customer and agent.

    The caller checked that `by` may use the response and see the conversation.
    """
    canned_response_used(response=response)
    values = placeholder_values(conversation=conversation, agent=by)
    return placeholders_fill(text=response.body, values=values)


def canned_response_used(*, response: CannedResponse) -> None:
    CannedResponse.objects.filter(pk=response.pk).update(usage_count=F("usage_count") + 1)


def _scope_check(
    *, by: AbstractBaseUser, team: Team | None, shared: bool
) -> AbstractBaseUser | None:
    """The owner the scope gives (None when shared), if `by` may put a response there."""
    if team is not None and not teams_led_by(by).filter(pk=team.pk).exists():
        raise NotAllowed(
            _("Only the team's leads can share a response with %(team)s.") % {"team": team}
        )
    if team is None and shared and not is_admin(by):
        raise NotAllowed(_("Only admins can share a response with everyone."))
    return None if (team is not None or shared) else by


def _manage_check(*, by: AbstractBaseUser, response: CannedResponse) -> None:
    if canned_response_manageable(user=by, response=response):
        return
    if response.team_id is not None:
        raise NotAllowed(_("Only the team's leads can change or delete its responses."))
    if response.owner_id is None:
        raise NotAllowed(_("Only admins can change or delete responses shared with everyone."))
    raise NotAllowed(_("Only its owner can change or delete a personal response."))


def _checked(*, title: str, shortcut: str, body: str) -> tuple[str, str, str]:
    title, shortcut, body = title.strip(), shortcut.strip().lstrip("/"), body.strip()
    if not title:
        raise ValueError(_("Give the response a title."))
    if not body:
        raise ValueError(_("Write the text of the response."))
    try:
        validate_unicode_slug(shortcut)
    except ValidationError as exc:
        raise BadShortcut(
            _(
                "Use letters, digits, hyphens or underscores in the shortcut, without "
                "spaces (e.g. thanks-for-waiting)."
            )
        ) from exc
    return title, shortcut, body


def _shortcut_free(
    *,
    shortcut: str,
    owner: AbstractBaseUser | None,
    team: Team | None,
    exclude: int | None = None,
) -> None:
    taken = CannedResponse.objects.filter(shortcut=shortcut, owner=owner, team=team)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        if owner is not None:
            where = _("your personal responses")
        elif team is not None:
            where = _("the responses of %(team)s") % {"team": team.name}
        else:
            where = _("the responses shared with everyone")
        raise ShortcutTaken(
            _("The shortcut /%(shortcut)s is already taken in %(where)s: choose another one.")
            % {"shortcut": shortcut, "where": where}
        )
