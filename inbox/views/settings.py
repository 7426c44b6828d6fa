"""The admin's settings screens: connected channel accounts, their switches and teams."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inbox.adapters import OptionField
from inbox.models import ChannelAccount, Team
from inbox.selectors import is_admin
from inbox.selectors.settings import (
    account_get,
    account_options,
    channel_accounts_health,
    connect_options,
    reconnect_url_for,
    unrouted_entry_for,
)
from inbox.services.account_settings import (
    account_disconnect,
    account_settings_update,
    account_unrouted_replay,
)

BAD_INPUT = 400


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged-out visitors go to the login page; everyone but admins gets 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


class TeamsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Team.objects.order_by("name"),
            required=False,
            label=gettext_lazy("Teams that work it"),
            error_messages={
                "invalid_choice": gettext_lazy(
                    "One of the chosen teams no longer exists; reload the page and choose again."
                ),
                "invalid_pk_value": gettext_lazy("“%(pk)s” is not a team; choose from the list."),
            },
            **kwargs,
        )


# Longest text an option may hold (Viber's own message limit is 7000 characters).
OPTION_TEXT_MAX = 7000


@dataclass(frozen=True)
class OptionRow:
    """One option on the screen: a switch, a line of text, or a text per language."""

    option: OptionField
    fields: list[forms.BoundField]


def option_languages() -> list[tuple[str, str | Promise]]:
    """The languages a "translations" option has a text for; "" is the default one."""
    return [("", gettext_lazy("Default (any language)")), *settings.LANGUAGES]


class AccountSettingsForm(forms.Form):
    """The adapter's options (switches, texts, texts per language) and the account's teams."""

    def __init__(self, *args: Any, account: ChannelAccount, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.declared: list[tuple[OptionField, list[str]]] = []
        for option, value in account_options(account):
            self.declared.append((option, self._add_option(option, value)))
        self.fields["teams"] = TeamsField(initial=[t.pk for t in account.teams.all()])

    def _add_option(self, option: OptionField, value: Any) -> list[str]:
        name = f"option_{option.name}"
        if option.kind == "text":
            self.fields[name] = _text_field(option.label, value, forms.TextInput)
            self.fields[name].help_text = option.help_text
            return [name]
        if option.kind == "translations":
            texts = value if isinstance(value, dict) else {}
            names = []
            for code, language in option_languages():
                names.append(f"{name}__{code or 'default'}")
                self.fields[names[-1]] = _text_field(
                    language, texts.get(code, ""), forms.Textarea(attrs={"rows": 3})
                )
            return names
        self.fields[name] = forms.BooleanField(
            label=option.label, help_text=option.help_text, required=False, initial=value
        )
        return [name]

    def option_rows(self) -> list[OptionRow]:
        return [
            OptionRow(option=option, fields=[self[name] for name in names])
            for option, names in self.declared
        ]

    def options(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for option, names in self.declared:
            if option.kind == "translations":
                values[option.name] = {
                    code: self.cleaned_data[name]
                    for (code, _language), name in zip(option_languages(), names, strict=True)
                }
            else:
                values[option.name] = self.cleaned_data[names[0]]
        return values


def _text_field(
    label: str | Promise, value: Any, widget: forms.Widget | type[forms.Widget]
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        initial=value if isinstance(value, str) else "",
        max_length=OPTION_TEXT_MAX,
        widget=widget,
        error_messages={
            "max_length": gettext_lazy(
                "Shorten it to %(limit_value)d characters or fewer (it has %(show_value)d)."
            )
        },
    )


@require_GET
@admin_required
def channels(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "settings/channels.html",
        {"rows": channel_accounts_health(), "connect_options": connect_options()},
    )


@require_http_methods(["GET", "POST"])
@admin_required
def channel(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(pk)
    if request.method == "POST":
        form = AccountSettingsForm(request.POST, account=account)
        if form.is_valid():
            account_settings_update(
                account=account,
                options=form.options(),
                teams=form.cleaned_data["teams"],
                by=request.user,
            )
            messages.success(request, _("Saved the settings of %(name)s.") % {"name": account.name})
            return HttpResponseRedirect(reverse("settings:channel", args=[account.pk]))
        status = BAD_INPUT
    else:
        form = AccountSettingsForm(account=account)
        status = 200
    context = {"account": account, "form": form, "reconnect_url": reconnect_url_for(account)}
    return render(request, "settings/channel_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@admin_required
def disconnect(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST stops the account and keeps its conversations."""
    account = _account_or_404(pk)
    if account.status == ChannelAccount.Status.DISABLED:
        messages.info(request, _("%(name)s is already disconnected.") % {"name": account.name})
        return HttpResponseRedirect(reverse("settings:channels"))
    if request.method == "GET":
        return render(request, "settings/channel_disconnect.html", {"account": account})
    account_disconnect(account=account, by=request.user)
    messages.success(
        request,
        _("Disconnected %(name)s. Its conversations stay in the inbox.") % {"name": account.name},
    )
    return HttpResponseRedirect(reverse("settings:channels"))


@require_POST
@admin_required
def replay_unrouted(request: HttpRequest, pk: int) -> HttpResponse:
    """Process the events that arrived for the account before it was connected."""
    account = _account_or_404(pk)
    if unrouted_entry_for(account) is None:
        messages.info(
            request, _("There are no waiting events for %(name)s.") % {"name": account.name}
        )
        return HttpResponseRedirect(reverse("settings:channels"))
    outcome = account_unrouted_replay(account=account)
    if outcome.errors:
        messages.error(
            request,
            _("Some events could not be processed: %(errors)s")
            % {"errors": "; ".join(outcome.errors[:5])},
        )
    messages.success(
        request,
        ngettext(
            "Processed %(count)d stored event for %(name)s.",
            "Processed %(count)d stored events for %(name)s.",
            outcome.events,
        )
        % {"count": outcome.events, "name": account.name},
    )
    return HttpResponseRedirect(reverse("settings:channels"))


def _account_or_404(pk: int) -> ChannelAccount:
    account = account_get(pk=pk)
    if account is None:
        raise Http404
    return account
