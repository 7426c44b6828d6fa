"""Every agent's own page of preferences, and the top bar's language switcher."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from inbox.forms.preferences import PreferencesForm
from inbox.selectors.agents import agent_profile_for
from inbox.services.agents import agent_profile_update

from .common import BAD_INPUT


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    profile = agent_profile_for(user=request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                profile = agent_profile_update(user=request.user, **form.cleaned_data)
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                return _saved(request, profile.language)
        status = BAD_INPUT
    else:
        initial = {f: getattr(profile, f) for f in ("language", "time_zone", "sign_off")}
        form = PreferencesForm(initial=initial)
        status = 200
    return render(request, "settings/preferences.html", {"form": form}, status=status)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (the cookie, then back to the page), and for a signed-in
    agent the choice saved on their profile too, so it follows them to every device."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(
            _("Choose one of the languages in the list.").encode(), content_type="text/plain"
        )
    if request.user.is_authenticated:
        agent_profile_update(user=request.user, language=language)
    return django_set_language(request)


def _saved(request: HttpRequest, language: str) -> HttpResponse:
    """Back to the page, the cookie in step with the choice, the notice in its language."""
    response = HttpResponseRedirect(reverse("settings:preferences"))
    if language:
        _set_language_cookie(response, language)
    else:
        # "My browser's language": a cookie the switcher left would still win.
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
        )
        request.COOKIES.pop(settings.LANGUAGE_COOKIE_NAME, None)
    with translation.override(language or translation.get_language_from_request(request)):
        messages.success(request, _("Saved your preferences."))
    return response


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
