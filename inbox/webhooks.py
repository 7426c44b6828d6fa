"""The shared webhook view body: verify on the raw bytes, store, answer.

Platforms retry non-2xx for hours, so once the raw body is committed we answer 200 and
do everything else in a task.
"""

import json
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse

from inbox import services
from inbox.models import ChannelAccount

log = logging.getLogger(__name__)


def receive_webhook(
    request: HttpRequest,
    *,
    kind: str,
    verify: Callable[[bytes], bool],
    account: ChannelAccount | None = None,
) -> HttpResponse:
    body = request.body
    if not verify(body):
        log.warning("refused %s webhook with a missing or bad signature", kind)
        return HttpResponseForbidden("invalid signature")
    try:
        json.loads(body)
    except (ValueError, RecursionError) as exc:  # nesting deeper than the decoder goes
        log.warning("malformed %s webhook: %s", kind, exc)
        services.webhook_event_store_malformed(
            kind=kind, body=body, account=account, error=f"malformed JSON: {exc}"
        )
        return JsonResponse({"error": "malformed JSON"}, status=400)
    services.webhook_event_store(kind=kind, body=body, account=account)
    return HttpResponse("OK")
