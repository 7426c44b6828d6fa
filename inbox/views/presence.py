"""Presence on a conversation: the page says viewing / typing / left; others see it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from inbox.presence import presence_set

from .common import BAD_INPUT, conversation_or_404, is_partial, render_fragment
from .pane import back_to

PRESENCE = "inbox/presence.html#presence"


@require_http_methods(["GET", "POST"])
@login_required
def presence(request: HttpRequest, pk: int) -> HttpResponse:
    """POST state=viewing|typing|left; both methods answer who else is here now.

    The answer lets each renewal also drop people whose presence expired silently.
    A page that is leaving (sendBeacon, no HTMX) gets an empty 204.
    """
    convo = conversation_or_404(request, pk)
    if request.method == "POST":
        try:
            presence_set(conversation=convo, user=request.user, state=request.POST.get("state", ""))
        except ValueError as exc:
            return HttpResponse(str(exc), status=BAD_INPUT, content_type="text/plain")
        if not is_partial(request):
            return HttpResponse(status=204)
    elif not is_partial(request):
        return back_to(request, convo)
    return render_fragment(request, PRESENCE, {"conversation": convo})
