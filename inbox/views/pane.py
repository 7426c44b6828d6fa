"""The end pane's context and the answers every action on a conversation ends with."""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import reswap, retarget

from inbox import services
from inbox.forms.composer import ReplyForm, composer_context
from inbox.models import Conversation
from inbox.selectors.contacts import customer_panel_for
from inbox.selectors.thread import thread_entries_for

from .common import REFUSED, is_partial, render_fragment
from .pages import folder_of, folders_context, list_context

CONVERSATION_PANE = "inbox/conversation.html#conversation_pane"
PANE_CHANGED = "inbox/conversation.html#pane_changed"


def pane_context(
    request: HttpRequest,
    convo: Conversation,
    folder: str,
    *,
    reply_form: ReplyForm | None = None,
    action_error: str = "",
    with_thread: bool = True,
) -> dict[str, Any]:
    """Everything the end pane shows: header, actions, thread, composer, customer panel."""
    return {
        "folder": folder,
        "conversation": convo,
        "entries": thread_entries_for(conversation=convo) if with_thread else [],
        "statuses": Conversation.Status.choices,
        "action_error": action_error,
        "window": _window(convo),
        **composer_context(request, convo, reply_form),
        **customer_panel_for(user=request.user, conversation=convo),
    }


def _window(convo: Conversation) -> services.ReplyWindow | None:
    """How long the customer can still be answered, for the conversation's header."""
    try:
        return services.reply_window(convo)
    except LookupError:
        return None


def full_page(
    request: HttpRequest, convo: Conversation, context: dict[str, Any], *, status: int
) -> HttpResponse:
    folder = context["folder"]
    context.update(list_context(request, folder))
    context.update(folders_context(request, folder))
    return render_fragment(request, CONVERSATION_PANE, context, status=status)


def action_done(request: HttpRequest, convo: Conversation) -> HttpResponse:
    """After a status change or assignment: the pane again, and the folders' new counts."""
    if not is_partial(request):
        return back_to(request, convo)
    folder = folder_of(request)
    context = pane_context(request, convo, folder)
    context.update(folders_context(request, folder))
    return render_fragment(request, PANE_CHANGED, context)


def action_refused(request: HttpRequest, convo: Conversation, error: str) -> HttpResponse:
    context = pane_context(request, convo, folder_of(request), action_error=error)
    if is_partial(request):
        response = render_fragment(request, CONVERSATION_PANE, context, status=REFUSED)
        return reswap(retarget(response, "#conversation-pane"), "outerHTML")
    return full_page(request, convo, context, status=REFUSED)


def back_to(request: HttpRequest, convo: Conversation) -> HttpResponseRedirect:
    url = reverse("inbox:conversation", args=[convo.pk])
    return HttpResponseRedirect(f"{url}?{urlencode({'folder': folder_of(request)})}")
