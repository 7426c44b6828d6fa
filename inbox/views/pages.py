"""The inbox page and its list pane: folders, filters, search, one page of conversations.

The URL carries the folder and the open conversation (/?folder=open, /c/42/?folder=open),
so reload and back work; actions post and, without HTMX, redirect back to that URL.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from inbox.forms.list import FOLDER_LABELS, ListForm
from inbox.selectors import folder_counts_for
from inbox.selectors.pages import DEFAULT_FOLDER, FOLDERS, list_page_for

from .common import BAD_INPUT, is_partial, render_fragment

LIST_PANE = "inbox/list.html#list_pane"
LIST_MORE = "inbox/list.html#list_more"


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The folder's list; HTMX asks for the list pane, or with ?after= for the next rows."""
    form = ListForm(request.GET)
    valid = form.is_valid()
    folder = form.cleaned_data.get("folder", DEFAULT_FOLDER)
    after = form.cleaned_data.get("after")
    context = list_context(request, folder, after)
    if not valid:
        context["list_error"] = " ".join(str(e) for errors in form.errors.values() for e in errors)
    partial = LIST_MORE if request.GET.get("after") else LIST_PANE
    if not is_partial(request):
        context.update(folders_context(request, folder))
    return render_fragment(request, partial, context, status=200 if valid else BAD_INPUT)


def folder_of(request: HttpRequest) -> str:
    form = ListForm(request.GET)
    form.is_valid()
    return form.cleaned_data.get("folder", DEFAULT_FOLDER)


def folders_context(request: HttpRequest, folder: str) -> dict[str, Any]:
    counts = folder_counts_for(user=request.user)
    links = [
        {"key": f, "label": FOLDER_LABELS[f], "count": counts[f], "current": f == folder}
        for f in FOLDERS
    ]
    return {"folder_links": links}


def list_context(
    request: HttpRequest, folder: str, after: tuple[datetime, int] | None = None
) -> dict[str, Any]:
    return {
        "folder": folder,
        "folder_label": FOLDER_LABELS[folder],
        "after": after,
        "page": list_page_for(user=request.user, folder=folder, after=after),
    }
