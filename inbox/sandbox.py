"""The sandbox pieces every channel shares, and a stand-in for channels without a fake.

Mounted under /sandbox/ only with SOCIALCARE_SANDBOX=1. Thin adapters send to the
stand-in platform over real HTTP, so the demo's replies go queued -> sent through the
real send pipeline. A reply whose text contains one of these markers makes it answer
like a platform in trouble: #ratelimit (429 with Retry-After), #servererror (503),
#rejected (400).

The channels' own fakes (channels_fb.sandbox, channels_viber.sandbox) are WSGI apps:
`wsgi_passthrough` serves one inside Django, `serve_media` answers their media views,
and `png` draws their pictures, so the sandbox ships no binary files.
"""

import io
import json
import struct
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping

import requests
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from inbox.adapters import Outbound, PermanentSendError, RetryableSendError, SendResult
from inbox.http import json_object, retry_after_header


@csrf_exempt
@require_POST
def fake_send(request: HttpRequest, kind: str) -> JsonResponse:
    try:
        text = str(json.loads(request.body or b"{}").get("text", ""))
    except (ValueError, AttributeError):
        return JsonResponse({"error": "the body must be a JSON object"}, status=400)
    if "#ratelimit" in text:
        response = JsonResponse({"error": "rate limited"}, status=429)
        response["Retry-After"] = "5"
        return response
    if "#servererror" in text:
        return JsonResponse({"error": "temporarily unavailable"}, status=503)
    if "#rejected" in text:
        return JsonResponse({"error": "the recipient cannot be reached"}, status=400)
    return JsonResponse({"id": f"{kind}-sandbox-{uuid.uuid4().hex[:16]}"})


urlpatterns = [path("<slug:kind>/send/", fake_send, name="sandbox-send")]


def sandbox_send(kind: str, outbound: Outbound) -> SendResult:
    """Send through the stand-in platform, classifying its answers like a real client."""
    if not settings.SANDBOX:
        raise PermanentSendError(
            _("Sending on this channel is not available yet in this version of socialcare.")
        )
    url = f"{settings.SOCIALCARE_SANDBOX_URL}/sandbox/{kind}/send/"
    try:
        response = requests.post(
            url, json={"to": outbound.recipient_external_id, "text": outbound.text}, timeout=10
        )
    except requests.RequestException as exc:
        raise RetryableSendError(
            _("The platform could not be reached: %(e)s") % {"e": exc}
        ) from exc
    if response.status_code == 429:
        retry_after = retry_after_header(response) or 30
        raise RetryableSendError(_("Rate limited by the platform."), retry_after=retry_after)
    if response.status_code >= 500:
        raise RetryableSendError(
            _("The platform had a server error (%(code)d).") % {"code": response.status_code}
        )
    if response.status_code >= 400:
        answer = json_object(response) or {}
        raise PermanentSendError(str(answer.get("error") or response.status_code))
    return SendResult(external_id=response.json()["id"])


# --- for the channels' own fakes -----------------------------------------------------------

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def wsgi_passthrough(
    request: HttpRequest, app: WSGIApp, path: str, *, forward_headers: Iterable[str] = ()
) -> HttpResponse:
    """Hand the request to a WSGI fake as if it were mounted where `path` starts. Of the
    request's headers only those in `forward_headers` go through."""
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
    for name in forward_headers:
        value = request.headers.get(name)
        if value is not None:
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    started: dict = {}

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        started.update(status=int(status.split()[0]), headers=headers)

    answer = app(environ, start_response)
    try:
        content = b"".join(answer)
    finally:
        # As a WSGI server would: a fake may run work in close() once its answer is
        # written (the fake Viber's set_webhook callback).
        close = getattr(answer, "close", None)
        if close is not None:
            close()
    response = HttpResponse(content, status=started["status"])
    for name, value in started["headers"]:
        response[name] = value
    return response


def serve_media(media: Mapping[str, tuple[bytes, str]], name: str) -> HttpResponse:
    """One of a fake's media files ({name: (content, content type)}), or 404."""
    if name not in media:
        raise Http404(name)
    content, content_type = media[name]
    return HttpResponse(content, content_type=content_type)


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour PNG, built here so the sandbox ships no binary files."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
