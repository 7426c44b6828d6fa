"""Fragments the live updates fetch: one list row, one message, the folders.

The stream only says what changed (ids); the page asks these access-checked views for
the HTML, with the same query its list was loaded with, so a row is rendered exactly
as the list renders it, or answered 204 when it no longer belongs in that list. They
are for scripts: without HTMX they send the visitor to the page the fragment is part of.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from inbox import services
from inbox.models import Message
from inbox.selectors.live import thread_message_for
from inbox.selectors.pages import folder_conversations_for
from inbox.selectors.thread import reply_position_for

from .common import conversation_or_404, is_partial, render_fragment
from .pages import folder_of, folders_context, list_form
from .pane import back_to

ROW = "inbox/list.html#row"
MESSAGE = "inbox/thread.html#message"
FOLDERS = "inbox/folders.html#folders"


@require_GET
@login_required
def row(request: HttpRequest, pk: int) -> HttpResponse:
    """The conversation's row for the list the query describes; 204 if it is not in it."""
    convo = conversation_or_404(request, pk)
    if not is_partial(request):
        return back_to(request, convo)
    form = list_form(request)
    rows = folder_conversations_for(
        user=request.user, folder=form.folder_key, filters=form.filters()
    )
    found = rows.filter(pk=convo.pk).first()
    if found is None:
        return HttpResponse(status=204)
    context = {"c": found, "folder": form.folder_key, "list_query": form.query()}
    return render_fragment(request, ROW, context)


@require_GET
@login_required
def message(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    """One message as the open thread shows it; an inbound one is read once it is shown."""
    convo = conversation_or_404(request, pk)
    found = thread_message_for(conversation=convo, pk=message_pk)
    if found is None:
        raise Http404
    if not is_partial(request):
        return HttpResponseRedirect(f"{back_to(request, convo).url}#message-{found.pk}")
    if found.direction == Message.Direction.IN:
        services.conversation_mark_read(conversation=convo, user=request.user)
    depth, parent = reply_position_for(conversation=convo, message=found)
    context = {
        "conversation": convo,
        "folder": folder_of(request),
        "m": found,
        "depth": depth,
        "parent": parent,
    }
    return render_fragment(request, MESSAGE, context)


@require_GET
@login_required
def folders(request: HttpRequest) -> HttpResponse:
    """The folders with their counts, after something changed them."""
    folder = folder_of(request)
    if not is_partial(request):
        return HttpResponseRedirect(f"{reverse('inbox:index')}?{urlencode({'folder': folder})}")
    return render_fragment(request, FOLDERS, folders_context(request, folder))
