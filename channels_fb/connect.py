"""Connecting Facebook Pages: Facebook Login, choose Pages, store their tokens, subscribe.

The admin is sent to Facebook's OAuth dialog with a one-time `state`; the callback
exchanges the code for a long-lived user token, lists the admin's Pages with their Page
tokens, and keeps them (encrypted) in the session until the admin chooses which to
connect. Page tokens from a long-lived user token do not expire (meta.md 9.4).
"""

import logging
import secrets
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from inbox import services
from inbox.fields import seal, unseal
from inbox.models import ChannelAccount
from inbox.services.account_settings import account_avatar_set
from inbox.views.settings import TeamsField, admin_required

from .client import GraphClient, GraphError
from .selectors import page_get, pages_by_page_id

log = logging.getLogger(__name__)

KIND = "facebook"
SESSION_KEY = "facebook_connect"
SCOPES = (
    "pages_show_list",
    "pages_manage_metadata",
    "pages_messaging",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_engagement",
    "business_management",
)
# A Page is usable for the inbox when the admin can do one of these on it (meta.md 9.4).
USABLE_TASKS = {"MESSAGING", "MODERATE", "MANAGE"}
BAD_INPUT = 400
BAD_GATEWAY = 502
# How long the listed Pages wait in the session for the admin to choose (seconds).
CHOOSE_WITHIN = 15 * 60


@dataclass(frozen=True)
class FacebookPage:
    id: str
    name: str
    access_token: str
    tasks: tuple[str, ...]
    picture: str

    @property
    def usable(self) -> bool:
        return bool(USABLE_TASKS & set(self.tasks))


# --- views --------------------------------------------------------------------------------


@require_GET
@admin_required
def connect(request: HttpRequest) -> HttpResponse:
    """Start Facebook Login; ?account=<pk> marks which account is being reconnected."""
    missing = [
        name
        for name in ("FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET")
        if not getattr(settings, name, "")
    ]
    if missing:
        return _result(request, title=_("Facebook is not set up yet"), missing_settings=missing)
    state = secrets.token_urlsafe(32)
    request.session[SESSION_KEY] = {"state": state, "account": _reconnect_pk(request)}
    query = urlencode(
        {
            "client_id": settings.FACEBOOK_APP_ID,
            "redirect_uri": _callback_url(request),
            "state": state,
            "response_type": "code",
            "scope": ",".join(SCOPES),
        }
    )
    dialog = f"{settings.FACEBOOK_DIALOG_URL}/{settings.FACEBOOK_GRAPH_VERSION}/dialog/oauth"
    return HttpResponseRedirect(f"{dialog}?{query}")


@require_http_methods(["GET", "POST"])
@admin_required
def callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY) or {}
    if request.method == "POST":
        return _connect_chosen(request, pending)
    state = request.GET.get("state", "")
    if not pending.get("state") or not constant_time_compare(state, pending["state"]):
        return _expired(request)
    if request.GET.get("error"):
        request.session.pop(SESSION_KEY, None)
        if request.GET["error"] == "access_denied":
            messages.info(request, _("Facebook Login was cancelled; nothing was connected."))
            return HttpResponseRedirect(reverse("settings:channels"))
        reason = request.GET.get("error_description") or request.GET["error"]
        return _result(
            request, title=_("Facebook Login failed"), problem=reason[:500], status=BAD_INPUT
        )
    code = request.GET.get("code", "")
    if not code:
        return _result(
            request,
            title=_("Facebook Login failed"),
            problem=_("Facebook sent no authorization code back. Start again."),
            status=BAD_INPUT,
        )
    try:
        pages, not_granted = _pages_of_user(code, _callback_url(request))
    except GraphError as exc:
        log.warning("Facebook Login failed at the Graph API: %s", exc.reason)
        request.session.pop(SESSION_KEY, None)
        return _result(
            request, title=_("Facebook Login failed"), problem=exc.reason, status=BAD_GATEWAY
        )
    # One use per state: reloading the callback URL starts over rather than exchanging twice.
    request.session[SESSION_KEY] = {
        "account": pending.get("account"),
        # Page tokens never sit in the session store in the clear.
        "pages": seal([asdict(p) for p in pages]),
        "not_granted": not_granted,
    }
    chosen = _preselected(pages, pending.get("account"))
    form = ChoosePagesForm(pages=pages, initial={"pages": chosen})
    return _choose(request, form, pages, not_granted)


# --- steps --------------------------------------------------------------------------------


