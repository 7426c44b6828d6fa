"""The end pane's context and the answers every action on a conversation ends with.

Action URLs carry the list's whole query string (folder, filters, search), so that after
an action the agent is back in the same list, and "Done" knows which list to move on in.
"""

from typing import Any
from urllib.parse import parse_qsl

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import push_url, reswap, retarget

from inbox import services
from inbox.forms.composer import ReplyForm, composer_context
from inbox.models import Conversation
from inbox.selectors.contacts import customer_panel_for
from inbox.selectors.pages import folder_conversations_for
from inbox.selectors.pane import assign_choices_for, labels_all
from inbox.selectors.thread import thread_entries_for

from . import pages
from .common import REFUSED, is_partial, render_fragment
from .pages import folder_of, folders_context, list_context, list_query

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
    focus: str = "",
) -> dict[str, Any]:
    """Everything the end pane shows: header, actions, thread, composer, customer panel.

    `focus` names what the browser focuses once the pane is swapped in ("heading" after
    an action, "alert" after a refusal); opening a conversation leaves focus in the list.
    """
    context = {
        "folder": folder,
        "list_query": list_query(request),
        "list_params": list_params(request),
        "conversation": convo,
        "entries": thread_entries_for(conversation=convo) if with_thread else [],
        "statuses": Conversation.Status.choices,
        "priorities": Conversation.Priority.choices,
        "action_error": action_error,
        "focus": "alert" if action_error and not focus else focus,
        "window": _window(convo),
        **composer_context(request, convo, reply_form),
    }
    if with_thread:
        context.update(
            assign_choices=assign_choices_for(user=request.user, conversation=convo),
            labels=list(labels_all()),
            label_ids={label.pk for label in convo.labels.all()},
            **customer_panel_for(user=request.user, conversation=convo),
        )
    return context


def list_params(request: HttpRequest) -> list[tuple[str, str]]:
    """The same, as hidden fields of a GET form (whose action's query string is dropped)."""
    return parse_qsl(list_query(request))


def _window(convo: Conversation) -> services.ReplyWindow | None:
    """How long the customer can still be answered, for the conversation's header."""
    try:
        return services.reply_window(convo)
    except LookupError:
        return None


def full_page(
    request: HttpRequest, convo: Conversation | None, context: dict[str, Any], *, status: int
) -> HttpResponse:
    folder = context["folder"]
    context.update(list_context(request, folder))
    context.update(folders_context(request, folder))
    return render_fragment(request, CONVERSATION_PANE, context, status=status)


def folder_rows(request: HttpRequest, folder: str) -> Any:
    """The list the agent is working through: the folder as the URL filters and sorts it."""
    filters = pages.list_form(request).filters()
    return folder_conversations_for(user=request.user, folder=folder, filters=filters)


def action_done(request: HttpRequest, convo: Conversation) -> HttpResponse:
    """After an action: the pane again, the folders' new counts, and the conversation's row
    gone from the list if it no longer belongs there."""
    if not is_partial(request):
        return back_to(request, convo)
    folder = folder_of(request)
    context = pane_context(request, convo, folder, focus="heading")
    context.update(folders_context(request, folder))
    context["gone_row"] = _gone_from(request, folder, convo.pk)
    return render_fragment(request, PANE_CHANGED, context)


def next_url(request: HttpRequest, next_pk: int | None) -> str:
    """Where "Done" goes: the next conversation of the list, or the list itself."""
    query = list_query(request)
    if next_pk is None:
        return f"{reverse('inbox:index')}?{query}"
    return f"{reverse('inbox:conversation', args=[next_pk])}?{query}"


def moved_on(
    request: HttpRequest, done: Conversation, next_context: dict[str, Any] | None, url: str
) -> HttpResponse:
    """After "Done" with HTMX: the next conversation's pane (`next_context`), or "All done
    in this folder"; the address bar follows."""
    folder = folder_of(request)
    context: dict[str, Any] = next_context or {
        "folder": folder,
        "list_query": list_query(request),
        "conversation": None,
        "all_done": True,
    }
    context["focus"] = "heading"
    context.update(folders_context(request, folder))
    context["gone_row"] = _gone_from(request, folder, done.pk)
    return push_url(render_fragment(request, PANE_CHANGED, context), url)


def _gone_from(request: HttpRequest, folder: str, pk: int) -> int | None:
    try:
        still_there = folder_rows(request, folder).filter(pk=pk).exists()
    except ValueError:
        return None
    return None if still_there else pk


def action_refused(request: HttpRequest, convo: Conversation, error: str) -> HttpResponse:
    context = pane_context(request, convo, folder_of(request), action_error=error)
    if is_partial(request):
        response = render_fragment(request, CONVERSATION_PANE, context, status=REFUSED)
        return reswap(retarget(response, "#conversation-pane"), "outerHTML")
    return full_page(request, convo, context, status=REFUSED)


def back_to(request: HttpRequest, convo: Conversation) -> HttpResponseRedirect:
    url = reverse("inbox:conversation", args=[convo.pk])
    return HttpResponseRedirect(f"{url}?{list_query(request)}")
