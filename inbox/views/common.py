"""What every inbox view shares: fragment-or-page rendering, the refusal status, access."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from inbox.models import Conversation
from inbox.selectors import conversation_get_for

PAGE = "inbox/inbox.html"
BAD_INPUT = 400
# A refused reply or action: the page says why. base.html tells HTMX to swap 400, 403, 422.
REFUSED = 422
# Not allowed for this person (an agent deleting a comment): the page says who may.
FORBIDDEN = 403


def is_partial(request: HttpRequest) -> bool:
    # A history restore after a cache miss needs the whole page, HX-Request or not.
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_fragment(
    request: HttpRequest, fragment: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The named partial ("inbox/list.html#row") for HTMX, the whole inbox page otherwise."""
    template = fragment if is_partial(request) else PAGE
    response = render(request, template, context, status=status)
    # The same URL answers a whole page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def conversation_or_404(request: HttpRequest, pk: int) -> Conversation:
    """The conversation if the user's teams work its account; 404 says nothing otherwise."""
    convo = conversation_get_for(user=request.user, pk=pk)
    if convo is None:
        raise Http404
    return convo
