"""The fake Graph, its OAuth dialog and its media, mounted in Django for the demo.

Only under SOCIALCARE_SANDBOX=1 (socialcare/urls.py) and in the sandbox test URLs.
"""

import io
from urllib.parse import urlencode, urlsplit

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from .graph import FakeGraph
from .seed import MEDIA

USABLE_TASKS = {"MESSAGING", "MODERATE", "MANAGE"}
# One fake for the whole process: what the simulator records, the client reads back.
GRAPH = FakeGraph()


@csrf_exempt
def graph(request: HttpRequest, path: str) -> HttpResponse:
    """Hand the request to the WSGI fake as if it were mounted at .../graph."""
    body = request.body
    environ = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": request.path[: -len(path) - 1],
        "PATH_INFO": f"/{path}",
        "QUERY_STRING": request.META.get("QUERY_STRING", ""),
        "CONTENT_TYPE": request.META.get("CONTENT_TYPE", ""),
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": request.get_host(),
        "SERVER_NAME": request.get_host().rsplit(":", 1)[0],
        "SERVER_PORT": str(request.get_port()),
        "wsgi.url_scheme": request.scheme,
        "wsgi.input": io.BytesIO(body),
    }
    started: dict = {}

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        started.update(status=int(status.split()[0]), headers=headers)

    content = b"".join(GRAPH(environ, start_response))
    response = HttpResponse(content, status=started["status"])
    for name, value in started["headers"]:
        response[name] = value
    return response


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
    if name not in MEDIA:
        raise Http404(name)
    content, content_type = MEDIA[name]
    return HttpResponse(content, content_type=content_type)
