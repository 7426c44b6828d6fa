"""Template helpers of the conversation pane."""

from typing import Any
from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def list_qs(context: dict[str, Any]) -> str:
    """The list's query string (folder, filters, search) for URLs the pane builds, so every
    action comes back to the list the agent is in. Fragments rendered without the pane's
    context (live updates) take it from the request."""
    if context.get("list_query"):
        return context["list_query"]
    from inbox.views.pages import list_query  # views import this library's templates

    request = context.get("request")
    folder = context.get("folder") or ""
    if request is None:
        return urlencode({"folder": folder}) if folder else ""
    return list_query(request)
