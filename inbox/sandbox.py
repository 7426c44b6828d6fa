"""A stand-in platform for channels whose own sandbox has not landed yet.

Mounted under /sandbox/ only with SOCIALCARE_SANDBOX=1. Thin adapters send to it over
real HTTP, so the demo's replies go queued -> sent through the real send pipeline. A
reply whose text contains one of these markers makes it answer like a platform in
trouble: #ratelimit (429 with Retry-After), #servererror (503), #rejected (400).
"""

import json
import uuid

import requests
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from inbox.adapters import Outbound, PermanentSendError, RetryableSendError, SendResult


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
        retry_after = float(response.headers.get("Retry-After", "30"))
        raise RetryableSendError(_("Rate limited by the platform."), retry_after=retry_after)
    if response.status_code >= 500:
        raise RetryableSendError(
            _("The platform had a server error (%(code)d).") % {"code": response.status_code}
        )
    if response.status_code >= 400:
        raise PermanentSendError(response.json().get("error", str(response.status_code)))
    return SendResult(external_id=response.json()["id"])
