"""The server-rendered inbox: one page template, HTMX requests get its named partials.

The URL carries the folder and the open conversation (/?folder=open, /c/42/?folder=open),
so reload and back work; actions post and, without HTMX, redirect back to that URL.
"""

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from inbox import services
from inbox.adapters import get_adapter
from inbox.forms import FOLDER_LABELS, ListForm, ReplyForm, StatusForm
from inbox.models import Conversation, Message
from inbox.selectors import conversation_get_for, folder_counts_for
from inbox.selectors.pages import (
    DEFAULT_FOLDER,
    FOLDERS,
    list_page_for,
    outbound_message_in,
    thread_entries_for,
)

PAGE = "inbox/inbox.html"
BAD_INPUT = 400
# A refused reply or action: the page says why. base.html tells HTMX to swap 400 and 422.
REFUSED = 422


# --- pages --------------------------------------------------------------------------------


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The folder's list; HTMX asks for the list pane, or with ?after= for the next rows."""
    form = ListForm(request.GET)
    valid = form.is_valid()
    folder = form.cleaned_data.get("folder", DEFAULT_FOLDER)
    after = form.cleaned_data.get("after")
    context = _list_context(request, folder, after)
    if not valid:
        context["list_error"] = " ".join(str(e) for errors in form.errors.values() for e in errors)
    partial = "list_more" if request.GET.get("after") else "list_pane"
    if not _is_partial(request):
        context.update(_folders_context(request, folder))
    return _render(request, partial, context, status=200 if valid else BAD_INPUT)


@require_GET
@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """One conversation in the end pane; opening it marks it read."""
    convo = _conversation_or_404(request, pk)
    services.conversation_mark_read(conversation=convo)
    folder = _folder(request)
    context = _pane_context(request, convo, folder)
    if not _is_partial(request):
        context.update(_list_context(request, folder))
        context.update(_folders_context(request, folder))
    return _render(request, "conversation_pane", context)


# --- actions ------------------------------------------------------------------------------


@require_POST
@login_required
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    convo = _conversation_or_404(request, pk)
    form = ReplyForm(request.POST, can_reply_privately=can_reply_privately(convo))
    if form.is_valid():
        try:
            message = services.reply_create(
                conversation=convo,
                author=request.user,
                text=form.cleaned_data["text"],
                private=form.cleaned_data.get("private", False),
            )
        except services.ReplyRefused as exc:
            form.add_error(None, str(exc))
        else:
            if not _is_partial(request):
                return _back_to(request, convo)
            # The new message goes at the end of the thread (the form's hx-target); a fresh
            # form replaces the sent one out of band.
            context = _pane_context(request, convo, _folder(request), with_thread=False)
            return _render(request, "reply_sent", {**context, "message": message})
    context = _pane_context(request, convo, _folder(request), reply_form=form)
    if _is_partial(request):
        response = _render(request, "reply_form", context, status=REFUSED)
        return reswap(retarget(response, "#reply-form"), "outerHTML")
    return _full_page(request, convo, context, status=REFUSED)


