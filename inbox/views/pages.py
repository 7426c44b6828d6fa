"""The inbox page and its list pane: folders, filters, search, one page of conversations.

The URL carries the folder, the filters and the open conversation
(/?folder=mine&q=refund, /c/42/?folder=mine&q=refund), so reload, bookmarks and back
work; actions post and, without HTMX, redirect back to that URL.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from inbox import services
from inbox.forms.bulk import BulkForm
from inbox.forms.list import ListForm, folder_label
from inbox.selectors.conversations import Cursor
from inbox.selectors.pages import folders_for, list_page_for

from .common import BAD_INPUT, conversation_or_404, is_partial, render_fragment

LIST_PANE = "inbox/list.html#list_pane"
LIST_MORE = "inbox/list.html#list_more"
# The list pane and, out of band, the folders: after a folder change or a bulk action.
LIST_CHANGED = "inbox/list.html#list_changed"
FOLDERS = "inbox/folders.html#folders"


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The folder's list. HTMX asks for the list pane, for its rows only (the filter form
    targets #conversations so the search box keeps its focus), or with ?after= for more."""
    form = list_form(request)
    valid = form.is_valid()
    context = list_context(request, form.folder_key, form.cursor, form=form)
    status = 200 if valid else BAD_INPUT
    partial = is_partial(request)
    if partial and request.GET.get("after"):
        return render_fragment(request, LIST_MORE, context, status=status)
    if partial and request.htmx.target == "conversations":
        # The bulk form's copy of the list's query follows the new filters (out of band).
        context["rows_only"] = True
        return render_fragment(request, LIST_MORE, context, status=status)
    context.update(folders_context(request, form.folder_key, oob=partial))
    return render_fragment(request, LIST_CHANGED, context, status=status)


@require_POST
@login_required
def mark_unread(request: HttpRequest, pk: int) -> HttpResponse:
    """Unread again for me only; the list shows it bold, the folders count it."""
    convo = conversation_or_404(request, pk)
    services.conversation_mark_unread(conversation=convo, user=request.user)
    if not is_partial(request):
        return HttpResponseRedirect(f"{reverse('inbox:index')}?{list_query(request)}")
    context = folders_context(request, folder_of(request), oob=True)
    response = render_fragment(request, FOLDERS, context)
    return trigger_client_event(response, "conversation-unread", {"id": convo.pk})


def list_form(request: HttpRequest) -> ListForm:
    """The list's form from the query string, validated once per request."""
    form = getattr(request, "_socialcare_list_form", None)
    if form is None:
        form = ListForm(request.GET, user=request.user)
        form.is_valid()
        request._socialcare_list_form = form
    return form


def folder_of(request: HttpRequest) -> str:
    return list_form(request).folder_key


def list_query(request: HttpRequest) -> str:
    """The list's query string (folder, filters, search, sort) for links back to it."""
    return list_form(request).query()


def folders_context(request: HttpRequest, folder: str, *, oob: bool = False) -> dict[str, Any]:
    links = [
        {
            "key": f.key,
            "label": f.team_name or folder_label(f.key, request.user),
            "count": f.count,
            "current": f.key == folder,
            "team": bool(f.team_name),
        }
        for f in folders_for(user=request.user)
    ]
    return {"folder_links": links, "oob": oob}


def list_context(
    request: HttpRequest,
    folder: str,
    after: Cursor | None = None,
    *,
    form: ListForm | None = None,
) -> dict[str, Any]:
    """The list pane: the filter form, one page of rows and, if the query is wrong, why."""
    form = form or list_form(request)
    page = list_page_for(user=request.user, folder=folder, after=after, filters=form.filters())
    return {
        "folder": folder,
        "folder_label": folder_label(folder, request.user),
        "after": after,
        "page": page,
        "list_form": form,
        "list_query": form.query(),
        "list_error": form.error_text() if form.errors else "",
        "bulk_form": BulkForm(user=request.user),
    }
