"""The canned responses page: search and filter, and the form to save one."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.utils.translation import gettext_lazy as _

from inbox.models import CannedResponse, Team
from inbox.selectors import is_admin, teams_led_by
from inbox.selectors.library import canned_scope
from inbox.services.composer import PLACEHOLDERS

PERSONAL = "personal"
EVERYONE = "everyone"
TEAM = "team:"


class CannedSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All I can use or manage")),
            ("personal", _("Personal")),
            ("team", _("Shared with a team")),
            ("everyone", _("Shared with everyone")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"q": "", "scope": ""}
        return {"q": self.cleaned_data["q"], "scope": self.cleaned_data["scope"]}


class CannedResponseForm(forms.Form):
    """One response; `scope` offers only the places the user may share with."""

    title = forms.CharField(label=_("Title"), max_length=200)
    shortcut = forms.CharField(
        label=_("Shortcut"),
        max_length=64,
        help_text=_("Type /shortcut in a reply to insert it. One word: letters, digits, - or _."),
    )
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}))
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Offered first in conversations with customers in this language."),
    )
    scope = forms.ChoiceField(label=_("Who can use it"))

    def __init__(
        self,
        *args: Any,
        user: AbstractBaseUser,
        instance: CannedResponse | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        if instance is not None:
            kwargs.setdefault("initial", _initial(instance))
        super().__init__(*args, **kwargs)
        self.fields["shortcut"].widget.attrs.update(dir="auto", autocapitalize="none")
        self.fields["title"].widget.attrs.update(dir="auto")
        languages = [("", _("Any language")), *settings.LANGUAGES]
        if instance is not None and instance.language not in dict(languages):
            languages.append((instance.language, instance.language))  # set through the API
        self.fields["language"].choices = languages
        self.teams = {str(t.pk): t for t in teams_led_by(user).order_by("name")}
        choices = [(PERSONAL, _("Only me"))]
        choices += [(f"{TEAM}{pk}", team.name) for pk, team in self.teams.items()]
        if is_admin(user):
            choices.append((EVERYONE, _("Everyone")))
        self.fields["scope"].choices = choices

    @property
    def placeholders(self) -> list[tuple[str, str]]:
        return [("{" + name + "}", str(meaning)) for name, meaning in PLACEHOLDERS.items()]

    def clean_shortcut(self) -> str:
        shortcut = self.cleaned_data["shortcut"].strip().lstrip("/")
        try:
            validate_unicode_slug(shortcut)
        except ValidationError as exc:
            raise ValidationError(
                _(
                    "Use one word of letters, digits, hyphens or underscores "
                    "(e.g. thanks-for-waiting)."
                )
            ) from exc
        return shortcut

    def service_kwargs(self) -> dict[str, Any]:
        """The fields as canned_response_create and canned_response_update take them."""
        data = self.cleaned_data
        scope = data["scope"]
        team: Team | None = self.teams[scope.removeprefix(TEAM)] if scope.startswith(TEAM) else None
        return {
            "title": data["title"],
            "shortcut": data["shortcut"],
            "body": data["body"],
            "language": data["language"],
            "team": team,
            "shared": scope != PERSONAL,
        }


def _initial(response: CannedResponse) -> dict[str, Any]:
    scope = canned_scope(response)
    return {
        "title": response.title,
        "shortcut": response.shortcut,
        "body": response.body,
        "language": response.language,
        "scope": f"{TEAM}{response.team_id}" if scope == "team" else scope,
    }