class ChoosePagesForm(forms.Form):
    pages = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Choose at least one Page to connect."),
            "invalid_choice": gettext_lazy(
                "“%(value)s” is not one of the Pages you can connect; choose from the list."
            ),
        },
    )
    teams = TeamsField()

    def __init__(self, *args: Any, pages: list[FacebookPage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pages"].choices = [(p.id, p.name) for p in pages if p.usable]


def _pages_of_user(code: str, redirect_uri: str) -> tuple[list[FacebookPage], list[str]]:
    """Code -> long-lived user token -> the Pages it manages, and the scopes not granted."""
    client = GraphClient()
    user_token = client.long_lived(client.exchange_code(code, redirect_uri))
    pages = [_page(raw) for raw in client.pages(user_token)]
    granted = {
        str(p.get("permission"))
        for p in client.permissions(user_token)
        if p.get("status") == "granted"
    }
    return [p for p in pages if p is not None], [s for s in SCOPES if s not in granted]


def _page(raw: Any) -> FacebookPage | None:
    """One /me/accounts row; a row without an id is of no use and is left out."""
    if not isinstance(raw, dict) or not raw.get("id"):
        return None
    picture = raw.get("picture") or ""
    if isinstance(picture, dict):
        picture = (picture.get("data") or {}).get("url") or ""
    tasks = raw.get("tasks") or []
    return FacebookPage(
        id=str(raw["id"]),
        name=str(raw.get("name") or raw["id"]),
        access_token=str(raw.get("access_token") or ""),
        tasks=tuple(str(t) for t in tasks) if isinstance(tasks, list) else (),
        picture=str(picture),
    )


def _connect_chosen(request: HttpRequest, pending: dict) -> HttpResponse:
    pages = _pages_unsealed(pending.get("pages", ""))
    if pages is None:
        return _expired(request)
    form = ChoosePagesForm(request.POST, pages=pages)
    if not form.is_valid():
        return _choose(request, form, pages, pending.get("not_granted", []), status=BAD_INPUT)
    ticked = set(form.cleaned_data["pages"])
    chosen = [page for page in pages if page.id in ticked]
    teams = list(form.cleaned_data["teams"])
    known = pages_by_page_id(page.id for page in chosen)
    results = [_connect_page(page, teams, reconnecting=page.id in known) for page in chosen]
    request.session.pop(SESSION_KEY, None)
    return _result(request, title=_("Connecting Facebook Pages"), results=results)


@dataclass(frozen=True)
class PageResult:
    name: str
    page_id: str
    outcome: str  # connected, reconnected, failed
    reason: str = ""
    account: ChannelAccount | None = None


def _connect_page(page: FacebookPage, teams: list, *, reconnecting: bool) -> PageResult:
    outcome = "reconnected" if reconnecting else "connected"
    try:
        account = services.account_connect(
            kind=KIND,
            name=page.name,
            credentials={"page_id": page.id, "access_token": page.access_token},
            teams=teams,
            external_id=page.id,
        )
    except services.AccountConnectError as exc:
        account_avatar_set(account=exc.account, url=page.picture)
        services.account_needs_reconnect(account=exc.account, reason=exc.reason)
        return PageResult(page.name, page.id, "failed", exc.reason, exc.account)
    except ValueError:
        # account_connect refuses credentials with a part missing: here, the Page token.
        reason = _("Facebook sent no access token for this Page; check your role on it.")
        return PageResult(page.name, page.id, "failed", reason)
    account_avatar_set(account=account, url=page.picture)
    return PageResult(page.name, page.id, outcome, account=account)


# --- helpers ------------------------------------------------------------------------------


def _choose(
    request: HttpRequest,
    form: ChoosePagesForm,
    pages: list[FacebookPage],
    not_granted: list[str],
    *,
    status: int = 200,
) -> HttpResponse:
    known = pages_by_page_id(p.id for p in pages)
    checked = set(form["pages"].value() or [])
    rows = [
        {
            "page": page,
            "account": known.get(page.id),
            "checked": page.id in checked and page.usable,
        }
        for page in pages
    ]
    context = {"form": form, "rows": rows, "not_granted": not_granted}
    return render(request, "channels_fb/choose_pages.html", context, status=status)


def _result(request: HttpRequest, *, title: str, status: int = 200, **context: Any) -> HttpResponse:
    return render(
        request,
        "channels_fb/connect_result.html",
        {"title": title, "start_url": reverse("facebook_connect:connect"), **context},
        status=status,
    )


def _expired(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return _result(
        request,
        title=_("The sign-in expired"),
        problem=_("The Facebook sign-in expired or was started elsewhere. Start again."),
        status=BAD_INPUT,
    )


def _callback_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("facebook_connect:callback"))


def _reconnect_pk(request: HttpRequest) -> int | None:
    try:
        return int(request.GET["account"])
    except (KeyError, ValueError):
        return None


def _preselected(pages: list[FacebookPage], account_pk: int | None) -> list[str]:
    """When reconnecting an account, its Page starts ticked."""
    if account_pk is None:
        return []
    account = page_get(pk=account_pk)
    if account is None:
        return []
    return [p.id for p in pages if p.id == account.external_id and p.usable]


def _pages_unsealed(token: str) -> list[FacebookPage] | None:
    """The Pages listed at login; None once they waited too long or were already used."""
    rows = unseal(token, ttl=CHOOSE_WITHIN)
    if not isinstance(rows, list):
        return None
    return [
        FacebookPage(
            id=r["id"],
            name=r["name"],
            access_token=r["access_token"],
            tasks=tuple(r["tasks"]),
            picture=r["picture"],
        )
        for r in rows
    ]