@require_POST
@login_required
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    convo = _conversation_or_404(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _action_refused(request, convo, form.errors["status"][0])
    services.conversation_update(
        conversation=convo, by=request.user, status=form.cleaned_data["status"]
    )
    return _action_done(request, convo)


@require_POST
@login_required
def assign_to_me(request: HttpRequest, pk: int) -> HttpResponse:
    convo = _conversation_or_404(request, pk)
    try:
        services.conversation_update(conversation=convo, by=request.user, assignee=request.user)
    except services.NotAllowed as exc:
        return _action_refused(request, convo, str(exc))
    return _action_done(request, convo)


@require_POST
@login_required
def retry(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    convo = _conversation_or_404(request, pk)
    message = outbound_message_in(conversation=convo, pk=message_pk)
    if message is None:
        raise Http404
    try:
        message = services.message_retry(message=message, by=request.user)
    except services.ReplyRefused as exc:
        return _message_answer(request, convo, message, message_error=str(exc))
    return _message_answer(request, convo, message)


@require_POST
@login_required
def moderate(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    """Hide, unhide, like, unlike or delete a comment on the platform."""
    convo = _conversation_or_404(request, pk)
    message = convo.messages.select_related("account").filter(pk=message_pk).first()
    if message is None:
        raise Http404
    try:
        message = services.comment_moderate(
            message=message, action=request.POST.get("action", ""), by=request.user
        )
    except services.ModerationFailed as exc:
        refused = {"moderation_error": str(exc), "moderated_pk": message.pk}
        return _message_answer(request, convo, message, **refused)
    return _message_answer(request, convo, message)


def _message_answer(
    request: HttpRequest, convo: Conversation, message: Message, **errors: Any
) -> HttpResponse:
    """After an action on one message: that message again (HTMX), or back to the page."""
    error = errors.get("message_error") or errors.get("moderation_error") or ""
    if not _is_partial(request):
        if error:
            return _action_refused(request, convo, error)
        return _back_to(request, convo)
    context = _pane_context(request, convo, _folder(request), with_thread=False)
    context.update(m=message, **errors)
    return _render(request, "message", context, status=REFUSED if error else 200)


# --- helpers ------------------------------------------------------------------------------


def can_reply_privately(convo: Conversation) -> bool:
    """Offer "reply privately" only where the channel can do it and the thread is public."""
    if convo.kind in {Conversation.Kind.DIRECT, Conversation.Kind.REVIEW}:
        return False
    try:
        return get_adapter(convo.account.kind).capabilities.private_reply
    except LookupError:
        return False


def _conversation_or_404(request: HttpRequest, pk: int) -> Conversation:
    convo = conversation_get_for(user=request.user, pk=pk)
    if convo is None:
        raise Http404
    return convo


def _is_partial(request: HttpRequest) -> bool:
    # A history restore after a cache miss needs the whole page, HX-Request or not.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render(
    request: HttpRequest, partial: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    template = f"{PAGE}#{partial}" if _is_partial(request) else PAGE
    response = render(request, template, context, status=status)
    # The same URL answers a whole page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _folder(request: HttpRequest) -> str:
    form = ListForm(request.GET)
    form.is_valid()
    return form.cleaned_data.get("folder", DEFAULT_FOLDER)


def _folders_context(request: HttpRequest, folder: str) -> dict[str, Any]:
    counts = folder_counts_for(user=request.user)
    links = [
        {"key": f, "label": FOLDER_LABELS[f], "count": counts[f], "current": f == folder}
        for f in FOLDERS
    ]
    return {"folder_links": links}


def _list_context(
    request: HttpRequest, folder: str, after: tuple[datetime, int] | None = None
) -> dict[str, Any]:
    return {
        "folder": folder,
        "folder_label": FOLDER_LABELS[folder],
        "after": after,
        "page": list_page_for(user=request.user, folder=folder, after=after),
    }


def _pane_context(
    request: HttpRequest,
    convo: Conversation,
    folder: str,
    *,
    reply_form: ReplyForm | None = None,
    action_error: str = "",
    with_thread: bool = True,
) -> dict[str, Any]:
    private = can_reply_privately(convo)
    return {
        "folder": folder,
        "conversation": convo,
        "entries": thread_entries_for(conversation=convo) if with_thread else [],
        "reply_form": reply_form or ReplyForm(can_reply_privately=private),
        "statuses": Conversation.Status.choices,
        "action_error": action_error,
        "window": _window(convo),
    }


def _window(convo: Conversation) -> services.ReplyWindow | None:
    """How long the customer can still be answered, for the conversation's header."""
    try:
        return services.reply_window(convo)
    except LookupError:
        return None


def _full_page(
    request: HttpRequest, convo: Conversation, context: dict[str, Any], *, status: int
) -> HttpResponse:
    folder = context["folder"]
    context.update(_list_context(request, folder))
    context.update(_folders_context(request, folder))
    return _render(request, "conversation_pane", context, status=status)


def _action_done(request: HttpRequest, convo: Conversation) -> HttpResponse:
    """After a status change or assignment: the pane again, and the folders' new counts."""
    if not _is_partial(request):
        return _back_to(request, convo)
    folder = _folder(request)
    context = _pane_context(request, convo, folder)
    context.update(_folders_context(request, folder))
    return _render(request, "pane_changed", context)


def _action_refused(request: HttpRequest, convo: Conversation, error: str) -> HttpResponse:
    context = _pane_context(request, convo, _folder(request), action_error=error)
    if _is_partial(request):
        response = _render(request, "conversation_pane", context, status=REFUSED)
        return reswap(retarget(response, "#conversation-pane"), "outerHTML")
    return _full_page(request, convo, context, status=REFUSED)


def _back_to(request: HttpRequest, convo: Conversation) -> HttpResponseRedirect:
    url = reverse("inbox:conversation", args=[convo.pk])
    return HttpResponseRedirect(f"{url}?{urlencode({'folder': _folder(request)})}")
