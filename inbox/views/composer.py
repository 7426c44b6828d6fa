"""The composer: replies to the customer, internal notes, canned responses and @mentions."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from inbox import services
from inbox.forms.composer import NoteForm, ReplyForm, typed_query
from inbox.models import Conversation, Message, Note
from inbox.selectors.composer import mentionable_for, mentions_not_notified, reply_moved_to
from inbox.selectors.library import (
    canned_response_by_shortcut,
    canned_response_usable,
    canned_suggestions_for,
)
from inbox.selectors.thread import ThreadEntry
from inbox.services.library import canned_response_use

from .common import REFUSED, conversation_or_404, is_partial, render_fragment
from .pages import folder_of, list_query
from .pane import back_to, full_page, pane_context

REPLY_FORM = "inbox/composer.html#reply_form"
REPLY_SENT = "inbox/composer.html#reply_sent"
NOTE_FORM = "inbox/composer.html#note_form"
NOTE_ADDED = "inbox/composer.html#note_added"
CANNED_OPTIONS = "inbox/composer.html#canned_options"
MENTION_OPTIONS = "inbox/composer.html#mention_options"
QUERY_MAX = 64


@require_POST
@login_required
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    form = ReplyForm(request.POST, conversation=convo, user=request.user)
    if form.is_valid():
        try:
            message = services.reply_create(
                conversation=convo, author=request.user, **form.reply_kwargs()
            )
        except services.ReplyRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _reply_sent(request, convo, message)
    return _refused(request, convo, {"reply_form": form}, REPLY_FORM, "#reply-form")


def _reply_sent(request: HttpRequest, convo: Conversation, message: Message) -> HttpResponse:
    """The reply at the end of the thread and a fresh form; a private reply to a comment
    says where the conversation goes on (and opens it, without JavaScript)."""
    moved_to = reply_moved_to(message=message) if not message.public else None
    if not is_partial(request):
        if moved_to is not None:
            url = reverse("inbox:conversation", args=[moved_to])
            return HttpResponseRedirect(f"{url}?{list_query(request)}")
        return back_to(request, convo)
    context = pane_context(request, convo, folder_of(request), with_thread=False)
    private_to_comment = not message.public and convo.kind != Conversation.Kind.DIRECT
    context.update(
        message=message,
        private_moved_to=moved_to,
        private_pending=private_to_comment and moved_to is None,
    )
    return render_fragment(request, REPLY_SENT, context)


@require_POST
@login_required
def note(request: HttpRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            created = services.note_create(
                conversation=convo, author=request.user, text=form.cleaned_data["text"]
            )
        except ValueError as exc:
            form.add_error("text", str(exc))
        else:
            return _note_added(request, convo, created)
    return _refused(request, convo, {"note_form": form}, NOTE_FORM, "#note-form")


def _note_added(request: HttpRequest, convo: Conversation, note: Note) -> HttpResponse:
    not_notified = mentions_not_notified(note=note)
    if not is_partial(request) and not not_notified:
        return back_to(request, convo)
    # HTMX appends the note to the thread on the page; a whole page shows the thread anew.
    context = pane_context(request, convo, folder_of(request), with_thread=not is_partial(request))
    context.update(
        entry=ThreadEntry(kind="note", item=note),
        note_not_notified=not_notified,
        composer_mode="note",
    )
    if not is_partial(request):
        # Without JavaScript the page itself says who was not told.
        return full_page(request, convo, context, status=200)
    return render_fragment(request, NOTE_ADDED, context)


def _refused(
    request: HttpRequest, convo: Conversation, forms: dict, fragment: str, target: str
) -> HttpResponse:
    """The form again with what to fix, the text kept: alone for HTMX, in the page otherwise."""
    context = pane_context(request, convo, folder_of(request), reply_form=forms.get("reply_form"))
    context.update(forms, composer_mode="note" if "note_form" in forms else "reply")
    if is_partial(request):
        response = render_fragment(request, fragment, context, status=REFUSED)
        return reswap(retarget(response, target), "outerHTML")
    return full_page(request, convo, context, status=REFUSED)


@require_GET
@login_required
def canned_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """The "/" list: options matching ?q=, or the one response ?shortcut= names."""
    convo = conversation_or_404(request, pk)
    shortcut = typed_query(request.GET, "shortcut", limit=QUERY_MAX).strip()
    if shortcut:
        found = canned_response_by_shortcut(
            user=request.user, conversation=convo, shortcut=shortcut
        )
        responses = [found] if found else []
    else:
        q = typed_query(request.GET, "q", limit=QUERY_MAX)
        responses = canned_suggestions_for(user=request.user, conversation=convo, q=q)
    return render(request, CANNED_OPTIONS, {"conversation": convo, "responses": responses})


@require_POST
@login_required
def canned_use(request: HttpRequest, pk: int, response_pk: int) -> JsonResponse:
    """Insert a canned response: count the use, answer its text filled in for this customer."""
    convo = conversation_or_404(request, pk)
    response = canned_response_usable(user=request.user, pk=response_pk)
    if response is None:
        raise Http404
    text = canned_response_use(response=response, by=request.user, conversation=convo)
    return JsonResponse({"id": response.pk, "shortcut": response.shortcut, "text": text})


@require_GET
@login_required
def mentionable(request: HttpRequest, pk: int) -> HttpResponse:
    """Teammates a note here can @mention, matching ?q=."""
    convo = conversation_or_404(request, pk)
    q = typed_query(request.GET, "q", limit=QUERY_MAX)
    teammates = mentionable_for(conversation=convo, by=request.user, q=q)
    return render(request, MENTION_OPTIONS, {"conversation": convo, "teammates": teammates})
