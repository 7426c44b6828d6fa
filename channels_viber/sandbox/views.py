"""The fake Viber API and its media, mounted in Django for the demo.

Only under SOCIALCARE_SANDBOX=1 (socialcare/urls.py) and in the sandbox test URLs.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from inbox.sandbox import serve_media, wsgi_passthrough

from .api import FakeViber
from .seed import MEDIA

# One fake for the whole process: what the simulator records, the client reads back.
VIBER = FakeViber()


@csrf_exempt
def api(request: HttpRequest, path: str) -> HttpResponse:
    # The bot token travels in this header; the fake's close() starts set_webhook's
    # verification callback, as a WSGI server would.
    return wsgi_passthrough(request, VIBER, path, forward_headers=["X-Viber-Auth-Token"])


@require_GET
def media(request: HttpRequest, name: str) -> HttpResponse:
    return serve_media(MEDIA, name)
