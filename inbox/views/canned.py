"""The canned responses page: list and search, save, change, delete, preview.

Everyone sees what they may use or manage; the buttons to change something show only where
the rules allow it, and the services check the rules again.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from inbox.forms.canned import CannedResponseForm, CannedSearchForm
from inbox.models import CannedResponse
from inbox.selectors import accounts_for
from inbox.selectors.library import (
    canned_response_manageable,
    canned_response_visible,
    canned_responses_listed_for,
    canned_scope,
)
from inbox.services import NotAllowed
from inbox.services.composer import agent_first_name, placeholders_fill
from inbox.services.library import (
    BadShortcut,
    canned_response_create,
    canned_response_delete,
    canned_response_update,
)

from .common import BAD_INPUT, REFUSED, is_partial

LIST = "canned/list.html"
FORM = "canned/form.html"
CONFIRM = "canned/confirm_delete.html"


@login_required
def canned_list(request: HttpRequest) -> HttpResponse:
    search = CannedSearchForm(request.GET)
    filters = search.filters()
    responses = canned_responses_listed_for(user=request.user, **filters)
    languages = dict(settings.LANGUAGES)
    for response in responses:
        response.scope = canned_scope(response)
        response.language_label = languages.get(response.language, response.language)
    context = {
        "search": search,
        "responses": responses,
        "filtered": any(filters.values()),
    }
    template = f"{LIST}#results" if is_partial(request) else LIST
    response = render(request, template, context)
    # One URL, a fragment or the page: caches (and the back button) must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
@login_required
def canned_new(request: HttpRequest) -> HttpResponse:
    form = CannedResponseForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid() and _saved(request, form):
        return HttpResponseRedirect(reverse("canned:list"))
    return _form_page(request, form)


@require_http_methods(["GET", "POST"])
@login_required
def canned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    response = _manageable_or_refused(request, pk)
    form = CannedResponseForm(_posted(request), user=request.user, instance=response)
    if request.method == "POST" and form.is_valid() and _saved(request, form, response):
        return HttpResponseRedirect(reverse("canned:list"))
    return _form_page(request, form, response)


@require_http_methods(["GET", "POST"])
@login_required
def canned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    response = _manageable_or_refused(request, pk)
    if request.method == "POST":
        canned_response_delete(response=response, by=request.user)
        messages.success(request, _("Deleted /%(shortcut)s.") % {"shortcut": response.shortcut})
        return HttpResponseRedirect(reverse("canned:list"))
    return render(request, CONFIRM, {"response": response})


@require_POST
@login_required
def canned_preview(request: HttpRequest) -> HttpResponse:
    """The form's live preview: the text as a customer would read it, with sample values."""
    body = request.POST.get("body", "")
    if len(body) > 10_000:
        return HttpResponse(_("The text is too long to preview."), status=BAD_INPUT)
    return render(request, f"{FORM}#preview", {"preview": _preview(request, body)})


def _preview(request: HttpRequest, body: str) -> str:
    account = accounts_for(request.user).order_by("name").first()
    values = {
        "customer_first_name": _("Maria"),
        "customer_name": _("Maria Papadopoulou"),
        "agent_first_name": agent_first_name(request.user),
        "agent_name": request.user.get_full_name() or request.user.get_username(),
        "page_name": account.name if account else _("Your page"),
    }
    return placeholders_fill(text=body, values=values)


def _form_page(
    request: HttpRequest, form: CannedResponseForm, response: CannedResponse | None = None
) -> HttpResponse:
    body = form["body"].value() or ""
    context = {"form": form, "response": response, "preview": _preview(request, body)}
    return render(request, FORM, context, status=REFUSED if form.is_bound else 200)


def _saved(
    request: HttpRequest, form: CannedResponseForm, response: CannedResponse | None = None
) -> bool:
    """Create or update; a refusal lands on the field it is about, or on the whole form."""
    fields = form.service_kwargs()
    try:
        if response is None:
            saved = canned_response_create(by=request.user, **fields)
        else:
            saved = canned_response_update(response=response, by=request.user, **fields)
    except BadShortcut as exc:
        form.add_error("shortcut", str(exc))
        return False
    except (NotAllowed, ValueError) as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, _("Saved /%(shortcut)s.") % {"shortcut": saved.shortcut})
    return True


def _manageable_or_refused(request: HttpRequest, pk: int) -> CannedResponse:
    """404 for what the user cannot see at all, 403 for what they use but may not change."""
    response = canned_response_visible(user=request.user, pk=pk)
    if response is None:
        raise Http404
    if not canned_response_manageable(user=request.user, response=response):
        raise PermissionDenied(_("You may use this response but not change it."))
    return response


def _posted(request: HttpRequest) -> object:
    return request.POST if request.method == "POST" else None
