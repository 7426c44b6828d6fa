"""The fake Graph, its OAuth dialog and its media, mounted in Django for the demo.

Only under SOCIALCARE_SANDBOX=1 (socialcare/urls.py) and in the sandbox test URLs.
"""

from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from channels_fb.connect import USABLE_TASKS
from inbox.sandbox import serve_media, wsgi_passthrough

from .graph import FakeGraph
from .seed import MEDIA

# One fake for the whole process: what the simulator records, the client reads back.
GRAPH = FakeGraph()


@csrf_exempt
def graph(request: HttpRequest, path: str) -> HttpResponse:
    return wsgi_passthrough(request, GRAPH, path)


@require_http_methods(["GET", "POST"])
def dialog(request: HttpRequest, version: str) -> HttpResponse:
    """Facebook Login's dialog: Continue sends a code back, Cancel sends access_denied."""
    params = request.POST if request.method == "POST" else request.GET
    redirect_uri = params.get("redirect_uri", "")
    state = params.get("state", "")
    context = {
        "app_name": GRAPH.app_name,
        "redirect_uri": redirect_uri,
        "state": state,
        "client_id": params.get("client_id", ""),
        "scopes": [s for s in params.get("scope", "").split(",") if s],
        "pages": [
            {**page, "usable": bool(USABLE_TASKS & set(page["tasks"]))}
            for page in sorted(GRAPH.pages.values(), key=lambda page: page["name"])
        ],
    }
    if urlsplit(redirect_uri).scheme not in {"http", "https"}:
        return render(request, "sandbox/facebook_dialog.html", {**context, "bad": True}, status=400)
    if request.method == "GET":
        return render(request, "sandbox/facebook_dialog.html", context)
    if "continue" in request.POST:
        answer = {"code": GRAPH.issue_code(redirect_uri), "state": state}
    else:
        answer = {
            "error": "access_denied",
            "error_code": "200",
            "error_description": "Permissions error",
            "error_reason": "user_denied",
            "state": state,
        }
    separator = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(f"{redirect_uri}{separator}{urlencode(answer)}")


@require_GET
def media(request: HttpRequest, name: str) -> HttpResponse:
    return serve_media(MEDIA, name)
