"""The admin's settings screens: connected channel accounts, their switches and teams."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inbox.models import ChannelAccount, Team
from inbox.selectors import is_admin
from inbox.selectors.settings import (
    account_get,
    account_options,
    channel_accounts_health,
    connect_options,
    connect_url_for,
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


class AccountSettingsForm(forms.Form):
    """The adapter's switches as checkboxes, and the teams that work the account."""

    def __init__(self, *args: Any, account: ChannelAccount, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_names = []
        for option, value in account_options(account):
            self.fields[f"option_{option.name}"] = forms.BooleanField(
                label=option.label, help_text=option.help_text, required=False, initial=value
            )
            self.option_names.append(option.name)
        self.fields["teams"] = TeamsField(initial=[t.pk for t in account.teams.all()])

    def option_fields(self) -> list[forms.BoundField]:
        return [self[f"option_{name}"] for name in self.option_names]

    def options(self) -> dict[str, bool]:
        return {name: self.cleaned_data[f"option_{name}"] for name in self.option_names}


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
    context = {"account": account, "form": form, "reconnect_url": _reconnect_url(account)}
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


def _reconnect_url(account: ChannelAccount) -> str:
    url = connect_url_for(account.kind)
    return f"{url}?account={account.pk}" if url else ""
