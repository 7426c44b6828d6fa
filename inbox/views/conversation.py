"""One conversation in the end pane, and the actions on it: status, assignment, a message.

Actions answer HTMX with the changed fragment (and the folders' counts out of band), or
redirect back to the conversation's URL without it.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from inbox import services
from inbox.forms.conversation import StatusForm
from inbox.models import Conversation, Message
from inbox.selectors.thread import outbound_message_in

from .common import REFUSED, conversation_or_404, is_partial, render_fragment
from .pages import folder_of, folders_context, list_context
from .pane import (
    CONVERSATION_PANE,
    action_done,
    action_refused,
    back_to,
    pane_context,
)

MESSAGE = "inbox/thread.html#message"


@require_GET
@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """One conversation in the end pane; opening it marks it read."""
    convo = conversation_or_404(request, pk)
    services.conversation_mark_read(conversation=convo)
    folder = folder_of(request)
    context = pane_context(request, convo, folder)
    if not is_partial(request):
        context.update(list_context(request, folder))
        context.update(folders_context(request, folder))
    return render_fragment(request, CONVERSATION_PANE, context)


@require_POST
@login_required
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return action_refused(request, convo, form.errors["status"][0])
    services.conversation_update(
        conversation=convo, by=request.user, status=form.cleaned_data["status"]
    )
    return action_done(request, convo)


@require_POST
@login_required
def assign_to_me(request: HttpRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    try:
        services.conversation_update(conversation=convo, by=request.user, assignee=request.user)
    except services.NotAllowed as exc:
        return action_refused(request, convo, str(exc))
    return action_done(request, convo)


@require_POST
@login_required
def retry(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
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
    convo = conversation_or_404(request, pk)
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
    if not is_partial(request):
        if error:
            return action_refused(request, convo, error)
        return back_to(request, convo)
    context = pane_context(request, convo, folder_of(request), with_thread=False)
    context.update(m=message, **errors)
    return render_fragment(request, MESSAGE, context, status=REFUSED if error else 200)
