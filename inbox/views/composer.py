"""The composer: a reply to the customer, in public or in private where the channel allows."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from inbox import services
from inbox.forms.composer import ReplyForm, can_reply_privately

from .common import REFUSED, conversation_or_404, is_partial, render_fragment
from .pages import folder_of
from .pane import back_to, full_page, pane_context

REPLY_FORM = "inbox/composer.html#reply_form"
REPLY_SENT = "inbox/composer.html#reply_sent"


@require_POST
@login_required
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    convo = conversation_or_404(request, pk)
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
            if not is_partial(request):
                return back_to(request, convo)
            # The new message goes at the end of the thread (the form's hx-target); a fresh
            # form replaces the sent one out of band.
            context = pane_context(request, convo, folder_of(request), with_thread=False)
            return render_fragment(request, REPLY_SENT, {**context, "message": message})
    context = pane_context(request, convo, folder_of(request), reply_form=form)
    if is_partial(request):
        response = render_fragment(request, REPLY_FORM, context, status=REFUSED)
        return reswap(retarget(response, "#reply-form"), "outerHTML")
    return full_page(request, convo, context, status=REFUSED)
