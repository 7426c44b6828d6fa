"""One conversation in the end pane, and the actions on it: status, assignment, labels,
priority, a message (retry, moderation).

Actions answer HTMX with the changed fragment (and the folders' counts out of band), or
redirect back to the conversation's URL without it. "Done" moves on to the next
conversation of the list the agent came from.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_POST

from inbox import services
from inbox.forms.conversation import AssignForm, LabelsForm, PriorityForm, StatusForm
from inbox.models import Conversation, Message
from inbox.selectors import conversation_get_for
from inbox.selectors.pane import assign_choices_for, next_conversation_id
from inbox.selectors.thread import outbound_message_in, reply_position_for

from .common import FORBIDDEN, REFUSED, conversation_or_404, is_partial, render_fragment
from .pages import folder_of, folders_context, list_context
from .pane import (
    CONVERSATION_PANE,
    action_done,
    action_refused,
    back_to,
    folder_rows,
    moved_on,
    next_url,
    pane_context,
)

MESSAGE = "inbox/thread.html#message"
MODERATION_FOCUS = {"hide": "hide", "unhide": "hide", "like": "like", "unlike": "like"}


@require_GET
@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """One conversation in the end pane; opening it marks it read."""
    convo = conversation_or_404(request, pk)
    folder = folder_of(request)
    context = _opened(request, convo, folder)
    if not is_partial(request):
        context.update(list_context(request, folder))
        context.update(folders_context(request, folder))
    return render_fragment(request, CONVERSATION_PANE, context)


def _opened(request: HttpRequest, convo: Conversation, folder: str) -> dict[str, Any]:
    services.conversation_mark_read(conversation=convo, user=request.user)
    return pane_context(request, convo, folder)


@require_POST
@login_required
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Open, follow-up or done; done moves on to the next conversation of the list."""
    convo = conversation_or_404(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return action_refused(request, convo, form.errors["status"][0])
    status = form.cleaned_data["status"]
    done = status == Conversation.Status.DONE and convo.status != status
    # Where it sat in the list, before the change moves it.
    next_pk = _next_in_list(request, convo) if done else None
    services.conversation_update(conversation=convo, by=request.user, status=status)
    if not done:
        return action_done(request, convo)
    next_convo = conversation_get_for(user=request.user, pk=next_pk) if next_pk else None
    url = next_url(request, next_convo.pk if next_convo else None)
    if not is_partial(request):
        return HttpResponseRedirect(url)
    folder = folder_of(request)
    next_context = _opened(request, next_convo, folder) if next_convo else None
    return moved_on(request, convo, next_context, url)


def _next_in_list(request: HttpRequest, convo: Conversation) -> int | None:
    try:
        rows = folder_rows(request, folder_of(request))
    except ValueError:
        return None
    return next_conversation_id(rows=rows, current=convo)


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
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign to a person or a team (leads and admins), or to nobody (an agent drops their own)."""
    convo = conversation_or_404(request, pk)
    form = AssignForm(
        request.POST, choices=assign_choices_for(user=request.user, conversation=convo)
    )
    if not form.is_valid():
        return action_refused(request, convo, form.errors["to"][0])
    return _update(request, convo, **form.cleaned_data["to"])


@require_POST
@login_required
def labels(request: HttpRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    form = LabelsForm(request.POST)
    if not form.is_valid():
        return action_refused(request, convo, form.errors["labels"][0])
    return _update(request, convo, labels=form.cleaned_data["labels"])


@require_POST
@login_required
def priority(request: HttpRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        return action_refused(request, convo, form.errors["priority"][0])
    return _update(request, convo, priority=form.cleaned_data["priority"])


def _update(request: HttpRequest, convo: Conversation, **changes: Any) -> HttpResponse:
    try:
        services.conversation_update(conversation=convo, by=request.user, **changes)
    except (services.NotAllowed, ValueError) as exc:
        # The refusal shows the conversation as it is, not as the refused change left it.
        fresh = conversation_get_for(user=request.user, pk=convo.pk) or convo
        return action_refused(request, fresh, str(exc))
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
    action = request.POST.get("action", "")
    try:
        message = services.comment_moderate(message=message, action=action, by=request.user)
    except services.NotAllowed as exc:
        refused = {"moderation_error": str(exc), "moderated_pk": message.pk}
        return _message_answer(request, convo, message, status=FORBIDDEN, **refused)
    except services.ModerationFailed as exc:
        refused = {"moderation_error": str(exc), "moderated_pk": message.pk}
        return _message_answer(request, convo, message, **refused)
    # Focus stays on the switch just used (Hide becomes Unhide); a deleted comment has none.
    focus = MODERATION_FOCUS.get(action, "message")
    return _message_answer(request, convo, message, focus=focus)


def _message_answer(
    request: HttpRequest,
    convo: Conversation,
    message: Message,
    *,
    focus: str = "message",
    status: int = REFUSED,
    **errors: Any,
) -> HttpResponse:
    """After an action on one message: that message again, where it sits in the thread
    (HTMX), or back to the page. `status` is the answer's when there is an error."""
    error = errors.get("message_error") or errors.get("moderation_error") or ""
    if not is_partial(request):
        if error:
            refused = action_refused(request, convo, error)
            refused.status_code = status
            return refused
        return back_to(request, convo)
    context = pane_context(request, convo, folder_of(request), with_thread=False)
    depth, parent = reply_position_for(conversation=convo, message=message)
    context.update(m=message, depth=depth, parent=parent, focus="alert" if error else focus)
    context.update(errors)
    return render_fragment(request, MESSAGE, context, status=status if error else 200)
