"""Connecting a Viber bot: the admin pastes its token, checks which bot it is, confirms.

Viber has no sign-in dialog: the bot token is the whole credential. Step one asks Viber
who the token belongs to (get_account_info), so a refused token is explained before
anything is stored. Step two shows the bot and, since a bot has exactly one webhook,
warns when that webhook serves another system: connecting takes the bot's traffic from
it. The token waits between the steps in the session, encrypted.
"""

import logging
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from inbox import services
from inbox.fields import seal, unseal
from inbox.models import ChannelAccount
from inbox.selectors.settings import account_get
from inbox.services.account_settings import account_avatar_set
from inbox.views.settings import TeamsField, admin_required

from .client import ViberClient, ViberError

log = logging.getLogger(__name__)

KIND = "viber"
SESSION_KEY = "viber_connect"
BAD_INPUT = 400
# How long a pasted token waits in the session for the admin to confirm (seconds).
CONFIRM_WITHIN = 15 * 60
# get_account_info's answer as the confirm step shows it (viber.md §1.2).
BOT_FIELDS = ("id", "name", "uri", "icon", "subscribers_count", "webhook")


class TokenForm(forms.Form):
    auth_token = forms.CharField(
        label=gettext_lazy("Bot token"),
        help_text=gettext_lazy(
            "In the Viber app: More, Settings, Bots, then the bot's Edit Info, where its "
            "token is shown. Or on partners.viber.com, the bot's Info page."
        ),
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": gettext_lazy("Paste the bot's token: Viber shows it with the bot's info.")
        },
    )


class ConfirmForm(forms.Form):
    teams = TeamsField()


# --- views --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@admin_required
def connect(request: HttpRequest) -> HttpResponse:
    """Step 1: the token. ?account=<pk> marks the bot being reconnected."""
    reconnecting = _reconnecting(request.GET.get("account"))
    if request.method == "GET":
        return _token_step(request, TokenForm(), reconnecting)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _token_step(request, form, reconnecting, status=BAD_INPUT)
    token = form.cleaned_data["auth_token"]
    try:
        info = ViberClient(token).account_info()
    except ViberError as exc:
        form.add_error("auth_token", exc.reason)
        return _token_step(request, form, reconnecting, status=BAD_INPUT)
    if not info.get("id"):
        form.add_error("auth_token", _("Viber did not say which bot this token belongs to."))
        return _token_step(request, form, reconnecting, status=BAD_INPUT)
    request.session[SESSION_KEY] = {
        # The bot token never sits in the session store in the clear.
        "pending": seal({"auth_token": token, "bot": _bot(info)}),
        "account": reconnecting.pk if reconnecting else None,
    }
    return HttpResponseRedirect(reverse("viber_connect:confirm"))


@require_http_methods(["GET", "POST"])
@admin_required
def confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: this is the bot; connect it (and take its webhook)."""
    state = request.session.get(SESSION_KEY) or {}
    pending = _pending_unsealed(state.get("pending", ""))
    if pending is None:
        return _expired(request)
    bot = pending["bot"]
    reconnecting = _reconnecting(state.get("account"))
    if request.method == "GET":
        initial = [t.pk for t in reconnecting.teams.all()] if reconnecting else []
        form = ConfirmForm(initial={"teams": initial})
        return _confirm_step(request, form, bot, reconnecting)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _confirm_step(request, form, bot, reconnecting, status=BAD_INPUT)
    # One use: a second click (or a reload) finds nothing left to connect.
    request.session.pop(SESSION_KEY, None)
    return _connect_bot(request, bot, pending["auth_token"], list(form.cleaned_data["teams"]))


# --- steps --------------------------------------------------------------------------------


def _connect_bot(request: HttpRequest, bot: dict, token: str, teams: list) -> HttpResponse:
    try:
        account = services.account_connect(
            kind=KIND,
            name=bot["name"],
            credentials={"auth_token": token},
            teams=teams,
            external_id=bot["id"],
        )
    except services.AccountConnectError as exc:
        # Stored, but Viber did not take our webhook: the account says so until reconnected.
        account_avatar_set(account=exc.account, url=bot["icon"])
        services.account_needs_reconnect(account=exc.account, reason=exc.reason)
        messages.error(
            request,
            _("%(name)s is saved but not connected: %(reason)s")
            % {"name": bot["name"], "reason": exc.reason},
        )
        return HttpResponseRedirect(reverse("settings:channel", args=[exc.account.pk]))
    account_avatar_set(account=account, url=bot["icon"])
    log.info("%s connected the Viber bot %s", request.user, account)
    messages.success(
        request,
        _("Connected the Viber bot %(name)s: its messages now arrive in the inbox.")
        % {"name": account.name},
    )
    return HttpResponseRedirect(reverse("settings:channel", args=[account.pk]))


def _token_step(
    request: HttpRequest,
    form: TokenForm,
    reconnecting: ChannelAccount | None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "reconnecting": reconnecting}
    return render(request, "channels_viber/connect.html", context, status=status)


def _confirm_step(
    request: HttpRequest,
    form: ConfirmForm,
    bot: dict,
    reconnecting: ChannelAccount | None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "bot": bot,
        "reconnecting": reconnecting,
        # Reconnecting one bot with another's token adds that bot rather than fixing this one.
        "other_bot": reconnecting is not None and reconnecting.external_id != bot["id"],
        "foreign_webhook": bot["webhook"] if not _is_ours(bot["webhook"]) else "",
        "start_url": _start_url(reconnecting),
    }
    return render(request, "channels_viber/confirm.html", context, status=status)


def _expired(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.error(request, _("The token waited too long or was already used. Paste it again."))
    return HttpResponseRedirect(reverse("viber_connect:connect"))


# --- helpers ------------------------------------------------------------------------------


def _bot(info: dict) -> dict[str, Any]:
    """The fields of get_account_info the confirm step shows, as plain strings and a count."""
    bot: dict[str, Any] = {name: str(info.get(name) or "") for name in BOT_FIELDS}
    bot["name"] = bot["name"] or bot["id"]
    try:
        bot["subscribers_count"] = int(info.get("subscribers_count") or 0)
    except (TypeError, ValueError):
        bot["subscribers_count"] = None
    return bot


def _is_ours(webhook: str) -> bool:
    """Whether the bot's webhook is one of this site's Viber webhook URLs (or unset)."""
    if not webhook:
        return True
    public = settings.SOCIALCARE_PUBLIC_URL
    if not webhook.startswith(f"{public}/"):
        return False
    try:
        return resolve(urlsplit(webhook.removeprefix(public)).path).view_name == (
            "channels_viber:webhook"
        )
    except Resolver404:
        return False


def _reconnecting(value: Any) -> ChannelAccount | None:
    try:
        account = account_get(pk=int(value))
    except (TypeError, ValueError):
        return None
    return account if account is not None and account.kind == KIND else None


def _start_url(reconnecting: ChannelAccount | None) -> str:
    url = reverse("viber_connect:connect")
    return f"{url}?account={reconnecting.pk}" if reconnecting else url


def _pending_unsealed(token: str) -> dict | None:
    """The pasted token and its bot; None once it waited too long or was already used."""
    value = unseal(token, ttl=CONFIRM_WITHIN)
    if not isinstance(value, dict) or not value.get("auth_token") or "bot" not in value:
        return None
    return value
