"""The fake Viber API and its media, mounted in Django for the demo.

Only under SOCIALCARE_SANDBOX=1 (socialcare/urls.py) and in the sandbox test URLs.
"""

import io

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from .api import FakeViber
from .seed import MEDIA

# One fake for the whole process: what the simulator records, the client reads back.
VIBER = FakeViber()


@csrf_exempt
def api(request: HttpRequest, path: str) -> HttpResponse:
    """Hand the request to the WSGI fake as if it were mounted at .../api."""
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
    token = request.headers.get("X-Viber-Auth-Token")
    if token is not None:
        environ["HTTP_X_VIBER_AUTH_TOKEN"] = token
    started: dict = {}

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        started.update(status=int(status.split()[0]), headers=headers)

    answer = VIBER(environ, start_response)
    try:
        content = b"".join(answer)
    finally:
        # Starts the set_webhook verification callback, as a WSGI server would.
        answer.close()
    response = HttpResponse(content, status=started["status"])
    for name, value in started["headers"]:
        response[name] = value
    return response


@require_GET
def media(request: HttpRequest, name: str) -> HttpResponse:
    if name not in MEDIA:
        raise Http404(name)
    content, content_type = MEDIA[name]
    return HttpResponse(content, content_type=content_type)
