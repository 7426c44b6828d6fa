"""`/webhooks/facebook/`: Meta's subscription handshake (GET) and its event POSTs.

One URL serves every connected Page: items are routed by `entry[].id` when processed.
"""

import hashlib
import hmac
from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from inbox.signing import hmac_sha256_hex, signature_matches
from inbox.webhooks import receive_webhook

from .adapter import FacebookAdapter


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if not settings.FACEBOOK_ENABLED:
        return HttpResponseForbidden(_("Facebook channel is not configured"))
    if request.method == "GET":
        return _handshake(request)
    return receive_webhook(
        request,
        kind=FacebookAdapter.kind,
        verify=lambda body: signature_valid(body, request.headers),
    )


def _handshake(request: HttpRequest) -> HttpResponse:
    """meta.md section 1: echo the challenge, unchanged, when the verify token matches."""
    token = request.GET.get("hub.verify_token", "")
    expected = settings.FACEBOOK_VERIFY_TOKEN
    if (
        request.GET.get("hub.mode") == "subscribe"
        and expected
        and hmac.compare_digest(token.encode(), expected.encode())
    ):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    return HttpResponseForbidden(_("Verification failed"))


def signature_valid(body: bytes, headers: Mapping[str, str]) -> bool:
    """X-Hub-Signature-256 over the raw bytes as sent; the legacy SHA-1 header only when
    the SHA-256 one is absent (meta.md section 2)."""
    secret = settings.FACEBOOK_APP_SECRET
    if not secret:
        return False
    given = headers.get("X-Hub-Signature-256")
    if given is not None:
        return _matches("sha256=", hmac_sha256_hex(secret, body), given)
    legacy = headers.get("X-Hub-Signature")
    if legacy is not None:
        expected = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
        return _matches("sha1=", expected, legacy)
    return False


def _matches(prefix: str, expected: str, given: str) -> bool:
    given = given.strip().lower()
    return given.startswith(prefix) and signature_matches(expected, given.removeprefix(prefix))
